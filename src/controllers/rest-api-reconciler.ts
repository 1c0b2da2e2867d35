// One reconcile of one REST API and every RestPath that references it (architecture.md's line):
// the phases fill in a pass (rest-api-pass.ts, external-api-pass.ts), the pure statusFor turns it into
// each object's status and Events, and each object is written once. The error policy's verdict on
// the first failure is what the queue does next. Work on one API is serialized by the queue key.
import { deleteClientCertificatesOf } from './client-certificates.js';
import { PAUSE_ANNOTATION, type RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { UsagePlan } from '../api/usage-plan.js';
import { isGone } from '../aws/errors.js';
import { OWNER_TAG, ownerRef } from '../model/build.js';
import { executionRoleName } from '../model/roles.js';
import { keyOfPath, pendingUsagePlans } from '../model/from-objects.js';
import { bulkSettleWaitMs } from '../plan/bulk-settle.js';
import { union } from '../plan/ledger.js';
import { authorizersWithRole } from '../plan/role-diff.js';
import { emptyPass, type EventSpec, type Failure, type RestApiPass } from '../status/rest-api-pass.js';
import { restApiStatusFor } from '../status/rest-api-status.js';
import { awaitingReference } from '../status/summary.js';
import type { ControllerContext, Outcome, Trigger } from './context.js';
import { errorPolicy, outcomeOf, STALLED_RECHECK_MS } from './error-policy.js';
import { place } from './placement.js';
import { deleteAuthorizerRoles } from './execution-roles.js';
import { externalPass } from './external-api-pass.js';
import { isPaused, managedPass } from './rest-api-pass.js';
import { EXTERNAL_KEY_PREFIX, FINALIZER, regarding, restApiRef, restPathRef } from './refs.js';
import { kubeErrorText } from '../kube/errors.js';
import { withRetryListener } from '../aws/retry-notices.js';
import { retryReporterFor } from './retry-reporter.js';

export interface ApiStores {
  getRestApi: (key: string) => RestApi | undefined;
  restPathsOf: (namespace: string, restApiName: string) => RestPath[];
  usagePlansIn: (namespace: string) => UsagePlan[];
}

const deleting = (o: { metadata: { deletionTimestamp?: string } }) => Boolean(o.metadata.deletionTimestamp);

/** UsagePlans covering this RestApi whose writes wait for its pause, as the pause message lists them. */
function plansWaitingFor(restApiName: string, plans: readonly UsagePlan[]): string[] {
  return plans
    .filter((p) => (p.spec.apiStages ?? []).some((s) => s.restApiRef.name === restApiName))
    .filter((p) => p.status?.conditions?.some((c) => c.type === 'Reconciling' && c.status === 'True' && c.reason === 'Paused'))
    .map((p) => `changes to UsagePlan ${p.metadata.name} (see its Synced condition)`);
}

/** Deleting the API (Delete policy, created) or a deleted path's execution role needs AWS. */
function callsAwsToDelete(api: RestApi, all: readonly RestPath[]): boolean {
  const policy = api.spec.deletionPolicy ?? (api.spec.adoptId ? 'Retain' : 'Delete');
  const roles = all.some((p) => deleting(p) && p.spec.executionRole && (p.spec.deletionPolicy ?? 'Delete') === 'Delete');
  return roles || (policy === 'Delete' && Boolean(api.status?.id));
}

export class RestApiReconciler {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly stores: ApiStores,
  ) {}

  async reconcile(key: string, trigger: Trigger = 'requested'): Promise<Outcome> {
    const [namespace = '', name = ''] = key.split('/');
    const all = this.stores.restPathsOf(namespace, name);
    if (name.startsWith(EXTERNAL_KEY_PREFIX)) {
      const paths = await this.withFinalizers(all.filter((p) => !deleting(p)));
      const out = await externalPass(this.ctx, namespace, name.slice(EXTERNAL_KEY_PREFIX.length), paths, all.filter(deleting), trigger);
      if (out.releasePaths) await this.release(all.filter(deleting));
      await this.write(out.pass, undefined);
      return outcomeOf(out.verdict, out.error, out.pass.recheckInMs);
    }
    const api = this.stores.getRestApi(key);
    if (!api) return this.withoutRestApi(namespace, name, all);
    // Its account and region first: nothing is called in AWS for an API that may not go there.
    const placed = await place(this.ctx, api, Boolean(api.status?.id));
    if (!placed.ok) {
      // A deletion that calls nothing in AWS need not wait for the account (the admin may have removed it first).
      if (deleting(api) && !callsAwsToDelete(api, all)) return this.deleteApi(api, all);
      return this.unplaced(api, all, placed.failure, placed.recheckInMs);
    }
    const inPlace = new RestApiReconciler(placed.ctx, this.stores);
    return inPlace.reconcilePlaced(api, all, placed.accountId, trigger);
  }

  /** One pass over a RestApi whose account and region are known (this.ctx is theirs). */
  private async reconcilePlaced(api: RestApi, all: RestPath[], accountId: string, trigger: Trigger): Promise<Outcome> {
    const namespace = api.metadata.namespace ?? '';
    const name = api.metadata.name;
    if (deleting(api)) return this.deleteApi(api, all);
    const settle = this.settleWaitMs(api, all);
    if (settle > 0) return { kind: 'done', requeueAfterMs: settle };
    const stored = await this.ctx.writer.addFinalizer(restApiRef(api), api, FINALIZER);
    const paths = await this.withFinalizers(all.filter((p) => !deleting(p)));
    const plans = this.stores.usagePlansIn(namespace);
    const retries = retryReporterFor<RestApi>(this.ctx, restApiRef(api));
    const out = await withRetryListener(retries.listener, () => managedPass(this.ctx, stored, paths, all.filter(deleting), trigger, pendingUsagePlans(name, plans), plansWaitingFor(name, plans), retries));
    await retries.settle();
    const p = out.pass;
    p.accountId = accountId;
    if (!p.stopped && !p.paused && !p.executionFailure) await this.release(all.filter(deleting));
    await this.write(p, retries.latest(out.api ?? stored));
    return outcomeOf(out.verdict, out.error, p.recheckInMs);
  }

  /** While a new API's first RestPaths are still being applied, nothing is written: they are created together, in one call. */
  private settleWaitMs(api: RestApi, all: readonly RestPath[]): number {
    if (this.ctx.settings.bulkCreate === false || isPaused(api)) return 0;
    // The CRD defaults status to { observedGeneration: 0 }: a RestPath no pass has written yet.
    const arriving = all.filter((p) => !deleting(p)).map((p) => ({ ...(p.metadata.creationTimestamp ? { createdAt: p.metadata.creationTimestamp } : {}), seen: (p.status?.observedGeneration ?? 0) > 0 || (p.status?.conditions?.length ?? 0) > 0 }));
    const waitMs = bulkSettleWaitMs(arriving, this.ctx.now(), this.ctx.settings.bulkCreateSettleMs ?? 0);
    if (waitMs > 0) this.ctx.log.info({ key: `${api.metadata.namespace ?? ''}/${api.metadata.name}`, restPaths: arriving.length, waitMs }, 'waiting for RestPaths still being applied, to create them in one call');
    return waitMs;
  }

  /** The API cannot be placed (account missing or not allowed, role not assumable): said on it and its paths. */
  private async unplaced(api: RestApi, all: RestPath[], failure: Failure, recheckInMs: number | undefined): Promise<Outcome> {
    const pass = emptyPass(this.ctx.now(), api.status?.region ?? api.spec.region ?? '', all.filter((p) => !deleting(p)), api);
    pass.stopped = failure;
    await this.write(pass, api);
    if (failure.progress.kind === 'stalled') return { kind: 'stalled', reason: failure.reason, message: failure.message, requeueAfterMs: STALLED_RECHECK_MS };
    return { kind: 'done', ...(recheckInMs !== undefined ? { requeueAfterMs: recheckInMs } : {}) };
  }

  private async withFinalizers(paths: RestPath[]): Promise<RestPath[]> {
    const out: RestPath[] = [];
    for (const p of paths) out.push(await this.ctx.writer.addFinalizer(restPathRef(p), p, FINALIZER));
    return out;
  }

  /** RestPaths naming a RestApi that does not exist (yet): waited for, then Stalled; deleted ones may go. */
  private async withoutRestApi(namespace: string, name: string, all: RestPath[]): Promise<Outcome> {
    await this.release(all.filter(deleting));
    let recheck: number | undefined;
    for (const path of all.filter((p) => !deleting(p))) {
      const pass = emptyPass(this.ctx.now(), this.ctx.aws.region, [path]);
      const message = `RestApi ${name} does not exist in namespace ${namespace}; this path is applied once it does.`;
      const waited = awaitingReference(path.status?.conditions, 'RestApiNotFound', message, pass.now, this.ctx.settings.referenceGraceMs);
      pass.stopped = { reason: 'RestApiNotFound', message, progress: waited.progress };
      if (waited.recheckInMs !== undefined) recheck = Math.min(recheck ?? Infinity, waited.recheckInMs);
      await this.write(pass, undefined);
    }
    return { kind: 'done', ...(recheck !== undefined ? { requeueAfterMs: recheck } : {}) };
  }

  private async deleteApi(api: RestApi, all: RestPath[]): Promise<Outcome> {
    const policy = api.spec.deletionPolicy ?? (api.spec.adoptId ? 'Retain' : 'Delete');
    const pass = emptyPass(this.ctx.now(), this.ctx.aws.region, [], api);
    if (policy === 'Delete' && isPaused(api)) {
      // Paused means no writes to AWS, deletes included: the finalizer holds until the pause ends.
      const message = `Deleting REST API ${api.status?.id ?? ''} waits: writes to AWS are paused by the annotation ${PAUSE_ANNOTATION}=true. Remove it to let the deletion go ahead.`;
      pass.stopped = { reason: 'Paused', message, progress: { kind: 'reconciling', reason: 'Paused', message } };
      await this.write(pass, api);
      return { kind: 'done' };
    }
    if (policy === 'Delete' && api.status?.id) {
      try {
        // Never delete what another object owns (an adopted API may carry someone else's owner tag).
        const owner = await this.ctx.aws.observeApi(api.status.id).then((o) => o.tags[OWNER_TAG], (error: unknown) => {
          if (isGone(error)) return undefined;
          throw error;
        });
        if (owner && owner !== ownerRef(api.metadata.namespace ?? '', 'RestApi', api.metadata.name)) {
          await this.event(api, { type: 'Warning', reason: 'OwnedByOther', action: 'Delete', note: `REST API ${api.status.id} belongs to ${owner} (tag ${OWNER_TAG}); it is left in AWS.` });
          await this.release(all.filter(deleting));
          await this.ctx.writer.removeFinalizer(restApiRef(api), api, FINALIZER);
          return { kind: 'done' };
        }
        await this.ctx.aws.deleteRestApi(api.status.id);
        await deleteClientCertificatesOf(this.ctx, api);
        await deleteAuthorizerRoles(this.ctx, api, union(api.status.ownership?.authorizers, authorizersWithRole(api).map((a) => a.name)));
      } catch (error) {
        const v = errorPolicy(error, `Deleting REST API ${api.status.id}`);
        await this.event(api, { type: 'Warning', reason: v.reason, action: 'Delete', note: v.message });
        return outcomeOf(v, error);
      }
      await this.event(api, { type: 'Normal', reason: 'Deleted', action: 'Delete', note: `Deleted REST API ${api.status.id}` });
    }
    // Its paths went with it; deleted ones may go now (with their roles), the others wait for a RestApi.
    await this.release(all.filter(deleting));
    await this.ctx.writer.removeFinalizer(restApiRef(api), api, FINALIZER);
    return { kind: 'done' };
  }

  /** Deleted RestPaths: their role goes too (unless Retain), then their finalizer. */
  private async release(paths: RestPath[]): Promise<void> {
    for (const path of paths) {
      if (path.spec.executionRole && (path.spec.deletionPolicy ?? 'Delete') === 'Delete') {
        await this.ctx.aws.deleteRole(executionRoleName(path.metadata.namespace ?? '', path.metadata.name));
      }
      await this.ctx.writer.removeFinalizer(restPathRef(path), path, FINALIZER);
    }
  }

  /** One status write per object, then its Events. */
  private async write(pass: RestApiPass, api: RestApi | undefined): Promise<void> {
    const results = restApiStatusFor(api ? { ...pass, api } : pass);
    if (api && results.api) {
      await this.ctx.writer.updateStatus(restApiRef(api), api, results.api.status);
      for (const e of results.api.events) await this.event(api, e);
    }
    for (const path of pass.paths) {
      const r = results.paths.get(keyOfPath(path));
      if (!r) continue;
      await this.ctx.writer.updateStatus(restPathRef(path), path, r.status);
      for (const e of r.events) await this.event(path, e);
    }
  }

  private event(o: RestApi | RestPath, e: EventSpec): Promise<void> {
    return this.ctx.events.record({ regarding: regarding(o), ...e }).catch((error: unknown) => {
      this.ctx.log.warn({ key: `${o.metadata.namespace ?? ''}/${o.metadata.name}`, kind: o.kind, err: kubeErrorText(error), reason: e.reason }, 'recording an Event failed');
    });
  }
}
