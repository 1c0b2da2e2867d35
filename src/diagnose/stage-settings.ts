// What a stage's method settings do to one path: caching on a method that authorizes callers serves
// one caller's response to another (the cache key is the path and its cache key parameters, not the
// caller, unless the caller's token is one of those parameters), which PermissionsReady reports; and execution logging with no CloudWatch role in the API
// Gateway account of the region writes nothing ("logs go nowhere"), which IntegrationReady notes
// without holding Ready back (clients are not affected). The operator never changes the account.
import { methodSettingKey } from '../plan/stages.js';
import { DEFAULT_METHOD_SETTING, STAGE_DEFAULT, type MethodSettingShape } from '../plan/stage-settings.js';
import { authorizerRef } from '../model/shapes.js';
import type { DesiredMethod } from '../model/state.js';
import type { Problem } from './findings.js';
import type { PathFacts, StageFacts } from './facts.js';

/** The settings one method has on a stage: its own entry, else the stage default, else AWS's. */
export function settingOn(stage: StageFacts, path: string, httpMethod: string): MethodSettingShape {
  const settings = stage.settings ?? {};
  return settings[methodSettingKey(path, httpMethod)] ?? settings[STAGE_DEFAULT] ?? DEFAULT_METHOD_SETTING;
}

/** The request parameters that carry the caller's identity: the authorizer's identity sources, Authorization for IAM. */
function identityParameters(f: PathFacts, m: DesiredMethod): string[] {
  if (m.shape.authorizationType === 'AWS_IAM') return ['method.request.header.Authorization'];
  const id = m.shape.authorizerId;
  const authorizer = Object.entries(f.observed.authorizers).find(([name, a]) => a.id === id || authorizerRef(name) === id)?.[1];
  return (authorizer?.identitySource ?? '').split(',').map((x) => x.trim()).filter((x) => x.startsWith('method.request.'));
}

/** Header names are case-insensitive; query strings and paths are not. */
const sameParameter = (a: string, b: string) => (a.startsWith('method.request.header.') ? a.toLowerCase() === b.toLowerCase() : a === b);

export function cachedAcrossCallers(f: PathFacts, m: DesiredMethod): Problem | undefined {
  if (m.shape.authorizationType === 'NONE') return undefined;
  const identity = identityParameters(f, m);
  const keys = m.shape.integration?.cacheKeyParameters ?? [];
  // The caller's identity in the cache key: each caller has its own entries.
  if (identity.some((p) => keys.some((k) => sameParameter(p, k)))) return undefined;
  const fix = identity[0] ? ` Set settings.caching.enabled: false on the method, or add ${identity[0]} to integration.cacheKeyParameters (and requestParameters) so each caller has its own cache entries.` : ' Set settings.caching.enabled: false on the method.';
  for (const s of f.stages.filter((x) => x.exists)) {
    const setting = settingOn(s, f.path, m.httpMethod);
    if (!setting.cachingEnabled) continue;
    return {
      reason: 'CacheSharedAcrossCallers',
      what: `${m.httpMethod} ${f.path} authorizes each caller (${m.shape.authorizationType}) but stage ${s.name} caches its responses for ${setting.cacheTtlInSeconds} s by path, not by caller: a caller whose own token is allowed gets the response cached for another caller.${fix}`,
      command: `aws apigateway get-stage --rest-api-id ${f.restApiId} --stage-name ${s.name} --query methodSettings`,
    };
  }
  return undefined;
}

export function logsWithoutRole(f: PathFacts): Problem | undefined {
  if (f.cloudWatchRoleArn !== '') return undefined;
  for (const s of f.stages.filter((x) => x.exists)) {
    const logged = f.methods.filter((m) => settingOn(s, f.path, m.httpMethod).loggingLevel !== 'OFF');
    if (logged.length === 0) continue;
    return {
      reason: 'ExecutionLogsNotDelivered',
      what: `stage ${s.name} writes execution logs for ${logged.map((m) => `${m.httpMethod} ${f.path}`).join(', ')}, but API Gateway's account settings in ${f.region} name no CloudWatch role: the logs go nowhere (clients are not affected). An administrator sets the role once per account and region (aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN).`,
      command: 'aws apigateway get-account --query cloudwatchRoleArn',
    };
  }
  return undefined;
}
