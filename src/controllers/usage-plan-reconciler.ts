// One reconcile of one UsagePlan: key values from Secrets -> model -> identify (the only early write:
// the plan's id) -> owner check -> diff -> execute, filling in a pass; the pure usagePlanStatusFor
// turns it into the status and Events, written once. Parts of the spec that cannot be applied yet are
// left out and named in Ready; the rest converges. Key values travel only as Sensitive.
import type { V1Secret } from '@kubernetes/client-node';
import { PAUSE_ANNOTATION, type RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { UsagePlan } from '../api/usage-plan.js';
import { isGone } from '../aws/errors.js';
import type { SecretWriter } from '../kube/secrets.js';
import { OWNER_TAG } from '../model/build.js';
import { methodKey } from '../model/shapes.js';
import { buildUsagePlan, usagePlanOwner, type RestApiFacts } from '../model/usage-plan.js';
import { describeUsagePlanOperation, diffUsagePlan } from '../plan/usage-plan-diff.js';
import type { EventSpec } from '../status/rest-api-pass.js';
import { appliedEvents, usagePlanStatusFor, type UsagePlanPass } from '../status/usage-plan-status.js';
import { resolveKeyValues } from './api-key-values.js';
import type { ControllerContext, Outcome } from './context.js';
import { errorPolicy, outcomeOf, STALLED_RECHECK_MS, stalledBy, type Verdict } from './error-policy.js';
import { crossAccountVerdict, place, type Placed } from './placement.js';
import type { Placement } from '../model/placement.js';
import type { DiagnosisFacts, UsagePlanSnapshot } from './ports.js';
import { failure } from './rest-api-pass.js';
import { FINALIZER, regarding, usagePlanRef } from './refs.js';
import { kubeErrorText } from '../kube/errors.js';
import { withRetryListener } from '../aws/retry-notices.js';
import { retryReporterFor, type RetryReporter } from './retry-reporter.js';

export interface UsagePlanStores {
  getUsagePlan: (key: string) => UsagePlan | undefined;
  getRestApi: (key: string) => RestApi | undefined;
  restPathsOf: (namespace: string, restApiName: string) => RestPath[];
  secret: (namespace: string, name: string) => V1Secret | undefined;
}

const deleting = (o: { metadata: { deletionTimestamp?: string } }) => Boolean(o.metadata.deletionTimestamp);

export class UsagePlanReconciler {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly stores: UsagePlanStores,
    private readonly secrets: SecretWriter,
    /** Told which REST APIs a plan change touched (in the account and region of `facts`), so their paths are diagnosed again. */
    private readonly onPlanChanged: (namespace: string, restApiIds: string[], facts: DiagnosisFacts) => void = () => undefined,
  ) {}

  async reconcile(key: string): Promise<Outcome> {
    const plan = this.stores.getUsagePlan(key);
    if (!plan) return { kind: 'done' };
    // Its account and region first: nothing is called in AWS for a plan that may not go there.
    const placed = await place(this.ctx, plan, Boolean(plan.status?.usagePlanId));
    if (!placed.ok) {
      if (deleting(plan) && (plan.spec.deletionPolicy ?? 'Delete') === 'Retain') return this.delete(plan);
      return this.write(this.newPass(plan, { stopped: placed.failure }), undefined, undefined, placed.recheckInMs);
    }
    const inPlace = new UsagePlanReconciler(placed.ctx, this.stores, this.secrets, this.onPlanChanged);
    return inPlace.reconcilePlaced(plan, placed);
  }

  private newPass(plan: UsagePlan, extra: Partial<UsagePlanPass> = {}): UsagePlanPass {
    const owner = usagePlanOwner(plan.metadata.namespace ?? '', plan.metadata.name);
    return { now: this.ctx.now(), plan, owner, problems: [], operations: [], applied: 0, createdKeys: new Map(), keys: [], events: [], referenceGraceMs: this.ctx.settings.referenceGraceMs, ...(plan.status?.usagePlanId ? { usagePlanId: plan.status.usagePlanId } : {}), ...extra };
  }

  private async reconcilePlaced(plan: UsagePlan, placed: Placed & { ok: true }): Promise<Outcome> {
    if (deleting(plan)) return this.delete(plan);
    const stored = await this.ctx.writer.addFinalizer(usagePlanRef(plan), plan, FINALIZER);
    const crossing = this.crossAccount(stored, placed.placement);
    const retries = retryReporterFor<UsagePlan>(this.ctx, usagePlanRef(stored));
    const { pass, verdict, error } = crossing ? { pass: this.newPass(stored, { stopped: failure(crossing) }), verdict: crossing, error: undefined } : await withRetryListener(retries.listener, () => this.run(stored, retries));
    await retries.settle();
    pass.plan = retries.latest(pass.plan);
    pass.placed = { accountId: placed.accountId, region: placed.placement.region };
    return this.write(pass, verdict, error);
  }

  /** A RestApi in another account or region: AWS cannot link it. */
  private crossAccount(plan: UsagePlan, here: Placement): Verdict | undefined {
    const namespace = plan.metadata.namespace ?? '';
    const names = new Set((plan.spec.apiStages ?? []).map((s) => s.restApiRef.name));
    return crossAccountVerdict(this.ctx, { kind: 'UsagePlan', name: plan.metadata.name, placement: here }, [...names].map((n) => this.stores.getRestApi(`${namespace}/${n}`)));
  }

  private async write(pass: UsagePlanPass, verdict: Verdict | undefined, error: unknown, recheckInMs?: number): Promise<Outcome> {
    const result = usagePlanStatusFor(pass);
    await this.ctx.writer.updateStatus(usagePlanRef(pass.plan), pass.plan, result.status);
    // Its REST APIs list the plan's writes that wait for their pause: tell them when that changes.
    const waitingBefore = pass.plan.status?.conditions?.some((c) => c.type === 'Reconciling' && c.status === 'True' && c.reason === 'Paused') ?? false;
    if (waitingBefore !== result.status.conditions?.some((c) => c.type === 'Reconciling' && c.status === 'True' && c.reason === 'Paused')) {
      this.onPlanChanged(pass.plan.metadata.namespace ?? '', [...new Set(pass.desired?.plan.apiStages.map((s) => s.apiId) ?? [])], this.ctx.facts);
    }
    for (const e of result.events) await this.event(pass.plan, e);
    if (!verdict && pass.stopped?.progress.kind === 'stalled') return { kind: 'stalled', reason: pass.stopped.reason, message: pass.stopped.message, requeueAfterMs: STALLED_RECHECK_MS };
    return outcomeOf(verdict, error, result.recheckInMs ?? recheckInMs);
  }

  private facts(namespace: string, name: string): RestApiFacts | undefined {
    const api = this.stores.getRestApi(`${namespace}/${name}`);
    if (!api) return undefined;
    const methods = new Set(this.stores.restPathsOf(namespace, name).filter((p) => !deleting(p)).flatMap((p) => p.spec.methods.map((m) => methodKey(p.spec.path, m.httpMethod))));
    return { id: api.status?.id, declaredStages: (api.spec.stages ?? []).map((s) => s.name), readyStages: (api.status?.stages ?? []).map((s) => s.name), methods };
  }

  /** The phases, filling in the pass; the first failure's verdict decides what the queue does next. */
  private async run(plan: UsagePlan, retries?: RetryReporter<UsagePlan>): Promise<{ pass: UsagePlanPass; verdict?: Verdict; error?: unknown }> {
    const ctx = this.ctx;
    const namespace = plan.metadata.namespace ?? '';
    const pass = this.newPass(plan);
    const owner = pass.owner;
    const stop = (v: Verdict, error?: unknown) => {
      pass.stopped = failure(v);
      return { pass, verdict: v, ...(error !== undefined ? { error } : {}) };
    };
    let keyValues: Awaited<ReturnType<typeof resolveKeyValues>>;
    try {
      keyValues = await resolveKeyValues(plan, { secret: this.stores.secret, writer: this.secrets });
    } catch (error) {
      return stop(errorPolicy(error, 'Writing a generated API key into its Secret'), error);
    }
    for (const name of keyValues.generated) {
      const key = plan.spec.apiKeys?.find((k) => k.name === name);
      pass.events.push({ type: 'Normal', reason: 'SecretGenerated', action: 'Reconcile', note: `Generated a value for API key ${name} into Secret ${namespace}/${key?.generateInto?.secretName ?? ''}` });
    }
    const { desired, problems } = buildUsagePlan(
      { namespace, name: plan.metadata.name, spec: plan.spec, restApi: (n) => this.facts(namespace, n), keyValues: keyValues.values },
      { managedBy: ctx.settings.managedBy, defaultTags: ctx.settings.defaultTags },
    );
    pass.desired = desired;
    pass.problems = problems;
    // A pause on a RestApi the plan covers holds its writes to AWS too (not its Secrets: they are Kubernetes').
    const pausedBy = [...new Set((plan.spec.apiStages ?? []).map((s) => s.restApiRef.name))].filter((n) => this.stores.getRestApi(`${namespace}/${n}`)?.metadata.annotations?.[PAUSE_ANNOTATION] === 'true');
    if (pausedBy.length > 0 && !pass.usagePlanId) {
      const message = `The usage plan is not created while writes to AWS are paused by the annotation ${PAUSE_ANNOTATION}=true on RestApi ${pausedBy.join(', ')}.`;
      pass.stopped = { reason: 'Paused', message, progress: { kind: 'reconciling', reason: 'Paused', message } };
      return { pass };
    }
    let snapshot: UsagePlanSnapshot;
    try {
      snapshot = await this.identify(pass, desired);
    } catch (error) {
      return stop(errorPolicy(error, 'Reading or creating the usage plan', { operation: 'createUsagePlan' }), error);
    }
    pass.usagePlanId = snapshot.plan.id;
    pass.keys = snapshot.keys;
    // Its id is stored: from here on the plan may say that AWS calls are being retried.
    retries?.start(pass.plan);
    const planOwner = snapshot.plan.tags[OWNER_TAG];
    if (planOwner && planOwner !== owner) {
      return stop(stalledBy('OwnedByOther', `Usage plan ${snapshot.plan.id} belongs to ${planOwner} (tag ${OWNER_TAG}); the operator does not change it.`));
    }
    pass.operations = diffUsagePlan(desired, snapshot.plan, snapshot.keys);
    if (pausedBy.length > 0) {
      pass.paused = { by: pausedBy, waiting: pass.operations.map(describeUsagePlanOperation) };
      return { pass };
    }
    const result = await ctx.aws.executeUsagePlan(snapshot.plan.id, pass.operations);
    pass.applied = result.completed;
    pass.createdKeys = result.createdKeys;
    const applied = pass.operations.slice(0, result.completed);
    pass.events.push(...appliedEvents(plan, applied, pass.events.some((e) => e.reason === 'DriftCorrected')));
    if (applied.length > 0 || (plan.metadata.generation ?? 0) !== plan.status?.observedGeneration) {
      this.onPlanChanged(namespace, [...new Set([...desired.plan.apiStages, ...snapshot.plan.plan.apiStages].map((s) => s.apiId))], ctx.facts);
    }
    if (!result.failed) return { pass };
    const v = errorPolicy(result.failed.error, 'Applying the usage plan', { operation: result.failed.operation.kind });
    pass.executionFailure = { ...failure(v), message: v.detail, operation: describeUsagePlanOperation(result.failed.operation) };
    return { pass, verdict: v, error: result.failed.error };
  }

  /** The plan's id (recorded, or found/created by its owner tag; written at once) and its snapshot. */
  private async identify(pass: UsagePlanPass, desired: Parameters<ControllerContext['aws']['ensureUsagePlan']>[0]): Promise<UsagePlanSnapshot> {
    const aws = this.ctx.aws;
    const create = async (replacing?: string) => {
      const ensured = await aws.ensureUsagePlan(desired);
      // Written at once: a lost id would mean a second plan.
      pass.plan = await this.ctx.writer.updateStatus(usagePlanRef(pass.plan), pass.plan, { ...pass.plan.status, usagePlanId: ensured.id });
      if (replacing) pass.events.push({ type: 'Warning', reason: 'DriftCorrected', action: 'Reconcile', note: `Usage plan ${replacing} was deleted outside the operator; created ${ensured.id} in its place` });
      else if (ensured.created) pass.events.push({ type: 'Normal', reason: 'Created', action: 'Reconcile', note: `Created usage plan ${ensured.id} (${desired.plan.name})` });
      return ensured.id;
    };
    const id = pass.plan.status?.usagePlanId ?? (await create());
    try {
      return await aws.observeUsagePlan(id, pass.owner);
    } catch (error) {
      if (!isGone(error)) throw error;
      return aws.observeUsagePlan(await create(id), pass.owner);
    }
  }

  private async delete(plan: UsagePlan): Promise<Outcome> {
    const ctx = this.ctx;
    const namespace = plan.metadata.namespace ?? '';
    const id = plan.status?.usagePlanId;
    if ((plan.spec.deletionPolicy ?? 'Delete') === 'Delete') {
      try {
        if (id) await ctx.aws.deleteUsagePlan(id);
        // The plan's keys were the operator's (owner tag): they go with it, plan or no plan.
        const keys = await ctx.aws.ownedApiKeys(usagePlanOwner(namespace, plan.metadata.name));
        for (const k of keys) await ctx.aws.deleteApiKey(k.id);
        for (const key of plan.spec.apiKeys ?? []) {
          if (key.generateInto) await this.secrets.deleteOwned(namespace, key.generateInto.secretName, plan.metadata.uid ?? '', this.stores.secret(namespace, key.generateInto.secretName));
        }
        await this.event(plan, { type: 'Normal', reason: 'Deleted', action: 'Delete', note: `Deleted usage plan ${id ?? '(none created)'} and ${keys.length} API key(s)` });
        const ids = (plan.spec.apiStages ?? []).map((s) => this.stores.getRestApi(`${namespace}/${s.restApiRef.name}`)?.status?.id).filter((x): x is string => Boolean(x));
        this.onPlanChanged(namespace, ids, ctx.facts);
      } catch (error) {
        const v = errorPolicy(error, `Deleting usage plan ${id ?? ''}`);
        await this.event(plan, { type: 'Warning', reason: v.reason, action: 'Delete', note: v.message });
        return outcomeOf(v, error);
      }
    }
    await ctx.writer.removeFinalizer(usagePlanRef(plan), plan, FINALIZER);
    return { kind: 'done' };
  }

  private event(o: UsagePlan, e: EventSpec): Promise<void> {
    return this.ctx.events.record({ regarding: regarding(o), ...e }).catch((error: unknown) => {
      this.ctx.log.warn({ key: `${o.metadata.namespace ?? ''}/${o.metadata.name}`, kind: o.kind, err: kubeErrorText(error), reason: e.reason }, 'recording an Event failed');
    });
  }
}
