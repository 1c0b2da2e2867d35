// fast-check generators for valid manifests (within the CRD's rules) and the helpers the pure-core
// tests share: an empty REST API as AWS reports it, and desired state built from RestPath specs.
import fc from 'fast-check';
import type { Method, RestPathSpec } from '../../src/api/rest-path.js';
import { HTTP_METHODS, INTEGRATION_TYPES } from '../../src/api/rest-path.js';
import { buildDesired, type RestPathInput } from '../../src/model/build.js';
import { freshAccess, type DesiredApi, type ObservedApi } from '../../src/model/state.js';

export const NAMESPACE = 'shop';
export const OPTIONS = { managedBy: 'restpath-operator', defaultTags: { env: 'test' } };

export function emptyApi(id = 'abcdefghij'): ObservedApi {
  return {
    id,
    rootResourceId: 'root000000',
    settings: { name: 'x', description: '', endpointType: 'EDGE', binaryMediaTypes: [], vpcEndpointIds: [] },
    tags: {},
    resources: [],
    methods: [],
    gatewayResponses: {},
    ...freshAccess(),
  };
}

export function restPath(name: string, spec: Omit<RestPathSpec, 'restApiRef'>, createdAt = '2026-01-01T00:00:00Z', extra: Partial<RestPathInput> = {}): RestPathInput {
  return { namespace: NAMESPACE, name, createdAt, spec: { restApiRef: { name: 'shop' }, ...spec }, ...extra };
}

export function desiredOf(paths: RestPathInput[], spec: Parameters<typeof buildDesired>[0]['spec'] = {}): DesiredApi {
  return buildDesired({ namespace: NAMESPACE, name: 'shop', spec }, paths, OPTIONS);
}

const LAMBDA_URI = (n: number) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f${n}/invocations`;

const stringMap = (keys: string[], values: string[]) =>
  fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 3 });

/** One valid method spec, any integration type. */
export const methodSpec = (httpMethod: (typeof HTTP_METHODS)[number]): fc.Arbitrary<Method> =>
  fc
    .record({
      type: fc.constantFrom(...INTEGRATION_TYPES),
      n: fc.integer({ min: 0, max: 3 }),
      backendMethod: fc.constantFrom(...HTTP_METHODS),
      apiKeyRequired: fc.boolean(),
      auth: fc.constantFrom('NONE', 'AWS_IAM', 'CUSTOM'),
      timeout: fc.option(fc.integer({ min: 50, max: 29000 }), { nil: undefined }),
      requestParameters: fc.dictionary(fc.constantFrom('method.request.querystring.q', 'method.request.header.X-Id'), fc.boolean(), { maxKeys: 2 }),
      integrationParameters: stringMap(['integration.request.header.X-Id', 'integration.request.querystring.q'], ["'fixed'", 'method.request.header.X-Id']),
      templates: stringMap(['application/json', 'text/plain'], ['{}', '{"a":1}']),
      responses: fc.subarray(['200', '400', '500']),
      integrationResponses: fc.subarray(['200', '400', '500']),
      passthrough: fc.option(fc.constantFrom('WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'), { nil: undefined }),
      roleArn: fc.boolean(),
    })
    .map((g): Method => {
      const proxy = g.type.endsWith('_PROXY');
      const http = g.type.startsWith('HTTP');
      const aws = g.type.startsWith('AWS');
      const responses = proxy ? [] : g.responses;
      return {
        httpMethod,
        apiKeyRequired: g.apiKeyRequired,
        authorization: g.auth === 'CUSTOM' ? { type: 'CUSTOM', authorizerId: 'auth01' } : { type: g.auth },
        requestParameters: g.requestParameters,
        integration: {
          type: g.type,
          ...(http ? { uri: `http://backend${g.n}.internal/orders`, httpMethod: g.backendMethod } : {}),
          ...(aws ? { uri: LAMBDA_URI(g.n), httpMethod: 'POST' } : {}),
          ...(g.timeout !== undefined ? { timeoutMillis: g.timeout } : {}),
          ...(g.type === 'MOCK' ? {} : { requestParameters: g.integrationParameters }),
          requestTemplates: g.templates,
          ...(g.passthrough ? { passthroughBehavior: g.passthrough } : {}),
          ...(aws && g.roleArn ? { credentials: { roleArn: `arn:aws:iam::123456789012:role/r${g.n}` } } : {}),
          ...(proxy ? {} : { responses: g.integrationResponses.filter((s) => responses.includes(s)).map((statusCode) => ({ statusCode })) }),
        },
        ...(proxy ? {} : { methodResponses: responses.map((statusCode) => ({ statusCode })) }),
      };
    });

const SEGMENTS = ['orders', 'items', '{id}', 'v1', 'users'];

/** A valid resource path: 1-3 segments from a small alphabet (so paths share parents), maybe greedy. */
export const resourcePath: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([segments, greedy]) => `/${segments.join('/')}${greedy ? '/{proxy+}' : ''}`)
  .filter((p) => !/\{id\}.*\{id\}/.test(p));

/** 0-5 RestPaths; the same path may appear in several (shared parents, and method conflicts). */
export const restPaths: fc.Arbitrary<RestPathInput[]> = fc
  .array(
    fc.record({
      path: resourcePath,
      methods: fc.uniqueArray(fc.constantFrom(...HTTP_METHODS), { minLength: 1, maxLength: 3 }).chain((ms) => fc.tuple(...ms.map(methodSpec))),
      day: fc.integer({ min: 1, max: 28 }),
    }),
    { maxLength: 5 },
  )
  .map((items) =>
    items.map((it, i) => restPath(`p${i}`, { path: it.path, methods: it.methods }, `2026-01-${String(it.day).padStart(2, '0')}T00:00:00Z`)),
  );

export const apiSpec = fc.record({
  description: fc.option(fc.constantFrom('Shop API', 'Other'), { nil: undefined }),
  endpointType: fc.option(fc.constantFrom('EDGE' as const, 'REGIONAL' as const, 'PRIVATE' as const), { nil: undefined }),
  binaryMediaTypes: fc.subarray(['image/png', 'image/jpeg', '*/*']),
  tags: fc.dictionary(fc.constantFrom('team', 'cost-center'), fc.constantFrom('a', 'b'), { maxKeys: 2 }),
  gatewayResponses: fc.subarray(['DEFAULT_4XX', 'THROTTLED']).map((types) =>
    types.map((type) => ({ type: type as 'DEFAULT_4XX', statusCode: '429', responseTemplates: { 'application/json': '{"e":1}' } })),
  ),
});
