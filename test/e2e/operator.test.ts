// The operator end to end: a process, kubectl as the user, the aws CLI to look at (and tamper with)
// API Gateway, and requests sent to the deployed stage through the emulator's data plane.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { until as waitUntil } from '../support/until.js';
import { mockPathYaml } from '../support/objects.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'operator');
let operator: RunningOperator;

beforeAll(async () => {
  operator = await startOperator(['--resync', '4s', '--namespaces', namespace()]);
});
afterAll(async () => {
  await operator?.stop();
});

const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const restApi = `${H}
kind: RestApi
metadata: { name: shop }
spec:
  description: Shop API
  stages:
    - name: dev
      variables: { backendHost: orders.dev.internal }
      throttling: { rateLimit: 50, burstLimit: 100 }
`;
const health = (body = '{"status":"ok"}') => mockPathYaml('health', 'shop', '/health', { body });
const orderPath = (name: string, path: string, methods: string[]) => `${H}
kind: RestPath
metadata: { name: ${name} }
spec:
  restApiRef: { name: shop }
  path: ${path}
  methods:
${methods.map((m) => `    - httpMethod: ${m}\n      throttling: { rateLimit: 5, burstLimit: 10 }\n      integration: { type: HTTP_PROXY, httpMethod: ${m}, uri: "http://\${stageVariables.backendHost}${path}" }`).join('\n')}
`;

const apply = (manifest: string) => kubectl.ok(['apply', '-n', namespace(), '-f', '-'], manifest);
const get = async <T>(what: string) => JSON.parse(await kubectl.ok(['get', what, '-n', namespace(), '-o', 'json'])) as T;
interface Obj {
  metadata: { generation: number };
  status?: { id?: string; restApiId?: string; resourceId?: string; observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string }[]; stages?: { name: string; deploymentId?: string; invokeUrl?: string }[]; urls?: { stage: string; url: string }[] };
}
const condition = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type);

const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) => waitUntil(what, probe, timeoutMs, () => `operator log:\n${operator.logs()}`);

async function ready(kind: string, name: string): Promise<Obj> {
  return until(`${kind}/${name} Ready=True`, async () => {
    const o = await get<Obj>(`${kind}/${name}`);
    return condition(o, 'Ready')?.status === 'True' && o.status?.observedGeneration === o.metadata.generation ? o : undefined;
  });
}

async function invoke(apiId: string, stage: string, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${inject('awsEndpoint')}/restapis/${apiId}/${stage}/_user_request_${path}`);
  return { status: res.status, body: await res.text() };
}

const resources = async (apiId: string) =>
  ((await operator.aws(['apigateway', 'get-resources', '--rest-api-id', apiId, '--embed', 'methods'])) as { items: { id: string; path: string; resourceMethods?: Record<string, unknown> }[] }).items;
const deploymentCount = async (apiId: string) => ((await operator.aws(['apigateway', 'get-deployments', '--rest-api-id', apiId])) as { items: unknown[] }).items.length;

describe('the operator, end to end', () => {
  let apiId = '';

  it('creates the API, its paths and a deployed stage, and reports Ready', async () => {
    await apply(restApi + '---\n' + health() + '---\n' + orderPath('orders', '/orders', ['GET', 'POST']) + '---\n' + orderPath('order', '/orders/{orderId}', ['GET']));
    const api = await ready('restapi', 'shop');
    apiId = api.status?.id ?? '';
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    for (const name of ['health', 'orders', 'order']) {
      const rp = await ready('restpath', name);
      expect(rp.status?.restApiId).toBe(apiId);
      expect(rp.status?.resourceId).toBeTruthy();
    }
    const items = await resources(apiId);
    expect(items.map((r) => `${r.path} ${Object.keys(r.resourceMethods ?? {}).sort().join(',')}`).sort()).toEqual([
      '/ ', '/health GET', '/orders GET,POST', '/orders/{orderId} GET',
    ]);
    expect(api.status?.stages?.[0]).toMatchObject({ name: 'dev', invokeUrl: `https://${apiId}.execute-api.us-east-1.amazonaws.com/dev` });
    const stage = (await operator.aws(['apigateway', 'get-stage', '--rest-api-id', apiId, '--stage-name', 'dev'])) as { deploymentId: string; variables: Record<string, string>; methodSettings: Record<string, { throttlingRateLimit: number }> };
    expect(stage.deploymentId).toBe(api.status?.stages?.[0]?.deploymentId);
    expect(stage.variables).toEqual({ backendHost: 'orders.dev.internal' });
    expect(stage.methodSettings['~1orders/POST']?.throttlingRateLimit).toBe(5);
    expect(await invoke(apiId, 'dev', '/health')).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect((await kubectl.ok(['get', 'rp', '-n', namespace()])).replace(/\s+/g, ' ')).toMatch(/health shop \/health True Ready/);
  });

  it('applies an edit and redeploys the stage once', async () => {
    const before = await deploymentCount(apiId);
    await apply(health('{"status":"ok","v":2}'));
    await until('the new response is served', async () => ((await invoke(apiId, 'dev', '/health')).body.includes('"v":2') ? true : undefined));
    await ready('restpath', 'health');
    expect(await deploymentCount(apiId)).toBe(before + 1);
  });

  it('removes a deleted path and keeps the segments others need', async () => {
    await kubectl.ok(['delete', 'restpath', 'order', '-n', namespace(), '--timeout=60s']);
    const items = await until('GET /orders/{orderId} gone', async () => {
      const r = await resources(apiId);
      return r.some((x) => x.path === '/orders/{orderId}') ? undefined : r;
    });
    expect(items.map((r) => r.path).sort()).toEqual(['/', '/health', '/orders']);
    // Its per-method throttling leaves the stage too, and the API stays in sync.
    const api = await ready('restapi', 'shop');
    expect(condition(api, 'Synced')).toMatchObject({ status: 'True', reason: 'Synced' });
  });

  it('gives a contested path and method to the older RestPath and says why on the newer', async () => {
    await apply(orderPath('orders-copy', '/orders', ['GET']));
    const copy = await until('Conflict on orders-copy', async () => {
      const o = await get<Obj>('restpath/orders-copy');
      return condition(o, 'Ready')?.reason === 'Conflict' ? o : undefined;
    });
    expect(condition(copy, 'Ready')).toMatchObject({ status: 'False', message: expect.stringContaining(`GET /orders is already declared by RestPath ${namespace()}/orders, which is older`) as string });
    await kubectl.ok(['delete', 'restpath', 'orders-copy', '-n', namespace()]);
  });

  it('undoes an edit made in AWS at the next resync and reports DriftCorrected', async () => {
    const health = (await resources(apiId)).find((r) => r.path === '/health');
    await operator.aws(['apigateway', 'delete-method', '--rest-api-id', apiId, '--resource-id', health?.id ?? '', '--http-method', 'GET']);
    await until('GET /health restored', async () => ((await resources(apiId)).find((r) => r.path === '/health')?.resourceMethods?.GET ? true : undefined), 30_000);
    const events = await until('a DriftCorrected event', async () => {
      const out = await kubectl.ok(['get', 'events.events.k8s.io', '-n', namespace(), '-o', 'json']);
      const items = (JSON.parse(out) as { items: { reason: string; note: string }[] }).items.filter((e) => e.reason === 'DriftCorrected');
      return items.length > 0 ? items : undefined;
    });
    expect(events[0]?.note).toContain('putMethod GET /health');
  });
});
