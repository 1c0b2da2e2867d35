// The pure simulator (src/plan/simulate.ts) against the AWS emulator: for a corpus of realistic plans,
// model -> observe -> diff -> execute -> observe again, and require what AWS reports afterwards to be
// exactly simulate(observed-before, plan). The reconciler diagnoses on simulate(observed, plan.slice(0,
// completed)) instead of re-reading AWS, and the in-memory AWS fake is built on it, so this is where
// the simulator's claim is earned. Only what AWS itself assigns, and the emulator gaps recorded in
// test/aws-emulator/README.md, are normalized (see `expectAgreement`).
import { CreateAuthorizerCommand, CreateRestApiCommand, CreateVpcLinkCommand, GetIntegrationCommand } from '@aws-sdk/client-api-gateway';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OWNERSHIP_TAG_PREFIX } from '../../src/api/common.js';
import type { RestApiSpec } from '../../src/api/rest-api.js';
import type { Method } from '../../src/api/rest-path.js';
import { AwsCaller } from '../../src/aws/caller.js';
import { executePlan } from '../../src/aws/execute.js';
import { observeApi } from '../../src/aws/observe.js';
import { OPERATION_BUCKETS } from '../../src/aws/quotas.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { buildDesired, type RestPathInput } from '../../src/model/build.js';
import { methodKey } from '../../src/model/shapes.js';
import type { DesiredApi, ObservedApi, OwnershipLedger } from '../../src/model/state.js';
import { EMPTY_LEDGER } from '../../src/model/state.js';
import { diff } from '../../src/plan/diff.js';
import { ledgerAfter } from '../../src/plan/ledger.js';
import type { Operation, OperationKind } from '../../src/plan/operations.js';
import { simulate } from '../../src/plan/simulate.js';
import { apiSpec as apiSpecs, NAMESPACE, OPTIONS, restPath, restPaths } from '../support/arbitraries.js';
import { awsTestContext, type AwsTestContext } from '../support/aws.js';

let ctx: AwsTestContext;
let caller: AwsCaller;
const emulator = inject('awsEmulator');

/** Every operation kind and patch path the corpus ran, so the corpus can prove what it covered. */
const ran = new Set<string>();
function record(ops: Operation[]): void {
  for (const op of ops) {
    ran.add(op.kind);
    if ('patch' in op) for (const p of op.patch) ran.add(`${op.kind} ${p.op} ${p.path.split('/').slice(0, 2).join('/')}`);
  }
}

interface Api {
  id: string;
  name: string;
  ledger: OwnershipLedger;
  customAuthorizer: string;
  cognitoAuthorizer: string;
}

const sortBy = <T>(items: T[], key: (t: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b)));

// Where LocalStack 4.13.1 departs from AWS on the operations a plan is made of. Each is a row of
// test/aws-emulator/README.md ("Simulator agreement"); the simulator keeps AWS's behaviour and the
// test applies exactly the emulator's deviation, so a fixed emulator shows up as a failure here.
const LOCALSTACK = emulator === 'localstack';
/** API Gateway's template for a gateway response (the one LocalStack fills in when a put has none). */
const DEFAULT_GATEWAY_TEMPLATE = { 'application/json': '{"message":$context.error.messageString}' };

/** The operation as LocalStack applies it: the patch entries it answers 200 to and ignores are dropped. */
function asLocalStackApplies(op: Operation): Operation {
  switch (op.kind) {
    case 'updateIntegration': // README: "update-integration replace /passthroughBehavior"
      return { ...op, patch: op.patch.filter((p) => p.path !== '/passthroughBehavior') };
    case 'updateIntegrationResponse': // README: "update-integration-response /responseParameters, /contentHandling"
      return { ...op, patch: op.patch.filter((p) => !p.path.startsWith('/responseParameters/') && p.path !== '/contentHandling') };
    case 'putGatewayResponse': // README: "put-gateway-response without templates or statusCode"
      return Object.keys(op.response.responseTemplates).length > 0 ? op : { ...op, response: { ...op.response, responseTemplates: DEFAULT_GATEWAY_TEMPLATE } };
    default:
      return op;
  }
}

/**
 * observeApi, plus, on LocalStack, the VPC link id of VPC_LINK integrations: GetResources?embed=methods
 * leaves connectionId out there (README: "get-resources embed=methods connectionId"); GetIntegration
 * has it. Used for the snapshot before and after, so the plan and the comparison see what AWS reports.
 */
async function observe(restApiId: string): Promise<ObservedApi> {
  const observed = await observeApi(caller, ctx.clients, restApiId);
  if (!LOCALSTACK) return observed;
  const ids = new Map([['/', observed.rootResourceId], ...observed.resources.map((r) => [r.path, r.id] as const)]);
  for (const m of observed.methods) {
    const i = m.shape.integration;
    if (i?.connectionType !== 'VPC_LINK' || i.connectionId !== '') continue;
    const read = await ctx.clients.apigateway.send(new GetIntegrationCommand({ restApiId, resourceId: ids.get(m.path), httpMethod: m.httpMethod }));
    i.connectionId = read.connectionId ?? '';
  }
  return observed;
}

/**
 * Requires `after` (read from AWS) to equal simulate(before, ops), normalizing only:
 * - the ids of resources the plan created: AWS assigns them, the simulator names them sim000001...;
 *   they are mapped to AWS's ids by path (a path is unique within an API), in `id` and `parentId`;
 * - list order of resources and methods: observe sorts them by path, the simulator appends; AWS
 *   itself gives no order (GetResources order is unspecified), so order carries no meaning;
 * - on LocalStack, its deviations above, and three fields it garbles: the statusCode of a gateway
 *   response put without one (it fills in the type's default); the binary media types after an
 *   UpdateRestApi removing more than one (README: "update-rest-api remove /binaryMediaTypes"); the
 *   authorization scopes of a method whose UpdateMethod removed a scope or added one to a method
 *   without scopes (README: "update-method /authorizationScopes").
 */
function expectAgreement(before: ObservedApi, ops: Operation[], after: ObservedApi): void {
  const simulated = simulate(before, LOCALSTACK ? ops.map(asLocalStackApplies) : ops);
  const known = new Set([before.rootResourceId, ...before.resources.map((r) => r.id)]);
  const awsIdOf = new Map(after.resources.map((r) => [r.path, r.id]));
  const rename = new Map(simulated.resources.filter((r) => !known.has(r.id)).map((r) => [r.id, awsIdOf.get(r.path) ?? r.id]));
  const renamed = (id: string) => rename.get(id) ?? id;
  const expected: ObservedApi = {
    ...simulated,
    resources: simulated.resources.map((r) => ({ ...r, id: renamed(r.id), parentId: renamed(r.parentId) })),
  };
  if (LOCALSTACK) {
    for (const op of ops) {
      if (op.kind === 'putGatewayResponse' && op.response.statusCode === '') {
        const [e, a] = [expected.gatewayResponses[op.responseType], after.gatewayResponses[op.responseType]];
        if (e && a) e.statusCode = a.statusCode;
      }
      if (op.kind === 'updateRestApi' && op.patch.filter((p) => p.op === 'remove' && p.path.startsWith('/binaryMediaTypes/')).length > 1) {
        expected.settings = { ...expected.settings, binaryMediaTypes: after.settings.binaryMediaTypes };
      }
      if (op.kind === 'updateMethod' && op.patch.some((p) => p.path === '/authorizationScopes')) {
        const [b, e, a] = [before, expected, after].map((s) => s.methods.find((m) => methodKey(m.path, m.httpMethod) === methodKey(op.path, op.httpMethod)));
        const garbled = op.patch.some((p) => p.op === 'remove' && p.path === '/authorizationScopes') || b?.shape.authorizationScopes.length === 0;
        if (garbled && e && a) e.shape.authorizationScopes = a.shape.authorizationScopes;
      }
    }
  }
  const canonical = (s: ObservedApi) => ({
    ...s,
    resources: sortBy(s.resources, (r) => r.path),
    methods: sortBy(s.methods, (m) => methodKey(m.path, m.httpMethod)),
  });
  expect(canonical(after)).toEqual(canonical(expected));
}

/**
 * One reconcile of `api` towards `desired`: observe, diff, run the plan (or the part `cut` keeps),
 * observe again, and require agreement with the simulator. Returns the plan that ran.
 */
async function step(api: Api, desired: DesiredApi, cut?: (plan: Operation[]) => Operation[]): Promise<Operation[]> {
  const before = await observe(api.id);
  const full = diff(desired, before, api.ledger);
  const ops = cut ? cut(full) : full;
  const result = await executePlan(caller, ctx.clients, before, ops);
  if (result.failed) throw result.failed.error;
  record(ops);
  api.ledger = ledgerAfter(desired, api.ledger, ops === full);
  expectAgreement(before, ops, await observe(api.id));
  return ops;
}

function desiredFor(api: Api, paths: RestPathInput[], spec: RestApiSpec): DesiredApi {
  return buildDesired({ namespace: NAMESPACE, name: api.name, spec }, paths, OPTIONS);
}

/**
 * A REST API as the operator creates it, with one difference: only the ownership tags go in at
 * creation and the plan's TagResource writes the rest. LocalStack keeps create-time tags and
 * TagResource tags apart and cannot untag a create-time tag (test/aws-emulator/README.md, "one tag
 * set per ARN": read tags the way they were written), so this way every tag the plan touches is in
 * the one store. Also a TOKEN and a Cognito authorizer (API Gateway refuses a method naming an
 * authorizer that does not exist).
 */
async function createApi(name: string, spec: RestApiSpec): Promise<Api> {
  const api: Api = { id: '', name, ledger: EMPTY_LEDGER, customAuthorizer: '', cognitoAuthorizer: '' };
  const { settings, tags } = desiredFor(api, [], spec);
  const created = await ctx.clients.apigateway.send(new CreateRestApiCommand({
    name: settings.name,
    description: settings.description || undefined,
    endpointConfiguration: { types: [settings.endpointType] },
    binaryMediaTypes: settings.binaryMediaTypes.length > 0 ? settings.binaryMediaTypes : undefined,
    tags: Object.fromEntries(Object.entries(tags).filter(([k]) => k.startsWith(OWNERSHIP_TAG_PREFIX))),
  }));
  api.id = created.id ?? '';
  const account = ctx.account;
  const token = await ctx.clients.apigateway.send(new CreateAuthorizerCommand({
    restApiId: api.id,
    name: 'token',
    type: 'TOKEN',
    identitySource: 'method.request.header.Authorization',
    authorizerUri: `arn:aws:apigateway:${account.region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${account.region}:${account.accountId}:function:authorizer/invocations`,
  }));
  const cognito = await ctx.clients.apigateway.send(new CreateAuthorizerCommand({
    restApiId: api.id,
    name: 'cognito',
    type: 'COGNITO_USER_POOLS',
    identitySource: 'method.request.header.Authorization',
    providerARNs: [`arn:aws:cognito-idp:${account.region}:${account.accountId}:userpool/${account.region}_abcdefghi`],
  }));
  api.customAuthorizer = token.id ?? '';
  api.cognitoAuthorizer = cognito.id ?? '';
  return api;
}

const kinds = (ops: Operation[]) => [...new Set(ops.map((op) => op.kind))];
const gatewayOps = (ops: Operation[]) =>
  ops.flatMap((op) => (op.kind === 'putGatewayResponse' ? [`put ${op.responseType}`] : op.kind === 'deleteGatewayResponse' ? [`reset ${op.responseType}`] : []));

beforeAll(async () => {
  // No quotas here: this file checks what each operation does, not pacing (aws-adapter.test.ts and
  // the quota proxy cover that), and AWS's 10 calls/s would make the corpus take minutes.
  ctx = await awsTestContext({ quotas: false });
  const unlimited = Object.fromEntries(Object.keys(OPERATION_BUCKETS).map((op) => [op, { rate: 10_000, burst: 10_000 }]));
  caller = new AwsCaller({ limiter: new RateLimiter({ account: { rate: 10_000, burst: 10_000 }, operations: unlimited }), retry: { minDelayMs: 50, maxDelayMs: 1000 } });
});
afterAll(async () => {
  await ctx?.close();
});

// moto cannot run this corpus (update-method and update-integration answer HTML 500, docs/adr/0001).
describe.skipIf(emulator === 'moto')('simulate(observed, plan) agrees with the emulator after execute(plan)', () => {
  // The scenario: one API, each case starting from the state the one before left.
  let api: Api;
  let spec: RestApiSpec;
  const paths = new Map<string, RestPathInput>();
  const put = (p: RestPathInput) => paths.set(p.name, p);
  const desired = () => desiredFor(api, [...paths.values()], spec);

  const region = () => ctx.account.region;
  const accountId = () => ctx.account.accountId;
  const lambda = (fn: string) => `arn:aws:apigateway:${region()}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region()}:${accountId()}:function:${fn}/invocations`;
  const role = (name: string) => `arn:aws:iam::${accountId()}:role/${name}`;
  const sqs = () => `arn:aws:apigateway:${region()}:sqs:path/${accountId()}/orders`;
  let vpcLinkId = '';

  const health: Method = {
    httpMethod: 'GET',
    integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } }] },
    methodResponses: [{ statusCode: '200', responseParameters: { 'method.response.header.X-Version': false } }],
  };
  const proxyTo = (uri: string, httpMethod: Method['httpMethod'] = 'GET', params: Record<string, string> = {}): Method => ({
    httpMethod,
    requestParameters: Object.fromEntries(Object.values(params).map((v) => [v, true])),
    integration: { type: 'HTTP_PROXY', httpMethod, uri, requestParameters: params },
  });

  const httpMethod = (): Method => ({
    httpMethod: 'POST',
    operationName: 'CreateOrder',
    requestParameters: { 'method.request.header.X-Id': true, 'method.request.querystring.page': false },
    methodResponses: [
      { statusCode: '200', responseParameters: { 'method.response.header.X-Req': true }, responseModels: { 'application/json': 'Empty' } },
      { statusCode: '400' },
    ],
    integration: {
      type: 'HTTP',
      httpMethod: 'POST',
      uri: 'https://backend.example.com/orders',
      timeoutMillis: 5000,
      requestParameters: { 'integration.request.header.X-Id': 'method.request.header.X-Id', 'integration.request.querystring.source': "'gateway'" },
      requestTemplates: { 'application/json': '{"id": "$input.params(\'X-Id\')"}' },
      passthroughBehavior: 'WHEN_NO_TEMPLATES',
      contentHandling: 'CONVERT_TO_TEXT',
      responses: [
        { statusCode: '200', responseParameters: { 'method.response.header.X-Req': 'integration.response.header.X-Req' }, responseTemplates: { 'application/json': '$input.json(\'$\')' } },
        { statusCode: '400', selectionPattern: '4\\d{2}', contentHandling: 'CONVERT_TO_TEXT' },
      ],
    },
  });
  const vpcMethod = (): Method => ({
    httpMethod: 'GET',
    integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'http://nlb.internal/stock', connection: { type: 'VPC_LINK', vpcLinkId }, timeoutMillis: 12000 },
  });
  const sqsMethod = (): Method => ({
    httpMethod: 'POST',
    methodResponses: [{ statusCode: '200' }, { statusCode: '500' }],
    integration: {
      type: 'AWS',
      httpMethod: 'POST',
      uri: sqs(),
      credentials: { roleArn: role('queue-writer') },
      requestParameters: { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" },
      requestTemplates: { 'application/json': 'Action=SendMessage&MessageBody=$input.body', 'text/plain': 'Action=SendMessage&MessageBody=$input.body' },
      passthroughBehavior: 'NEVER',
      responses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"queued":true}' } }, { statusCode: '500', selectionPattern: '.*Error.*' }],
    },
  });
  const lambdaMethod = (): Method => ({
    httpMethod: 'ANY',
    operationName: 'Checkout',
    authorization: { type: 'AWS_IAM' },
    integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: lambda('checkout'), credentials: { roleArn: role('checkout') }, timeoutMillis: 20000 },
  });
  const mockMethod = (): Method => ({
    httpMethod: 'OPTIONS',
    apiKeyRequired: true,
    methodResponses: [{ statusCode: '200', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': false } }],
    integration: {
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      responses: [{ statusCode: '200', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'*'" } }],
    },
  });
  const customMethod = (): Method => ({
    httpMethod: 'GET',
    authorization: { type: 'CUSTOM', authorizerId: api.customAuthorizer },
    requestParameters: { 'method.request.header.Authorization': true },
    integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'http://accounts.internal/me' },
  });
  const cognitoMethod = (): Method => ({
    httpMethod: 'GET',
    authorization: { type: 'COGNITO_USER_POOLS', authorizerId: api.cognitoAuthorizer, authorizationScopes: ['orders/read', 'orders/admin'] },
    integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: lambda('admin') },
  });

  beforeAll(async () => {
    spec = {
      description: 'Shop API',
      binaryMediaTypes: ['image/png'],
      tags: { team: 'shop' },
      gatewayResponses: [{ type: 'DEFAULT_4XX', responseTemplates: { 'application/json': '{"error":"$context.error.messageString"}' } }],
    };
    api = await createApi('scenarios', spec);
    const link = await ctx.clients.apigateway.send(new CreateVpcLinkCommand({
      name: 'stock',
      targetArns: [`arn:aws:elasticloadbalancing:${region()}:${accountId()}:loadbalancer/net/stock/0123456789abcdef`],
    }));
    vpcLinkId = link.id ?? '';
  });

  it('a fresh API: nested paths, a greedy {proxy+}, tags and a gateway response', async () => {
    put(restPath('health', { path: '/health', methods: [health] }));
    put(restPath('orders', { path: '/orders', methods: [proxyTo('http://orders.internal/orders')] }));
    put(restPath('order', { path: '/orders/{orderId}', methods: [
      proxyTo('http://orders.internal/orders/{orderId}', 'GET', { 'integration.request.path.orderId': 'method.request.path.orderId' }),
      proxyTo('http://orders.internal/orders/{orderId}', 'DELETE', { 'integration.request.path.orderId': 'method.request.path.orderId' }),
    ] }));
    put(restPath('items', { path: '/orders/{orderId}/items', methods: [{ ...health, httpMethod: 'GET', integration: { type: 'HTTP', httpMethod: 'GET', uri: 'http://orders.internal/items' } }] }));
    put(restPath('catalog', { path: '/catalog/{proxy+}', methods: [proxyTo('http://catalog.internal/{proxy}', 'ANY', { 'integration.request.path.proxy': 'method.request.path.proxy' })] }));
    put(restPath('reports', { path: '/v1/reports/{year}/{month}', methods: [health, { ...health, httpMethod: 'POST' }] }));
    const plan = await step(api, desired());
    expect(kinds(plan)).toEqual(expect.arrayContaining(['tagRestApi', 'createResource', 'putGatewayResponse', 'putMethod', 'putIntegration', 'putMethodResponse', 'putIntegrationResponse']));
  });

  it('adds methods of each integration type: parameters, responses, timeouts, credentials, VPC link, authorizers', async () => {
    put(restPath('http', { path: '/integrations/http', methods: [httpMethod()] }));
    put(restPath('vpc', { path: '/integrations/vpc', methods: [vpcMethod()] }));
    put(restPath('sqs', { path: '/integrations/sqs', methods: [sqsMethod()] }));
    put(restPath('lambda', { path: '/integrations/lambda', methods: [lambdaMethod()] }));
    put(restPath('mock', { path: '/integrations/mock', methods: [mockMethod()] }));
    put(restPath('me', { path: '/me', methods: [customMethod()] }));
    put(restPath('admin', { path: '/admin/{proxy+}', methods: [cognitoMethod()] }));
    const plan = await step(api, desired());
    const integrations = plan.flatMap((op) => (op.kind === 'putIntegration' ? [op.integration.type] : []));
    expect(new Set(integrations)).toEqual(new Set(['HTTP', 'HTTP_PROXY', 'AWS', 'AWS_PROXY', 'MOCK']));
  });

  it("changes an integration's uri, timeout, parameters, connection, credentials and type", async () => {
    const items = paths.get('items')!;
    put(restPath('items', { path: items.spec.path, methods: [{ ...items.spec.methods[0]!, integration: { type: 'HTTP', httpMethod: 'GET', uri: 'http://orders-v2.internal/items', timeoutMillis: 8000, requestParameters: { 'integration.request.header.X-Source': "'gateway'" } } }] }));
    // HTTP -> AWS: the type cannot be patched, so the integration is put again with its responses.
    const http = httpMethod();
    put(restPath('http', { path: '/integrations/http', methods: [{ ...http, integration: { ...sqsMethod().integration, responses: http.integration.responses } }] }));
    // MOCK -> HTTP_PROXY: a proxy has no integration responses, and the method responses go too.
    put(restPath('mock', { path: '/integrations/mock', methods: [{ httpMethod: 'OPTIONS', apiKeyRequired: true, integration: { type: 'HTTP_PROXY', httpMethod: 'OPTIONS', uri: 'http://cors.internal/' } }] }));
    // VPC_LINK -> INTERNET.
    put(restPath('vpc', { path: '/integrations/vpc', methods: [{ ...vpcMethod(), integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'http://stock.example.com/stock', timeoutMillis: 12000 } }] }));
    const q = sqsMethod();
    put(restPath('sqs', { path: '/integrations/sqs', methods: [{ ...q, integration: { ...q.integration, passthroughBehavior: 'WHEN_NO_MATCH', requestTemplates: { 'application/json': 'Action=SendMessage&MessageBody=$util.urlEncode($input.body)' }, credentials: { roleArn: role('queue-writer-v2') }, contentHandling: 'CONVERT_TO_TEXT' } }] }));
    put(restPath('lambda', { path: '/integrations/lambda', methods: [{ ...lambdaMethod(), integration: { ...lambdaMethod().integration, uri: lambda('checkout-v2'), timeoutMillis: 29000 } }] }));
    const plan = await step(api, desired());
    expect(kinds(plan)).toEqual(expect.arrayContaining(['updateIntegration', 'putIntegration', 'putIntegrationResponse', 'deleteMethodResponse']));
    expect([...ran]).toEqual(expect.arrayContaining([
      'updateIntegration replace /uri', 'updateIntegration replace /timeoutInMillis', 'updateIntegration replace /connectionType',
      'updateIntegration replace /connectionId', 'updateIntegration replace /credentials', 'updateIntegration replace /passthroughBehavior',
      'updateIntegration remove /requestTemplates', 'updateIntegration add /requestParameters',
    ]));
  });

  it("changes a method's authorization, apiKeyRequired, parameters and responses in place", async () => {
    const order = paths.get('order')!;
    const [get, del] = order.spec.methods as [Method, Method];
    put(restPath('order', { path: order.spec.path, methods: [{ ...get, apiKeyRequired: true, authorization: { type: 'AWS_IAM' }, requestParameters: { ...get.requestParameters, 'method.request.querystring.expand': false } }, del] }));
    put(restPath('lambda', { path: '/integrations/lambda', methods: [{ ...lambdaMethod(), operationName: 'CheckoutV2', authorization: { type: 'CUSTOM', authorizerId: api.customAuthorizer }, integration: { ...lambdaMethod().integration, uri: lambda('checkout-v2'), timeoutMillis: 29000 } }] }));
    put(restPath('me', { path: '/me', methods: [{ ...customMethod(), authorization: { type: 'NONE' }, requestParameters: {} }] }));
    put(restPath('admin', { path: '/admin/{proxy+}', methods: [{ ...cognitoMethod(), authorization: { type: 'COGNITO_USER_POOLS', authorizerId: api.cognitoAuthorizer, authorizationScopes: ['orders/read', 'orders/write'] } }] }));
    // In place: a method response's parameters and models, an integration response's pattern and
    // templates; and one status code dropped from both.
    const http = paths.get('http')!.spec.methods[0]!;
    put(restPath('http', { path: '/integrations/http', methods: [{
      ...http,
      operationName: '',
      requestParameters: { 'method.request.header.X-Id': false, 'method.request.querystring.limit': true },
      methodResponses: [{ statusCode: '200', responseParameters: { 'method.response.header.X-Trace': false }, responseModels: { 'application/json': 'Error' } }],
      integration: { ...http.integration, responses: [{ statusCode: '200', selectionPattern: '2\\d{2}', responseTemplates: { 'application/json': '{}', 'text/plain': 'ok' } }] },
    }] }));
    const plan = await step(api, desired());
    expect(kinds(plan)).toEqual(expect.arrayContaining(['updateMethod', 'updateMethodResponse', 'updateIntegrationResponse', 'deleteIntegrationResponse', 'deleteMethodResponse']));
  });

  it('removes a method and keeps the other on the same path', async () => {
    const order = paths.get('order')!;
    put(restPath('order', { path: order.spec.path, methods: [order.spec.methods[0]!] }));
    const plan = await step(api, desired());
    expect(plan.filter((op) => op.kind.startsWith('delete'))).toEqual([{ kind: 'deleteMethod', path: '/orders/{orderId}', httpMethod: 'DELETE' }]);
  });

  it('removes paths with children (ledger-owned segments), children first, keeping shared parents', async () => {
    paths.delete('order');
    paths.delete('items');
    paths.delete('reports');
    const plan = await step(api, desired());
    expect(plan.filter((op) => op.kind === 'deleteResource').map((op) => (op as { path: string }).path)).toEqual([
      '/v1/reports/{year}/{month}', '/orders/{orderId}/items', '/v1/reports/{year}', '/orders/{orderId}', '/v1/reports', '/v1',
    ]);
  });

  it('DeleteResource deletes the whole subtree, methods included (one call for a parent)', async () => {
    put(restPath('archive', { path: '/archive/{year}/{proxy+}', methods: [health, proxyTo('http://archive.internal/{proxy}', 'ANY')] }));
    await step(api, desired());
    paths.delete('archive');
    // Not a plan diff makes (it deletes children first); the simulator claims the cascade all the same.
    const plan = await step(api, desired(), () => [{ kind: 'deleteResource', path: '/archive' }]);
    expect(plan).toHaveLength(1);
    // Nothing under /archive is left for the next plan to delete.
    expect((await step(api, desired())).filter((op) => 'path' in op && op.path.startsWith('/archive'))).toEqual([]);
  });

  it('gateway responses added, changed and removed', async () => {
    spec = {
      ...spec,
      gatewayResponses: [
        { type: 'DEFAULT_4XX', responseTemplates: { 'application/json': '{"message":$context.error.messageString}' }, responseParameters: { 'gatewayresponse.header.X-Error': "'yes'" } },
        { type: 'THROTTLED', statusCode: '429', responseParameters: { 'gatewayresponse.header.Retry-After': "'1'" } },
        { type: 'MISSING_AUTHENTICATION_TOKEN', statusCode: '404', responseTemplates: { 'application/json': '{"message":"not found"}' } },
      ],
    };
    expect(gatewayOps(await step(api, desired()))).toEqual(['put DEFAULT_4XX', 'put MISSING_AUTHENTICATION_TOKEN', 'put THROTTLED']);
    spec = { ...spec, gatewayResponses: [{ type: 'THROTTLED', statusCode: '503' }, spec.gatewayResponses![2]!] };
    expect(gatewayOps(await step(api, desired()))).toEqual(expect.arrayContaining(['put THROTTLED', 'reset DEFAULT_4XX']));
  });

  it('tags added, changed and removed', async () => {
    spec = { ...spec, tags: { team: 'checkout', 'cost-center': 'cc-1', tier: 'gold' } };
    const tagOps = (plan: Operation[]) => plan.filter((op) => op.kind === 'tagRestApi' || op.kind === 'untagRestApi');
    expect(tagOps(await step(api, desired()))).toEqual([{ kind: 'tagRestApi', tags: { team: 'checkout', 'cost-center': 'cc-1', tier: 'gold' } }]);
    spec = { ...spec, tags: { 'cost-center': 'cc-2' } };
    expect(tagOps(await step(api, desired()))).toEqual([{ kind: 'tagRestApi', tags: { 'cost-center': 'cc-2' } }, { kind: 'untagRestApi', keys: ['team', 'tier'] }]);
  });

  it('API settings: name, description, binary media types, endpoint type', async () => {
    spec = { ...spec, name: 'shop-renamed', description: 'Shop API v2', binaryMediaTypes: ['image/jpeg', '*/*', 'application/octet-stream'] };
    const settingsPatch = (plan: Operation[]) => plan.flatMap((op) => (op.kind === 'updateRestApi' ? op.patch : []));
    expect(settingsPatch(await step(api, desired()))).toEqual(expect.arrayContaining([
      { op: 'replace', path: '/name', value: 'shop-renamed' },
      { op: 'add', path: '/binaryMediaTypes/*~1*' },
      { op: 'remove', path: '/binaryMediaTypes/image~1png' },
    ]));
    spec = { ...spec, description: undefined, endpointType: 'EDGE', binaryMediaTypes: [] };
    expect(settingsPatch(await step(api, desired()))).toEqual(expect.arrayContaining([
      { op: 'replace', path: '/description', value: '' },
      { op: 'replace', path: '/endpointConfiguration/types/0', value: 'EDGE' },
    ]));
  });

  it('a run stopped part-way: after k operations AWS is simulate(observed, plan.slice(0, k))', async () => {
    put(restPath('orders', { path: '/orders', methods: [proxyTo('http://orders.internal/orders'), httpMethod()] }));
    put(restPath('stock', { path: '/stock/{sku}/levels', methods: [sqsMethod(), mockMethod()] }));
    put(restPath('health', { path: '/health', methods: [{ ...health, apiKeyRequired: true }] }));
    paths.delete('catalog');
    spec = { ...spec, tags: { 'cost-center': 'cc-3', stage: 'beta' }, gatewayResponses: [] };
    const plan = diff(desired(), await observe(api.id), api.ledger);
    // Cut right after a PutMethod (a method without its integration yet), then right after a
    // PutIntegration (an integration without its responses), then the rest.
    const afterPutMethod = plan.findIndex((op) => op.kind === 'putMethod') + 1;
    await step(api, desired(), (p) => p.slice(0, afterPutMethod));
    const next = diff(desired(), await observe(api.id), api.ledger);
    const afterPutIntegration = next.findIndex((op) => op.kind === 'putIntegration') + 1;
    expect(afterPutIntegration).toBeGreaterThan(0);
    await step(api, desired(), (p) => p.slice(0, afterPutIntegration));
    await step(api, desired(), (p) => p.slice(0, Math.ceil(p.length / 2)));
    await step(api, desired());
  });

  it('property: from one arbitrary desired state to another on the same API, also stopping part-way', async () => {
    // fast-check's arbitraries name a role in account 123456789012 and an authorizer "auth01"; API
    // Gateway refuses both here (another account's role; an authorizer that does not exist).
    const local = (api: Api, items: RestPathInput[]): RestPathInput[] =>
      items.map((p) => ({
        ...p,
        spec: {
          ...p.spec,
          methods: p.spec.methods.map((m) => ({
            ...m,
            ...(m.authorization?.authorizerId ? { authorization: { ...m.authorization, authorizerId: api.customAuthorizer } } : {}),
            integration: {
              ...m.integration,
              ...(m.integration.credentials?.roleArn ? { credentials: { roleArn: m.integration.credentials.roleArn.replace(':123456789012:', `:${ctx.account.accountId}:`) } } : {}),
            },
          })),
        },
      }));
    // API Gateway refuses two different variable segments under one parent ({id} next to {proxy+}),
    // and the plan creates before it deletes, so the two states together must not have that.
    const variableSiblingsOk = (items: RestPathInput[]) => {
      const variables = new Map<string, Set<string>>();
      for (const p of items) {
        const parts = p.spec.path.slice(1).split('/');
        parts.forEach((part, i) => {
          if (!part.startsWith('{')) return;
          const parent = parts.slice(0, i).join('/');
          variables.set(parent, (variables.get(parent) ?? new Set()).add(part));
        });
      }
      return [...variables.values()].every((s) => s.size === 1);
    };
    const state = fc.tuple(restPaths, apiSpecs);
    const pair = fc.tuple(state, state).filter(([[pathsA], [pathsB]]) => variableSiblingsOk([...pathsA, ...pathsB]));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(pair, fc.nat(), async ([[pathsA, specA], [pathsB, specB]], k) => {
        // A fresh API per run, so one run's leftovers cannot clash with the next run's paths.
        run += 1;
        const api = await createApi(`property-${run}`, specA);
        const a = desiredFor(api, local(api, pathsA), specA);
        const b = desiredFor(api, local(api, pathsB), specB);
        await step(api, a);
        await step(api, b, (plan) => plan.slice(0, k % (plan.length + 1)));
        await step(api, b);
        // And once more: what a plan re-sends (where the emulator ignored a change) agrees too.
        await step(api, b);
      }),
      // Each run makes real AWS calls: 8 by default; SIMULATOR_AGREEMENT_RUNS=200 for a deeper search.
      { numRuns: Number(process.env.SIMULATOR_AGREEMENT_RUNS ?? 8), endOnFailure: true },
    );
  }, 300_000);

  it('the corpus ran every kind of operation', () => {
    const all: OperationKind[] = [
      'updateRestApi', 'tagRestApi', 'untagRestApi', 'createResource', 'deleteResource', 'putMethod', 'updateMethod', 'deleteMethod',
      'putIntegration', 'updateIntegration', 'putMethodResponse', 'updateMethodResponse', 'deleteMethodResponse', 'putIntegrationResponse',
      'updateIntegrationResponse', 'deleteIntegrationResponse', 'putGatewayResponse', 'deleteGatewayResponse',
    ];
    expect(all.filter((k) => !ran.has(k))).toEqual([]);
  });
});
