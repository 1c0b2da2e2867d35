// The phases of one pass over a REST API the operator manages, each filling in the pass:
//   guard -> identify (find/create the REST API; the only early write: its id) -> owner check ->
//   execution roles -> plan (model + diff) -> execute -> deploy -> diagnose.
// A phase that fails records the error policy's verdict and the later phases that need it are skipped.
// Nothing here writes status; status/rest-api-status.ts computes it from the pass.
import { PAUSE_ANNOTATION, type RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import { isGone } from '../aws/errors.js';
import { OWNER_TAG, ownerRef } from '../model/build.js';
import { desiredFromObjects, keyOfPath } from '../model/from-objects.js';
import type { DesiredApi, ObservedApi } from '../model/state.js';
import { changedAtAfter, type LiveStage } from '../plan/deployments.js';
import { planRestApi } from '../plan/api-plan.js';
import { describeOperation, touchedPaths, type Operation } from '../plan/operations.js';
import { simulate } from '../plan/simulate.js';
import { emptyPass, type Failure, type RestApiPass } from '../status/rest-api-pass.js';
import { wasSettled } from '../status/summary.js';
import { resourceQuota, type ControllerContext, type Trigger } from './context.js';
import { errorPolicy, progressOf, stalledBy, type Verdict } from './error-policy.js';
import { convergeRoles, deleteAuthorizerRoles } from './execution-roles.js';
import { runPlan } from './bulk-create-pass.js';
import { diagnoseApi } from './path-diagnosis.js';
import { restApiRef } from './refs.js';
import type { RetryReporter } from './retry-reporter.js';
import { deployStages, readLiveStages } from './stage-deployer.js';

export interface PassOutput {
  pass: RestApiPass;
  /** The RestApi as last stored (after the id write). */
  api?: RestApi;
  /** The first error, and the error policy's verdict on it. */
  error?: unknown;
  verdict?: Verdict;
}

export const isPaused = (api: RestApi): boolean => api.metadata.annotations?.[PAUSE_ANNOTATION] === 'true';

export function adoptionAllowed(ctx: ControllerContext, namespace: string): boolean {
  const allowed = ctx.settings.adoptNamespaces;
  return allowed.includes('*') || allowed.includes(namespace);
}

export function failure(v: Verdict): Failure {
  return { reason: v.reason, message: v.message, progress: progressOf(v) };
}

/** A path's methods changed in this pass unless all it got was a restore of content applied before (drift). */
function pathChangedAt(pass: RestApiPass, touched: Set<string>): Map<string, string | undefined> {
  return new Map(
    pass.paths.map((p) => {
      const key = keyOfPath(p);
      const restored = p.metadata.generation === p.status?.observedGeneration && p.status?.conditions?.some((c) => c.type === 'Synced' && c.status === 'True');
      return [key, touched.has(p.spec.path) && !restored ? pass.now.toISOString() : p.status?.changedAt];
    }),
  );
}

/** The REST API's id (recorded, adopted, or found/created by its owner tag) and its snapshot. */
async function identify(ctx: ControllerContext, out: PassOutput, api: RestApi, pass: RestApiPass): Promise<ObservedApi> {
  const base = desiredFromObjects({ namespace: api.metadata.namespace ?? '', name: api.metadata.name, spec: api.spec }, pass.paths, new Map(), { managedBy: ctx.settings.managedBy, defaultTags: ctx.settings.defaultTags, ...resourceQuota(ctx) });
  const create = async (replacing?: string): Promise<ObservedApi> => {
    const ensured = await ctx.aws.ensureRestApi(base.settings, base.tags);
    // Written at once: a lost id would mean a duplicate API (names are not unique).
    out.api = await ctx.writer.updateStatus(restApiRef(api), out.api ?? api, { ...(out.api ?? api).status, id: ensured.id, rootResourceId: ensured.rootResourceId, ...(replacing ? { stages: [] } : {}) });
    if (replacing) pass.apiEvents.push({ type: 'Warning', reason: 'DriftCorrected', action: 'Reconcile', note: `REST API ${replacing} was deleted outside the operator; created ${ensured.id} in its place` });
    else if (ensured.created) pass.apiEvents.push({ type: 'Normal', reason: 'Created', action: 'Reconcile', note: `Created REST API ${ensured.id} (${base.settings.name})` });
    if (replacing) pass.stages = [];
    // Just created, it holds its root and nothing else: no need to read it.
    return ensured.fresh ?? ctx.aws.observeApi(ensured.id);
  };
  const id = api.status?.id ?? api.spec.adoptId;
  if (!id) return create();
  try {
    return await ctx.aws.observeApi(id);
  } catch (error) {
    // Deleted outside the operator: make it again (an adopted API is not the operator's to re-create).
    if (isGone(error) && !api.spec.adoptId) return create(id);
    throw error;
  }
}

/**
 * `paths`: the RestPaths that stay; `leaving`: those being deleted (what they owned may go now);
 * `waitingPlans`: UsagePlans whose writes wait for this API's pause, listed with its own.
 */
export async function managedPass(ctx: ControllerContext, api: RestApi, paths: RestPath[], leaving: readonly RestPath[], trigger: Trigger, pendingPlans: ReadonlyMap<string, string[]>, waitingPlans: readonly string[] = [], retries?: RetryReporter<RestApi>): Promise<PassOutput> {
  const namespace = api.metadata.namespace ?? '';
  const pass = emptyPass(ctx.now(), ctx.aws.region, paths, api);
  const out: PassOutput = { pass, api };
  pass.paused = isPaused(api);
  const stop = (v: Verdict, error?: unknown): PassOutput => {
    pass.stopped = failure(v);
    return { ...out, verdict: v, ...(error !== undefined ? { error } : {}) };
  };
  if (api.spec.adoptId && !adoptionAllowed(ctx, namespace)) {
    return stop(stalledBy('AdoptionNotAllowed', `Taking over REST API ${api.spec.adoptId} is not allowed in namespace ${namespace}: the operator's --adopt-namespaces does not list it.`));
  }
  if (pass.paused && !api.status?.id && !api.spec.adoptId) {
    const message = `The REST API is not created while writes to AWS are paused by the annotation ${PAUSE_ANNOTATION}=true.`;
    pass.stopped = { reason: 'Paused', message, progress: { kind: 'reconciling', reason: 'Paused', message } };
    return out;
  }
  let observed: ObservedApi;
  try {
    observed = await identify(ctx, out, api, pass);
  } catch (error) {
    return stop(errorPolicy(error, 'Reading or creating the REST API', { operation: 'createRestApi' }), error);
  }
  pass.restApiId = observed.id;
  pass.rootResourceId = observed.rootResourceId;
  // Its id is stored: from here on the RestApi may say that AWS calls are being retried.
  retries?.start(out.api ?? api);
  pass.resourceIds = new Map(observed.resources.map((r) => [r.path, r.id]));
  const owner = observed.tags[OWNER_TAG];
  if (owner && owner !== ownerRef(namespace, 'RestApi', api.metadata.name)) {
    return stop(stalledBy('OwnedByOther', `REST API ${observed.id} belongs to ${owner} (tag ${OWNER_TAG}); the operator does not change it.`));
  }
  let roles: Awaited<ReturnType<typeof convergeRoles>>;
  try {
    roles = await convergeRoles(ctx, paths, observed.id, pass.paused, api);
  } catch (error) {
    return stop(errorPolicy(error, 'Creating or updating the execution roles', { operation: 'createRole' }), error);
  }
  pass.roleArns = roles.arns;
  for (const [key, events] of roles.events) {
    if (key === '') pass.apiEvents.push(...events);
    else pass.pathEvents.set(key, [...(pass.pathEvents.get(key) ?? []), ...events]);
  }

  const where = { region: ctx.aws.region, accountId: await ctx.aws.accountId() };
  const planInput = { api, paths, leaving, observed, roleArns: roles.arns, authorizerRoleArns: roles.authorizerArns, where, options: { managedBy: ctx.settings.managedBy, defaultTags: ctx.settings.defaultTags, ...resourceQuota(ctx) } };
  const { desired, operations, blocked } = planRestApi({ ...planInput, bulkCreate: ctx.settings.bulkCreate !== false });
  pass.desired = desired;
  pass.plan = operations;
  pass.blocked = blocked;
  // What the simulator starts from for the diagnosis: the snapshot the operations that ran were planned on.
  let base = observed;
  let ranOnBase: Operation[] = [];
  if (pass.paused) {
    pass.waiting = [...pass.plan.map(describeOperation), ...roles.waiting, ...waitingPlans];
  } else {
    const run = await runPlan(ctx, observed, pass.plan, (fresh) => planRestApi({ ...planInput, observed: fresh }).operations, pass.now);
    ({ base, ranOnBase } = run);
    const result = run.result;
    pass.plan = run.plan;
    pass.applied = result.completed;
    pass.resourceIds = result.resourceIds;
    pass.rootResourceId = base.rootResourceId;
    if (run.bulkCreate) pass.bulkCreate = run.bulkCreate;
    pass.apiEvents.push(...run.events);
    if (result.failed) {
      // A role IAM has just created may not be usable by API Gateway yet: retry soon, not in 5 minutes.
      const v = errorPolicy(result.failed.error, 'Applying the plan', { operation: result.failed.operation.kind, retryRefusals: roles.created });
      pass.executionFailure = { ...failure(v), message: v.detail, operation: describeOperation(result.failed.operation), total: result.total };
      out.error = result.failed.error;
      out.verdict = v;
    }
    reportPlan(pass, api, leaving);
    await removeAuthorizerRoles(ctx, api, pass, base, ranOnBase);
  }
  pass.changedAt = changedAtAfter(api.status?.changedAt, pass.applied, pass.now);
  pass.pathChangedAt = pathChangedAt(pass, new Set(pass.plan.slice(0, pass.applied).flatMap(touchedPaths)));

  const live = await deployPhase(ctx, out, api, paths, desired, observed.id);
  if (live) await diagnosePhase(ctx, pass, { observed: pass.paused ? observed : simulate(base, ranOnBase), desired, live, paths, pendingPlans, fresh: trigger === 'requested' || roles.changed.length > 0 });
  return out;
}

/** Roles of the operator's authorizers that are gone from AWS now (deleted in this pass, or earlier). */
async function removeAuthorizerRoles(ctx: ControllerContext, api: RestApi, pass: RestApiPass, base: ObservedApi, ranOnBase: Operation[]): Promise<void> {
  const declared = new Set((api.spec.authorizers ?? []).map((a) => a.name));
  const undeclared = (api.status?.ownership?.authorizers ?? []).filter((n) => !declared.has(n));
  if (undeclared.length === 0) return;
  const after = simulate(base, ranOnBase).authorizers;
  const gone = undeclared.filter((n) => !(n in after));
  if (gone.length > 0) await deleteAuthorizerRoles(ctx, api, gone).catch((error: unknown) => ctx.log.warn({ err: String(error) }, 'deleting the role of a removed authorizer failed; it is retried when the RestApi is deleted'));
}

/** Stages and deployments once the whole plan ran; else the stages as they are. Undefined: unreadable. */
async function deployPhase(ctx: ControllerContext, out: PassOutput, api: RestApi, paths: RestPath[], desired: DesiredApi, restApiId: string): Promise<LiveStage[] | undefined> {
  const pass = out.pass;
  const stored = out.api ?? api;
  if (pass.paused || pass.executionFailure) return readLiveStages(ctx, stored, restApiId).catch(() => undefined);
  // The deploy step's Events land in the pass as they happen: a failure later keeps the earlier ones.
  try {
    const deployed = await deployStages(ctx, stored, paths, desired, restApiId, pass.applied, pass.now, pass.apiEvents);
    pass.stages = deployed.stages;
    pass.manualPending = deployed.manualPending;
    return deployed.live;
  } catch (error) {
    const v = errorPolicy(error, 'Deploying the stages');
    pass.deployFailure = failure(v);
    out.error ??= error;
    out.verdict ??= v;
    return undefined;
  }
}

/** The runbook checks on AWS as it is after the pass (`observed`: the simulator applied what ran, no re-read). */
async function diagnosePhase(ctx: ControllerContext, pass: RestApiPass, input: { observed: ObservedApi; desired: DesiredApi; live: LiveStage[]; paths: RestPath[]; pendingPlans: ReadonlyMap<string, string[]>; fresh: boolean }): Promise<void> {
  const diagnosis = await diagnoseApi(ctx.facts, {
    region: ctx.aws.region, accountId: await ctx.aws.accountId(), restApiId: input.observed.id, desired: input.desired,
    observed: input.observed, stages: input.live, changedAt: pass.pathChangedAt, paths: input.paths,
    pendingUsagePlans: input.pendingPlans, now: pass.now,
    // A pass someone asked for, or one right after the operator changed a role, reads IAM now.
    maxAgeMs: input.fresh ? 0 : ctx.settings.diagnosisMaxAgeMs,
  });
  pass.diagnoses = diagnosis.findings;
  if (diagnosis.readAt) pass.factsReadAt = diagnosis.readAt;
}

/** Updated when the spec changed (a RestPath deleted included) or a pass is being finished; DriftCorrected when AWS differed from a settled spec. */
function reportPlan(pass: RestApiPass, api: RestApi, leaving: readonly RestPath[]): void {
  const applied = pass.plan.slice(0, pass.applied).map(describeOperation);
  if (applied.length === 0) return;
  const specChanged = leaving.length > 0 || !wasSettled(api) || pass.paths.some((p) => p.metadata.generation !== p.status?.observedGeneration);
  const summary = `${applied.length} operation(s): ${applied.slice(0, 5).join('; ')}${applied.length > 5 ? '; ...' : ''}`;
  pass.apiEvents.push(specChanged ? { type: 'Normal', reason: 'Updated', action: 'Reconcile', note: `Applied ${summary}` } : { type: 'Warning', reason: 'DriftCorrected', action: 'Reconcile', note: `AWS differed from the spec without a spec change; restored with ${summary}` });
}
