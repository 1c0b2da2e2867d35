// Stages and deployments, decided once for the operator and the CLI's `plan`: for each stage of a
// RestApi, the settings it should have, the UpdateStage patch that gets it there, and whether it is
// deployed in this pass. Then the status and the live view (what the diagnosis sees) after the pass.
import type { Stage, StageStatus } from '../api/rest-api.js';
import type { MethodStageSettings } from '../model/from-objects.js';
import type { PatchOperation } from './operations.js';
import type { MethodSettingShape } from './stage-settings.js';
import { desiredStage, stageAt, stagePatch, STAGE_DEFAULT, type ObservedStage, type StageShape } from './stages.js';

/** A stage as it is in AWS next to what the operator last deployed to it: the diagnosis's view. */
export interface LiveStage {
  name: string;
  exists: boolean;
  manual: boolean;
  deploymentId: string;
  variables: Record<string, string>;
  throttle?: { rateLimit: number; burstLimit: number };
  /** Logging, metrics and caching by method settings key, where they differ from AWS's default. */
  settings: Record<string, MethodSettingShape>;
  latestDeploymentId?: string;
  latestDeployedAt?: string;
  canary?: { deploymentId: string; percentTraffic: number; deployedAt?: string };
}

export type DeployReason = 'StageMissing' | 'ApiChanged' | 'DeployRequested';

export interface StageDecision {
  name: string;
  manual: boolean;
  want: StageShape;
  /** The stage as AWS has it; undefined when it does not exist yet. */
  observed?: ObservedStage;
  /** UpdateStage operations for its settings (empty for a stage that is created by the deployment). */
  settings: PatchOperation[];
  /** Why this pass deploys it; undefined: it is not deployed. */
  deploy?: DeployReason;
  /** A Manual stage behind the API: it waits for the deploy annotation to change. */
  waitsForAnnotation: boolean;
  /** The live canary is promoted first: asked for (restpath.dev/promote changed) or no longer declared. */
  promote?: 'Requested' | 'CanaryRemoved';
  /** Where a deployment of this pass goes: into the canary (the stage keeps serving its own) or the stage. */
  deployTo: 'stage' | 'canary';
}

export interface StagesInput {
  stages: readonly Stage[];
  observed: readonly ObservedStage[];
  previous: readonly StageStatus[];
  /** The restpath.dev/deploy annotation's value. */
  annotation: string | undefined;
  /** The restpath.dev/promote annotation's value. */
  promoteAnnotation?: string | undefined;
  /** When the operator last changed the API in AWS (after this pass's plan). */
  changedAt: string | undefined;
  /** This pass changed the API: behind whatever the clock says (two passes may share a millisecond). */
  changedNow: boolean;
  methodSettings: readonly MethodStageSettings[];
  /** The client certificate id each stage presents (client-certificates.ts); a stage absent has none. */
  clientCertificates?: ReadonlyMap<string, string>;
}

export function invokeUrl(restApiId: string, region: string, stage: string, path = ''): string {
  return `https://${restApiId}.execute-api.${region}.amazonaws.com/${stage}${path === '/' ? '/' : path}`;
}

/** When the API last changed in AWS after a pass that applied `applied` operations. */
export function changedAtAfter(previous: string | undefined, applied: number, now: Date): string | undefined {
  return applied > 0 ? now.toISOString() : previous;
}

/**
 * The oldest change a stage deployed at `deployedAt` does not serve: the earliest of `changes` (the
 * REST API's and its RestPaths' `changedAt`) after it; undefined when it serves them all. Each records
 * only its latest change, so for a path changed twice since, its later change stands in: a lower bound.
 */
export function unservedSince(deployedAt: string | undefined, changes: readonly (string | undefined)[]): string | undefined {
  const after = changes.filter((c): c is string => c !== undefined && (deployedAt === undefined || c > deployedAt));
  return after.length > 0 ? after.reduce((a, b) => (b < a ? b : a)) : undefined;
}

/**
 * A stage is deployed when it is missing, or (Automatic) when the API changed after its last deployment,
 * or (Manual) when the deploy annotation changed since the deployment it records. A stage with a live
 * canary deploys into the canary, and is promoted first when that is asked for or the canary is gone.
 */
export function decideStages(input: StagesInput): StageDecision[] {
  return input.stages.map((stage) => {
    const observed = input.observed.find((s) => s.name === stage.name);
    const previous = input.previous.find((s) => s.name === stage.name);
    const manual = stage.deployment === 'Manual';
    const want = desiredStage(stage, input.methodSettings, input.clientCertificates?.get(stage.name) ?? '');
    // A canary stage is behind when neither it nor its canary has the latest change.
    const lastDeployedAt = [previous?.deployedAt, previous?.canary?.deployedAt].filter((t): t is string => Boolean(t)).sort().at(-1);
    const behind = input.changedNow || !lastDeployedAt || (input.changedAt !== undefined && lastDeployedAt < input.changedAt);
    const requestedPromotion = input.promoteAnnotation !== undefined && input.promoteAnnotation !== previous?.promotedAnnotation;
    const promote = observed?.canary ? (!want.canary ? 'CanaryRemoved' : requestedPromotion ? 'Requested' : undefined) : undefined;
    const requested = input.annotation !== undefined && input.annotation !== previous?.deployedAnnotation;
    const deploy: DeployReason | undefined = !observed ? 'StageMissing' : manual ? (requested ? 'DeployRequested' : undefined) : behind ? 'ApiChanged' : undefined;
    return {
      name: stage.name,
      manual,
      want,
      ...(observed ? { observed } : {}),
      settings: observed ? stagePatch(observed, want) : [],
      ...(deploy ? { deploy } : {}),
      waitsForAnnotation: manual && !deploy && behind,
      ...(promote ? { promote } : {}),
      deployTo: want.canary && observed ? 'canary' : 'stage',
    };
  });
}

/** What the deploy step did to one stage: a deployment (into the stage or its canary), a promotion. */
export interface StageOutcome {
  deployment?: { id: string; at: string };
  promoted: boolean;
}

/** The status entry of a stage after the pass. */
export function stageStatusAfter(d: StageDecision, previous: StageStatus | undefined, outcome: StageOutcome, annotations: { deploy: string | undefined; promote: string | undefined }, invokeUrl: string): StageStatus {
  const { deployment } = outcome;
  const intoCanary = deployment !== undefined && d.deployTo === 'canary';
  // What the operator deployed; the stage may have been pointed elsewhere since (a rollback by hand),
  // which the diagnosis reports rather than undoes. A promotion makes the canary's deployment the stage's.
  const liveCanary = outcome.promoted ? undefined : d.observed?.canary;
  const promotedFrom = outcome.promoted ? d.observed?.canary : undefined;
  const deploymentId = (deployment && !intoCanary ? deployment.id : undefined) ?? promotedFrom?.deploymentId ?? previous?.deploymentId ?? d.observed?.deploymentId;
  const deployedAt = (deployment && !intoCanary ? deployment.at : undefined) ?? (promotedFrom ? previous?.canary?.deployedAt : undefined) ?? previous?.deployedAt;
  const deployedAnnotation = deployment && d.manual ? annotations.deploy : previous?.deployedAnnotation;
  const canary = intoCanary
    ? { deploymentId: deployment.id, deployedAt: deployment.at, percentTraffic: d.want.canary?.percentTraffic ?? 0 }
    : liveCanary ? { deploymentId: liveCanary.deploymentId, ...(previous?.canary?.deployedAt ? { deployedAt: previous.canary.deployedAt } : {}), percentTraffic: d.want.canary?.percentTraffic ?? liveCanary.percentTraffic } : undefined;
  const promotedAnnotation = d.promote === 'Requested' && outcome.promoted ? annotations.promote : previous?.promotedAnnotation;
  return {
    name: d.name,
    ...(deploymentId ? { deploymentId } : {}),
    ...(deployedAt ? { deployedAt } : {}),
    invokeUrl,
    ...(deployedAnnotation !== undefined ? { deployedAnnotation } : {}),
    ...(canary ? { canary } : {}),
    ...(promotedAnnotation !== undefined ? { promotedAnnotation } : {}),
  };
}

/** The diagnosis's view of a stage: as AWS serves it, next to what the operator last deployed. */
export function liveStage(name: string, manual: boolean, observed: ObservedStage | undefined, status: StageStatus | undefined): LiveStage {
  const throttle = observed?.throttling[STAGE_DEFAULT];
  return {
    name,
    exists: Boolean(observed),
    manual,
    deploymentId: observed?.deploymentId ?? '',
    variables: observed?.variables ?? {},
    ...(throttle ? { throttle } : {}),
    settings: observed?.settings ?? {},
    ...(status?.deploymentId ? { latestDeploymentId: status.deploymentId } : {}),
    ...(status?.deployedAt ? { latestDeployedAt: status.deployedAt } : {}),
    ...(observed?.canary ? { canary: { deploymentId: observed.canary.deploymentId, percentTraffic: observed.canary.percentTraffic, ...(status?.canary?.deployedAt && status.canary.deploymentId === observed.canary.deploymentId ? { deployedAt: status.canary.deployedAt } : {}) } } : {}),
  };
}

/** The live view of every declared stage from what AWS has and what the status records. */
export function liveStages(stages: readonly Stage[], observed: readonly ObservedStage[], statuses: readonly StageStatus[]): LiveStage[] {
  return stages.map((s) => liveStage(s.name, s.deployment === 'Manual', observed.find((o) => o.name === s.name), statuses.find((x) => x.name === s.name)));
}

/** Stages of an API managed elsewhere: whatever it has; their deployments are not the operator's. */
export function externalLiveStages(observed: readonly ObservedStage[]): LiveStage[] {
  return observed.map((o) => liveStage(o.name, true, o, undefined));
}

/** The stage as it is once the decision was carried out (settings applied, promoted, deployment pointed). */
export function observedAfter(d: StageDecision, outcome: StageOutcome): ObservedStage {
  const promotedTo = outcome.promoted ? d.observed?.canary?.deploymentId : undefined;
  const stageDeployment = (outcome.deployment && d.deployTo === 'stage' ? outcome.deployment.id : undefined) ?? promotedTo ?? d.observed?.deploymentId ?? '';
  const canaryDeployment = outcome.deployment && d.deployTo === 'canary' ? outcome.deployment.id : outcome.promoted ? undefined : d.observed?.canary?.deploymentId;
  return stageAt(d.want, stageDeployment, canaryDeployment);
}

/** UpdateStage operations that promote a live canary: the stage takes its deployment, the canary goes, in one update. */
export function promotionPatch(observed: ObservedStage): PatchOperation[] {
  return observed.canary ? [{ op: 'replace', path: '/deploymentId', value: observed.canary.deploymentId }, { op: 'remove', path: '/canarySettings' }] : [];
}
