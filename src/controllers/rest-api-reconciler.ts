// One reconcile of one REST API and every RestPath that references it: the line from
// architecture.md. model -> observe -> diff -> execute -> deploy -> status + Events. Work on one API
// is serialized by the queue key; the snapshot is shared by all its paths.
import type { Condition, Ownership } from '../api/common.js';
import type { RestApi, RestApiStatus } from '../api/rest-api.js';
import type { RestPath, RestPathStatus } from '../api/rest-path.js';
import { AwsRequestError, classifyError, errorName } from '../aws/errors.js';
import { executePlan, type ExecutionResult } from '../aws/execute.js';
import { observeApi } from '../aws/observe.js';
import { deleteRestApi, ensureRestApi } from '../aws/rest-api.js';
import type { DiagnoseReads } from '../aws/diagnose-reads.js';
import { observeStages } from '../aws/stages.js';
import { RUNBOOK_CONDITIONS, type ConditionFinding } from '../diagnose/index.js';
import { deleteRole } from '../aws/iam.js';
import { executionRoleName } from '../model/roles.js';
import { readyFrom, setConditions, transitions, type Finding } from '../kube/conditions.js';
import { buildDesired, OWNER_TAG, ownerRef, type RestPathInput } from '../model/build.js';
import { methodKey } from '../model/shapes.js';
import type { DesiredApi, ObservedApi, OwnershipLedger } from '../model/state.js';
import { diff } from '../plan/diff.js';
import { describeOperation, type Operation } from '../plan/operations.js';
import { simulate } from '../plan/simulate.js';
import { STAGE_DEFAULT } from '../plan/stages.js';
import { diagnoseApi, type LiveStage } from './path-diagnosis.js';
import { deployStages, liveStages } from './stage-deployer.js';
import { ensureRoles, recordedRoles, type ExecutionRoles } from './execution-roles.js';
import { ledgerOfObjects, union } from './api-state.js';
import type { ControllerContext, Outcome } from './context.js';
import { EXTERNAL_KEY_PREFIX, FINALIZER, invokeUrl, pathKey, regarding, restApiRef, restPathRef } from './refs.js';

export interface ApiStores {
  getRestApi: (key: string) => RestApi | undefined;
  restPathsOf: (namespace: string, restApiName: string) => RestPath[];
}

const deleting = (o: { metadata: { deletionTimestamp?: string } }) => Boolean(o.metadata.deletionTimestamp);

/** On a RestApi: "true" stops all writes to AWS for it and its paths; observing and diagnosing go on. */
export const PAUSE_ANNOTATION = 'restpath.dev/paused';

/**
 * What a failed reconcile asks of the queue: AWS refusing a request as invalid will refuse it again,
 * so look again in 5 minutes (or at the next spec change); anything else is retried with backoff.
 * `soon`: retry even a bad request (e.g. a role IAM created a moment ago may not be usable yet).
 */
function afterFailure(error: unknown, soon = false): Outcome {
  return classifyError(error) === 'badRequest' && !soon ? { kind: 'done', requeueAfterMs: 5 * 60_000 } : { kind: 'retry', error };
}

/** The part of the API's ledger each RestPath keeps in its status. */
function pathOwnership(desired: DesiredApi, path: RestPath, previous: Ownership | undefined, completed: boolean): Ownership {
  const key = pathKey(path);
  const methods = [...desired.methods, ...desired.pending].filter((m) => m.owner === key).map((m) => methodKey(m.path, m.httpMethod));
  const resources = desired.resources.filter((r) => r.neededBy.includes(key)).map((r) => r.path);
  return completed
    ? { methods: union(methods), resources: union(resources) }
    : { methods: union(methods, previous?.methods), resources: union(resources, previous?.resources) };
}

function failureMessage(result: ExecutionResult): { reason: string; message: string } {
  const failed = result.failed;
  if (!failed) return { reason: 'Synced', message: '' };
  const aws = failed.error instanceof AwsRequestError ? failed.error.awsMessage : (failed.error as Error).message;
  return {
    reason: failed.error instanceof AwsRequestError ? failed.error.code : errorName(failed.error),
    message:
      `${result.completed} of ${result.total} operations applied; stopped at "${describeOperation(failed.operation)}": ${aws}. ` +
      'The rest is applied on the next attempt; nothing applied so far is undone.',
  };
}

export class RestApiReconciler {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly stores: ApiStores,
    private readonly reads: DiagnoseReads,
  ) {}

  async reconcile(key: string): Promise<Outcome> {
    const [namespace = '', name = ''] = key.split('/');
    const paths = this.stores.restPathsOf(namespace, name);
    if (name.startsWith(EXTERNAL_KEY_PREFIX)) return this.convergeExternal(namespace, name.slice(EXTERNAL_KEY_PREFIX.length), paths);
    const api = this.stores.getRestApi(key);
    if (!api) return this.withoutRestApi(namespace, name, paths);
    if (deleting(api)) return this.deleteApi(api, paths);
    return this.converge(api, paths);
  }

  /** RestPaths naming a RestApi that does not exist: say so; let deleted ones go (nothing of theirs can be in AWS). */
  private async withoutRestApi(namespace: string, name: string, paths: RestPath[]): Promise<Outcome> {
    await this.releasePaths(paths);
    for (const path of paths.filter((p) => !deleting(p))) {
      const finding: Finding = {
        type: 'Ready',
        status: 'False',
        reason: 'RestApiNotFound',
        message: `RestApi ${name} does not exist in namespace ${namespace}; this path is applied once it does.`,
      };
      await this.writePathStatus(path, { ...path.status, observedGeneration: path.metadata.generation ?? 0 }, [finding]);
    }
    return { kind: 'done' };
  }

  private async deleteApi(api: RestApi, paths: RestPath[]): Promise<Outcome> {
    const policy = api.spec.deletionPolicy ?? (api.spec.adoptId ? 'Retain' : 'Delete');
    if (policy === 'Delete' && api.metadata.annotations?.[PAUSE_ANNOTATION] === 'true') {
      // Paused means no writes to AWS, deletes included: the finalizer holds until the pause ends.
      return this.stalled(api, 'Paused', `Deleting REST API ${api.status?.id ?? ''} waits: writes to AWS are paused by the annotation ${PAUSE_ANNOTATION}=true. Remove it to let the deletion go ahead.`);
    }
    if (policy === 'Delete' && api.status?.id) {
      try {
        await deleteRestApi(this.ctx.caller, this.ctx.clients, api.status.id);
      } catch (error) {
        await this.event(api, 'Warning', errorName(error), 'Delete', `Deleting REST API ${api.status.id} failed: ${(error as Error).message}`);
        return { kind: 'retry', error };
      }
      await this.event(api, 'Normal', 'Deleted', 'Delete', `Deleted REST API ${api.status.id}`);
    }
    // Its paths went with it; deleted ones may go now (with their roles), the others wait for a RestApi.
    await this.releasePaths(paths);
    await this.ctx.writer.removeFinalizer(restApiRef(api), api, FINALIZER);
    return { kind: 'done' };
  }

  private desiredFor(api: RestApi, active: RestPath[], roleArns: Map<string, string>): DesiredApi {
    const namespace = api.metadata.namespace ?? '';
    return buildDesired(
      { namespace, name: api.metadata.name, spec: api.spec },
      active.map((p): RestPathInput => {
        const arn = roleArns.get(pathKey(p));
        return { namespace: p.metadata.namespace ?? '', name: p.metadata.name, createdAt: p.metadata.creationTimestamp ?? '', spec: p.spec, ...(arn ? { executionRoleArn: arn } : {}) };
      }),
      { managedBy: this.ctx.settings.managedBy, defaultTags: this.ctx.settings.defaultTags },
    );
  }

  private adoptionAllowed(namespace: string): boolean {
    const allowed = this.ctx.settings.adoptNamespaces;
    return allowed.includes('*') || allowed.includes(namespace);
  }

  private async converge(input: RestApi, inputPaths: RestPath[]): Promise<Outcome> {
    const ctx = this.ctx;
    const namespace = input.metadata.namespace ?? '';
    const generation = input.metadata.generation ?? 0;
    if (input.spec.adoptId && !this.adoptionAllowed(namespace)) {
      return this.stalled(input, 'AdoptionNotAllowed', `Taking over REST API ${input.spec.adoptId} is not allowed in namespace ${namespace}: the operator's --adopt-namespaces does not list it.`);
    }
    let api = await ctx.writer.addFinalizer(restApiRef(input), input, FINALIZER);
    if (api.metadata.annotations?.[PAUSE_ANNOTATION] === 'true' && !api.status?.id && !api.spec.adoptId) {
      return this.stalled(api, 'Paused', `The REST API is not created while writes to AWS are paused by the annotation ${PAUSE_ANNOTATION}=true.`);
    }
    const paths: RestPath[] = [];
    for (const p of inputPaths) paths.push(deleting(p) ? p : await ctx.writer.addFinalizer(restPathRef(p), p, FINALIZER));
    const active = paths.filter((p) => !deleting(p));
    const baseDesired = this.desiredFor(api, active, new Map());

    // The REST API's id: recorded, adopted, or found/created by its owner tag; written to status at
    // once, because a lost id would mean a duplicate API (names are not unique).
    let observed: ObservedApi;
    try {
      let id = api.status?.id ?? api.spec.adoptId;
      let created = false;
      if (!id) {
        const ensured = await ensureRestApi(ctx.caller, ctx.clients, baseDesired.settings, baseDesired.tags);
        id = ensured.id;
        created = ensured.created;
        api = await ctx.writer.updateStatus(restApiRef(api), api, { ...api.status, id, rootResourceId: ensured.rootResourceId });
        if (created) await this.event(api, 'Normal', 'Created', 'Reconcile', `Created REST API ${id} (${baseDesired.settings.name})`);
      }
      try {
        observed = await observeApi(ctx.caller, ctx.clients, id);
      } catch (error) {
        if (classifyError(error) !== 'notFound' || api.spec.adoptId) throw error;
        // Deleted outside the operator: make it again.
        const ensured = await ensureRestApi(ctx.caller, ctx.clients, baseDesired.settings, baseDesired.tags);
        api = await ctx.writer.updateStatus(restApiRef(api), api, { ...api.status, id: ensured.id, rootResourceId: ensured.rootResourceId, stages: [] });
        await this.event(api, 'Warning', 'DriftCorrected', 'Reconcile', `REST API ${id} was deleted outside the operator; created ${ensured.id} in its place`);
        observed = await observeApi(ctx.caller, ctx.clients, ensured.id);
      }
    } catch (error) {
      return this.failed(api, active, error, 'Reading or creating the REST API');
    }
    const owner = observed.tags[OWNER_TAG];
    if (owner && owner !== ownerRef(namespace, 'RestApi', api.metadata.name)) {
      return this.stalled(api, 'OwnedByOther', `REST API ${observed.id} belongs to ${owner} (tag ${OWNER_TAG}); the operator does not change it.`);
    }
    const paused = api.metadata.annotations?.[PAUSE_ANNOTATION] === 'true';
    let roles: ExecutionRoles;
    try {
      roles = paused ? recordedRoles(active) : await ensureRoles(ctx, this.event.bind(this), active, observed.id);
    } catch (error) {
      return this.failed(api, active, error, 'Creating or updating the execution roles');
    }
    const desired = roles.arns.size === 0 ? baseDesired : this.desiredFor(api, active, roles.arns);

    const ledger = ledgerOfObjects(api, paths);
    const plan = diff(desired, observed, ledger);
    const result = paused ? { completed: 0, total: plan.length, resourceIds: new Map(observed.resources.map((r) => [r.path, r.id])) } : await executePlan(ctx.caller, ctx.clients, observed, plan);
    const completed = !paused && !result.failed;
    const now = ctx.now().toISOString();
    const changedAt = result.completed > 0 ? now : api.status?.changedAt;
    // Per path: when its methods last changed in AWS (a stage deployed before that does not serve them).
    const touched = new Set(plan.slice(0, result.completed).map((op) => ('path' in op ? op.path : '')));
    const pathChangedAt = new Map(active.map((p) => [pathKey(p), touched.has(p.spec.path) ? now : p.status?.changedAt]));
    if (plan.length > 0 && !paused) await this.reportPlan(api, paths, plan, result);

    // Stages and deployments, only once the plan is fully applied.
    let stages = api.status?.stages ?? [];
    let live: LiveStage[] | undefined;
    let deployError: unknown;
    try {
      if (completed) ({ stages, live } = await deployStages(ctx, this.event.bind(this), api, desired, observed.id, active, changedAt));
      else live = await liveStages(ctx, api, observed.id);
    } catch (error) {
      deployError = error;
    }

    const sync = failureMessage(result);
    const synced: Finding = paused
      ? { type: 'Synced', status: 'False', reason: 'Paused', message: `Writes to AWS are paused by the annotation ${PAUSE_ANNOTATION}=true on RestApi ${api.metadata.name}; ${plan.length} operation(s) wait: ${plan.slice(0, 5).map(describeOperation).join('; ')}${plan.length > 5 ? '; ...' : ''}. The conditions below describe AWS as it is.` }
      : completed && !deployError
        ? { type: 'Synced', status: 'True', reason: 'Synced', message: `REST API ${observed.id} matches the spec (${desired.methods.length} methods on ${desired.resources.length} paths).` }
        : deployError
          ? { type: 'Synced', status: 'False', reason: errorName(deployError), message: `Deploying the stages failed: ${(deployError as Error).message}` }
          : { type: 'Synced', status: 'False', ...sync };

    // The runbook checks, on AWS as it is after this reconcile (the simulator applies what ran).
    let diagnoses = new Map<string, ConditionFinding[]>();
    if (live) {
      const after = simulate(observed, plan.slice(0, result.completed));
      for (const p of active.filter((x) => x.metadata.generation !== x.status?.observedGeneration)) {
        const arn = roles.arns.get(pathKey(p));
        if (arn) this.reads.roleChanged(arn);
      }
      diagnoses = await diagnoseApi(this.reads, { region: ctx.clients.region, accountId: await ctx.accountId(), restApiId: observed.id, desired, observed: after, stages: live, changedAt: pathChangedAt, paths: active, now: ctx.now() });
    }
    const apiStatus: RestApiStatus = {
      ...api.status,
      id: observed.id,
      rootResourceId: observed.rootResourceId,
      ...(changedAt ? { changedAt } : {}),
      stages,
      ownership: {
        gatewayResponses: completed ? Object.keys(desired.gatewayResponses).sort() : union(Object.keys(desired.gatewayResponses), api.status?.ownership?.gatewayResponses),
        tags: completed ? Object.keys(desired.tags).sort() : union(Object.keys(desired.tags), api.status?.ownership?.tags),
      },
      observedGeneration: generation,
    };
    await this.writeApiStatus(api, apiStatus, [synced, readyFrom([synced], { reason: 'Ready', message: `REST API ${observed.id} is in sync and deployed.` })]);

    if (completed) await this.releasePaths(paths);
    for (const path of paths.filter((p) => !deleting(p))) {
      const arn = roles.arns.get(pathKey(path));
      await this.writeRestPathStatus(path, desired, observed.id, result, synced, stages.map((s) => s.name), completed, false, arn, diagnoses.get(pathKey(path)), pathChangedAt.get(pathKey(path)));
    }
    if (paused) return { kind: 'done' };
    // A role IAM has just created may not be usable by API Gateway yet: retry soon, not in 5 minutes.
    if (!completed) return afterFailure(result.failed?.error, roles.created);
    if (deployError) return afterFailure(deployError);
    return { kind: 'done' };
  }

  /** Deleted RestPaths: their role goes too (unless Retain), then their finalizer. */
  private async releasePaths(paths: RestPath[]): Promise<void> {
    for (const path of paths.filter(deleting)) {
      if (path.spec.executionRole && (path.spec.deletionPolicy ?? 'Delete') === 'Delete') {
        await deleteRole(this.ctx.caller, this.ctx.iam, executionRoleName(path.metadata.namespace ?? '', path.metadata.name));
      }
      await this.ctx.writer.removeFinalizer(restPathRef(path), path, FINALIZER);
    }
  }

  /**
   * RestPaths on a REST API managed elsewhere (restApiId): only their paths are the operator's. The
   * API's settings, tags, gateway responses and stages stay as they are, so they are desired as observed.
   */
  private async convergeExternal(namespace: string, restApiId: string, inputPaths: RestPath[]): Promise<Outcome> {
    const ctx = this.ctx;
    const refuse = async (reason: string, message: string) => {
      for (const p of inputPaths) {
        if (deleting(p)) await ctx.writer.removeFinalizer(restPathRef(p), p, FINALIZER);
        else await this.writePathStatus(p, { ...p.status, observedGeneration: p.metadata.generation ?? 0 }, [{ type: 'Ready', status: 'False', reason, message }]);
      }
      return { kind: 'terminal', reason, message } as const;
    };
    if (!this.adoptionAllowed(namespace)) {
      return refuse('AdoptionNotAllowed', `Changing REST API ${restApiId}, which the operator did not create, is not allowed in namespace ${namespace}: the operator's --adopt-namespaces does not list it.`);
    }
    const paths: RestPath[] = [];
    for (const p of inputPaths) paths.push(deleting(p) ? p : await ctx.writer.addFinalizer(restPathRef(p), p, FINALIZER));
    const active = paths.filter((p) => !deleting(p));
    let observed: ObservedApi;
    let stageNames: string[];
    let observedStages: Awaited<ReturnType<typeof observeStages>>;
    try {
      observed = await observeApi(ctx.caller, ctx.clients, restApiId);
      observedStages = await observeStages(ctx.caller, ctx.clients, restApiId);
      stageNames = observedStages.map((s) => s.name);
    } catch (error) {
      if (classifyError(error) === 'notFound') return refuse('RestApiNotFound', `REST API ${restApiId} does not exist in ${ctx.clients.region}; check: aws apigateway get-rest-api --rest-api-id ${restApiId}`);
      return { kind: 'retry', error };
    }
    let roles: ExecutionRoles;
    try {
      roles = await ensureRoles(ctx, this.event.bind(this), active, restApiId);
    } catch (error) {
      return { kind: 'retry', error };
    }
    const built = buildDesired(
      { namespace, name: `${EXTERNAL_KEY_PREFIX}${restApiId}`, spec: {} },
      active.map((p): RestPathInput => {
        const arn = roles.arns.get(pathKey(p));
        return { namespace, name: p.metadata.name, createdAt: p.metadata.creationTimestamp ?? '', spec: p.spec, ...(arn ? { executionRoleArn: arn } : {}) };
      }),
      { managedBy: ctx.settings.managedBy },
    );
    const desired: DesiredApi = { ...built, settings: observed.settings, tags: observed.tags, gatewayResponses: observed.gatewayResponses };
    const ledger: OwnershipLedger = {
      methods: union(...paths.map((p) => p.status?.ownership?.methods)),
      resources: union(...paths.map((p) => p.status?.ownership?.resources)),
      gatewayResponses: [],
      tags: [],
    };
    const plan = diff(desired, observed, ledger);
    const result = await executePlan(ctx.caller, ctx.clients, observed, plan);
    const completed = !result.failed;
    for (const p of paths.filter((x) => plan.length > 0 && !deleting(x)).slice(0, 1)) {
      await this.event(p, 'Normal', 'Updated', 'Reconcile', `Applied ${plan.slice(0, result.completed).length} operation(s) to REST API ${restApiId}; its stages are deployed by whoever manages that API.`);
    }
    const synced: Finding = completed
      ? { type: 'Synced', status: 'True', reason: 'Synced', message: `Applied to REST API ${restApiId}, which is managed elsewhere: deploy its stages to serve the change (aws apigateway create-deployment --rest-api-id ${restApiId} --stage-name STAGE).` }
      : { type: 'Synced', status: 'False', ...failureMessage(result) };
    if (completed) await this.releasePaths(paths);
    // Diagnosed like any other API; its stages are whatever it has (their deployments are not ours).
    const live: LiveStage[] = observedStages.map((o) => ({ name: o.name, exists: true, manual: true, deploymentId: o.deploymentId, variables: o.variables, ...(o.throttling[STAGE_DEFAULT] ? { throttle: o.throttling[STAGE_DEFAULT] } : {}) }));
    const diagnoses = await diagnoseApi(this.reads, { region: ctx.clients.region, accountId: await ctx.accountId(), restApiId, desired, observed: simulate(observed, plan.slice(0, result.completed)), stages: live, paths: active, now: ctx.now() });
    for (const path of paths.filter((p) => !deleting(p))) {
      const arn = roles.arns.get(pathKey(path));
      await this.writeRestPathStatus(path, desired, restApiId, result, synced, stageNames, completed, true, arn, diagnoses.get(pathKey(path)));
    }
    if (!completed) return afterFailure(result.failed?.error, roles.created);
    return { kind: 'done' };
  }

  private async reportPlan(api: RestApi, paths: RestPath[], plan: Operation[], result: ExecutionResult): Promise<void> {
    const specChanged = api.metadata.generation !== api.status?.observedGeneration || paths.some((p) => p.metadata.generation !== p.status?.observedGeneration || deleting(p));
    const applied = plan.slice(0, result.completed).map(describeOperation);
    if (applied.length === 0) return;
    const summary = `${applied.length} operation(s): ${applied.slice(0, 5).join('; ')}${applied.length > 5 ? '; ...' : ''}`;
    if (specChanged) await this.event(api, 'Normal', 'Updated', 'Reconcile', `Applied ${summary}`);
    else await this.event(api, 'Warning', 'DriftCorrected', 'Reconcile', `AWS differed from the spec without a spec change; restored with ${summary}`);
  }

  private async writeRestPathStatus(path: RestPath, desired: DesiredApi, restApiId: string, result: Pick<ExecutionResult, 'resourceIds'>, synced: Finding, stageNames: string[], completed: boolean, external = false, executionRoleArn?: string, diagnoses: ConditionFinding[] = [], changedAt?: string): Promise<void> {
    const key = pathKey(path);
    const conflicts = desired.conflicts.filter((c) => c.refused === key);
    const pending = desired.pending.filter((p) => p.owner === key);
    // Ready summarizes Synced and the runbook conditions: the first one that is False explains why.
    const blocking = [synced, ...diagnoses.filter((d) => d.status === 'False')];
    const findings: Finding[] = [synced, ...diagnoses];
    if (conflicts.length > 0) {
      const c = conflicts[0]!;
      findings.push({ type: 'Ready', status: 'False', reason: 'Conflict', message: `${c.httpMethod} ${c.path} is already declared by RestPath ${c.keptBy}, which is older; this RestPath's ${conflicts.map((x) => x.httpMethod).join(', ')} on it ${conflicts.length > 1 ? 'are' : 'is'} not applied.` });
      if (!path.status?.conditions?.some((x) => x.reason === 'Conflict')) await this.event(path, 'Warning', 'Conflict', 'Reconcile', findings[1]!.message);
    } else if (pending.length > 0) {
      findings.push({ type: 'Ready', status: 'False', reason: 'WaitingForExecutionRole', message: `${pending.map((p) => `${p.httpMethod} ${p.path}`).join(', ')}: ${pending[0]!.reason}.` });
    } else {
      const where = external
        ? ` to REST API ${restApiId}, which is managed elsewhere: it is served once that API's stages are deployed`
        : stageNames.length > 0 ? ` and served on stages ${stageNames.join(', ')}` : '';
      findings.push(readyFrom(blocking, { reason: 'Ready', message: `${path.spec.path} is applied${where}.` }));
    }
    const resourceId = path.spec.path === '/' ? undefined : result.resourceIds.get(path.spec.path);
    const status: RestPathStatus = {
      ...path.status,
      restApiId,
      ...(resourceId ? { resourceId } : {}),
      urls: stageNames.map((stage) => ({ stage, url: invokeUrl(restApiId, this.ctx.clients.region, stage, path.spec.path) })),
      ownership: pathOwnership(desired, path, path.status?.ownership, completed),
      ...(executionRoleArn ? { executionRoleArn } : {}),
      ...(changedAt ? { changedAt } : {}),
      observedGeneration: path.metadata.generation ?? 0,
    };
    if (!executionRoleArn) delete status.executionRoleArn;
    await this.writePathStatus(path, status, findings);
  }

  private async writePathStatus(path: RestPath, status: RestPathStatus, findings: Finding[]): Promise<void> {
    const conditions = setConditions(path.status?.conditions, findings, path.metadata.generation ?? 0, this.ctx.now());
    await this.ctx.writer.updateStatus(restPathRef(path), path, { ...status, conditions });
    // An Event when a runbook condition changes: Warning as it turns bad, Normal when it recovers.
    for (const c of transitions(path.status?.conditions, conditions).filter((x) => (RUNBOOK_CONDITIONS as readonly string[]).includes(x.type))) {
      const before = path.status?.conditions?.find((x) => x.type === c.type);
      if (c.status === 'True' && (!before || before.status === 'True')) continue;
      await this.event(path, c.status === 'True' ? 'Normal' : 'Warning', c.status === 'True' ? `${c.type}Restored` : c.reason, 'Diagnose', `${c.type}: ${c.message}`);
    }
  }

  private async writeApiStatus(api: RestApi, status: RestApiStatus, findings: Finding[]): Promise<void> {
    const conditions = setConditions(api.status?.conditions, findings, api.metadata.generation ?? 0, this.ctx.now());
    await this.ctx.writer.updateStatus(restApiRef(api), api, { ...status, conditions });
    for (const c of transitions(api.status?.conditions, conditions).filter((x: Condition) => x.type === 'Synced' && x.status === 'False')) {
      await this.event(api, 'Warning', c.reason, 'Reconcile', c.message);
    }
  }

  private async stalled(api: RestApi, reason: string, message: string): Promise<Outcome> {
    const finding: Finding = { type: 'Ready', status: 'False', reason, message };
    await this.writeApiStatus(api, { ...api.status, observedGeneration: api.metadata.generation ?? 0 }, [{ ...finding, type: 'Synced' }, finding]);
    return { kind: 'terminal', reason, message };
  }

  private async failed(api: RestApi, paths: RestPath[], error: unknown, what: string): Promise<Outcome> {
    const finding: Finding = { type: 'Synced', status: 'False', reason: errorName(error), message: `${what} failed: ${(error as Error).message}` };
    await this.writeApiStatus(api, { ...api.status }, [finding, readyFrom([finding], { reason: 'Ready', message: '' })]);
    for (const p of paths) await this.writePathStatus(p, { ...p.status }, [{ ...finding, type: 'Ready' }]);
    return afterFailure(error);
  }

  private event(o: RestApi | RestPath, type: 'Normal' | 'Warning', reason: string, action: string, note: string): Promise<void> {
    return this.ctx.events.record({ regarding: regarding(o), type, reason, action, note }).catch((error: unknown) => {
      this.ctx.log.warn({ key: `${o.metadata.namespace ?? ''}/${o.metadata.name}`, kind: o.kind, err: (error as Error).message, reason }, 'recording an Event failed');
    });
  }
}
