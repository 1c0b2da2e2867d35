// model(spec): one RestApi and the RestPaths that reference it -> the desired state of one REST API.
// Many RestPaths share parent segments: each segment records which RestPaths need it. Two RestPaths
// declaring the same path and method: the older keeps it, the newer is reported as a conflict.
import type { RestApiSpec } from '../api/rest-api.js';
import type { RestPathSpec } from '../api/rest-path.js';
import { OWNERSHIP_TAG_PREFIX } from '../api/common.js';
import { accessOf, type AccessTarget } from './access-build.js';
import { effectiveCors, gatewayCors, gatewayResponseWithCors, CORS_GATEWAY_RESPONSES, preflightShape, withCorsHeaders, type EffectiveCors } from './cors.js';
import { gatewayResponseShape, methodShape } from './normalize.js';
import { DEFAULT_RESOURCES_PER_API, resourceLimitMessage, withinResourceLimit } from './resource-limit.js';
import { methodKey, pathPrefixes, splitPath } from './shapes.js';
import type { DesiredApi, DesiredMethod, DesiredResource, MethodConflict, PendingMethod, RefusedMethod } from './state.js';

export const MANAGED_BY_TAG = `${OWNERSHIP_TAG_PREFIX}managed-by`;
export const OWNER_TAG = `${OWNERSHIP_TAG_PREFIX}owner`;

export interface RestApiInput {
  namespace: string;
  name: string;
  spec: RestApiSpec;
}

export interface RestPathInput {
  namespace: string;
  name: string;
  /** metadata.creationTimestamp (RFC 3339): the older declaration of a method wins. */
  createdAt: string;
  spec: RestPathSpec;
  /** The ARN of this RestPath's execution role, once it exists (credentials: { executionRole: true }). */
  executionRoleArn?: string;
}

export interface ModelOptions {
  /** Value of the restpath.dev/managed-by tag, e.g. the operator's name. */
  managedBy: string;
  /** Operator-wide tags on everything it creates; user tags win on the same key. */
  defaultTags?: Record<string, string>;
  /** API Gateway's "Resources per API" quota of the account (default 300). */
  resourcesPerApi?: number;
}

export function ownerRef(namespace: string, kind: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

export function restPathKey(p: Pick<RestPathInput, 'namespace' | 'name'>): string {
  return `${p.namespace}/${p.name}`;
}

interface Claim {
  path: RestPathInput;
  method: RestPathSpec['methods'][number];
}

function credentialsFor(claim: Claim): { arn: string } | { pending: string } {
  const credentials = claim.method.integration.credentials;
  if (!credentials) return { arn: '' };
  if (credentials.roleArn) return { arn: credentials.roleArn };
  return claim.path.executionRoleArn
    ? { arn: claim.path.executionRoleArn }
    : { pending: 'waiting for the execution role of this RestPath to be created' };
}

/**
 * The desired REST API. `target` says where it lives and what it has (ids of its authorizers and
 * validators, its models, the authorizers' execution roles); without it names stay unresolved refs.
 */
export function buildDesired(api: RestApiInput, declared: RestPathInput[], options: ModelOptions, target?: AccessTarget): DesiredApi {
  const limit = options.resourcesPerApi ?? DEFAULT_RESOURCES_PER_API;
  const { admitted: paths, over } = withinResourceLimit(declared, limit);
  const refused: RefusedMethod[] = over.flatMap((o) =>
    o.path.spec.methods.map((m) => ({ path: o.path.spec.path, httpMethod: m.httpMethod, owner: restPathKey(o.path), reason: 'ResourceLimitReached', message: resourceLimitMessage(o, limit) })),
  );
  const claims = new Map<string, Claim[]>();
  for (const path of paths) {
    for (const method of path.spec.methods) {
      const key = methodKey(path.spec.path, method.httpMethod);
      claims.set(key, [...(claims.get(key) ?? []), { path, method }]);
    }
  }
  const access = accessOf(api.spec, target);

  const methods: DesiredMethod[] = [];
  const conflicts: MethodConflict[] = [];
  const pending: PendingMethod[] = [];
  const neededBy = new Map<string, Set<string>>();
  const corsOf = new Map<string, EffectiveCors | undefined>(paths.map((p) => [restPathKey(p), effectiveCors(api.spec.cors, p.spec.cors)]));
  /** Per path string: the methods declared on it, and the RestPaths (oldest first) that declare them. */
  const onPath = new Map<string, { methods: string[]; owners: RestPathInput[] }>();
  for (const key of [...claims.keys()].sort()) {
    const [winner, ...losers] = (claims.get(key) ?? []).sort(
      (a, b) => a.path.createdAt.localeCompare(b.path.createdAt) || restPathKey(a.path).localeCompare(restPathKey(b.path)),
    );
    if (!winner) continue;
    const owner = restPathKey(winner.path);
    const { path } = winner.path.spec;
    const { httpMethod } = winner.method;
    for (const loser of losers) conflicts.push({ path, httpMethod, keptBy: owner, refused: restPathKey(loser.path) });
    for (const prefix of pathPrefixes(path)) neededBy.set(prefix, (neededBy.get(prefix) ?? new Set()).add(owner));
    const group = onPath.get(path) ?? { methods: [], owners: [] };
    group.methods.push(httpMethod);
    if (!group.owners.includes(winner.path)) group.owners.push(winner.path);
    onPath.set(path, group);
    const credentials = credentialsFor(winner);
    if ('pending' in credentials) {
      pending.push({ path, httpMethod, owner, reason: credentials.pending });
      continue;
    }
    const refs = access.refsOf(winner.method);
    if ('refused' in refs) {
      refused.push({ path, httpMethod, owner, ...refs.refused });
      continue;
    }
    if ('pending' in refs) {
      pending.push({ path, httpMethod, owner, reason: refs.pending });
      continue;
    }
    const shape = methodShape(winner.method, credentials.arn, refs);
    const cors = corsOf.get(owner);
    methods.push({ path, httpMethod, owner, shape: cors ? withCorsHeaders(shape, cors) : shape });
  }

  // The derived preflight: one per path with CORS and no OPTIONS of its own, owned by the oldest
  // RestPath on the path that has CORS (several RestPaths may share one path).
  for (const [path, group] of [...onPath].sort(([a], [b]) => a.localeCompare(b))) {
    if (group.methods.includes('OPTIONS')) continue;
    const owner = [...group.owners].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || restPathKey(a).localeCompare(restPathKey(b))).find((p) => corsOf.get(restPathKey(p)));
    if (!owner) continue;
    methods.push({ path, httpMethod: 'OPTIONS', owner: restPathKey(owner), shape: preflightShape(corsOf.get(restPathKey(owner))!, group.methods), derived: true });
  }
  methods.sort((a, b) => methodKey(a.path, a.httpMethod).localeCompare(methodKey(b.path, b.httpMethod)));

  const resources: DesiredResource[] = [...neededBy.keys()].sort().map((path) => ({
    path,
    ...splitPath(path),
    neededBy: [...(neededBy.get(path) ?? [])].sort(),
  }));

  const gatewayResponses: DesiredApi['gatewayResponses'] = {};
  for (const r of api.spec.gatewayResponses ?? []) gatewayResponses[r.type] = gatewayResponseShape(r);
  const gateway = gatewayCors(api.spec.cors, [...corsOf.values()]);
  if (gateway) {
    for (const type of new Set([...CORS_GATEWAY_RESPONSES, ...Object.keys(gatewayResponses)])) gatewayResponses[type] = gatewayResponseWithCors(gatewayResponses[type], gateway);
  }

  return {
    settings: {
      name: api.spec.name ?? `${api.namespace}-${api.name}`,
      description: api.spec.description ?? '',
      endpointType: api.spec.endpointType ?? 'REGIONAL',
      binaryMediaTypes: [...new Set(api.spec.binaryMediaTypes ?? [])].sort(),
      vpcEndpointIds: [...new Set(api.spec.vpcEndpointIds ?? [])].sort(),
    },
    tags: {
      ...options.defaultTags,
      ...api.spec.tags,
      [MANAGED_BY_TAG]: options.managedBy,
      [OWNER_TAG]: ownerRef(api.namespace, 'RestApi', api.name),
    },
    resources,
    methods,
    gatewayResponses,
    conflicts,
    pending,
    refused,
    authorizers: access.authorizers,
    heldAuthorizers: access.heldAuthorizers,
    models: access.models.models,
    modelOrder: access.models.order,
    requestValidators: access.validators,
    ...(access.policy !== undefined ? { policy: access.policy } : {}),
    problems: access.problems,
    cors: Object.fromEntries([...corsOf].flatMap(([key, c]) => (c ? [[key, c] as const] : []))),
  };
}
