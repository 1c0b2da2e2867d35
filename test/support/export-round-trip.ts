// Export's promise on the shapes: manifests planned and applied on the simulator until nothing is
// left to do, exported, and the plan for the exported manifests against that same API is empty.
// Shared by the unit tier (examples, the import fixtures, a few APIs.guru documents) and
// bench/openapi-sample.ts (the whole sample).
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import { keyOfPath } from '../../src/model/from-objects.js';
import type { ObservedApi } from '../../src/model/state.js';
import { exportApi } from '../../src/openapi/export.js';
import { planRestApi } from '../../src/plan/api-plan.js';
import { describeOperation } from '../../src/plan/operations.js';
import { authorizersWithRole } from '../../src/plan/role-diff.js';
import { simulate } from '../../src/plan/simulate.js';
import { emptyApi } from './arbitraries.js';

const where = { region: 'eu-west-1', accountId: '123456789012' };
const options = { managedBy: 'restpath-operator' };
const MAX_PASSES = 6;

export function planOf(api: RestApi, paths: RestPath[], observed: ObservedApi) {
  const roleArns = new Map(paths.filter((p) => p.spec.executionRole).map((p) => [keyOfPath(p), `arn:aws:iam::${where.accountId}:role/restpath/${p.metadata.name}`] as const));
  const authorizerRoleArns = new Map(authorizersWithRole(api).map((a) => [a.name, `arn:aws:iam::${where.accountId}:role/restpath/authorizer-${a.name}`] as const));
  return planRestApi({ api, paths, leaving: [], observed, roleArns, authorizerRoleArns, where, options });
}

/** What the desired state cannot make (refusals, problems, pending references, conflicts): empty when all of it can be. */
export function unmakeable(api: RestApi, paths: RestPath[]) {
  const { refused, problems, pending, conflicts } = planOf(api, paths, emptyApi()).desired;
  return { refused, problems, pending, conflicts };
}

/** The API the operator converges to for these manifests: passes on the simulator until a plan is empty. */
export function liveFrom(api: RestApi, paths: RestPath[]): ObservedApi {
  let live = emptyApi();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const operations = planOf(api, paths, live).operations;
    if (operations.length === 0) return live;
    live = simulate(live, operations);
  }
  throw new Error(`no convergence after ${MAX_PASSES} passes: ${planOf(api, paths, live).operations.map(describeOperation).join('; ')}`);
}

export interface RoundTrip {
  live: ObservedApi;
  exported: { api: RestApi; paths: RestPath[] };
  /** The operations the plan for the exported manifests has against the same API, described: none is the promise. */
  writes: string[];
}

export async function exportRoundTrip(api: RestApi, paths: RestPath[]): Promise<RoundTrip> {
  const live = liveFrom(api, paths);
  const exported = await exportApi(live, { apiName: api.metadata.name, namespace: api.metadata.namespace ?? 'shop' });
  return { live, exported, writes: planOf(exported.api, exported.paths, live).operations.map(describeOperation) };
}
