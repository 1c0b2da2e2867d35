// The Kubernetes objects as the model reads them, one way for the operator and the CLI: a RestPath as
// model input, the per-method stage throttling of the methods that are really applied (a method lost
// to a conflict has no say), and the desired state of one REST API from its objects.
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { UsagePlan } from '../api/usage-plan.js';
import type { Throttling } from '../api/common.js';
import type { MethodSettings } from '../api/stage.js';
import { buildDesired, restPathKey, type ModelOptions, type RestPathInput } from './build.js';
import type { AccessTarget } from './access-build.js';
import type { DesiredApi, ObservedApi } from './state.js';

/** Stage throttling and method settings one method declares. */
export interface MethodStageSettings {
  path: string;
  httpMethod: string;
  throttling?: Throttling;
  settings?: MethodSettings;
}

/** A RestPath's key in the model: namespace/name. */
export function keyOfPath(p: Pick<RestPath, 'metadata'>): string {
  return restPathKey({ namespace: p.metadata.namespace ?? '', name: p.metadata.name });
}

export function restPathInput(p: RestPath, executionRoleArn: string | undefined): RestPathInput {
  return {
    namespace: p.metadata.namespace ?? '',
    name: p.metadata.name,
    createdAt: p.metadata.creationTimestamp ?? '',
    spec: p.spec,
    ...(executionRoleArn ? { executionRoleArn } : {}),
  };
}

/**
 * The desired REST API from a RestApi (or, for an API managed elsewhere, just a name) and its RestPaths;
 * `roleArns` holds the execution-role ARN of each RestPath that has one, by RestPath key.
 */
export function desiredFromObjects(api: { namespace: string; name: string; spec: RestApi['spec'] }, paths: readonly RestPath[], roleArns: ReadonlyMap<string, string>, options: ModelOptions, target?: AccessTarget): DesiredApi {
  return buildDesired(api, paths.map((p) => restPathInput(p, roleArns.get(keyOfPath(p)))), options, target);
}

/** Where an observed REST API lives and what it has, for resolving names: its authorizers, validators and models. */
export function accessTarget(observed: ObservedApi, where: { region: string; accountId: string }, authorizerRoleArns: ReadonlyMap<string, string> = new Map()): AccessTarget {
  return {
    ...where,
    restApiId: observed.id,
    authorizerIds: Object.fromEntries(Object.entries(observed.authorizers).map(([name, a]) => [name, a.id])),
    validatorIds: Object.fromEntries(Object.entries(observed.requestValidators).map(([name, v]) => [name, v.id])),
    existingModels: Object.keys(observed.models),
    authorizerRoleArns,
  };
}

/** Per-method stage throttling and settings of the methods each RestPath really owns in `desired`. */
export function methodStageSettingsOf(paths: readonly RestPath[], desired: DesiredApi): MethodStageSettings[] {
  return paths.flatMap((p) =>
    p.spec.methods
      .filter((m) => (m.throttling || m.settings) && desired.methods.some((d) => d.path === p.spec.path && d.httpMethod === m.httpMethod && d.owner === keyOfPath(p)))
      .map((m) => ({ path: p.spec.path, httpMethod: m.httpMethod, ...(m.throttling ? { throttling: m.throttling } : {}), ...(m.settings ? { settings: m.settings } : {}) })),
  );
}

/**
 * Stages of one RestApi covered by UsagePlans that are in the cluster and on their way to AWS (not
 * applied for their current generation yet, or still reconciling), with the plans' names: their keys
 * are coming, not missing.
 */
export function pendingUsagePlans(restApiName: string, plans: readonly UsagePlan[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const plan of plans) {
    if (plan.metadata.deletionTimestamp) continue;
    // On its way: never applied, or not for this generation, or in progress by itself (not paused:
    // a paused plan's keys are what AWS has, and what clients get).
    const reconciling = plan.status?.conditions?.some((c) => c.type === 'Reconciling' && c.status === 'True' && c.reason !== 'Paused');
    const onItsWay = !plan.status?.usagePlanId || plan.status.observedGeneration !== (plan.metadata.generation ?? 0) || reconciling;
    if (!onItsWay) continue;
    for (const s of (plan.spec.apiStages ?? []).filter((x) => x.restApiRef.name === restApiName)) {
      out.set(s.stage, [...(out.get(s.stage) ?? []), plan.metadata.name]);
    }
  }
  return out;
}
