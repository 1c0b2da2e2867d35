// deploy/examples with the operator running: everything a newcomer applies becomes Ready=True for its
// current generation, no Warning Event is emitted on the way, and AWS holds what the manifests say.
// The examples are applied as shipped, only moved into a namespace of this test's own
// (examples.test.ts uses "shop" without an operator).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { EXAMPLES, shippedExampleObjects, withoutGroup } from '../support/examples.js';
import { invokeStage, objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'examples');
let operator: RunningOperator;
const { apply, get, waitFor, condition, events } = objectsIn(kubectl, namespace, () => operator.logs());

beforeAll(async () => {
  operator = await startOperator(['--namespaces', namespace()]);
});
afterAll(async () => {
  await operator?.stop();
});

const manifests = () =>
  readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('00-namespace'))
    .sort()
    .map((f) => readFileSync(join(EXAMPLES, f), 'utf8').replaceAll('namespace: shop', `namespace: ${namespace()}`))
    .join('\n---\n');

interface ApiStatus {
  id?: string;
  stages?: { name: string; deploymentId?: string }[];
}

describe('the examples, applied with the operator running', () => {
  it('every object becomes Ready=True for its current generation, and AWS holds what they declare', async () => {
    await apply(manifests());
    const objects = (await kubectl.ok(['get', 'ra,rp,up', '-n', namespace(), '-o', 'name'])).split('\n').filter(Boolean);
    expect(withoutGroup(objects)).toEqual(shippedExampleObjects());
    for (const o of objects) {
      const ready = await waitFor(o, 'Ready', 'True', undefined, 120_000);
      expect(condition(ready, 'Synced')?.status).toBe('True');
    }
    // Nothing went wrong on the way: a newcomer applying the examples sees no Warning Event at all
    // (a stage or a usage plan still on its way is progress, not a problem).
    const warnings = (await events()).filter((e) => e.type === 'Warning').map((e) => `${e.regarding.kind}/${e.regarding.name} ${e.reason}: ${e.note}`);
    // Soft: the checks of AWS below still run and report.
    expect.soft(warnings, `Warning Events after applying the examples:\n${warnings.join('\n')}`).toEqual([]);

    const api = await get<ApiStatus>('restapi/shop');
    const id = api.status?.id ?? '';
    const resources = ((await operator.aws(['apigateway', 'get-resources', '--rest-api-id', id, '--embed', 'methods'])) as { items: { path: string; resourceMethods?: Record<string, { methodIntegration?: { type: string } }> }[] }).items;
    const methods = resources.flatMap((r) => Object.entries(r.resourceMethods ?? {}).map(([m, v]) => `${m} ${r.path} ${v.methodIntegration?.type ?? 'none'}`)).sort();
    // Every path with CORS (all of them: the RestApi's default) gets its derived preflight.
    expect(methods).toEqual([
      'ANY /catalog/{proxy+} HTTP_PROXY',
      'DELETE /orders/{orderId} HTTP_PROXY',
      'GET /health MOCK',
      'GET /orders HTTP_PROXY',
      'GET /orders/{orderId} HTTP_PROXY',
      'GET /reviews MOCK',
      'OPTIONS /catalog/{proxy+} MOCK',
      'OPTIONS /checkout MOCK',
      'OPTIONS /health MOCK',
      'OPTIONS /orders MOCK',
      'OPTIONS /orders/{orderId} MOCK',
      'OPTIONS /reviews MOCK',
      'POST /checkout AWS_PROXY',
      'POST /orders HTTP_PROXY',
      'POST /reviews MOCK',
    ]);
    // Both stages deployed once: prod (Manual) at creation, dev (Automatic) after the burst.
    expect(api.status?.stages?.map((s) => s.name)).toEqual(['prod', 'dev']);
    for (const s of api.status?.stages ?? []) expect(s.deploymentId).toBeTruthy();
    expect(await invokeStage(id, 'dev', '/health')).toEqual({ status: 200, body: '{"status":"ok"}' });

    const checkout = await get<{ executionRoleArn?: string }>('restpath/checkout');
    expect(checkout.status?.executionRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/restpath\/restpath-/);

    const partners = await get<{ usagePlanId?: string; apiKeys?: { name: string; id?: string; enabled?: boolean }[] }>('usageplan/partners');
    expect(partners.status?.apiKeys?.map((k) => [k.name, k.enabled])).toEqual([['partner-a', true], ['partner-b', true]]);
    const plan = (await operator.aws(['apigateway', 'get-usage-plan', '--usage-plan-id', partners.status?.usagePlanId ?? ''])) as { name: string; apiStages: { apiId: string; stage: string; throttle?: Record<string, unknown> }[] };
    expect(plan.name).toBe('shop-partners');
    // Stage prod joins the plan once it exists. Its per-method throttles go in with that update, which
    // LocalStack ignores (test/aws-emulator/README.md); usage-plans.test.ts checks them at creation.
    expect(plan.apiStages.map((s) => [s.apiId, s.stage]).sort()).toEqual([[id, 'dev'], [id, 'prod']]);
    const generated = await get('secret/partner-b');
    expect(Buffer.from(generated.data?.apiKey ?? '', 'base64').toString()).toMatch(/^[A-Za-z0-9]{40}$/);
  });
});
