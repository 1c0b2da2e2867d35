// The deploy step of the reconcile line: stage settings (variables, default and per-method
// throttling) and deployments, coalesced to one deployment per reconcile; and the stages as AWS has
// them, for the diagnosis when nothing was deployed.
import { DEPLOY_ANNOTATION, type RestApi, type RestApiStatus } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import { createDeployment, ensureStage, observeStages } from '../aws/stages.js';
import type { DesiredApi } from '../model/state.js';
import { desiredStage, STAGE_DEFAULT } from '../plan/stages.js';
import { liveStagesFrom } from './api-state.js';
import type { ControllerContext } from './context.js';
import type { LiveStage } from './path-diagnosis.js';
import { invokeUrl, pathKey } from './refs.js';

/** Records an Event about an object (failures to record are logged, never thrown). */
export type RecordEvent = (o: RestApi | RestPath, type: 'Normal' | 'Warning', reason: string, action: string, note: string) => Promise<void>;

/** Stages as they are in AWS, with what the operator last deployed to each (for diagnosis). */
export async function liveStages(ctx: ControllerContext, api: RestApi, restApiId: string): Promise<LiveStage[]> {
  const observedStages = (api.spec.stages ?? []).length > 0 ? await observeStages(ctx.caller, ctx.clients, restApiId) : [];
  return liveStagesFrom(api, observedStages);
}

/**
 * Stage settings, then deployments: a stage is deployed when it is missing, or (Automatic) when the API
 * changed after its last deployment, or (Manual) when the deploy annotation changed. One deployment
 * serves every stage deployed in this reconcile.
 */
export async function deployStages(ctx: ControllerContext, event: RecordEvent, api: RestApi, desired: DesiredApi, restApiId: string, paths: RestPath[], changedAt: string | undefined): Promise<{ stages: NonNullable<RestApiStatus['stages']>; live: LiveStage[] }> {
  const specStages = api.spec.stages ?? [];
  if (specStages.length === 0) return { stages: [], live: [] };
  const observedStages = await observeStages(ctx.caller, ctx.clients, restApiId);
  const methodThrottling = paths.flatMap((p) =>
    p.spec.methods.filter((m) => m.throttling && desired.methods.some((d) => d.path === p.spec.path && d.httpMethod === m.httpMethod && d.owner === pathKey(p)))
      .map((m) => ({ path: p.spec.path, httpMethod: m.httpMethod, throttling: m.throttling! })),
  );
  const annotation = api.metadata.annotations?.[DEPLOY_ANNOTATION];
  let deploymentId: string | undefined;
  const out: NonNullable<RestApiStatus['stages']> = [];
  const live: LiveStage[] = [];
  for (const stage of specStages) {
    const observed = observedStages.find((s) => s.name === stage.name);
    const previous = api.status?.stages?.find((s) => s.name === stage.name);
    const manual = stage.deployment === 'Manual';
    const behind = !previous?.deployedAt || (changedAt !== undefined && previous.deployedAt < changedAt);
    const deploy = !observed || (manual ? annotation !== undefined && annotation !== previous?.deployedAnnotation : behind);
    const want = desiredStage(stage, methodThrottling);
    // Settings first, so a stage AWS refuses costs no deployment; then point the stage at the new one.
    if (observed) await ensureStage(ctx.caller, ctx.clients, restApiId, observed, want);
    if (deploy) {
      deploymentId ??= await createDeployment(ctx.caller, ctx.clients, restApiId, `restpath-operator: ${api.metadata.namespace}/${api.metadata.name} generation ${api.metadata.generation ?? 0}`);
      await ensureStage(ctx.caller, ctx.clients, restApiId, observed ? { ...observed, ...want } : undefined, want, deploymentId);
    }
    if (deploy) await event(api, 'Normal', 'Deployed', 'Deploy', `Deployed stage ${stage.name} (deployment ${deploymentId})`);
    const deployedAt = deploy ? ctx.now().toISOString() : previous?.deployedAt;
    // What the operator deployed; the stage may have been pointed elsewhere since (a rollback by
    // hand), which the diagnosis reports rather than undoes.
    const latest = deploy ? deploymentId : (previous?.deploymentId ?? observed?.deploymentId);
    live.push({
      name: stage.name,
      exists: true,
      manual,
      deploymentId: deploy ? (deploymentId ?? '') : (observed?.deploymentId ?? ''),
      variables: want.variables,
      ...(want.throttling[STAGE_DEFAULT] ? { throttle: want.throttling[STAGE_DEFAULT] } : {}),
      ...(latest ? { latestDeploymentId: latest } : {}),
      ...(deployedAt ? { latestDeployedAt: deployedAt } : {}),
    });
    out.push({
      name: stage.name,
      deploymentId: latest,
      ...(deployedAt ? { deployedAt } : {}),
      invokeUrl: invokeUrl(restApiId, ctx.clients.region, stage.name),
      ...((deploy && manual && annotation !== undefined) || previous?.deployedAnnotation ? { deployedAnnotation: deploy && manual ? annotation : previous?.deployedAnnotation } : {}),
    });
  }
  return { stages: out, live };
}
