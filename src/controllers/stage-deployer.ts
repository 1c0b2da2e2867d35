// The deploy step of the reconcile line: carries out plan/deployments.ts's decisions (stage settings,
// then one deployment for every stage deployed in this pass) and returns the stages' status and the
// live view the diagnosis needs.
import { DEPLOY_ANNOTATION, PROMOTE_ANNOTATION, type RestApi, type StageStatus } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { DesiredApi } from '../model/state.js';
import { stageDecisionsAfter } from '../plan/api-plan.js';
import { changedAtAfter, invokeUrl, liveStage, liveStages, observedAfter, promotionPatch, stageStatusAfter, unservedSince, type LiveStage, type StageDecision, type StageOutcome } from '../plan/deployments.js';
import type { EventSpec } from '../status/rest-api-pass.js';
import { webAclChange } from '../plan/web-acl.js';
import { needsClientCertificates } from '../plan/client-certificates.js';
import { finishClientCertificates, prepareClientCertificates } from './client-certificates.js';
import type { ControllerContext } from './context.js';

export interface DeployResult {
  stages: StageStatus[];
  live: LiveStage[];
  /** Manual stages behind the API, waiting for the deploy annotation. */
  manualPending: string[];
  events: EventSpec[];
}

/** Stages as AWS has them next to what the operator last deployed (a pass that does not deploy). */
export async function readLiveStages(ctx: ControllerContext, api: RestApi, restApiId: string): Promise<LiveStage[]> {
  const declared = api.spec.stages ?? [];
  const observed = declared.length > 0 ? await ctx.aws.observeStages(restApiId) : [];
  return liveStages(declared, observed, api.status?.stages ?? []);
}

/**
 * `applied`: how many operations this pass's plan ran (the API changed when any did). `events`: where the
 * Events go as they happen, so those of steps done before a failure (a certificate generated) are kept.
 */
export async function deployStages(ctx: ControllerContext, api: RestApi, paths: readonly RestPath[], desired: DesiredApi, restApiId: string, applied: number, now: Date, events: EventSpec[] = []): Promise<DeployResult> {
  const declared = api.spec.stages ?? [];
  const recorded = api.status?.stages ?? [];
  if (declared.length === 0 && !needsClientCertificates(declared, recorded)) return { stages: [], live: [], manualPending: [], events };
  const annotation = api.metadata.annotations?.[DEPLOY_ANNOTATION];
  const previous = recorded;
  const observedStages = await ctx.aws.observeStages(restApiId);
  // Certificates first: a stage can only be pointed at one that exists.
  const certificates = await prepareClientCertificates(ctx, api, observedStages, desired.tags, events);
  const decisions = stageDecisionsAfter(api, paths, desired, observedStages, applied, now, new Map([...certificates.byStage].map(([stage, c]) => [stage, c.id])));
  let deployment: { id: string; at: string } | undefined;
  const out: DeployResult = { stages: [], live: [], manualPending: decisions.filter((d) => d.waitsForAnnotation).map((d) => d.name), events };
  for (const d of decisions) {
    const before = previous.find((s) => s.name === d.name);
    // Settings first, so a stage AWS refuses costs no deployment; then promote; then the new deployment.
    if (d.observed && d.settings.length > 0) await ctx.aws.writeStage(restApiId, d.observed, d.want, d.settings);
    const outcome: StageOutcome = { promoted: false };
    if (d.promote && d.observed) {
      await ctx.aws.writeStage(restApiId, observedAfter(d, { promoted: false }), d.want, promotionPatch(d.observed));
      outcome.promoted = true;
      out.events.push({ type: 'Normal', reason: 'Promoted', action: 'Deploy', note: `Promoted the canary of stage ${d.name}: the stage serves deployment ${d.observed.canary?.deploymentId ?? ''} (${d.promote === 'Requested' ? `${PROMOTE_ANNOTATION} changed` : 'the canary is no longer declared'})` });
    }
    if (d.deploy) {
      const description = `restpath-operator: ${api.metadata.namespace ?? ''}/${api.metadata.name} generation ${api.metadata.generation ?? 0}`;
      const canaryLive = d.deployTo === 'canary' && d.observed?.canary && !outcome.promoted;
      if (d.deployTo === 'canary' && !canaryLive) {
        // No canary yet (or just promoted): CreateDeployment into the stage's canary makes one.
        outcome.deployment = { id: await ctx.aws.createDeployment(restApiId, description, { stageName: d.name, settings: d.want.canary! }), at: ctx.now().toISOString() };
      } else {
        deployment ??= { id: await ctx.aws.createDeployment(restApiId, description), at: ctx.now().toISOString() };
        outcome.deployment = deployment;
        const current = d.observed ? observedAfter(d, { promoted: outcome.promoted }) : undefined;
        const pointer = d.deployTo === 'canary' ? '/canarySettings/deploymentId' : '/deploymentId';
        await ctx.aws.writeStage(restApiId, current, d.want, current ? [{ op: 'replace', path: pointer, value: deployment.id }] : [], deployment.id);
      }
      const into = d.deployTo === 'canary' ? `the canary of stage ${d.name} (${d.want.canary?.percentTraffic ?? 0}% of its traffic)` : `stage ${d.name}`;
      out.events.push({ type: 'Normal', reason: 'Deployed', action: 'Deploy', note: `Deployed ${into} (deployment ${outcome.deployment.id})` });
      measureServed(ctx, d, before, [changedAtAfter(api.status?.changedAt, applied, now), ...paths.map((p) => p.status?.changedAt)], outcome.deployment.at);
    }
    const webAcl = await protectStage(ctx, restApiId, d, declared.find((s) => s.name === d.name)?.webAclArn, before?.webAclArn, out.events);
    const certificate = certificates.byStage.get(d.name);
    const status: StageStatus = {
      ...stageStatusAfter(d, before, outcome, { deploy: annotation, promote: api.metadata.annotations?.[PROMOTE_ANNOTATION] }, invokeUrl(restApiId, ctx.aws.region, d.name)),
      ...(webAcl ? { webAclArn: webAcl } : {}),
      ...(certificate ? { clientCertificate: { id: certificate.id, ...(certificate.expiresAt ? { expiresAt: certificate.expiresAt } : {}) } } : {}),
    };
    out.stages.push(status);
    out.live.push(liveStage(d.name, d.manual, observedAfter(d, outcome), status));
  }
  await finishClientCertificates(ctx, certificates, events);
  return out;
}

/** The stage's AWS WAF web ACL (plan/web-acl.ts); returns the one the operator associated, to record. */
async function protectStage(ctx: ControllerContext, restApiId: string, d: StageDecision, declared: string | undefined, recorded: string | undefined, events: EventSpec[]): Promise<string | undefined> {
  const observed = d.observed?.webAclArn;
  const change = webAclChange(declared, observed, recorded);
  if (change.disassociate) await ctx.aws.disassociateWebAcl(restApiId, d.name);
  if (change.associate) await ctx.aws.associateWebAcl(restApiId, d.name, change.associate);
  if (change.associate || change.disassociate) {
    const note = change.associate ? `Protected stage ${d.name} with web ACL ${change.associate}${observed ? ` (it had ${observed})` : ''}` : `Removed web ACL ${observed ?? ''} from stage ${d.name}: the spec no longer declares it`;
    events.push({ type: 'Normal', reason: 'Updated', action: 'Deploy', note });
  }
  return change.recorded;
}

/** Spec change to served: from the oldest change the stage did not serve to its new deployment. */
function measureServed(ctx: ControllerContext, d: StageDecision, previous: StageStatus | undefined, changes: (string | undefined)[], deployedAt: string): void {
  // A stage created now serves no earlier deployment; it has nothing it was behind on.
  if (!ctx.metrics || d.deploy === 'StageMissing') return;
  const since = unservedSince(previous?.deployedAt, changes);
  if (since) ctx.metrics.served(d.manual ? 'Manual' : 'Automatic', Math.max(0, Date.parse(deployedAt) - Date.parse(since)) / 1000);
}
