// The limits (issue 17), applied with kubectl as users do, against the real API server and the AWS
// emulator: a RestPath with 100 methods (API Gateway has 8 HTTP methods: refused at apply, while all
// 8 on one path are served); a RestApi with 300 resources, AWS's default "Resources per API", and
// one RestPath more (held back with ResourceLimitReached and the counts, applied once room is made);
// one UsagePlan with 1,000 API keys whose manifest is over 1 MiB (client-side apply refuses it for
// its last-applied annotation; --server-side applies it). The emulator enforces none of these quotas
// (test/aws-emulator/README.md): the operator does, before it writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'limits');
let operator: RunningOperator;
const { apply, get, waitFor, until } = objectsIn(kubectl, namespace, () => operator.logs());
const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'];
const mockMethod = (m: string) => `    - { httpMethod: ${m}, integration: { type: MOCK } }`;
const restPath = (name: string, api: string, path: string, methods: string[]) =>
  `${H}\nkind: RestPath\nmetadata: { name: ${name} }\nspec:\n  restApiRef: { name: ${api} }\n  path: ${path}\n  methods:\n${methods.map(mockMethod).join('\n')}`;

beforeAll(async () => {
  operator = await startOperator(['--namespaces', namespace(), '--no-bulk-create']);
});
afterAll(async () => {
  await operator?.stop();
});

describe('limits', () => {
  it('a RestPath with 100 methods is refused at apply; one with all 8 HTTP methods is served', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => ALL_METHODS[i % 8]!);
    const refused = await kubectl(['apply', '-n', namespace(), '-f', '-'], `${H}\nkind: RestApi\nmetadata: { name: wide }\nspec: {}\n---\n${restPath('hundred', 'wide', '/hundred', hundred)}`);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/spec\.methods: Too many: 100: must have at most 8 items/);
    await kubectl.ok(['get', 'restapi/wide', '-n', namespace()]); // the valid document of the two was applied
    await expect(kubectl.ok(['get', 'restpath/hundred', '-n', namespace()])).rejects.toThrow(/NotFound/);
    await apply(restPath('all-eight', 'wide', '/all', ALL_METHODS));
    const ready = await waitFor<{ restApiId: string; resourceId: string }>('restpath/all-eight', 'Ready', 'True', undefined, 90_000);
    const resource = (await operator.aws(['apigateway', 'get-resource', '--rest-api-id', ready.status!.restApiId, '--resource-id', ready.status!.resourceId])) as { resourceMethods: Record<string, unknown> };
    expect(Object.keys(resource.resourceMethods).sort()).toEqual([...ALL_METHODS].sort());
  }, 150_000);

  it('a RestApi with 300 resources is served; the RestPath that would make 301 says ResourceLimitReached, and is applied when room is made', async () => {
    // The root and 299 one-segment paths: AWS's default quota exactly.
    const fits = Array.from({ length: 299 }, (_, i) => restPath(`r${i}`, 'big', `/r${i}`, ['GET']));
    await apply([`${H}\nkind: RestApi\nmetadata: { name: big }\nspec: {}`, ...fits].join('\n---\n'));
    const api = await waitFor<{ id: string }>('restapi/big', 'Ready', 'True', undefined, 300_000);
    await until('all 299 RestPaths Ready', async () => {
      const items = (JSON.parse(await kubectl.ok(['get', 'restpaths', '-n', namespace(), '-l', '!limits.restpath.dev/extra', '-o', 'json'])) as { items: { spec: { restApiRef: { name: string } }; status?: { conditions?: { type: string; status: string }[] } }[] }).items;
      const big = items.filter((p) => p.spec.restApiRef.name === 'big');
      return big.length === 299 && big.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ? true : undefined;
    }, 300_000);
    const count = async () => ((await operator.aws(['apigateway', 'get-resources', '--rest-api-id', api.status!.id, '--limit', '500'])) as { items: unknown[] }).items.length;
    expect(await count()).toBe(300);

    // Newer than every other: it is the one held back, whole, and AWS is not touched.
    await apply(restPath('one-more', 'big', '/one/more', ['GET', 'POST']).replace('metadata: { name: one-more }', 'metadata: { name: one-more, labels: { limits.restpath.dev/extra: "true" } }'));
    const held = await waitFor('restpath/one-more', 'Stalled', 'True', 'ResourceLimitReached', 90_000);
    expect(held.status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
      '/one/more is not applied: the REST API would have 302 resources with this path (it has 300, the root and older RestPaths\' included; this path adds 2); API Gateway allows 300 per REST API. ' +
        'Remove paths, or raise the quota "Resources per API" in Service Quotas and start the operator with --resources-per-api set to it.',
    );
    expect(await count()).toBe(300);
    expect((await get('restpath/r0')).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    // Room for it: two paths deleted, and it is applied without being touched.
    await kubectl.ok(['delete', 'restpath', 'r1', 'r2', '-n', namespace()]);
    await waitFor('restpath/one-more', 'Ready', 'True', undefined, 120_000);
    expect(await count()).toBe(300);
  }, 600_000);

  it('a UsagePlan of 1,000 API keys in a manifest over 1 MiB: refused by client-side apply (the annotation), applied with --server-side, every key in AWS once', async () => {
    const value = (i: number) => `limits-key-value-${String(i).padStart(4, '0')}-${'x'.repeat(16)}`;
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'thousand' }, stringData: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, value(i)])) };
    const description = 'd'.repeat(1024); // AWS's longest API key description
    const plan = {
      apiVersion: 'apigateway.restpath.dev/v1alpha1',
      kind: 'UsagePlan',
      metadata: { name: 'thousand' },
      spec: { apiKeys: Array.from({ length: 1000 }, (_, i) => ({ name: `key-${i}`, description, valueFrom: { secretKeyRef: { name: 'thousand', key: `k${i}` } } })) },
    };
    const manifest = JSON.stringify(plan);
    expect(manifest.length).toBeGreaterThan(1024 * 1024);
    await kubectl.ok(['apply', '-n', namespace(), '-f', '-'], JSON.stringify(secret));
    const clientSide = await kubectl(['apply', '-n', namespace(), '-f', '-'], manifest);
    expect(clientSide.code).not.toBe(0);
    expect(clientSide.stderr).toMatch(/metadata\.annotations: Too long: (may not be more than|must have at most) 262144 bytes/);
    await kubectl.ok(['apply', '--server-side', '-n', namespace(), '-f', '-'], manifest);
    const ready = await waitFor<{ usagePlanId: string; apiKeys: { name: string; id: string }[] }>('usageplan/thousand', 'Ready', 'True', undefined, 480_000);
    expect(ready.status!.apiKeys).toHaveLength(1000);
    // The aws CLI reads every page.
    const inPlan = ((await operator.aws(['apigateway', 'get-usage-plan-keys', '--usage-plan-id', ready.status!.usagePlanId])) as { items: { name: string }[] }).items.map((k) => k.name);
    expect(inPlan.length).toBe(1000);
    expect(new Set(inPlan).size).toBe(1000);
    // Nothing of the values in the status (1,000 chances to leak one).
    expect(JSON.stringify(ready.status)).not.toContain('limits-key-value-');
  }, 600_000);
});
