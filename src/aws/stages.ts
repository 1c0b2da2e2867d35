// Stages and deployments in AWS. A deployment is created without a stage and the stage is then
// pointed at it (UpdateStage /deploymentId): AWS documents both ways, and deploying "into" a stage
// resets its settings in the emulators (test/aws-emulator/README.md), so this one way is used always.
import { CreateDeploymentCommand, CreateStageCommand, GetStagesCommand, UpdateStageCommand, type Stage } from '@aws-sdk/client-api-gateway';
import { DEFAULT_METHOD_SETTING, DEFAULT_THROTTLE, sameSetting, sameThrottle } from '../plan/stage-settings.js';
import { stagePatch, type CanaryShape, type ObservedStage, type StageShape } from '../plan/stages.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients } from './clients.js';

export function stageFromAws(s: Stage): ObservedStage {
  const throttling: ObservedStage['throttling'] = {};
  const settings: ObservedStage['settings'] = {};
  for (const [key, m] of Object.entries(s.methodSettings ?? {})) {
    const throttle = { rateLimit: m.throttlingRateLimit ?? DEFAULT_THROTTLE.rateLimit, burstLimit: m.throttlingBurstLimit ?? DEFAULT_THROTTLE.burstLimit };
    if (!sameThrottle(throttle, DEFAULT_THROTTLE)) throttling[key] = throttle;
    // A level AWS leaves out is OFF (an entry made by another field reports none).
    const level = m.loggingLevel === 'ERROR' || m.loggingLevel === 'INFO' ? m.loggingLevel : 'OFF';
    const setting = {
      loggingLevel: level, dataTraceEnabled: m.dataTraceEnabled ?? false, metricsEnabled: m.metricsEnabled ?? false, cachingEnabled: m.cachingEnabled ?? false,
      cacheTtlInSeconds: m.cacheTtlInSeconds ?? DEFAULT_METHOD_SETTING.cacheTtlInSeconds, cacheDataEncrypted: m.cacheDataEncrypted ?? false,
      requireAuthorizationForCacheControl: m.requireAuthorizationForCacheControl ?? DEFAULT_METHOD_SETTING.requireAuthorizationForCacheControl,
    } as const;
    if (!sameSetting(setting, DEFAULT_METHOD_SETTING)) settings[key] = setting;
  }
  const log = s.accessLogSettings;
  const canary = s.canarySettings;
  return {
    name: s.stageName ?? '',
    deploymentId: s.deploymentId ?? '',
    description: s.description ?? '',
    variables: { ...s.variables },
    settingKeys: Object.keys(s.methodSettings ?? {}).sort(),
    throttling,
    settings,
    ...(log?.destinationArn ? { accessLog: { destinationArn: log.destinationArn, format: log.format ?? '' } } : {}),
    tracingEnabled: s.tracingEnabled ?? false,
    cacheCluster: { enabled: s.cacheClusterEnabled ?? false, size: s.cacheClusterSize ?? '0.5' },
    clientCertificateId: s.clientCertificateId ?? '',
    ...(s.webAclArn ? { webAclArn: s.webAclArn } : {}),
    ...(canary ? { canary: { deploymentId: canary.deploymentId ?? '', percentTraffic: canary.percentTraffic ?? 0, stageVariableOverrides: { ...canary.stageVariableOverrides }, useStageCache: canary.useStageCache ?? false } } : {}),
  };
}

export async function observeStages(caller: AwsCaller, clients: AwsClients, restApiId: string): Promise<ObservedStage[]> {
  const out = await caller.call('GetStages', () => clients.apigateway.send(new GetStagesCommand({ restApiId })));
  return (out.item ?? []).map(stageFromAws);
}

/** A deployment, not in any stage; with `canary`, into that stage's canary (creating it: the stage keeps its deployment). */
export async function createDeployment(caller: AwsCaller, clients: AwsClients, restApiId: string, description: string, canary?: { stageName: string; settings: CanaryShape }): Promise<string> {
  const into = canary ? { stageName: canary.stageName, canarySettings: { percentTraffic: canary.settings.percentTraffic, stageVariableOverrides: canary.settings.stageVariableOverrides, useStageCache: canary.settings.useStageCache } } : {};
  const created = await caller.call('CreateDeployment', () => clients.apigateway.send(new CreateDeploymentCommand({ restApiId, description, ...into })));
  if (!created.id) throw new Error('CreateDeployment returned no id');
  return created.id;
}

/**
 * Brings a stage to `desired`, pointing it at `deploymentId` when given: created when missing (a
 * stage needs a deployment to exist), patched in place otherwise. Returns the UpdateStage patch sent.
 */
export async function ensureStage(
  caller: AwsCaller,
  clients: AwsClients,
  restApiId: string,
  observed: ObservedStage | undefined,
  desired: StageShape,
  deploymentId?: string,
): Promise<{ created: boolean; patch: ReturnType<typeof stagePatch> }> {
  let current = observed;
  let created = false;
  if (!current) {
    if (!deploymentId) throw new Error(`stage ${desired.name} does not exist yet and needs a deployment to be created`);
    const stage = await caller.call('CreateStage', () =>
      clients.apigateway.send(
        new CreateStageCommand({ restApiId, stageName: desired.name, deploymentId, description: desired.description || undefined, variables: desired.variables }),
      ),
    );
    current = stageFromAws(stage);
    created = true;
  }
  const patch = stagePatch(current, desired, deploymentId);
  if (patch.length > 0) {
    await caller.call('UpdateStage', () =>
      clients.apigateway.send(new UpdateStageCommand({ restApiId, stageName: desired.name, patchOperations: patch })),
    );
  }
  return { created, patch };
}
