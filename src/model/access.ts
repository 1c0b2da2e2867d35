// The API-wide access pieces of a RestApi, normalized: authorizers (with the Lambda invocation URI the
// operator builds), models (canonical JSON, $refs in API Gateway's URL form, creation order), request
// validators and the resource policy (execute-api:/ resolved to this API's ARN). Pure.
import { DEFAULT_AUTHORIZER_TTL, DEFAULT_TOKEN_SOURCE, type Authorizer, type Model, type RequestValidator } from '../api/access.js';
import type { AuthorizerShape, ModelShape, RequestValidatorShape } from './shapes.js';
import type { ApiProblem } from './state.js';

/** Where the API lives: what resolving names, ARNs and $refs needs. Absent parts stay unresolved. */
export interface ApiTarget {
  region: string;
  accountId: string;
  restApiId: string;
}

/** Sorted keys all the way down, so two documents compare by content, not by formatting. */
export function canonicalJson(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, x]) => [k, canonical(x)])) : v;
  return JSON.stringify(canonical(value));
}

/** A JSON text as AWS returns it: plain, or (a policy) with its quotes escaped; undefined when it is neither. */
export function parseAwsJson(text: string): unknown {
  for (const candidate of [text, text.replace(/\\"/g, '"').replace(/\\\//g, '/')]) {
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // not this form; try the next
    }
  }
  return undefined;
}

/** A JSON text as AWS returns it, canonical; as given when it does not parse. */
export function canonicalJsonText(text: string): string {
  const parsed = parseAwsJson(text);
  return parsed === undefined ? text : canonicalJson(parsed);
}

export function lambdaInvocationUri(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** The function an authorizer (or integration) URI invokes, if it is a Lambda invocation URI. */
export function functionOfUri(uri: string): string | undefined {
  return /:lambda:path\/2015-03-31\/functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1];
}

/** The region of a Lambda function ARN (API Gateway invokes it through its own region's endpoint). */
const regionOf = (arn: string): string => arn.split(':')[3] ?? '';

export function authorizerShape(spec: Authorizer, region: string, credentials: string): AuthorizerShape {
  const lambda = spec.type !== 'COGNITO_USER_POOLS';
  return {
    type: spec.type,
    authorizerUri: lambda && spec.functionArn ? lambdaInvocationUri(region || regionOf(spec.functionArn), spec.functionArn) : '',
    identitySource: spec.identitySource ?? (spec.type === 'REQUEST' ? '' : DEFAULT_TOKEN_SOURCE),
    identityValidationExpression: spec.identityValidationExpression ?? '',
    resultTtlSeconds: spec.resultTtlSeconds ?? DEFAULT_AUTHORIZER_TTL,
    providerArns: [...(spec.providerArns ?? [])].sort(),
    credentials,
  };
}

export function validatorShape(spec: RequestValidator): RequestValidatorShape {
  return { validateBody: spec.validateBody ?? false, validateParameters: spec.validateParameters ?? false };
}

const MODEL_URL = /^https:\/\/apigateway\.amazonaws\.com\/restapis\/[^/]+\/models\/([A-Za-z0-9]+)$/;

/** The models a schema refers to ($ref "#/models/NAME" or API Gateway's URL form), by name. */
export function modelRefs(schema: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') {
        const name = x.startsWith('#/models/') ? x.slice('#/models/'.length) : MODEL_URL.exec(x)?.[1];
        if (name) out.add(name);
      } else walk(x);
    }
  };
  walk(schema);
  return [...out].sort();
}

/** The schema with every $ref `to` rewrites replaced (undefined: left as it is). */
export function rewriteRefs(schema: unknown, to: (ref: string) => string | undefined): unknown {
  if (Array.isArray(schema)) return schema.map((x) => rewriteRefs(x, to));
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, x]) => {
      const ref = k === '$ref' && typeof x === 'string' ? to(x) : undefined;
      return ref !== undefined ? [k, ref] : [k, rewriteRefs(x, to)];
    }),
  );
}

/** Every REST API has these two models from its creation on; a schema of the same name gets another. */
export const BUILT_IN_MODELS: readonly string[] = ['Empty', 'Error'];

export const modelUrl = (restApiId: string, name: string): string => `https://apigateway.amazonaws.com/restapis/${restApiId}/models/${name}`;

function withModelUrls(schema: unknown, restApiId: string): unknown {
  return rewriteRefs(schema, (ref) => (ref.startsWith('#/models/') ? modelUrl(restApiId, ref.slice('#/models/'.length)) : undefined));
}

/** The inverse of withModelUrls: API Gateway's model URLs in a schema as #/models/NAME (export). */
export function withModelNames(schema: unknown): unknown {
  return rewriteRefs(schema, (ref) => {
    const name = MODEL_URL.exec(ref)?.[1];
    return name ? `#/models/${name}` : undefined;
  });
}

export interface DesiredModels {
  models: Record<string, ModelShape>;
  /** Creation order: every model after the models it refers to. */
  order: string[];
  problems: ApiProblem[];
  /** Declared models left out, with why (a cycle, a $ref to nothing). */
  leftOut: Map<string, string>;
}

/**
 * The declared models, in dependency order (API Gateway refuses a model whose $ref names a model that
 * does not exist yet). A model in a cycle, or referring to one that is neither declared nor in AWS,
 * is left out and reported.
 */
export function desiredModels(specs: readonly Model[], restApiId: string, existing: ReadonlySet<string>): DesiredModels {
  const byName = new Map(specs.map((m) => [m.name, m]));
  const problems: ApiProblem[] = [];
  const leftOut = new Map<string, string>();
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done' | 'bad'>();
  const visit = (name: string, chain: string[]): boolean => {
    const seen = state.get(name);
    if (seen === 'done') return true;
    if (seen === 'bad') return false;
    if (seen === 'visiting') {
      const message = `models ${[...chain.slice(chain.indexOf(name)), name].join(' -> ')} refer to each other in a cycle: API Gateway cannot create any of them`;
      problems.push({ reason: 'ModelCycle', message });
      leftOut.set(name, message);
      return false;
    }
    const spec = byName.get(name);
    if (!spec) return existing.has(name);
    state.set(name, 'visiting');
    const missing = modelRefs(spec.schema).filter((ref) => !visit(ref, [...chain, name]));
    state.set(name, missing.length === 0 ? 'done' : 'bad');
    if (missing.length > 0) {
      const unknown = missing.filter((m) => !byName.has(m) && !existing.has(m));
      const message = unknown.length > 0 ? `model ${name} refers to ${unknown.join(', ')}, which is neither in spec.models nor in the REST API` : `model ${name} refers to ${missing.join(', ')}, which cannot be created`;
      if (unknown.length > 0) problems.push({ reason: 'ModelNotFound', message });
      if (!leftOut.has(name)) leftOut.set(name, message);
      return false;
    }
    order.push(name);
    return true;
  };
  for (const name of [...byName.keys()].sort()) visit(name, []);
  const models: Record<string, ModelShape> = {};
  for (const name of order) {
    const spec = byName.get(name)!;
    models[name] = { contentType: spec.contentType ?? 'application/json', description: spec.description ?? '', schema: canonicalJson(withModelUrls(spec.schema, restApiId)) };
  }
  return { models, order, problems, leftOut };
}

/** execute-api:/REST resolved against this API: arn:aws:execute-api:REGION:ACCOUNT:ID/REST (AWS's console shorthand). */
function resolveResource(resource: unknown, t: ApiTarget): unknown {
  if (Array.isArray(resource)) return resource.map((r) => resolveResource(r, t));
  return typeof resource === 'string' && resource.startsWith('execute-api:/')
    ? `arn:aws:execute-api:${t.region}:${t.accountId}:${t.restApiId}/${resource.slice('execute-api:/'.length)}`
    : resource;
}

/** One-element lists read as their element: IAM treats ["x"] and "x" alike, and AWS may store either. */
function unwrapSingletons(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 1 ? unwrapSingletons(v[0]) : v.map(unwrapSingletons);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSingletons(x)]));
}

/** The resource policy as written to AWS: execute-api:/ shorthands resolved. */
export function resolvedPolicy(policy: Record<string, unknown>, t: ApiTarget): Record<string, unknown> {
  const statements = policy.Statement;
  const resolve = (s: unknown): unknown => {
    if (!s || typeof s !== 'object') return s;
    const st = { ...(s as Record<string, unknown>) };
    for (const key of ['Resource', 'NotResource']) if (key in st) st[key] = resolveResource(st[key], t);
    return st;
  };
  return { ...policy, ...(statements !== undefined ? { Statement: Array.isArray(statements) ? statements.map(resolve) : resolve(statements) } : {}) };
}

/** A policy for comparison: canonical, one-element lists unwrapped (AWS's own formatting never reads as a change). */
export function comparablePolicy(policy: unknown): string {
  return canonicalJson(unwrapSingletons(policy));
}

export function comparablePolicyText(text: string): string {
  const parsed = parseAwsJson(text);
  return parsed === undefined ? text : comparablePolicy(parsed);
}
