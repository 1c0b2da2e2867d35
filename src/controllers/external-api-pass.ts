// A pass over a REST API managed elsewhere (RestPaths with restApiId): only its paths are the
// operator's. The API's settings, tags, gateway responses and stages stay as they are, so they are
// desired as observed; its stages are deployed by whoever manages it.
import type { RestPath } from '../api/rest-path.js';
import { accessTarget, desiredFromObjects } from '../model/from-objects.js';
import type { DesiredApi, ObservedApi } from '../model/state.js';
import { externalLiveStages, invokeUrl } from '../plan/deployments.js';
import { diff } from '../plan/diff.js';
import { ledgerFor } from '../plan/api-plan.js';
import { describeOperation } from '../plan/operations.js';
import { simulate } from '../plan/simulate.js';
import type { ObservedStage } from '../plan/stages.js';
import { emptyPass } from '../status/rest-api-pass.js';
import { isGone } from '../aws/errors.js';
import { resourceQuota, type ControllerContext, type Trigger } from './context.js';
import { errorPolicy, stalledBy, type Verdict } from './error-policy.js';
import { convergeRoles } from './execution-roles.js';
import { diagnoseApi } from './path-diagnosis.js';
import { adoptionAllowed, failure, type PassOutput } from './rest-api-pass.js';
import { EXTERNAL_KEY_PREFIX } from './refs.js';

export async function externalPass(ctx: ControllerContext, namespace: string, restApiId: string, paths: RestPath[], leaving: readonly RestPath[], trigger: Trigger): Promise<PassOutput & { releasePaths: boolean }> {
  const pass = emptyPass(ctx.now(), ctx.aws.region, paths);
  pass.external = true;
  pass.restApiId = restApiId;
  const stop = (v: Verdict, error?: unknown) => {
    pass.stopped = failure(v);
    return { pass, verdict: v, releasePaths: true, ...(error !== undefined ? { error } : {}) };
  };
  if (!adoptionAllowed(ctx, namespace)) {
    return stop(stalledBy('AdoptionNotAllowed', `Changing REST API ${restApiId}, which the operator did not create, is not allowed in namespace ${namespace}: the operator's --adopt-namespaces does not list it.`));
  }
  let observed: ObservedApi;
  let stages: ObservedStage[];
  try {
    observed = await ctx.aws.observeApi(restApiId);
    stages = await ctx.aws.observeStages(restApiId);
  } catch (error) {
    if (isGone(error)) return stop(stalledBy('RestApiNotFound', `REST API ${restApiId} does not exist in ${ctx.aws.region}; check: aws apigateway get-rest-api --rest-api-id ${restApiId}`));
    return { ...stop(errorPolicy(error, `Reading REST API ${restApiId}`), error), releasePaths: false };
  }
  let roles: Awaited<ReturnType<typeof convergeRoles>>;
  try {
    roles = await convergeRoles(ctx, paths, restApiId, false);
  } catch (error) {
    return { ...stop(errorPolicy(error, 'Creating or updating the execution roles', { operation: 'createRole' }), error), releasePaths: false };
  }
  pass.roleArns = roles.arns;
  pass.accountId = await ctx.aws.accountId();
  const target = accessTarget(observed, { region: ctx.aws.region, accountId: pass.accountId });
  const built = desiredFromObjects({ namespace, name: `${EXTERNAL_KEY_PREFIX}${restApiId}`, spec: {} }, paths, roles.arns, { managedBy: ctx.settings.managedBy, ...resourceQuota(ctx) }, target);
  // Only the paths are the operator's: everything API-wide is desired as AWS has it.
  const desired: DesiredApi = { ...built, settings: observed.settings, tags: observed.tags, gatewayResponses: observed.gatewayResponses, authorizers: observed.authorizers, models: observed.models, modelOrder: [], requestValidators: observed.requestValidators, problems: [] };
  pass.desired = desired;
  pass.plan = diff(desired, observed, { ...ledgerFor(undefined, paths, leaving), gatewayResponses: [], tags: [], authorizers: [], models: [], requestValidators: [], resourcePolicy: false });
  const result = await ctx.aws.executePlan(observed, pass.plan);
  pass.applied = result.completed;
  pass.resourceIds = result.resourceIds;
  const out: PassOutput & { releasePaths: boolean } = { pass, releasePaths: !result.failed };
  if (result.failed) {
    const v = errorPolicy(result.failed.error, 'Applying the plan', { operation: result.failed.operation.kind, retryRefusals: roles.created });
    pass.executionFailure = { ...failure(v), message: v.detail, operation: describeOperation(result.failed.operation), total: result.total };
    out.error = result.failed.error;
    out.verdict = v;
  }
  const first = paths[0];
  if (pass.applied > 0 && first) {
    pass.pathEvents.set(`${namespace}/${first.metadata.name}`, [{ type: 'Normal', reason: 'Updated', action: 'Reconcile', note: `Applied ${pass.applied} operation(s) to REST API ${restApiId}; its stages are deployed by whoever manages that API.` }]);
  }
  // Its stages are whatever it has; the URLs in status name them.
  pass.stages = stages.map((s) => ({ name: s.name, invokeUrl: invokeUrl(restApiId, ctx.aws.region, s.name) }));
  const diagnosis = await diagnoseApi(ctx.facts, {
    region: ctx.aws.region, accountId: await ctx.aws.accountId(), restApiId, desired,
    observed: simulate(observed, pass.plan.slice(0, pass.applied)), stages: externalLiveStages(stages), paths, now: pass.now,
    maxAgeMs: trigger === 'requested' ? 0 : ctx.settings.diagnosisMaxAgeMs,
  });
  pass.diagnoses = diagnosis.findings;
  if (diagnosis.readAt) pass.factsReadAt = diagnosis.readAt;
  return out;
}
