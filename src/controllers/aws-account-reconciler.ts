// One look at an AwsAccount: assume its role (or reuse credentials that are still good) and say so in
// its status. Credentials are renewed when this comes round again, five minutes before they expire, so
// objects rarely wait for an AssumeRole. When the role cannot be assumed, it is tried again every 30 s;
// the manager re-queues the account's objects when it becomes Ready again.
import type { AwsAccount } from '../api/aws-account.js';
import { AssumeRoleError, RENEW_BEFORE_MS } from '../aws/role-session.js';
import { kubeErrorText } from '../kube/errors.js';
import { awsAccountStatusFor, type AwsAccountPass } from '../status/aws-account-status.js';
import type { ControllerContext, Outcome } from './context.js';
import { errorPolicy, progressOf } from './error-policy.js';
import { awsAccountRef, regarding } from './refs.js';

export const ACCOUNT_RECHECK_MS = 30_000;

export class AwsAccountReconciler {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly getAwsAccount: (name: string) => AwsAccount | undefined,
  ) {}

  async reconcile(name: string): Promise<Outcome> {
    const account = this.getAwsAccount(name);
    if (!account || account.metadata.deletionTimestamp) return { kind: 'done' };
    const pass: AwsAccountPass = { now: this.ctx.now(), account };
    try {
      pass.session = await this.ctx.targets.session(name, account.spec);
    } catch (error) {
      if (!(error instanceof AssumeRoleError)) return { kind: 'retry', error };
      const v = errorPolicy(error, `Assuming the role of AwsAccount ${name}`);
      pass.failure = { reason: v.reason, message: v.detail, progress: progressOf({ ...v, message: v.detail }) };
    }
    const result = awsAccountStatusFor(pass);
    await this.ctx.writer.updateStatus(awsAccountRef(account), account, result.status);
    for (const e of result.events) {
      await this.ctx.events.record({ regarding: regarding(account), ...e }).catch((error: unknown) => this.ctx.log.warn({ key: name, kind: 'AwsAccount', err: kubeErrorText(error) }, 'recording an Event failed'));
    }
    if (pass.failure) return { kind: 'stalled', reason: pass.failure.reason, message: pass.failure.message, requeueAfterMs: ACCOUNT_RECHECK_MS };
    // Back when the credentials are due for renewal: renewed here, not in the middle of someone's pass.
    const renewIn = (pass.session?.expiresAt.getTime() ?? 0) - RENEW_BEFORE_MS - this.ctx.now().getTime();
    return { kind: 'done', requeueAfterMs: Math.max(1000, renewIn + 1000) };
  }
}
