// The core and the AWS adapter together against the AWS emulator, behind the quota proxy:
// model -> observe -> diff -> execute, then observe again and require an empty plan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Method } from '../../src/api/rest-path.js';
import { executePlan } from '../../src/aws/execute.js';
import { observeApi } from '../../src/aws/observe.js';
import { ensureRestApi } from '../../src/aws/rest-api.js';
import type { DesiredApi, ObservedApi, OwnershipLedger } from '../../src/model/state.js';
import { EMPTY_LEDGER } from '../../src/model/state.js';
import { diff } from '../../src/plan/diff.js';
import { ledgerAfter } from '../../src/plan/ledger.js';
import { describeOperation, type Operation } from '../../src/plan/operations.js';
import { desiredOf, restPath } from '../support/arbitraries.js';
import { awsTestContext, type AwsTestContext } from '../support/aws.js';

const LAMBDA = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:checkout/invocations';
const health: Method = {
  httpMethod: 'GET',
  integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } }] },
  methodResponses: [{ statusCode: '200', responseParameters: { 'method.response.header.X-Version': false } }],
};
const getOrder: Method = {
  httpMethod: 'GET',
  apiKeyRequired: true,
  requestParameters: { 'method.request.path.orderId': true },
  integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'http://orders.internal/orders/{orderId}', timeoutMillis: 10000, requestParameters: { 'integration.request.path.orderId': 'method.request.path.orderId' } },
};
// API Gateway refuses a role from another account ("Cross-account pass role is not allowed").
const checkout = (): Method => ({
  httpMethod: 'POST',
  integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: LAMBDA, credentials: { roleArn: `arn:aws:iam::${ctx.account.accountId}:role/checkout` } },
});
const shopPaths = () => [
  restPath('health', { path: '/health', methods: [health] }),
  restPath('orders', { path: '/orders', methods: [{ ...getOrder, requestParameters: {}, integration: { ...getOrder.integration, uri: 'http://orders.internal/orders', requestParameters: {} } }] }),
  restPath('order', { path: '/orders/{orderId}', methods: [getOrder, { ...getOrder, httpMethod: 'DELETE', integration: { ...getOrder.integration, httpMethod: 'DELETE' } }] }),
  restPath('items', { path: '/orders/{orderId}/items', methods: [{ ...getOrder, integration: { ...getOrder.integration, uri: 'http://orders.internal/orders/{orderId}/items' } }] }),
  restPath('catalog', { path: '/catalog/{proxy+}', methods: [{ httpMethod: 'ANY', requestParameters: { 'method.request.path.proxy': true }, integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: 'http://catalog.internal/{proxy}', requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' } } }] }),
  restPath('checkout', { path: '/checkout', methods: [checkout()] }),
];
const apiSpec = {
  description: 'Shop API',
  binaryMediaTypes: ['image/png'],
  tags: { team: 'shop' },
  gatewayResponses: [{ type: 'DEFAULT_4XX' as const, responseTemplates: { 'application/json': '{"error":"$context.error.messageString"}' } }],
};

let ctx: AwsTestContext;
let apiId = '';
let ledger: OwnershipLedger = EMPTY_LEDGER;

/** One reconcile: observe, plan, execute, observe again. Returns the plan that ran and the new state. */
async function reconcile(desired: DesiredApi, ops?: (plan: Operation[]) => Operation[]): Promise<{ plan: Operation[]; after: ObservedApi }> {
  const observed = await observeApi(ctx.caller, ctx.clients, apiId);
  const full = diff(desired, observed, ledger);
  const plan = ops ? ops(full) : full;
  const result = await executePlan(ctx.caller, ctx.clients, observed, plan);
  if (result.failed) throw result.failed.error;
  ledger = ledgerAfter(desired, ledger, plan.length === full.length);
  return { plan, after: await observeApi(ctx.caller, ctx.clients, apiId) };
}

async function expectConverged(desired: DesiredApi): Promise<ObservedApi> {
  const observed = await observeApi(ctx.caller, ctx.clients, apiId);
  expect(diff(desired, observed, ledger).map(describeOperation)).toEqual([]);
  return observed;
}

beforeAll(async () => {
  ctx = await awsTestContext();
  const desired = desiredOf(shopPaths(), apiSpec);
  apiId = (await ensureRestApi(ctx.caller, ctx.clients, desired.settings, desired.tags)).id;
});
afterAll(async () => {
  await ctx.close();
});

describe('AWS adapter against the emulator', () => {
  it('creates an API from scratch, and a second look finds nothing to do', async () => {
    const desired = desiredOf(shopPaths(), apiSpec);
    ctx.calls.reset();
    const { plan, after } = await reconcile(desired);
    expect(plan.filter((op) => op.kind === 'createResource').map((op) => (op as { path: string }).path)).toEqual([
      '/catalog', '/checkout', '/health', '/orders', '/catalog/{proxy+}', '/orders/{orderId}', '/orders/{orderId}/items',
    ]);
    expect(after.methods.map((m) => `${m.httpMethod} ${m.path}`)).toEqual([
      'ANY /catalog/{proxy+}', 'POST /checkout', 'GET /health', 'GET /orders', 'DELETE /orders/{orderId}', 'GET /orders/{orderId}', 'GET /orders/{orderId}/items',
    ]);
    await expectConverged(desired);
    // The same API is found again by its owner tag, never created twice.
    expect((await ensureRestApi(ctx.caller, ctx.clients, desired.settings, desired.tags)).created).toBe(false);
    expect(ctx.calls.count('CreateRestApi')).toBe(0);
  });

  // Each step below starts from the state the one before left (`paths`).
  let paths: ReturnType<typeof shopPaths> = [];

  it('changes a method in place with one UpdateMethod', async () => {
    paths = shopPaths();
    paths[2] = restPath('order', { path: '/orders/{orderId}', methods: [{ ...getOrder, apiKeyRequired: false }, { ...getOrder, httpMethod: 'DELETE', integration: { ...getOrder.integration, httpMethod: 'DELETE' } }] });
    const desired = desiredOf(paths, apiSpec);
    const { plan } = await reconcile(desired);
    expect(plan.map(describeOperation)).toEqual(['updateMethod GET /orders/{orderId} (replace /apiKeyRequired)']);
    await expectConverged(desired);
  });

  it('changes an integration in place with one UpdateIntegration', async () => {
    paths[0] = restPath('health', { path: '/health', methods: [{ ...health, integration: { ...health.integration, timeoutMillis: 3000, requestTemplates: { 'application/json': '{"statusCode": 200, "v": 2}' } } }] });
    const desired = desiredOf(paths, apiSpec);
    const { plan } = await reconcile(desired);
    expect(plan.map(describeOperation)).toEqual(['updateIntegration GET /health (replace /timeoutInMillis, replace /requestTemplates/application~1json)']);
    await expectConverged(desired);
  });

  it('removes a path and keeps the segments other paths still need', async () => {
    paths = paths.filter((p) => p.name !== 'items');
    const desired = desiredOf(paths, apiSpec);
    const { plan, after } = await reconcile(desired);
    expect(plan.map(describeOperation)).toEqual(['deleteMethod GET /orders/{orderId}/items', 'delete resource /orders/{orderId}/items']);
    expect(after.resources.map((r) => r.path)).toContain('/orders/{orderId}');
    await expectConverged(desired);
  });

  it('restores a method deleted and an integration changed by hand (drift)', async () => {
    const desired = desiredOf(paths, apiSpec);
    const observed = await observeApi(ctx.caller, ctx.clients, apiId);
    const id = (path: string) => observed.resources.find((r) => r.path === path)?.id ?? '';
    await ctx.cli(['apigateway', 'delete-method', '--rest-api-id', apiId, '--resource-id', id('/orders/{orderId}'), '--http-method', 'DELETE']);
    await ctx.cli(['apigateway', 'update-integration', '--rest-api-id', apiId, '--resource-id', id('/catalog/{proxy+}'), '--http-method', 'ANY',
      '--patch-operations', JSON.stringify([{ op: 'replace', path: '/uri', value: 'http://evil.example/{proxy}' }])]);
    const { plan } = await reconcile(desired);
    expect(plan.map(describeOperation)).toEqual([
      'updateIntegration ANY /catalog/{proxy+} (replace /uri)',
      'putMethod DELETE /orders/{orderId}',
      'putIntegration DELETE /orders/{orderId}',
    ]);
    await expectConverged(desired);
  });

  it('converges after a run killed part-way, without duplicates', async () => {
    paths = [...paths, restPath('reports', { path: '/reports/{year}/{month}', methods: [health, { ...health, httpMethod: 'POST' }] })];
    const desired = desiredOf(paths, apiSpec);
    // The "kill": only the first half of the plan runs.
    await reconcile(desired, (plan) => plan.slice(0, Math.ceil(plan.length / 2)));
    await reconcile(desired);
    const after = await expectConverged(desired);
    const resourcePaths = after.resources.map((r) => r.path);
    expect(new Set(resourcePaths).size).toBe(resourcePaths.length);
  });
});

describe('AWS adapter under throttling and faults', () => {
  it('absorbs a 429 storm and 5xx faults without losing an operation', async () => {
    const storm = await awsTestContext({
      operations: { CreateResource: { rate: 2, burst: 1 }, PutMethod: { rate: 3, burst: 1 } },
      faults: [{ operation: 'PutIntegration', times: 3, status: 429 }, { operation: 'PutMethod', times: 2, status: 503 }, { operation: 'CreateResource', times: 1, drop: true }],
    });
    try {
      const paths = Array.from({ length: 8 }, (_, i) => restPath(`p${i}`, { path: `/storm/r${i}`, methods: [health] }));
      const desired = desiredOf(paths, apiSpec);
      const id = (await ensureRestApi(storm.caller, storm.clients, desired.settings, desired.tags)).id;
      const observed = await observeApi(storm.caller, storm.clients, id);
      const plan = diff(desired, observed, EMPTY_LEDGER);
      const result = await executePlan(storm.caller, storm.clients, observed, plan);
      expect(result.failed).toBeUndefined();
      expect(storm.proxy.total('throttled') + storm.proxy.counts.faulted.PutIntegration!).toBeGreaterThan(3);
      expect(storm.proxy.counts.faulted).toMatchObject({ PutIntegration: 3, PutMethod: 2, CreateResource: 1 });
      expect(storm.calls.count('PutIntegration', 'throttled')).toBeGreaterThanOrEqual(3);
      const after = await observeApi(storm.caller, storm.clients, id);
      expect(diff(desired, after, EMPTY_LEDGER)).toEqual([]);
      expect(after.resources.map((r) => r.path).filter((p) => p.startsWith('/storm/'))).toHaveLength(8);
    } finally {
      await storm.close();
    }
  });
});

describe('AWS adapter idempotence when an answer is lost', () => {
  it('a create that succeeded but answered 409 on its retry is read back, not duplicated', async () => {
    // The proxy forwards each of these, then answers 409 as AWS does when the first attempt of a
    // retried create had gone through (the emulator itself never answers 409).
    const lost = await awsTestContext({
      faults: [
        { operation: 'CreateResource', times: 2, status: 409, afterForwarding: true },
        { operation: 'PutMethod', times: 1, status: 409, afterForwarding: true },
        { operation: 'PutMethodResponse', times: 1, status: 409, afterForwarding: true },
      ],
    });
    try {
      const desired = desiredOf([restPath('deep', { path: '/a/b/c', methods: [health] })], apiSpec);
      const id = (await ensureRestApi(lost.caller, lost.clients, desired.settings, desired.tags)).id;
      const observed = await observeApi(lost.caller, lost.clients, id);
      const result = await executePlan(lost.caller, lost.clients, observed, diff(desired, observed, EMPTY_LEDGER));
      expect(result.failed).toBeUndefined();
      expect(lost.proxy.counts.faulted).toEqual({ CreateResource: 2, PutMethod: 1, PutMethodResponse: 1 });
      expect(lost.calls.count('GetMethod')).toBe(1);
      const after = await observeApi(lost.caller, lost.clients, id);
      expect(after.resources.map((r) => r.path)).toEqual(['/a', '/a/b', '/a/b/c']);
      expect(diff(desired, after, EMPTY_LEDGER)).toEqual([]);
    } finally {
      await lost.close();
    }
  });
});
