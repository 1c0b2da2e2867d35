// Bulk create against the emulator: the same manifests converged by one PutRestApi (the operator's
// default for a new REST API) and by per-operation create (--no-bulk-create) give the same API, ids
// aside; the bulk one took one import and no CreateResource, PutMethod or PutIntegration; later
// changes go per operation. A document AWS refuses (an answer the quota proxy gives, as AWS words it)
// is listed item by item on the RestApi and the API is created per operation. A directory of
// RestPaths applied while the operator runs (they arrive over seconds) still makes one import.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/testenv/ports.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { objectsIn, type KubeObject } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { QuotaProxy } from '../support/quota-proxy.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'bulk-create');
const PATHS = 12;
const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
let operator: RunningOperator | undefined;
const { until, get, has } = objectsIn(kubectl, namespace, () => operator?.logs() ?? '');
afterAll(async () => {
  await operator?.stop();
});

/** A RestApi with a model, a validator and a gateway response, and PATHS RestPaths of 3 methods. */
function manifests(api: string): string {
  const head = `${H}\nkind: RestApi\nmetadata: { name: ${api} }\nspec:\n  name: ${api}\n  stages: [{ name: live }]\n` +
    `  gatewayResponses: [{ type: DEFAULT_4XX, responseTemplates: { application/json: '{"error":"$context.error.messageString"}' } }]\n` +
    `  models: [{ name: Item, schema: { type: object, required: [sku], properties: { sku: { type: string } } } }]\n` +
    `  requestValidators: [{ name: body, validateBody: true }]\n`;
  const paths = Array.from({ length: PATHS }, (_, i) => `${H}\nkind: RestPath\nmetadata: { name: ${api}-p${i} }\nspec:\n  restApiRef: { name: ${api} }\n  path: /items/i${i}/{id}\n  methods:\n` +
    `    - { httpMethod: GET, integration: { type: HTTP_PROXY, httpMethod: GET, uri: "http://backend.internal/items/${i}/{id}", requestParameters: { integration.request.path.id: method.request.path.id } } }\n` +
    `    - httpMethod: POST\n      requestValidator: body\n      requestModels: { application/json: Item }\n      integration:\n        type: MOCK\n        requestTemplates: { application/json: '{"statusCode": 201}' }\n        responses: [{ statusCode: "201", responseTemplates: { application/json: '{"created":true}' } }]\n      methodResponses: [{ statusCode: "201" }]\n` +
    `    - { httpMethod: DELETE, integration: { type: HTTP_PROXY, httpMethod: DELETE, uri: "http://backend.internal/items/${i}/{id}" } }\n`);
  return [head, ...paths].join('---\n');
}

async function converge(api: string): Promise<string> {
  await kubectl.ok(['apply', '-n', namespace(), '-f', '-'], manifests(api));
  const ready = await until(`${api} and its ${PATHS} paths Ready`, async () => {
    const objects = [await get(`restapi/${api}`), ...(await Promise.all(Array.from({ length: PATHS }, (_, i) => get(`restpath/${api}-p${i}`))))];
    return objects.every((o) => has(o, 'Ready', 'True') && o.status?.observedGeneration === o.metadata.generation) ? objects : undefined;
  }, 180_000);
  return (ready[0]!.status as { id: string }).id;
}

interface Resource { id: string; path: string; resourceMethods?: Record<string, Record<string, unknown>> }
type Aws = RunningOperator['aws'];

/** The API as the aws CLI reads it, with every id replaced by what it names (ids aside). */
async function shapeOf(aws: Aws, id: string): Promise<unknown> {
  const { items } = (await aws(['apigateway', 'get-resources', '--rest-api-id', id, '--embed', 'methods'])) as { items: Resource[] };
  const validators = (await aws(['apigateway', 'get-request-validators', '--rest-api-id', id])) as { items: { id: string; name: string }[] };
  const named = new Map(validators.items.map((v) => [v.id, v.name]));
  const methods = Object.fromEntries(items.sort((a, b) => a.path.localeCompare(b.path)).flatMap((r) => Object.entries(r.resourceMethods ?? {}).map(([m, body]) => {
    const { resourceId: _r, requestValidatorId, methodIntegration, ...rest } = body as { resourceId?: string; requestValidatorId?: string; methodIntegration?: Record<string, unknown> };
    // cacheNamespace is the resource's id; a missing connectionType is API Gateway's default, INTERNET.
    const { cacheNamespace: _c, ...integration } = methodIntegration ?? {};
    return [`${m} ${r.path}`, { ...rest, requestValidator: requestValidatorId ? named.get(requestValidatorId) : undefined, methodIntegration: { connectionType: 'INTERNET', ...integration } }];
  })));
  const models = (await aws(['apigateway', 'get-models', '--rest-api-id', id])) as { items: { name: string; schema?: string; contentType?: string }[] };
  const responses = (await aws(['apigateway', 'get-gateway-responses', '--rest-api-id', id])) as { items: { responseType: string; defaultResponse?: boolean; responseTemplates?: unknown }[] };
  return {
    paths: items.map((r) => r.path).sort(),
    methods,
    models: models.items.map((m) => ({ name: m.name, contentType: m.contentType, schema: m.schema ? JSON.parse(m.schema) as unknown : undefined })).sort((a, b) => a.name.localeCompare(b.name)),
    validators: validators.items.map((v) => ({ ...v, id: undefined })),
    gatewayResponses: responses.items.filter((r) => r.defaultResponse !== true),
  };
}

const callsSoFar = async (port: number): Promise<Record<string, number>> => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^restpath_aws_calls_total\{[^}]*operation="(\w+)"[^}]*\} (\S+)$/gm)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
};

describe('bulk create', () => {
  it('one PutRestApi creates the API; per-operation create of the same manifests gives the same API', { timeout: 600_000 }, async () => {
    const bulkPort = await freePort();
    operator = await startOperator(['--namespaces', namespace(), '--health-port', String(bulkPort)]);
    const bulkId = await converge('bulk');
    const bulk = await get<{ bulkCreate?: { outcome: string; operations: number; restApiId: string } }>('restapi/bulk');
    console.log(`[bulk create] events:\n${await kubectl.ok(['get', 'events', '-n', namespace(), '--field-selector', 'involvedObject.name=bulk', '-o', 'custom-columns=REASON:.reason,NOTE:.message'])}`);
    expect(bulk.status?.bulkCreate).toMatchObject({ outcome: 'Created', restApiId: bulkId });
    expect(has(bulk, 'BulkCreated', 'True')).toBe(true);
    const calls = await callsSoFar(bulkPort);
    console.log(`[bulk create] ${PATHS} paths x 3 methods: AWS calls ${JSON.stringify(calls)}`);
    expect(calls.PutRestApi).toBe(1);
    expect([calls.CreateResource, calls.PutMethod, calls.PutIntegration]).toEqual([undefined, undefined, undefined]);
    const shape = await shapeOf(operator.aws, bulkId);
    const account = operator.account;
    await operator.stop();

    const perOperationPort = await freePort();
    operator = await startOperator(['--namespaces', namespace(), '--health-port', String(perOperationPort), '--no-bulk-create'], account);
    const perOperationId = await converge('perop');
    expect((await callsSoFar(perOperationPort)).PutRestApi).toBeUndefined();
    expect((await get<{ bulkCreate?: unknown }>('restapi/perop')).status?.bulkCreate).toBeUndefined();
    expect(await shapeOf(operator.aws, perOperationId)).toEqual(shape);

    // A later change to the bulk-created API goes per operation.
    await kubectl.ok(['patch', '-n', namespace(), 'restpath/bulk-p0', '--type', 'json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/methods/0/integration/uri', value: 'http://backend.internal/moved/{id}' }])]);
    await until('bulk-p0 Ready for its new generation', async () => {
      const p = await get('restpath/bulk-p0');
      return has(p, 'Ready', 'True') && p.status?.observedGeneration === p.metadata.generation ? p : undefined;
    }, 120_000);
    const after = await callsSoFar(perOperationPort);
    expect(after.PutRestApi).toBeUndefined();
    expect(after.UpdateIntegration).toBeGreaterThanOrEqual(1);
  });

  it('a refused import is listed item by item and the API is created per operation', { timeout: 300_000 }, async () => {
    const item = "Unable to put integration on 'GET' for resource at path '/items/i0/{id}': Invalid mapping expression specified";
    const proxy = await QuotaProxy.start({ target: inject('awsEndpoint'), faults: [{ operation: 'PutRestApi', times: 1, status: 400, error: { type: 'BadRequestException', message: `Errors found during import:\n\t${item}` } }] });
    try {
      await operator?.stop();
      operator = await startOperator(['--namespaces', namespace()], undefined, proxy.endpoint);
      const id = await converge('refused');
      const api = await get<{ bulkCreate?: { outcome: string; warnings?: string[]; restApiId: string } }>('restapi/refused');
      expect(api.status?.bulkCreate).toMatchObject({ outcome: 'Refused', restApiId: id, warnings: [item] });
      const condition = api.status?.conditions?.find((c) => c.type === 'BulkCreated');
      expect(condition).toMatchObject({ status: 'False', reason: 'BulkCreateRefused' });
      expect(condition?.message).toContain(`(1) ${item}`);
      expect(await kubectl.ok(['get', 'events', '-n', namespace(), '--field-selector', 'involvedObject.name=refused,reason=BulkCreateRefused', '-o', 'name'])).not.toBe('');
      expect(proxy.counts.faulted.PutRestApi).toBe(1);
      expect(proxy.counts.passed.PutRestApi).toBeUndefined();
      expect(proxy.counts.passed.CreateResource).toBe(25);
    } finally {
      await operator?.stop();
      operator = undefined;
      await proxy.close();
    }
  });

  it('a directory of RestPaths applied while the operator runs is created by one PutRestApi', { timeout: 400_000 }, async () => {
    const WAVE = 150;
    const dir = mkdtempSync(join(tmpdir(), 'restpath-bulk-dir-'));
    writeFileSync(join(dir, '000-api.yaml'), `${H}\nkind: RestApi\nmetadata: { name: waves }\nspec:\n  name: waves\n  stages: [{ name: live }]\n`);
    for (let i = 0; i < WAVE; i += 1) {
      writeFileSync(join(dir, `p${String(i).padStart(3, '0')}.yaml`), `${H}\nkind: RestPath\nmetadata: { name: waves-p${i} }\nspec:\n  restApiRef: { name: waves }\n  path: /w${i}\n  methods:\n` +
        ['GET', 'PUT', 'DELETE'].map((m) => `    - { httpMethod: ${m}, integration: { type: HTTP_PROXY, httpMethod: ${m}, uri: "http://backend.internal/w${i}" } }\n`).join(''));
    }
    const port = await freePort();
    operator = await startOperator(['--namespaces', namespace(), '--health-port', String(port)]);
    try {
      // Watching already: the RestPaths reach the operator one by one, as kubectl creates them.
      await until('the operator ready', async () => ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
      const started = performance.now();
      await kubectl.ok(['apply', '-n', namespace(), '-f', dir]);
      const applySeconds = (performance.now() - started) / 1000;
      await until(`waves and its ${WAVE} paths Ready`, async () => {
        // One list per look instead of a kubectl get per object.
        const { items } = JSON.parse(await kubectl.ok(['get', 'restapis,restpaths', '-n', namespace(), '-o', 'json'])) as { items: KubeObject[] };
        const ours = items.filter((o) => o.metadata.name === 'waves' || o.metadata.name.startsWith('waves-p'));
        return ours.length === WAVE + 1 && ours.every((o) => has(o, 'Ready', 'True') && o.status?.observedGeneration === o.metadata.generation) ? ours : undefined;
      }, 300_000);
      const calls = await callsSoFar(port);
      const waits = readFileSync(operator.process.logFile, 'utf8').split('\n').filter((l) => l.includes('waiting for RestPaths still being applied')).length;
      console.log(`[bulk create] ${WAVE} RestPaths applied in ${applySeconds.toFixed(1)} s while the operator ran (${waits} settle wait(s)); AWS calls ${JSON.stringify(calls)}`);
      expect(calls.PutRestApi).toBe(1);
      expect([calls.CreateResource, calls.PutMethod, calls.PutIntegration]).toEqual([undefined, undefined, undefined]);
      expect((await get<{ bulkCreate?: { outcome: string; operations: number } }>('restapi/waves')).status?.bulkCreate).toMatchObject({ outcome: 'Created', operations: WAVE * 7 });
    } finally {
      await operator.stop();
      operator = undefined;
    }
  });
});
