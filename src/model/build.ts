// model(spec): one RestApi and the RestPaths that reference it -> the desired state of one REST API.
// Many RestPaths share parent segments: each segment records which RestPaths need it. Two RestPaths
// declaring the same path and method: the older keeps it, the newer is reported as a conflict.
import type { RestApiSpec } from '../api/rest-api.js';
import type { RestPathSpec } from '../api/rest-path.js';
import { OWNERSHIP_TAG_PREFIX } from '../api/common.js';
import { gatewayResponseShape, methodShape } from './normalize.js';
import { methodKey, pathPrefixes, splitPath } from './shapes.js';
import type { DesiredApi, DesiredMethod, DesiredResource, MethodConflict, PendingMethod } from './state.js';

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

export function buildDesired(api: RestApiInput, paths: RestPathInput[], options: ModelOptions): DesiredApi {
  const claims = new Map<string, Claim[]>();
  for (const path of paths) {
    for (const method of path.spec.methods) {
      const key = methodKey(path.spec.path, method.httpMethod);
      claims.set(key, [...(claims.get(key) ?? []), { path, method }]);
    }
  }

  const methods: DesiredMethod[] = [];
  const conflicts: MethodConflict[] = [];
  const pending: PendingMethod[] = [];
  const neededBy = new Map<string, Set<string>>();
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
    const credentials = credentialsFor(winner);
    if ('pending' in credentials) {
      pending.push({ path, httpMethod, owner, reason: credentials.pending });
      continue;
    }
    methods.push({ path, httpMethod, owner, shape: methodShape(winner.method, credentials.arn) });
  }

  const resources: DesiredResource[] = [...neededBy.keys()].sort().map((path) => ({
    path,
    ...splitPath(path),
    neededBy: [...(neededBy.get(path) ?? [])].sort(),
  }));

  const gatewayResponses: DesiredApi['gatewayResponses'] = {};
  for (const r of api.spec.gatewayResponses ?? []) gatewayResponses[r.type] = gatewayResponseShape(r);

  return {
    settings: {
      name: api.spec.name ?? `${api.namespace}-${api.name}`,
      description: api.spec.description ?? '',
      endpointType: api.spec.endpointType ?? 'REGIONAL',
      binaryMediaTypes: [...new Set(api.spec.binaryMediaTypes ?? [])].sort(),
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
  };
}
