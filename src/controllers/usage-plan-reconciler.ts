// One reconcile of one UsagePlan: key values from Secrets -> model -> observe -> diff -> execute ->
// status + Events. Parts of the spec that cannot be applied yet (a RestApi or stage that does not
// exist, a method no RestPath declares, a missing Secret) are left out and named in Ready=False; the
// rest converges. Key values never reach a log line, status or Event: they travel as Sensitive.
import type { V1Secret } from '@kubernetes/client-node';
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { UsagePlan, UsagePlanStatus } from '../api/usage-plan.js';
import { AwsRequestError, classifyError, errorName } from '../aws/errors.js';
import { ApiKeyValueInUseError, deleteApiKey, deleteUsagePlan, ensureUsagePlan, executeUsagePlan, observeUsagePlan, ownedApiKeys, type UsagePlanSnapshot } from '../aws/usage-plans.js';
import { readyFrom, setConditions, transitions, type Finding } from '../kube/conditions.js';
import type { SecretWriter } from '../kube/secrets.js';
import { OWNER_TAG } from '../model/build.js';
import { methodKey } from '../model/shapes.js';
import { API_KEY_NAME_TAG, buildUsagePlan, usagePlanOwner, type Problem, type RestApiFacts } from '../model/usage-plan.js';
import { describeUsagePlanOperation, diffUsagePlan, type UsagePlanOperation } from '../plan/usage-plan-diff.js';
import { resolveKeyValues } from './api-key-values.js';
import type { ControllerContext, Outcome } from './context.js';
import { FINALIZER, regarding, usagePlanRef } from './refs.js';

export interface UsagePlanStores {
  getUsagePlan: (key: string) => UsagePlan | undefined;
  getRestApi: (key: string) => RestApi | undefined;
  restPathsOf: (namespace: string, restApiName: string) => RestPath[];
  secret: (namespace: string, name: string) => V1Secret | undefined;
}

const deleting = (o: { metadata: { deletionTimestamp?: string } }) => Boolean(o.metadata.deletionTimestamp);

/** AWS's account quotas on usage plans and API keys (aws-quotas.md), recognized in AWS's refusals. */
function limitReason(operation: UsagePlanOperation['kind'] | 'createUsagePlan', error: unknown): Problem | undefined {
  const message = error instanceof AwsRequestError ? error.awsMessage : (error as Error).message;
  const limited = error instanceof AwsRequestError && (error.code === 'LimitExceededException' || /limit|maximum|exceed/i.test(message));
  if (!limited) return undefined;
  if (operation === 'createUsagePlan') return { reason: 'UsagePlanLimitReached', message: `AWS refused to create the usage plan: ${message}. An account has at most 300 usage plans per Region; delete unused ones (aws apigateway get-usage-plans).` };
  if (operation === 'createApiKey') return { reason: 'ApiKeyLimitReached', message: `AWS refused to create an API key: ${message}. An account has at most 10,000 API keys per Region; delete unused ones (aws apigateway get-api-keys).` };
  return undefined;
}

export class UsagePlanReconciler {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly stores: UsagePlanStores,
    private readonly secrets: SecretWriter,
    /** Told which REST APIs a plan change touched, so their paths are diagnosed again. */
    private readonly onPlanChanged: (namespace: string, restApiIds: string[]) => void = () => undefined,
  ) {}

  async reconcile(key: string): Promise<Outcome> {
    const plan = this.stores.getUsagePlan(key);
    if (!plan) return { kind: 'done' };
    if (deleting(plan)) return this.delete(plan);
    return this.converge(plan);
  }

  private facts(namespace: string, name: string): RestApiFacts | undefined {
    const api = this.stores.getRestApi(`${namespace}/${name}`);
    if (!api) return undefined;
    const methods = new Set(
      this.stores.restPathsOf(namespace, name).filter((p) => !deleting(p)).flatMap((p) => p.spec.methods.map((m) => methodKey(p.spec.path, m.httpMethod))),
    );
    return {
      id: api.status?.id,
      declaredStages: (api.spec.stages ?? []).map((s) => s.name),
      readyStages: (api.status?.stages ?? []).map((s) => s.name),
      methods,
    };
  }

  private async converge(input: UsagePlan): Promise<Outcome> {
    const ctx = this.ctx;
    const namespace = input.metadata.namespace ?? '';
    let plan = await ctx.writer.addFinalizer(usagePlanRef(input), input, FINALIZER);
    const owner = usagePlanOwner(namespace, plan.metadata.name);

    let keyValues: Awaited<ReturnType<typeof resolveKeyValues>>;
    try {
      keyValues = await resolveKeyValues(plan, { secret: this.stores.secret, writer: this.secrets });
    } catch (error) {
      return this.failed(plan, error, 'Writing a generated API key into its Secret');
    }
    for (const name of keyValues.generated) {
      const key = plan.spec.apiKeys?.find((k) => k.name === name);
      await this.event(plan, 'Normal', 'SecretGenerated', 'Reconcile', `Generated a value for API key ${name} into Secret ${namespace}/${key?.generateInto?.secretName ?? ''}`);
    }
    const { desired, problems } = buildUsagePlan(
      { namespace, name: plan.metadata.name, spec: plan.spec, restApi: (n) => this.facts(namespace, n), keyValues: keyValues.values },
      { managedBy: ctx.settings.managedBy, defaultTags: ctx.settings.defaultTags },
    );

    let snapshot: UsagePlanSnapshot;
    try {
      let id = plan.status?.usagePlanId;
      if (!id) {
        const ensured = await ensureUsagePlan(ctx.caller, ctx.clients, desired);
        id = ensured.id;
        // Written at once: a lost id would mean a second plan.
        plan = await ctx.writer.updateStatus(usagePlanRef(plan), plan, { ...plan.status, usagePlanId: id });
        if (ensured.created) await this.event(plan, 'Normal', 'Created', 'Reconcile', `Created usage plan ${id} (${desired.plan.name})`);
      }
      try {
        snapshot = await observeUsagePlan(ctx.caller, ctx.clients, id, owner);
      } catch (error) {
        if (classifyError(error) !== 'notFound') throw error;
        const ensured = await ensureUsagePlan(ctx.caller, ctx.clients, desired);
        plan = await ctx.writer.updateStatus(usagePlanRef(plan), plan, { ...plan.status, usagePlanId: ensured.id });
        await this.event(plan, 'Warning', 'DriftCorrected', 'Reconcile', `Usage plan ${id} was deleted outside the operator; created ${ensured.id} in its place`);
        snapshot = await observeUsagePlan(ctx.caller, ctx.clients, ensured.id, owner);
      }
    } catch (error) {
      const limit = limitReason('createUsagePlan', error);
      if (limit) return this.stalled(plan, limit);
      return this.failed(plan, error, 'Reading or creating the usage plan');
    }
    const planOwner = snapshot.plan.tags[OWNER_TAG];
    if (planOwner && planOwner !== owner) {
      return this.stalled(plan, { reason: 'OwnedByOther', message: `Usage plan ${snapshot.plan.id} belongs to ${planOwner} (tag ${OWNER_TAG}); the operator does not change it.` });
    }

    const operations = diffUsagePlan(desired, snapshot.plan, snapshot.keys);
    const result = await executeUsagePlan(ctx.caller, ctx.clients, snapshot.plan.id, operations);
    const applied = operations.slice(0, result.completed);
    await this.reportApplied(plan, applied);
    if (applied.length > 0 || (plan.metadata.generation ?? 0) !== plan.status?.observedGeneration) {
      const touched = new Set([...desired.plan.apiStages, ...snapshot.plan.plan.apiStages].map((s) => s.apiId));
      this.onPlanChanged(namespace, [...touched]);
    }

    let synced: Finding;
    if (!result.failed) synced = { type: 'Synced', status: 'True', reason: 'Synced', message: `Usage plan ${snapshot.plan.id} matches the spec.` };
    else {
      const { operation, error } = result.failed;
      const limit = limitReason(operation.kind, error);
      const why = error instanceof AwsRequestError ? error.awsMessage : (error as Error).message;
      synced = {
        type: 'Synced',
        status: 'False',
        reason: limit?.reason ?? (error instanceof ApiKeyValueInUseError ? 'ApiKeyValueInUse' : error instanceof AwsRequestError ? error.code : errorName(error)),
        message:
          limit?.message ??
          `${result.completed} of ${result.total} changes applied; stopped at "${describeUsagePlanOperation(operation)}": ${why}. The rest is applied on the next attempt; nothing applied so far is undone.`,
      };
    }
    const problem: Finding | undefined = problems[0] && {
      type: 'Ready',
      status: 'False',
      reason: problems[0].reason,
      message: problems.map((p) => p.message).join(' '),
    };
    const ready = problem && synced.status === 'True' ? problem : readyFrom([synced], { reason: 'Ready', message: `Usage plan ${snapshot.plan.id} covers ${desired.plan.apiStages.length} stage(s) with ${desired.keys.length} API key(s).` });

    // Keys as they are after this run: a key created now, else the observed key holding the value.
    const status: UsagePlanStatus = {
      ...plan.status,
      usagePlanId: snapshot.plan.id,
      apiKeys: desired.keys.map((k) => {
        const created = result.createdKeys.get(k.name);
        const mine = snapshot.keys.filter((o) => o.tags[OWNER_TAG] === owner && o.tags[API_KEY_NAME_TAG] === k.name);
        const current = created ? undefined : (k.value ? mine.find((o) => k.value!.equals(o.value)) : mine[0]);
        const id = created ?? current?.id;
        const updated = !result.failed || applied.some((op) => op.kind === 'updateApiKey' && op.keyId === id);
        const enabled = created ? k.enabled : current ? (updated ? k.enabled : current.enabled) : undefined;
        return { name: k.name, ...(id ? { id } : {}), ...(enabled !== undefined ? { enabled } : {}) };
      }),
      observedGeneration: plan.metadata.generation ?? 0,
    };
    await this.writeStatus(plan, status, [synced, ready]);
    if (result.failed) return classifyError(result.failed.error) === 'badRequest' || limitReason(result.failed.operation.kind, result.failed.error) ? { kind: 'done', requeueAfterMs: 5 * 60_000 } : { kind: 'retry', error: result.failed.error };
    return { kind: 'done' };
  }

  /** One Event per kind of change: keys created, rotated, removed; plan settings updated. */
  private async reportApplied(plan: UsagePlan, applied: UsagePlanOperation[]): Promise<void> {
    if (applied.length === 0) return;
    const specChanged = plan.metadata.generation !== plan.status?.observedGeneration;
    const rotated = applied.filter((op) => op.kind === 'createApiKey' && op.replaces);
    const settings = applied.filter((op) => ['updateUsagePlan', 'tagUsagePlan', 'untagUsagePlan'].includes(op.kind));
    for (const op of rotated) await this.event(plan, 'Normal', 'ApiKeyRotated', 'Reconcile', describeUsagePlanOperation(op));
    const rest = applied.filter((op) => !rotated.includes(op) && !(settings.includes(op) && !specChanged));
    if (rest.length > 0) {
      const summary = rest.slice(0, 6).map(describeUsagePlanOperation).join('; ');
      await this.event(plan, 'Normal', 'Updated', 'Reconcile', `Applied ${rest.length} change(s): ${summary}${rest.length > 6 ? '; ...' : ''}`);
    }
    if (settings.length > 0 && !specChanged) {
      await this.event(plan, 'Warning', 'DriftCorrected', 'Reconcile', `Usage plan differed from the spec without a spec change; restored: ${settings.map(describeUsagePlanOperation).join('; ')}`);
    }
  }

  private async delete(plan: UsagePlan): Promise<Outcome> {
    const ctx = this.ctx;
    const namespace = plan.metadata.namespace ?? '';
    const id = plan.status?.usagePlanId;
    if ((plan.spec.deletionPolicy ?? 'Delete') === 'Delete') {
      try {
        const owner = usagePlanOwner(namespace, plan.metadata.name);
        if (id) await deleteUsagePlan(ctx.caller, ctx.clients, id);
        // The plan's keys were the operator's (owner tag): they go with it, plan or no plan.
        const keys = await ownedApiKeys(ctx.caller, ctx.clients, owner);
        for (const k of keys) await deleteApiKey(ctx.caller, ctx.clients, k.id);
        for (const key of plan.spec.apiKeys ?? []) {
          if (key.generateInto) await this.secrets.deleteOwned(namespace, key.generateInto.secretName, plan.metadata.uid ?? '', this.stores.secret(namespace, key.generateInto.secretName));
        }
        await this.event(plan, 'Normal', 'Deleted', 'Delete', `Deleted usage plan ${id ?? '(none created)'} and ${keys.length} API key(s)`);
        const ids = (plan.spec.apiStages ?? []).map((s) => this.stores.getRestApi(`${namespace}/${s.restApiRef.name}`)?.status?.id).filter((x): x is string => Boolean(x));
        this.onPlanChanged(namespace, ids);
      } catch (error) {
        await this.event(plan, 'Warning', errorName(error), 'Delete', `Deleting usage plan ${id ?? ''} failed: ${(error as Error).message}`);
        return { kind: 'retry', error };
      }
    }
    await ctx.writer.removeFinalizer(usagePlanRef(plan), plan, FINALIZER);
    return { kind: 'done' };
  }

  private async writeStatus(plan: UsagePlan, status: UsagePlanStatus, findings: Finding[]): Promise<void> {
    const conditions = setConditions(plan.status?.conditions, findings, plan.metadata.generation ?? 0, this.ctx.now());
    await this.ctx.writer.updateStatus(usagePlanRef(plan), plan, { ...status, conditions });
    // One Event per new reason: Ready repeats Synced's reason when that is what blocks it.
    const reasons = new Set<string>();
    for (const c of transitions(plan.status?.conditions, conditions).filter((x) => x.status === 'False')) {
      if (reasons.has(c.reason)) continue;
      reasons.add(c.reason);
      await this.event(plan, 'Warning', c.reason, 'Reconcile', c.message);
    }
  }

  private async stalled(plan: UsagePlan, problem: Problem): Promise<Outcome> {
    const finding: Finding = { type: 'Ready', status: 'False', ...problem };
    await this.writeStatus(plan, { ...plan.status, observedGeneration: plan.metadata.generation ?? 0 }, [{ ...finding, type: 'Synced' }, finding]);
    return { kind: 'done', requeueAfterMs: 5 * 60_000 };
  }

  private async failed(plan: UsagePlan, error: unknown, what: string): Promise<Outcome> {
    const finding: Finding = { type: 'Synced', status: 'False', reason: errorName(error), message: `${what} failed: ${(error as Error).message}` };
    await this.writeStatus(plan, { ...plan.status }, [finding, { ...finding, type: 'Ready' }]);
    return classifyError(error) === 'badRequest' ? { kind: 'done', requeueAfterMs: 5 * 60_000 } : { kind: 'retry', error };
  }

  private event(o: UsagePlan, type: 'Normal' | 'Warning', reason: string, action: string, note: string): Promise<void> {
    return this.ctx.events.record({ regarding: regarding(o), type, reason, action, note }).catch((error: unknown) => {
      this.ctx.log.warn({ key: `${o.metadata.namespace ?? ''}/${o.metadata.name}`, kind: o.kind, err: (error as Error).message, reason }, 'recording an Event failed');
    });
  }
}
