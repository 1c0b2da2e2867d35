// What a pass over one REST API will do, decided once for the operator and the CLI's `plan`: the
// desired state from the objects, the operations against what AWS has (with the ledger the statuses
// hold, RestPaths being deleted included), and then for each stage whether it is deployed.
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import { DEPLOY_ANNOTATION, PROMOTE_ANNOTATION } from '../api/rest-api.js';
import type { ModelOptions } from '../model/build.js';
import { accessTarget, desiredFromObjects, methodStageSettingsOf } from '../model/from-objects.js';
import type { DesiredApi, ObservedApi, OwnershipLedger } from '../model/state.js';
import type { Ownership } from '../api/common.js';
import { changedAtAfter, decideStages, type StageDecision } from './deployments.js';
import { bulkCreatePlan } from './bulk-create.js';
import { planDiff } from './diff.js';
import { ledgerOfStatuses } from './ledger.js';
import type { Operation } from './operations.js';
import type { ObservedStage } from './stages.js';

export interface ApiPlanInput {
  api: RestApi;
  /** RestPaths that stay, and those being deleted (what they owned may go). */
  paths: readonly RestPath[];
  leaving: readonly RestPath[];
  observed: ObservedApi;
  /** Execution-role ARNs by RestPath key. */
  roleArns: ReadonlyMap<string, string>;
  /** Execution-role ARNs of authorizers (credentials.executionRole), by authorizer name. */
  authorizerRoleArns?: ReadonlyMap<string, string>;
  /** Where the API lives (resolving the resource policy's execute-api:/ and Lambda URIs). */
  where: { region: string; accountId: string };
  options: ModelOptions;
  /** Create a new (empty) REST API with one PutRestApi when the plan is large enough (bulk-create.ts). */
  bulkCreate?: boolean;
}

/**
 * The ledger of one REST API from the statuses: the RestApi's share, the RestPaths that stay, and those
 * being deleted with deletionPolicy Delete. A RestPath deleted with Retain leaves its methods in AWS:
 * they drop out of the ledger, unowned, and are never deleted.
 */
export function ledgerFor(api: Ownership | undefined, paths: readonly RestPath[], leaving: readonly RestPath[]): OwnershipLedger {
  const removed = leaving.filter((p) => (p.spec.deletionPolicy ?? 'Delete') === 'Delete');
  return ledgerOfStatuses(api, [...paths, ...removed].map((p) => p.status?.ownership));
}

export interface ApiPlan {
  desired: DesiredApi;
  operations: Operation[];
  blocked: string[];
  /** Why a bulk create was asked for and not planned (absent when planned or not asked for). */
  bulkSkipped?: string;
}

export function planRestApi(input: ApiPlanInput): ApiPlan {
  const { api } = input;
  const target = accessTarget(input.observed, input.where, input.authorizerRoleArns);
  const desired = desiredFromObjects({ namespace: api.metadata.namespace ?? '', name: api.metadata.name, spec: api.spec }, input.paths, input.roleArns, input.options, target);
  const ledger = ledgerFor(api.status?.ownership, input.paths, input.leaving);
  const { operations, blocked } = planDiff(desired, input.observed, ledger);
  if (!input.bulkCreate || !bulkAllowed(api, input.observed.id)) return { desired, operations, blocked };
  const bulk = bulkCreatePlan(desired, input.observed, ledger, operations);
  return 'operations' in bulk ? { desired, operations: bulk.operations, blocked } : { desired, operations, blocked, bulkSkipped: bulk.skipped };
}

/** A REST API whose import AWS refused once is created per operation from then on (the status remembers). */
export function bulkAllowed(api: RestApi, restApiId: string): boolean {
  const last = api.status?.bulkCreate;
  return !(last && last.restApiId === restApiId && last.outcome === 'Refused');
}

/** The stage decisions once `applied` operations have run (the deploy step runs only after a whole plan). */
/** `clientCertificates`: by stage, the id each presents; by default the ones the status records (the CLI's view). */
export function stageDecisionsAfter(api: RestApi, paths: readonly RestPath[], desired: DesiredApi, observedStages: readonly ObservedStage[], applied: number, now: Date, clientCertificates: ReadonlyMap<string, string> = recordedClientCertificates(api)): StageDecision[] {
  return decideStages({
    stages: api.spec.stages ?? [],
    observed: observedStages,
    previous: api.status?.stages ?? [],
    annotation: api.metadata.annotations?.[DEPLOY_ANNOTATION],
    promoteAnnotation: api.metadata.annotations?.[PROMOTE_ANNOTATION],
    changedAt: changedAtAfter(api.status?.changedAt, applied, now),
    changedNow: applied > 0,
    methodSettings: methodStageSettingsOf(paths, desired),
    clientCertificates,
  });
}

/** The client certificates the status records for the stages that still declare one. */
export function recordedClientCertificates(api: RestApi): Map<string, string> {
  const declared = new Set((api.spec.stages ?? []).filter((s) => s.clientCertificate?.enabled).map((s) => s.name));
  return new Map((api.status?.stages ?? []).flatMap((s) => (s.clientCertificate && declared.has(s.name) ? [[s.name, s.clientCertificate.id] as const] : [])));
}
