// Valid manifests for the fuzz tier (test/e2e/fuzz.test.ts, bench/fuzz.ts): fast-check drafts of
// RestPaths, UsagePlans (with their Secrets) and RestApis that the CRD schemas accept, built for a
// name prefix so every case owns its names and paths. The mutations of them are in manifest-mutations.ts.
// RestPaths and UsagePlans point at a few fixed RestApis made once (CreateRestApi is paced to 1 every
// 3 s: a case may not cost one each); only a budgeted share of cases creates a RestApi of its own.
import fc from 'fast-check';
import { stringify } from 'yaml';

export const API_VERSION = 'apigateway.restpath.dev/v1alpha1';

/** A document as applied: a JSON value tree (mutations walk it). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = { [key: string]: Json };
export type FuzzKind = 'RestApi' | 'RestPath' | 'UsagePlan';

/** One case before it has names: `build(prefix)` gives its documents and what was done to them. */
export interface Draft {
  /** True when nothing was mutated: the API server must accept it. */
  valid: boolean;
  /** Why its custom resources must not become Ready, when they must not (e.g. a binary key value). */
  notReady?: string;
  build: (prefix: string) => { docs: Doc[]; description: string };
}

export interface FixedApi {
  name: string;
  stages: string[];
  authorizers: { name: string; type: 'TOKEN' | 'COGNITO_USER_POOLS' }[];
  models: string[];
  validators: string[];
}

/**
 * The fixed RestApis. An operation AWS refuses stops its API's whole pass, which must not hide the
 * verdicts of other cases: `fz-risky` takes the generic mutations the API server accepts (AWS may
 * refuse them), `fz-poison` what AWS refuses for sure (sibling path variables, another account's role).
 */
export const FIXED_APIS: readonly FixedApi[] = [
  { name: 'fz-a', stages: ['live'], authorizers: [{ name: 'tokens', type: 'TOKEN' }, { name: 'pool', type: 'COGNITO_USER_POOLS' }], models: ['Order', 'Line'], validators: ['body', 'params'] },
  { name: 'fz-b', stages: ['live', 'beta'], authorizers: [], models: [], validators: [] },
  { name: 'fz-risky', stages: ['live'], authorizers: [], models: [], validators: [] },
  { name: 'fz-poison', stages: ['live'], authorizers: [], models: [], validators: [] },
];
export const SAFE_APIS = FIXED_APIS.filter((a) => a.name === 'fz-a' || a.name === 'fz-b');
export const RISKY_API = FIXED_APIS.find((a) => a.name === 'fz-risky')!;
/** Where the cases go that AWS refuses for sure: after the first, its passes stop (Synced=False) at that refusal. */
export const POISON_API = FIXED_APIS.find((a) => a.name === 'fz-poison')!;

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:fuzz-authorizer';
const POOL = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Fuzz01';

export function fixedApiDoc(api: FixedApi): Doc {
  return {
    apiVersion: API_VERSION,
    kind: 'RestApi',
    metadata: { name: api.name },
    spec: json({
      // fz-a's stage defines the variable integrations may use; on the others it is undefined (a runbook finding).
      stages: api.stages.map((name) => ({ name, ...(api.name === 'fz-a' ? { variables: { host: 'backend.internal' } } : {}) })),
      ...(api.authorizers.length > 0
        ? { authorizers: api.authorizers.map((a) => (a.type === 'TOKEN' ? { name: a.name, type: a.type, functionArn: LAMBDA } : { name: a.name, type: a.type, providerArns: [POOL] })) }
        : {}),
      ...(api.models.length > 0
        ? { models: [{ name: 'Line', schema: { type: 'object', properties: { sku: { type: 'string' } } } }, { name: 'Order', schema: { type: 'object', properties: { lines: { type: 'array', items: { $ref: '#/models/Line' } } } } }] }
        : {}),
      ...(api.validators.length > 0 ? { requestValidators: [{ name: 'body', validateBody: true }, { name: 'params', validateParameters: true }] } : {}),
    }),
  };
}

/** The path every fixed RestApi has from the start: a GET answered by a MOCK integration. */
export function basePathDoc(api: FixedApi): Doc {
  return {
    apiVersion: API_VERSION,
    kind: 'RestPath',
    metadata: { name: `${api.name}-base` },
    spec: {
      restApiRef: { name: api.name },
      path: '/base',
      methods: [{ httpMethod: 'GET', integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: [{ statusCode: '200' }] }, methodResponses: [{ statusCode: '200' }] }],
    },
  };
}

/** A value as the JSON tree it is applied as (undefined fields gone). */
export const json = (value: unknown): Json => JSON.parse(JSON.stringify(value)) as Json;

export const toYaml = (docs: Doc[]): string => docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');

const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'] as const;
const SUFFIXES = ['', '/items', '/{id}', '/{proxy+}', '/v1.2/a_b:c-d', '/{id}/lines', '/x/{proxy+}'];

/** The integration of one method, by type; non-proxy ones map a 200. */
const integration = fc.record({
  type: fc.constantFrom('MOCK', 'HTTP', 'HTTP_PROXY', 'AWS', 'AWS_PROXY'),
  timeout: fc.option(fc.integer({ min: 50, max: 29000 }), { nil: undefined }),
  stageVariable: fc.boolean(),
  role: fc.boolean(),
});

const methodDraft = (api: FixedApi) =>
  fc.record({
    integration,
    apiKeyRequired: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    auth: fc.constantFrom('NONE', 'AWS_IAM', 'ref'),
    authorizer: fc.nat(),
    validator: fc.option(fc.nat(), { nil: undefined }),
    model: fc.option(fc.nat(), { nil: undefined }),
    throttled: fc.boolean(),
    query: fc.boolean(),
  }).map((g) => (httpMethod: string, prefix: string): Doc => {
    const { type } = g.integration;
    const proxy = type.endsWith('_PROXY');
    const backend = g.integration.stageVariable ? `http://\${stageVariables.host}/${prefix}` : `https://backend.internal/${prefix}`;
    const uri = type.startsWith('HTTP') ? backend : type === 'AWS_PROXY' ? `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${LAMBDA}/invocations` : type === 'AWS' ? 'arn:aws:apigateway:us-east-1:sqs:path/123456789012/fuzz' : undefined;
    const authorizer = api.authorizers.length > 0 ? api.authorizers[g.authorizer % api.authorizers.length]! : undefined;
    const authorization: Json = g.auth === 'ref' && authorizer ? { type: authorizer.type === 'TOKEN' ? 'CUSTOM' : 'COGNITO_USER_POOLS', authorizerRef: authorizer.name } : { type: g.auth === 'ref' ? 'NONE' : g.auth };
    return {
      httpMethod,
      authorization,
      apiKeyRequired: g.apiKeyRequired,
      ...(g.query ? { requestParameters: { 'method.request.querystring.q': false } } : {}),
      ...(g.throttled ? { throttling: { rateLimit: 10, burstLimit: 20 } } : {}),
      ...(g.validator !== undefined && api.validators.length > 0 ? { requestValidator: api.validators[g.validator % api.validators.length]! } : {}),
      ...(g.model !== undefined && api.models.length > 0 ? { requestModels: { 'application/json': api.models[g.model % api.models.length]! } } : {}),
      integration: {
        type,
        ...(uri ? { uri } : {}),
        ...(type === 'MOCK' ? { requestTemplates: { 'application/json': '{"statusCode": 200}' } } : { httpMethod: type.startsWith('AWS') ? 'POST' : httpMethod === 'ANY' ? 'GET' : httpMethod }),
        ...(g.integration.timeout !== undefined ? { timeoutMillis: g.integration.timeout } : {}),
        // A role of another account: AWS refuses to pass it, and the refusal stops the API's whole pass,
        // so only fz-poison gets it.
        ...(type === 'AWS' && g.integration.role && api === POISON_API ? { credentials: { roleArn: 'arn:aws:iam::123456789012:role/fuzz-missing' } } : {}),
        ...(proxy ? {} : { responses: [{ statusCode: '200' }] }),
      },
      ...(proxy ? {} : { methodResponses: [{ statusCode: '200' }] }),
    };
  });

/** A valid RestPath on `api`, as a function of its name prefix (which is also its first path segment). */
export const restPathDraft = (api: FixedApi) =>
  fc.record({
    suffix: fc.constantFrom(...SUFFIXES),
    methods: fc.uniqueArray(fc.constantFrom(...HTTP_METHODS), { minLength: 1, maxLength: 3 }).chain((ms) => fc.tuple(...ms.map((m) => methodDraft(api).map((f) => [m, f] as const)))),
    cors: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  }).map((g) => (prefix: string, name = `${prefix}-rp`): Doc => ({
    apiVersion: API_VERSION,
    kind: 'RestPath',
    metadata: { name },
    spec: {
      restApiRef: { name: api.name },
      path: `/${prefix}${g.suffix}`,
      methods: g.methods.map(([m, f]) => f(m, prefix)),
      ...(g.cors ? { cors: { allowOrigins: ['https://fuzz.example.com'], maxAgeSeconds: 60 } } : {}),
    },
  }));

/** A Secret holding an API key value of at least 20 characters, unique to the case. */
export const keySecret = (name: string, value: string, key = 'apiKey'): Doc => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', stringData: { [key]: value } });

/** A valid UsagePlan on stages of the fixed APIs, its keys generated or from Secrets of its own. */
export const usagePlanDraft = fc
  .record({
    stages: fc.subarray(SAFE_APIS.flatMap((a) => a.stages.map((s) => [a.name, s] as const)), { minLength: 0, maxLength: 2 }),
    throttle: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
    quota: fc.option(fc.tuple(fc.constantFrom('DAY', 'WEEK', 'MONTH'), fc.integer({ min: 0, max: 6 })), { nil: undefined }),
    keys: fc.array(fc.boolean(), { maxLength: 3 }),
    token: fc.stringMatching(/^[A-Za-z0-9]{24}$/),
  })
  .map((g) => (prefix: string): Doc[] => {
    const secrets = g.keys.flatMap((own, i) => (own ? [keySecret(`${prefix}-s${i}`, `${prefix}-${i}-${g.token}`)] : []));
    const plan: Doc = {
      apiVersion: API_VERSION,
      kind: 'UsagePlan',
      metadata: { name: `${prefix}-plan` },
      spec: json({
        ...(g.throttle !== undefined ? { throttle: { rateLimit: g.throttle, burstLimit: g.throttle * 2 } } : {}),
        ...(g.quota ? { quota: { limit: 1000, period: g.quota[0], offset: g.quota[0] === 'DAY' ? 0 : g.quota[1] } } : {}),
        apiStages: g.stages.map(([api, stage]) => ({ restApiRef: { name: api }, stage })),
        apiKeys: g.keys.map((own, i) => (own ? { name: `k${i}`, valueFrom: { secretKeyRef: { name: `${prefix}-s${i}`, key: 'apiKey' } } } : { name: `k${i}`, generateInto: { secretName: `${prefix}-g${i}` } })),
      }),
    };
    return [...secrets, plan];
  });

/** A valid RestApi of its own (created in AWS: budgeted), with models that may refer to each other. */
export const restApiDraft = fc
  .record({
    stages: fc.uniqueArray(fc.constantFrom('live', 'beta', 'dev_1'), { minLength: 0, maxLength: 2 }),
    models: fc.integer({ min: 0, max: 3 }),
    description: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    binary: fc.subarray(['image/png', '*/*']),
    tags: fc.dictionary(fc.constantFrom('team', 'cost-center'), fc.stringMatching(/^[a-z0-9]{1,8}$/), { maxKeys: 2 }),
    gateway: fc.boolean(),
  })
  .map((g) => (prefix: string): Doc => ({
    apiVersion: API_VERSION,
    kind: 'RestApi',
    metadata: { name: `${prefix}-api` },
    spec: json({
      stages: g.stages.map((name) => ({ name })),
      // M0 <- M1 <- M2: each refers to the one before, an order the operator must create them in.
      models: Array.from({ length: g.models }, (_, i) => ({ name: `M${i}`, schema: i === 0 ? { type: 'string' } : { type: 'object', properties: { prev: { $ref: `#/models/M${i - 1}` } } } })),
      ...(g.description !== undefined ? { description: g.description } : {}),
      binaryMediaTypes: g.binary,
      tags: g.tags,
      ...(g.gateway ? { gatewayResponses: [{ type: 'THROTTLED', statusCode: '429', responseTemplates: { 'application/json': '{"e":1}' } }] } : {}),
    }),
  }));
