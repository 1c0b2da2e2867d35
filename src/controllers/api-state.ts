// State of one REST API as its Kubernetes objects record it, shared by the reconciler and the CLI:
// the ownership ledger their statuses hold, and the stages as AWS has them next to what the operator
// last deployed to each.
import type { Ownership } from '../api/common.js';
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { OwnershipLedger } from '../model/state.js';
import { STAGE_DEFAULT, type ObservedStage } from '../plan/stages.js';
import type { LiveStage } from './path-diagnosis.js';

export function union(...lists: (string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))].sort();
}

export function ledgerOfObjects(api: RestApi, paths: RestPath[]): OwnershipLedger {
  const all: (Ownership | undefined)[] = [api.status?.ownership, ...paths.map((p) => p.status?.ownership)];
  return {
    methods: union(...all.map((o) => o?.methods)),
    resources: union(...all.map((o) => o?.resources)),
    gatewayResponses: union(api.status?.ownership?.gatewayResponses),
    tags: union(api.status?.ownership?.tags),
  };
}

export function liveStagesFrom(api: RestApi, observedStages: ObservedStage[]): LiveStage[] {
  return (api.spec.stages ?? []).map((stage) => {
    const o = observedStages.find((x) => x.name === stage.name);
    const previous = api.status?.stages?.find((x) => x.name === stage.name);
    const throttle = o?.throttling[STAGE_DEFAULT];
    return {
      name: stage.name,
      exists: Boolean(o),
      manual: stage.deployment === 'Manual',
      deploymentId: o?.deploymentId ?? '',
      variables: o?.variables ?? {},
      ...(throttle ? { throttle } : {}),
      ...(previous?.deploymentId ? { latestDeploymentId: previous.deploymentId } : {}),
      ...(previous?.deployedAt ? { latestDeployedAt: previous.deployedAt } : {}),
    };
  });
}
