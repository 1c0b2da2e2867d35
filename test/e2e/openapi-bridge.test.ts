// The OpenAPI bridge as users run it: a REST API built with the aws CLI alone is exported, the plan
// for the export is empty before anything is applied, and once applied (adoptId) the operator adopts
// it without a single write to a method, integration, model or validator; its methods read back
// from AWS as they were.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/testenv/ports.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { objectsIn } from '../support/objects.js';
import { operatorCli, startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'openapi-bridge');
let operator: RunningOperator;
let metricsPort = 0;
const { until, get, has } = objectsIn(kubectl, namespace, () => operator.logs());

beforeAll(async () => {
  metricsPort = await freePort();
  operator = await startOperator(['--namespaces', namespace(), '--adopt-namespaces', namespace(), '--health-port', String(metricsPort)]);
});
afterAll(async () => {
  await operator.stop();
});

interface Resource { id: string; path: string; resourceMethods?: Record<string, unknown> }

/** A REST API as an aws CLI user builds one: resources, methods, integrations, a model and a validator. */
async function buildByHand(aws: RunningOperator['aws']): Promise<string> {
  const { id } = (await aws(['apigateway', 'create-rest-api', '--name', 'legacy-orders', '--endpoint-configuration', 'types=REGIONAL'])) as { id: string };
  const { items } = (await aws(['apigateway', 'get-resources', '--rest-api-id', id])) as { items: Resource[] };
  const resource = async (parent: string, part: string) => ((await aws(['apigateway', 'create-resource', '--rest-api-id', id, '--parent-id', parent, '--path-part', part])) as Resource).id;
  const orders = await resource(items[0]!.id, 'orders');
  const order = await resource(orders, '{orderId}');
  const on = (resourceId: string, method: string) => ['--rest-api-id', id, '--resource-id', resourceId, '--http-method', method];
  await aws(['apigateway', 'put-method', ...on(orders, 'GET'), '--authorization-type', 'NONE', '--api-key-required', '--request-parameters', 'method.request.querystring.status=false']);
  await aws(['apigateway', 'put-integration', ...on(orders, 'GET'), '--type', 'HTTP_PROXY', '--integration-http-method', 'GET', '--uri', 'https://orders.example.com/orders']);
  await aws(['apigateway', 'create-model', '--rest-api-id', id, '--name', 'Order', '--content-type', 'application/json', '--schema', '{"type":"object","required":["sku"],"properties":{"sku":{"type":"string"}}}']);
  const validator = (await aws(['apigateway', 'create-request-validator', '--rest-api-id', id, '--name', 'body', '--validate-request-body'])) as { id: string };
  await aws(['apigateway', 'put-method', ...on(orders, 'POST'), '--authorization-type', 'NONE', '--request-models', 'application/json=Order', '--request-validator-id', validator.id]);
  await aws(['apigateway', 'put-integration', ...on(orders, 'POST'), '--type', 'MOCK', '--request-templates', '{"application/json":"{\\"statusCode\\": 201}"}']);
  await aws(['apigateway', 'put-method-response', ...on(orders, 'POST'), '--status-code', '201']);
  await aws(['apigateway', 'put-integration-response', ...on(orders, 'POST'), '--status-code', '201', '--response-templates', '{"application/json":"{\\"created\\": true}"}']);
  await aws(['apigateway', 'put-method', ...on(order, 'GET'), '--authorization-type', 'AWS_IAM', '--request-parameters', 'method.request.path.orderId=true']);
  await aws(['apigateway', 'put-integration', ...on(order, 'GET'), '--type', 'HTTP_PROXY', '--integration-http-method', 'GET', '--uri', 'https://orders.example.com/orders/{orderId}', '--request-parameters', 'integration.request.path.orderId=method.request.path.orderId']);
  await aws(['apigateway', 'create-deployment', '--rest-api-id', id, '--stage-name', 'prod']);
  return id;
}

/** Every method of the API with its integration, as the aws CLI reads them. */
async function methodsOf(aws: RunningOperator['aws'], id: string): Promise<Record<string, unknown>> {
  const { items } = (await aws(['apigateway', 'get-resources', '--rest-api-id', id])) as { items: Resource[] };
  const out: Record<string, unknown> = {};
  for (const r of items) {
    for (const m of Object.keys(r.resourceMethods ?? {})) out[`${m} ${r.path}`] = await aws(['apigateway', 'get-method', '--rest-api-id', id, '--resource-id', r.id, '--http-method', m]);
  }
  return out;
}

const writesSoFar = async (): Promise<Record<string, number>> => {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^restpath_aws_calls_total\{[^}]*operation="((?:Put|Create|Update|Delete|Import|Tag|Untag)\w*)"[^}]*\} (\S+)$/gm)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
};

describe('restpath-operator export', () => {
  it('exports an API built by hand; the plan for it is empty; applied, the operator adopts it and writes no method', { timeout: 240_000 }, async () => {
    const id = await buildByHand(operator.aws);
    const before = await methodsOf(operator.aws, id);
    expect(Object.keys(before).sort()).toEqual(['GET /orders', 'GET /orders/{orderId}', 'POST /orders']);

    const dir = mkdtempSync(join(tmpdir(), 'restpath-export-'));
    const exported = await operatorCli(operator.account, ['export', '--rest-api-id', id, '-n', namespace(), '-o', dir]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`export: RestApi legacy-orders (adoptId ${id}) and 2 RestPath(s) in ${dir}`);
    expect(exported.stderr).toContain('note: stages: stages prod are not declared');

    const planned = await operatorCli(operator.account, ['plan', '-f', dir, '-n', namespace()]);
    expect(planned.code, planned.stderr).toBe(0);
    console.log(`[openapi bridge] plan before adoption:\n${planned.stdout}`);
    expect(planned.stdout).toContain(`RestApi ${namespace()}/legacy-orders: REST API ${id}`);
    // Adoption writes the operator's ownership tags and nothing else.
    expect(planned.stdout.split('\n').filter((l) => /^\s+\d+\. /.test(l)).map((l) => l.trim().replace(/^\d+\. /, '').replace(/ \(.*$/, ''))).toEqual(['tag REST API']);

    await kubectl.ok(['apply', '-n', namespace(), '-f', dir]);
    await until('the adopted API and its paths Ready', async () => {
      const objects = [await get('restapi/legacy-orders'), await get('restpath/legacy-orders-orders'), await get('restpath/legacy-orders-orders-orderid')];
      return objects.every((o) => has(o, 'Ready', 'True') && o.status?.observedGeneration === o.metadata.generation) ? objects : undefined;
    }, 120_000);
    expect((await get<{ id?: string }>('restapi/legacy-orders')).status).toMatchObject({ id });
    expect(await methodsOf(operator.aws, id)).toEqual(before);
    expect(await writesSoFar()).toEqual({ TagResource: 1 });

    const after = await operatorCli(operator.account, ['plan', '-f', dir, '-n', namespace()]);
    expect(after.stdout).toContain('no changes to paths, methods, integrations, authorizers, models, validators, gateway responses, policy or tags');
  });
});
