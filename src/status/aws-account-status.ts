// An AwsAccount's status from one look at its session, pure: whether the operator can assume the role
// (Ready, or Stalled with AWS's reason and the command to check), the session and when it expires.
import type { AwsAccount, AwsAccountStatus } from '../api/aws-account.js';
import { describeSelector } from '../model/label-selector.js';
import { setConditions, transitions } from './conditions.js';
import type { EventSpec, Failure } from './rest-api-pass.js';
import { CURRENT, summaryConditions } from './summary.js';

export interface AwsAccountPass {
  now: Date;
  account: AwsAccount;
  session?: { assumedRoleArn: string; expiresAt: Date };
  failure?: Failure;
}

export function awsAccountStatusFor(pass: AwsAccountPass): { status: AwsAccountStatus; events: EventSpec[] } {
  const { account, session, failure } = pass;
  const generation = account.metadata.generation ?? 0;
  const spec = account.spec;
  const whenReady = {
    reason: 'RoleAssumed',
    message:
      `Assumed ${spec.roleArn}${session ? ` (session ${session.assumedRoleArn}, renewed before ${session.expiresAt.toISOString()})` : ''}. ` +
      `Objects in namespaces selected by ${describeSelector(spec.namespaceSelector)} may use it in ${spec.regions.join(', ')}.`,
  };
  const findings = summaryConditions(failure ? failure.progress : CURRENT, [], whenReady, generation);
  const conditions = setConditions(account.status?.conditions, findings, generation, pass.now);
  const { assumedRoleArn: _a, credentialsExpireAt: _e, ...rest } = account.status ?? {};
  const status: AwsAccountStatus = {
    ...rest,
    ...(session ? { assumedRoleArn: session.assumedRoleArn, credentialsExpireAt: session.expiresAt.toISOString() } : {}),
    observedGeneration: generation,
    conditions,
  };
  const events: EventSpec[] = [];
  for (const c of transitions(account.status?.conditions, conditions)) {
    if (c.type === 'Stalled' && c.status === 'True') events.push({ type: 'Warning', reason: c.reason, action: 'AssumeRole', note: c.message });
    const before = account.status?.conditions?.find((x) => x.type === 'Ready');
    if (c.type === 'Ready' && c.status === 'True' && before?.status === 'False') events.push({ type: 'Normal', reason: 'RoleAssumed', action: 'AssumeRole', note: c.message });
  }
  return { status, events };
}
