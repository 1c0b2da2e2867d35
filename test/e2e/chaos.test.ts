// Combined faults while 100 RestPaths x 3 methods and a UsagePlan are applied at once: behind the
// quota proxy (AWS's quotas) 20% of API Gateway calls answer 5xx, 5% of connections drop, a 429 storm
// comes every 120 calls, a lost answer (forwarded, then 409 or no answer) hits each create type, and the
// operator is SIGKILLed twice and started again. After the faults stop: every object is
// Ready within a bound from the quotas, AWS holds exactly what the manifests say (no duplicate API,
// resource, plan or key), the RestApi said which fault it was retrying while it lasted, and no secret
// reached the logs, Events or statuses. CHAOS_SEED replays the same faults.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { minimumSeconds } from '../../src/aws/quotas.js';
import { freshAccount } from '../../scripts/testenv/aws-emulator.js';
import { awsCli } from '../support/aws.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { QuotaProxy, type FaultRule } from '../support/quota-proxy.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'chaos');
const SEED = Number(process.env.CHAOS_SEED ?? 17);
const PATHS = 100;
const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const operators: RunningOperator[] = [];
let proxy: QuotaProxy | undefined;
afterAll(async () => {
  for (const o of operators) await o.stop();
  await proxy?.close();
});
const logs = () => operators.map((o) => o.logs()).join('\n');
const { apply, until } = objectsIn(kubectl, namespace, logs);

const manifests = (byoKey: string) => [
  `${H}\nkind: RestApi\nmetadata: { name: chaos }\nspec:\n  stages: [{ name: live }]`,
  ...Array.from({ length: PATHS }, (_, i) => `${H}\nkind: RestPath\nmetadata: { name: p${i} }\nspec:\n  restApiRef: { name: chaos }\n  path: /r${i}\n  methods:\n` +
    ['GET', 'PUT', 'DELETE'].map((m) => `    - { httpMethod: ${m}, integration: { type: HTTP_PROXY, httpMethod: ${m}, uri: "http://backend.internal/r${i}" } }`).join('\n')),
  `apiVersion: v1\nkind: Secret\nmetadata: { name: byo }\nstringData: { apiKey: ${byoKey} }`,
  `${H}\nkind: UsagePlan\nmetadata: { name: partners }\nspec:\n  apiStages: [{ restApiRef: { name: chaos }, stage: live }]\n  apiKeys:\n    - { name: byo, valueFrom: { secretKeyRef: { name: byo, key: apiKey } } }\n` +
    Array.from({ length: 3 }, (_, i) => `    - { name: gen${i}, generateInto: { secretName: gen${i} } }`).join('\n'),
].join('\n---\n');

// One lost answer on each create: a retry of a create AWS already made answers 409 where AWS does
// (test/aws-emulator/README.md: the emulator never does), no answer at all where it has no 409.
const LOST_ANSWERS: FaultRule[] = [
  ...['CreateResource', 'PutMethod', 'CreateUsagePlanKey'].map((operation) => ({ operation, times: 2, status: 409, afterForwarding: true })),
  ...['CreateRestApi', 'PutIntegration', 'CreateDeployment', 'CreateUsagePlan'].map((operation) => ({ operation, times: 1, drop: true, afterForwarding: true })),
];
const NOISE: FaultRule[] = [
  { times: Infinity, rate: 0.2, status: 503 },
  { times: Infinity, rate: 0.05, drop: true },
];
// Of the ~720 calls the burst needs: storms, kills and the end of the faults, by calls passed.
const STORM_EVERY = 120;
const STORM_CALLS = 40;
const KILL_AT = [150, 250];
const WINDOW_CALLS = 450;

interface Ready { name: string; ready: boolean; reason: string; message: string }
async function readiness(): Promise<Ready[]> {
  const out = JSON.parse(await kubectl.ok(['get', 'restapis,restpaths,usageplans', '-n', namespace(), '-o', 'json'])) as {
    items: { kind: string; metadata: { name: string; generation: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string }[] } }[];
  };
  return out.items.map((o) => {
    const c = o.status?.conditions?.find((x) => x.type === 'Ready');
    return { name: `${o.kind}/${o.metadata.name}`, ready: c?.status === 'True' && o.status?.observedGeneration === o.metadata.generation, reason: c?.reason ?? '', message: c?.message ?? '' };
  });
}

describe('combined faults during a burst', () => {
  it('converges with no duplicates, names the faults while they last, and leaks no secret', async () => {
    const base = await freshAccount(inject('awsEmulator'), inject('awsEndpoint'));
    // The emulator checks no signature: a distinctive secret key makes a leak findable.
    const account = { ...base, secretAccessKey: randomBytes(20).toString('hex') };
    const byoKey = `chaos-${randomBytes(16).toString('hex')}`;
    proxy = await QuotaProxy.start({ target: inject('awsEndpoint'), seed: SEED, faults: [...LOST_ANSWERS, ...NOISE] });
    const p = proxy;
    const start = async () => { operators.push(await startOperator(['--namespaces', namespace()], account, p.endpoint)); };
    await start();
    const t0 = Date.now();
    await apply(manifests(byoKey));

    // The faults' window, scheduled by the calls that reached AWS (no timers): a 429 storm of
    // STORM_CALLS answers after every STORM_EVERY calls, a SIGKILL (and a fresh process) at KILL_AT
    // calls, the window closing at WINDOW_CALLS; what the objects said meanwhile is sampled.
    const seen = new Set<string>();
    let storms = 0;
    let kills = 0;
    const killed = async () => {
      const victim = operators[operators.length - 1]!;
      process.kill(victim.process.pid, 'SIGKILL');
      await until('the operator gone', () => Promise.resolve(victim.process.exited() ? true : undefined), 10_000);
      kills++;
      await start();
    };
    await until('the faults window', async () => {
      for (const r of await readiness()) if (!r.ready && r.reason) seen.add(`${r.name} ${r.reason}`);
      const passed = p.total('passed');
      if (passed >= (storms + 1) * STORM_EVERY) {
        storms++;
        p.faults.unshift({ times: STORM_CALLS, status: 429 });
      }
      if (kills < KILL_AT.length && passed >= KILL_AT[kills]!) await killed();
      return passed >= WINDOW_CALLS && kills === KILL_AT.length ? true : undefined;
    }, 240_000);
    p.faults = [];
    const stopped = Date.now();
    const faulted = p.total('faulted');
    const throttled = p.total('throttled');

    // Bound: the whole burst again at AWS's quotas (a fault just before the stop may cost a full pass),
    // twice over for the backoff of calls still waiting, plus one Retry-After.
    const bound = 2 * minimumSeconds(PATHS, 1 + 2 * 3) * 1000 + 10_000;
    await until('every object Ready', async () => {
      const all = await readiness();
      return all.length === PATHS + 2 && all.every((r) => r.ready) ? true : undefined;
    }, bound);
    const convergedMs = Date.now() - stopped;

    // AWS against the manifests: exactly one API, the root and 100 paths with 3 methods each, one plan, 4 keys in it.
    const aws = awsCli(account);
    const apis = ((await aws(['apigateway', 'get-rest-apis'])) as { items: { id: string }[] }).items;
    expect(apis).toHaveLength(1);
    const resources = ((await aws(['apigateway', 'get-resources', '--rest-api-id', apis[0]!.id, '--embed', 'methods'])) as { items: { path: string; resourceMethods?: Record<string, unknown> }[] }).items;
    expect(resources.map((r) => r.path).sort()).toEqual(['/', ...Array.from({ length: PATHS }, (_, i) => `/r${i}`)].sort());
    for (const r of resources.filter((x) => x.path !== '/')) expect(Object.keys(r.resourceMethods ?? {}).sort(), r.path).toEqual(['DELETE', 'GET', 'PUT']);
    const plans = ((await aws(['apigateway', 'get-usage-plans'])) as { items: { id: string }[] }).items;
    expect(plans).toHaveLength(1);
    const keys = ((await aws(['apigateway', 'get-api-keys'])) as { items: { id: string; name: string }[] }).items;
    expect(keys).toHaveLength(4);
    const inPlan = ((await aws(['apigateway', 'get-usage-plan-keys', '--usage-plan-id', plans[0]!.id])) as { items: unknown[] }).items;
    expect(inPlan).toHaveLength(4);

    // While the faults lasted, the RestApi named them; the operator never crash-looped (each process
    // it started either runs or was killed by the test).
    expect([...seen].some((s) => /^RestApi\/chaos (AwsRetrying|AwsUnreachable)$/.test(s)), [...seen].join('\n')).toBe(true);
    expect(operators.filter((o) => o.process.exited()).map((o) => o.process.exitDescription())).toEqual(['killed by SIGKILL', 'killed by SIGKILL']);

    // Secrets: none in the logs, the Events or any status.
    const values = [account.secretAccessKey, byoKey];
    for (let i = 0; i < 3; i++) {
      const secret = JSON.parse(await kubectl.ok(['get', 'secret', `gen${i}`, '-n', namespace(), '-o', 'json'])) as { data: { apiKey: string } };
      values.push(Buffer.from(secret.data.apiKey, 'base64').toString('utf8'));
    }
    const written = [
      ...operators.map((o) => readFileSync(o.process.logFile, 'utf8')),
      await kubectl.ok(['get', 'events.events.k8s.io', '-n', namespace(), '-o', 'yaml']),
      await kubectl.ok(['get', 'restapis,restpaths,usageplans', '-n', namespace(), '-o', 'yaml']),
    ].join('\n');
    for (const v of values) expect(v.length).toBeGreaterThanOrEqual(20);
    for (const v of values) expect(written.includes(v)).toBe(false);

    console.log(`[chaos seed ${SEED}] faults ${Math.round((stopped - t0) / 1000)} s; converged ${(convergedMs / 1000).toFixed(1)} s after they stopped (bound ${bound / 1000} s); ` +
      `AWS calls passed ${p.total('passed')}, broken by faults ${faulted}, 429 from quotas ${throttled}, kills ${kills}; seen: ${[...seen].filter((s) => s.startsWith('RestApi') || s.startsWith('UsagePlan')).join(', ')}`);
  }, 400_000);
});
