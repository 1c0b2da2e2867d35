// UsagePlans end to end: the operator as a process, kubectl as the user, the aws CLI to look at API
// Gateway, and requests with API keys sent to the deployed stage through the emulator's data plane.
// Every key value the test uses is collected and looked for, at the end, in the operator's whole log,
// in every Event and in the objects' status: none may appear.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { invokeStage, objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'plans');
let operator: RunningOperator;
const { apply, get, waitFor, until, events, condition } = objectsIn(kubectl, namespace, () => operator.logs());
const valuesUsed: string[] = [];

beforeAll(async () => {
  // A short grace for missing references, so the test sees them turn Stalled (with their Warning).
  operator = await startOperator(['--namespaces', namespace(), '--reference-grace', '3s']);
});
afterAll(async () => {
  await operator?.stop();
});

const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const restApi = `${H}
kind: RestApi
metadata: { name: api }
spec:
  stages: [{ name: live }, { name: beta }]
`;
const items = `${H}
kind: RestPath
metadata: { name: items }
spec:
  restApiRef: { name: api }
  path: /items
  methods:
    - httpMethod: GET
      apiKeyRequired: true
      integration:
        type: MOCK
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: [{ statusCode: "200", responseTemplates: { application/json: '{"items":[]}' } }]
      methodResponses: [{ statusCode: "200" }]
`;
const secret = (name: string, value: string) => {
  valuesUsed.push(value);
  return `apiVersion: v1\nkind: Secret\nmetadata: { name: ${name} }\nstringData: { apiKey: ${value} }\n`;
};
interface Stage {
  stage: string;
  methodThrottle?: string;
}
const plan = (name: string, stages: Stage[], keys: string, extra = '') => `${H}
kind: UsagePlan
metadata: { name: ${name} }
spec:
  throttle: { rateLimit: 50, burstLimit: 100 }
  quota: { limit: 10000, period: WEEK, offset: 1 }
  apiStages:
${stages.map((s) => `    - restApiRef: { name: api }\n      stage: ${s.stage}\n${s.methodThrottle ? `      methodThrottle: { ${s.methodThrottle} }\n` : ''}`).join('')}  apiKeys:
${keys}${extra}`;
const GOLD_KEYS = (genEnabled = true) => `    - { name: partner-a, valueFrom: { secretKeyRef: { name: partner-a, key: apiKey } } }
    - { name: partner-b, enabled: ${genEnabled}, generateInto: { secretName: partner-b } }
`;
const GOLD_STAGES: Stage[] = [{ stage: 'live', methodThrottle: '"/items/GET": { rateLimit: 5, burstLimit: 10 }' }, { stage: 'beta' }];

interface PlanStatus {
  usagePlanId?: string;
  apiKeys?: { name: string; id?: string; enabled?: boolean }[];
}
interface AwsPlan {
  name: string;
  apiStages: { apiId: string; stage: string; throttle?: Record<string, { rateLimit: number; burstLimit: number }> }[];
  throttle?: { rateLimit: number; burstLimit: number };
  quota?: { limit: number; period: string; offset: number };
}
const awsPlan = (id: string) => operator.aws(['apigateway', 'get-usage-plan', '--usage-plan-id', id]) as Promise<AwsPlan>;
const planKeyIds = async (id: string) => ((await operator.aws(['apigateway', 'get-usage-plan-keys', '--usage-plan-id', id])) as { items: { id: string }[] }).items.map((k) => k.id).sort();
const awsKey = (id: string) => operator.aws(['apigateway', 'get-api-key', '--api-key', id, '--include-value']) as Promise<{ id: string; value: string; enabled: boolean; tags?: Record<string, string> }>;
const keyOf = (status: PlanStatus | undefined, name: string) => status?.apiKeys?.find((k) => k.name === name);
const secretValue = async (name: string) => Buffer.from((await get(`secret/${name}`)).data?.apiKey ?? '', 'base64').toString('utf8');
const newValue = () => `byo-${randomBytes(16).toString('hex')}`;

describe('UsagePlans and API keys, end to end', () => {
  let apiId = '';
  let planId = '';

  it('creates the plan with its stages, throttles and quota; a generated key lands in its Secret and in the plan', async () => {
    // The API first, as a platform team would roll it out; the plan then names a stage that exists.
    // (LocalStack keeps per-method plan throttles only from CreateUsagePlan: test/aws-emulator/README.md.)
    await apply([restApi, items].join('---\n'));
    // Applied and served, but not Ready: its GET requires an API key and no plan covers the stages yet.
    const items0 = await waitFor('restpath/items', 'ResourcePathReady', 'True', undefined, 90_000);
    expect(condition(items0, 'ThrottlingReady')).toMatchObject({ status: 'False', reason: 'NoUsagePlan' });
    expect(condition(items0, 'Ready')).toMatchObject({ status: 'False', reason: 'NoUsagePlan' });
    await apply([secret('partner-a', newValue()), plan('gold', GOLD_STAGES, GOLD_KEYS())].join('---\n'));
    const gold = await waitFor<PlanStatus>('usageplan/gold', 'Ready', 'True', undefined, 90_000);
    // The plan covers the stages now: the path is diagnosed again and becomes Ready.
    await waitFor('restpath/items', 'Ready', 'True');
    apiId = (await get<{ id: string }>('restapi/api')).status?.id ?? '';
    planId = gold.status?.usagePlanId ?? '';
    expect(planId).toMatch(/^[a-z0-9]+$/);

    const inAws = await awsPlan(planId);
    expect(inAws.name).toBe(`${namespace()}-gold`);
    expect(inAws.throttle).toEqual({ rateLimit: 50, burstLimit: 100 });
    expect(inAws.quota).toEqual({ limit: 10000, period: 'WEEK', offset: 1 });
    expect(inAws.apiStages.map((s) => s.stage).sort()).toEqual(['beta', 'live']);
    expect(inAws.apiStages.find((s) => s.stage === 'live')?.throttle).toEqual({ '/items/GET': { rateLimit: 5, burstLimit: 10 } });

    const a = keyOf(gold.status, 'partner-a');
    const b = keyOf(gold.status, 'partner-b');
    expect(a).toMatchObject({ enabled: true, id: expect.stringMatching(/.+/) as string });
    expect(b).toMatchObject({ enabled: true, id: expect.stringMatching(/.+/) as string });
    expect(await planKeyIds(planId)).toEqual([a!.id!, b!.id!].sort());

    // The generated value: strong, in a Secret owned by the plan, and the same value AWS holds.
    const generated = await get('secret/partner-b');
    expect(generated.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'UsagePlan', name: 'gold', uid: gold.metadata.uid, controller: true })]);
    const value = await secretValue('partner-b');
    valuesUsed.push(value);
    expect(value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect((await awsKey(b!.id!)).value).toBe(value);
    expect((await awsKey(a!.id!)).value).toBe(await secretValue('partner-a'));

    // Clients: no key 403; either key is let through to the integration.
    expect((await invokeStage(apiId, 'live', '/items')).status).toBe(403);
    expect(await invokeStage(apiId, 'live', '/items', { 'x-api-key': value })).toEqual({ status: 200, body: '{"items":[]}' });
    expect((await invokeStage(apiId, 'live', '/items', { 'x-api-key': await secretValue('partner-a') })).status).toBe(200);
  });

  it('rotates a bring-your-own key when its Secret changes: the new key is in the plan before the old one goes', async () => {
    const before = keyOf((await get<PlanStatus>('usageplan/gold')).status, 'partner-a')!.id!;
    const oldValue = await secretValue('partner-a');
    const rotated = newValue();
    await apply(secret('partner-a', rotated));
    // Sampled while the operator works: at every moment one of the two keys is in the plan.
    const samples: string[][] = [];
    const after = await until('a new key id for partner-a', async () => {
      samples.push(await planKeyIds(planId));
      const id = keyOf((await get<PlanStatus>('usageplan/gold')).status, 'partner-a')?.id;
      return id && id !== before ? id : undefined;
    });
    expect(samples.every((ids) => ids.length >= 2)).toBe(true);
    expect((await awsKey(after)).value).toBe(rotated);
    expect(await planKeyIds(planId)).toContain(after);
    expect(await planKeyIds(planId)).not.toContain(before);
    await expect(awsKey(before)).rejects.toThrow(/NotFoundException/);
    expect((await invokeStage(apiId, 'live', '/items', { 'x-api-key': rotated })).status).toBe(200);
    expect((await invokeStage(apiId, 'live', '/items', { 'x-api-key': oldValue })).status).toBe(403);
    const rotatedEvents = (await events('gold')).filter((e) => e.reason === 'ApiKeyRotated');
    expect(rotatedEvents[0]?.note).toContain(`rotate API key partner-a (new key replaces ${before})`);
  });

  it('disables a key', async () => {
    await apply(plan('gold', GOLD_STAGES, GOLD_KEYS(false)));
    const gold = await until('partner-b disabled in status', async () => {
      const o = await get<PlanStatus>('usageplan/gold');
      return keyOf(o.status, 'partner-b')?.enabled === false && o.status?.observedGeneration === o.metadata.generation ? o : undefined;
    });
    const id = keyOf(gold.status, 'partner-b')!.id!;
    expect((await awsKey(id)).enabled).toBe(false);
    expect((await invokeStage(apiId, 'live', '/items', { 'x-api-key': await secretValue('partner-b') })).status).toBe(403);
  });

  it('removes a stage from the plan in place', async () => {
    await apply(plan('gold', [GOLD_STAGES[0]!], GOLD_KEYS(false)));
    // One UpdateUsagePlan; AWS allows one every 20 seconds, so this may wait for the operator's limiter.
    await until('stage beta gone from the plan', async () => ((await awsPlan(planId)).apiStages.some((s) => s.stage === 'beta') ? undefined : true), 60_000);
    await waitFor('usageplan/gold', 'Ready', 'True');
    expect((await get<PlanStatus>('usageplan/gold')).status?.usagePlanId).toBe(planId);
  });

  it('says exactly what it cannot apply: another namespace, a missing stage, an unknown method, a missing Secret', async () => {
    const cases = [
      { name: 'cross', spec: plan('cross', [], '    []\n').replace('  apiStages:\n', '  apiStages:\n    - restApiRef: { name: api, namespace: kube-system }\n      stage: live\n'), reason: 'CrossNamespaceReference', text: 'RestApi kube-system/api is in another namespace' },
      { name: 'nostage', spec: plan('nostage', [{ stage: 'gamma' }], '    []\n'), reason: 'StageNotFound', text: 'RestApi api declares no stage gamma (its stages: live, beta)' },
      { name: 'unknown', spec: plan('unknown', [{ stage: 'live', methodThrottle: '"/nothing/GET": { rateLimit: 1, burstLimit: 1 }' }], '    []\n'), reason: 'UnknownMethod', text: 'methodThrottle /nothing/GET names a method that no RestPath of RestApi api declares' },
      { name: 'nosecret', spec: plan('nosecret', [{ stage: 'live' }], '    - { name: k, valueFrom: { secretKeyRef: { name: absent, key: apiKey } } }\n'), reason: 'SecretNotFound', text: `Secret ${namespace()}/absent does not exist` },
    ];
    await apply(cases.map((c) => c.spec).join('---\n'));
    for (const c of cases) {
      const o = await waitFor(`usageplan/${c.name}`, 'Ready', 'False', c.reason);
      expect(condition(o, 'Ready')?.message).toContain(c.text);
      const seen = await until(`a ${c.reason} Event on ${c.name}`, async () => (await events(c.name)).find((e) => e.reason === c.reason));
      expect(seen.type).toBe('Warning');
    }
    // The fix for one of them: the Secret appears, the key is created and the plan becomes Ready.
    await apply(secret('absent', newValue()));
    const fixed = await waitFor<PlanStatus>('usageplan/nosecret', 'Ready', 'True');
    expect(keyOf(fixed.status, 'k')?.id).toBeTruthy();
    await kubectl.ok(['delete', 'usageplan', 'cross', 'nostage', 'unknown', 'nosecret', '-n', namespace(), '--timeout=60s']);
  });

  it('deleting a plan removes the plan, its keys and the Secret it generated', async () => {
    const gold = await get<PlanStatus>('usageplan/gold');
    const keyIds = (gold.status?.apiKeys ?? []).map((k) => k.id!);
    expect(keyIds).toHaveLength(2);
    await kubectl.ok(['delete', 'usageplan', 'gold', '-n', namespace(), '--timeout=60s']);
    await expect(awsPlan(planId)).rejects.toThrow(/NotFoundException/);
    for (const id of keyIds) await expect(awsKey(id)).rejects.toThrow(/NotFoundException/);
    await until('Secret partner-b deleted', async () => ((await kubectl(['get', 'secret', 'partner-b', '-n', namespace()])).code !== 0 ? true : undefined));
    // The Secret the user brought stays.
    expect(await secretValue('partner-a')).toBeTruthy();
  });

  it('never writes a key value into a log line, an Event or a status', async () => {
    expect(valuesUsed.length).toBeGreaterThanOrEqual(4);
    const log = readFileSync(operator.process.logFile, 'utf8');
    const eventsYaml = await kubectl.ok(['get', 'events.events.k8s.io', '-n', namespace(), '-o', 'yaml']);
    const objects = await kubectl.ok(['get', 'ra,rp,up', '-n', namespace(), '-o', 'yaml']);
    expect(log.length).toBeGreaterThan(1000);
    for (const value of valuesUsed) {
      expect(log).not.toContain(value);
      expect(eventsYaml).not.toContain(value);
      expect(objects).not.toContain(value);
    }
  });
});
