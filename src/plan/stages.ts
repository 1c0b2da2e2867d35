// Stages, pure: the desired settings of each stage (variables, method settings for the stage and per
// method, access logs, tracing, the cache cluster, the canary's settings) and the UpdateStage patch
// that brings an observed stage there. Method settings are keyed as API Gateway keys them: "*/*" for
// the stage default, "~1orders~1{orderId}/GET" for one method (stage-settings.ts).
import type { Stage } from '../api/rest-api.js';
import type { MethodStageSettings } from '../model/from-objects.js';
import type { StringMap } from '../model/shapes.js';
import type { PatchOperation } from './operations.js';
import { escapeKey, mapPatch, replaceIfChanged } from './patch.js';
import { DEFAULT_METHOD_SETTING, DEFAULT_THROTTLE, methodSettingShape, methodSettingsPatch, sameSetting, sameThrottle, STAGE_DEFAULT, type MethodSettingShape, type ThrottleSetting } from './stage-settings.js';

export { STAGE_DEFAULT, type ThrottleSetting } from './stage-settings.js';

/** The access log formats the API Gateway console offers, by preset name. */
export const ACCESS_LOG_FORMATS: Readonly<Record<'clf' | 'json' | 'xml' | 'csv', string>> = {
  clf: '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId',
  json: '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","caller":"$context.identity.caller","user":"$context.identity.user","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength"}',
  xml: '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>',
  csv: '$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId',
};
const DEFAULT_CACHE_SIZE = '0.5';

export interface CanaryShape {
  percentTraffic: number;
  stageVariableOverrides: StringMap;
  useStageCache: boolean;
}

export interface StageShape {
  name: string;
  description: string;
  variables: StringMap;
  /** Keys with a method settings entry ("*\/*", "<escaped path>/<METHOD>"). */
  settingKeys: string[];
  /** Throttling that differs from AWS's default, by key. */
  throttling: Record<string, ThrottleSetting>;
  /** Logging, metrics and caching that differ from AWS's default, by key. */
  settings: Record<string, MethodSettingShape>;
  accessLog?: { destinationArn: string; format: string };
  tracingEnabled: boolean;
  cacheCluster: { enabled: boolean; size: string };
  canary?: CanaryShape;
  /** The client certificate the stage presents to its backends ('' none). */
  clientCertificateId: string;
}

export interface ObservedStage extends Omit<StageShape, 'canary'> {
  deploymentId: string;
  /** The AWS WAF web ACL associated with the stage (GetStage webAclArn; set through WAF, not UpdateStage). */
  webAclArn?: string;
  canary?: CanaryShape & { deploymentId: string };
}

/** The stage once UpdateStage brought it to `want`, serving `deploymentId` (its canary, if it keeps one, `canaryDeploymentId`). */
export function stageAt(want: StageShape, deploymentId: string, canaryDeploymentId?: string): ObservedStage {
  const { canary, ...rest } = want;
  return { ...rest, deploymentId, ...(canary && canaryDeploymentId ? { canary: { ...canary, deploymentId: canaryDeploymentId } } : {}) };
}

export function methodSettingKey(path: string, httpMethod: string): string {
  return `${escapeKey(path)}/${httpMethod}`;
}

/**
 * The desired stage: its own settings plus what RestPaths declare per method (over the stage default),
 * presenting client certificate `clientCertificateId` ('' none: generated elsewhere, client-certificates.ts).
 */
export function desiredStage(stage: Stage, methods: readonly MethodStageSettings[], clientCertificateId = ''): StageShape {
  const stageSetting = methodSettingShape(stage.methodSettings);
  const stageThrottle = stage.throttling ? { ...stage.throttling } : DEFAULT_THROTTLE;
  const shape: StageShape = { name: stage.name, description: stage.description ?? '', variables: { ...stage.variables }, settingKeys: [], throttling: {}, settings: {}, tracingEnabled: stage.tracing ?? false, cacheCluster: { enabled: stage.cacheCluster?.enabled ?? false, size: stage.cacheCluster?.size ?? DEFAULT_CACHE_SIZE }, clientCertificateId };
  const add = (key: string, throttle: ThrottleSetting, setting: MethodSettingShape) => {
    shape.settingKeys.push(key);
    if (!sameThrottle(throttle, DEFAULT_THROTTLE)) shape.throttling[key] = throttle;
    if (!sameSetting(setting, DEFAULT_METHOD_SETTING)) shape.settings[key] = setting;
  };
  if (!sameThrottle(stageThrottle, DEFAULT_THROTTLE) || !sameSetting(stageSetting, DEFAULT_METHOD_SETTING)) add(STAGE_DEFAULT, stageThrottle, stageSetting);
  for (const m of methods) {
    const throttle = m.throttling ? { ...m.throttling } : stageThrottle;
    const setting = methodSettingShape(m.settings, stageSetting);
    // A method entry that reads like the stage default adds nothing.
    if (sameThrottle(throttle, stageThrottle) && sameSetting(setting, stageSetting)) continue;
    add(methodSettingKey(m.path, m.httpMethod), throttle, setting);
  }
  if (stage.accessLogs) {
    const format = stage.accessLogs.format ?? 'json';
    shape.accessLog = { destinationArn: stage.accessLogs.destinationArn, format: ACCESS_LOG_FORMATS[format as keyof typeof ACCESS_LOG_FORMATS] ?? format };
  }
  if (stage.canary) shape.canary = { percentTraffic: stage.canary.percentTraffic, stageVariableOverrides: { ...stage.canary.stageVariableOverrides }, useStageCache: stage.canary.useStageCache ?? false };
  return shape;
}

function accessLogPatch(from: StageShape['accessLog'], to: StageShape['accessLog']): PatchOperation[] {
  if (!to) return from ? [{ op: 'remove', path: '/accessLogSettings' }] : [];
  return [...replaceIfChanged('/accessLogSettings/destinationArn', from?.destinationArn ?? '', to.destinationArn), ...replaceIfChanged('/accessLogSettings/format', from?.format ?? '', to.format)];
}

/** The canary's settings where both sides have one (creating and promoting a canary are deployments). */
export function canaryPatch(from: CanaryShape | undefined, to: CanaryShape | undefined): PatchOperation[] {
  if (!from || !to) return [];
  return [
    ...replaceIfChanged('/canarySettings/percentTraffic', from.percentTraffic, to.percentTraffic),
    ...replaceIfChanged('/canarySettings/useStageCache', from.useStageCache, to.useStageCache),
    ...mapPatch('/canarySettings/stageVariableOverrides', from.stageVariableOverrides, to.stageVariableOverrides).map((op) => (op.op === 'add' ? { ...op, op: 'replace' as const } : op)),
  ];
}

/** UpdateStage operations from `observed` to `desired` (and to `deploymentId`, when given). */
export function stagePatch(observed: ObservedStage, desired: StageShape, deploymentId?: string): PatchOperation[] {
  return [
    ...(deploymentId ? replaceIfChanged('/deploymentId', observed.deploymentId, deploymentId) : []),
    ...replaceIfChanged('/description', observed.description, desired.description),
    ...mapPatch('/variables', observed.variables, desired.variables).map((op) => (op.op === 'add' ? { ...op, op: 'replace' as const } : op)),
    ...methodSettingsPatch({ keys: observed.settingKeys, throttling: observed.throttling, settings: observed.settings }, { keys: desired.settingKeys, throttling: desired.throttling, settings: desired.settings }),
    ...accessLogPatch(observed.accessLog, desired.accessLog),
    ...replaceIfChanged('/tracingEnabled', observed.tracingEnabled, desired.tracingEnabled),
    ...replaceIfChanged('/cacheClusterEnabled', observed.cacheCluster.enabled, desired.cacheCluster.enabled),
    ...(desired.cacheCluster.enabled ? replaceIfChanged('/cacheClusterSize', observed.cacheCluster.size, desired.cacheCluster.size) : []),
    ...canaryPatch(observed.canary, desired.canary),
    ...replaceIfChanged('/clientCertificateId', observed.clientCertificateId, desired.clientCertificateId),
  ];
}
