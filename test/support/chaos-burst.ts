// The burst every chaos scenario applies and checks (issue 17): one RestApi with a stage, PATHS
// RestPaths of 3 HTTP_PROXY methods each, and a UsagePlan on the stage with a key of the user's own (a
// Secret) and 3 generated ones. `awsProblems` compares AWS against it in full (nothing missing, nothing
// extra, no duplicate); `ChaosRun` owns what one scenario starts (a fresh account with a distinctive
// secret key, the quota proxy with its faults, the operator processes it kills and starts again) and
// reads what the scenario reports: what the objects said meanwhile, exits, leaks, and the figures.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { freshAccount, type AwsAccount, type EmulatorKind } from '../../scripts/testenv/aws-emulator.js';
import type { Kubectl } from '../../scripts/testenv/kubectl.js';
import { OWNER_TAG } from '../../src/model/build.js';
import { freePort } from '../../scripts/testenv/ports.js';
import { awsCli } from './aws.js';
import { objectsIn } from './objects.js';
import { startOperator, type RunningOperator } from './operator.js';
import { QuotaProxy, type FaultRule } from './quota-proxy.js';

export const PATHS = 100;
export const METHODS = ['GET', 'PUT', 'DELETE'];
const GENERATED_KEYS = 3;
const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';

/** The burst's manifests: the RestApi, one document per RestPath, and the key Secret + UsagePlan. */
export function burstDocs(byoKey: string): { api: string; paths: string[]; plan: string } {
  return {
    api: `${H}\nkind: RestApi\nmetadata: { name: chaos }\nspec:\n  stages: [{ name: live }]`,
    paths: Array.from({ length: PATHS }, (_, i) => `${H}\nkind: RestPath\nmetadata: { name: p${i} }\nspec:\n  restApiRef: { name: chaos }\n  path: /r${i}\n  methods:\n` +
      METHODS.map((m) => `    - { httpMethod: ${m}, integration: { type: HTTP_PROXY, httpMethod: ${m}, uri: "http://backend.internal/r${i}" } }`).join('\n')),
    plan: `apiVersion: v1\nkind: Secret\nmetadata: { name: byo }\nstringData: { apiKey: ${byoKey} }\n---\n` +
      `${H}\nkind: UsagePlan\nmetadata: { name: partners }\nspec:\n  apiStages: [{ restApiRef: { name: chaos }, stage: live }]\n  apiKeys:\n    - { name: byo, valueFrom: { secretKeyRef: { name: byo, key: apiKey } } }\n` +
      Array.from({ length: GENERATED_KEYS }, (_, i) => `    - { name: gen${i}, generateInto: { secretName: gen${i} } }`).join('\n'),
  };
}

export interface Readiness { name: string; ready: boolean; reason: string; message: string }

/** Ready of every RestApi, RestPath and UsagePlan in `namespace`: True for the object's generation, or the reason. */
export async function readiness(kubectl: Kubectl, namespace: string): Promise<Readiness[]> {
  const out = JSON.parse(await kubectl.ok(['get', 'restapis,restpaths,usageplans', '-n', namespace, '-o', 'json'])) as {
    items: { kind: string; metadata: { name: string; generation: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string }[] } }[];
  };
  return out.items.map((o) => {
    const c = o.status?.conditions?.find((x) => x.type === 'Ready');
    return { name: `${o.kind}/${o.metadata.name}`, ready: c?.status === 'True' && o.status?.observedGeneration === o.metadata.generation, reason: c?.reason ?? '', message: c?.message ?? '' };
  });
}

type Items<T> = { items?: T[] };
const dupes = (xs: string[]) => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];

type Tagged = { tags?: Record<string, string> };

/**
 * What AWS holds that the burst does not say, or lacks: empty when AWS is exactly the manifests. In an
 * account shared with other objects, `ownerPrefix` (e.g. "burst/") keeps only what the burst's
 * namespace owns by the operator's owner tag; by default every REST API, plan and key counts.
 */
export async function awsProblems(aws: (args: string[]) => Promise<unknown>, statusApiId: string, statusPlanId: string, ownerPrefix?: string): Promise<string[]> {
  const problems: string[] = [];
  const ours = <T extends Tagged>(items: T[] | undefined) => (items ?? []).filter((x) => ownerPrefix === undefined || (x.tags?.[OWNER_TAG] ?? '').startsWith(ownerPrefix));
  const apis = ours(((await aws(['apigateway', 'get-rest-apis'])) as Items<{ id: string } & Tagged>).items);
  if (apis.length !== 1 || apis[0]!.id !== statusApiId) problems.push(`REST APIs ${JSON.stringify(apis.map((a) => a.id))}, the RestApi's status says ${statusApiId || '(none)'}`);
  for (const api of apis) {
    const resources = ((await aws(['apigateway', 'get-resources', '--rest-api-id', api.id, '--embed', 'methods', '--limit', '500'])) as Items<{ path: string; resourceMethods?: Record<string, unknown> }>).items ?? [];
    const paths = resources.map((r) => r.path);
    const want = ['/', ...Array.from({ length: PATHS }, (_, i) => `/r${i}`)];
    const missing = want.filter((p) => !paths.includes(p));
    const extra = paths.filter((p) => !want.includes(p));
    if (missing.length || extra.length || dupes(paths).length) problems.push(`API ${api.id}: resources missing ${missing.length} (${missing.slice(0, 5).join(' ')}), extra ${JSON.stringify(extra.slice(0, 5))}, duplicated ${JSON.stringify(dupes(paths))}`);
    const badMethods = resources.filter((r) => r.path !== '/' && Object.keys(r.resourceMethods ?? {}).sort().join() !== [...METHODS].sort().join());
    if (badMethods.length) problems.push(`API ${api.id}: ${badMethods.length} resources without exactly ${METHODS.join(', ')}, e.g. ${badMethods[0]!.path}: ${Object.keys(badMethods[0]!.resourceMethods ?? {}).join(',')}`);
    const stages = ((await aws(['apigateway', 'get-stages', '--rest-api-id', api.id])) as { item?: { stageName: string; deploymentId?: string }[] }).item ?? [];
    if (stages.map((s) => s.stageName).join() !== 'live' || !stages[0]?.deploymentId) problems.push(`API ${api.id}: stages ${JSON.stringify(stages)}`);
  }
  const plans = ours(((await aws(['apigateway', 'get-usage-plans'])) as Items<{ id: string; apiStages?: { apiId: string; stage: string }[] } & Tagged>).items);
  if (plans.length !== 1 || plans[0]!.id !== statusPlanId) problems.push(`usage plans ${JSON.stringify(plans.map((p) => p.id))}, the UsagePlan's status says ${statusPlanId || '(none)'}`);
  else if ((plans[0]!.apiStages ?? []).map((s) => `${s.apiId}/${s.stage}`).join() !== `${statusApiId}/live`) problems.push(`plan ${plans[0]!.id} stages ${JSON.stringify(plans[0]!.apiStages)}`);
  const keys = ours(((await aws(['apigateway', 'get-api-keys'])) as Items<{ id: string; name: string } & Tagged>).items);
  if (keys.length !== 1 + GENERATED_KEYS || dupes(keys.map((k) => k.name)).length) problems.push(`API keys ${JSON.stringify(keys.map((k) => k.name))} (want ${1 + GENERATED_KEYS}, no duplicate)`);
  for (const plan of plans) {
    const inPlan = ((await aws(['apigateway', 'get-usage-plan-keys', '--usage-plan-id', plan.id])) as Items<{ id: string }>).items ?? [];
    const ids = inPlan.map((k) => k.id).sort();
    if (ids.join() !== keys.map((k) => k.id).sort().join()) problems.push(`plan ${plan.id} holds keys ${JSON.stringify(ids)}, AWS has ${JSON.stringify(keys.map((k) => k.id))}`);
  }
  return problems;
}

/** What keeps the burst in `namespace` from done: objects not Ready for their generation, or AWS not exactly the manifests. */
export async function burstProblems(kubectl: Kubectl, namespace: string, aws: (args: string[]) => Promise<unknown>, ownerPrefix?: string): Promise<string[]> {
  const all = await readiness(kubectl, namespace);
  const waiting = all.filter((r) => !r.ready);
  if (all.length !== PATHS + 2 || waiting.length) return [`${all.length} objects, not Ready: ${waiting.slice(0, 5).map((r) => `${r.name} ${r.reason}: ${r.message.slice(0, 200)}`).join('; ')}`];
  const status = async (what: string) => (JSON.parse(await kubectl.ok(['get', what, '-n', namespace, '-o', 'json'])) as { status?: { id?: string; usagePlanId?: string } }).status;
  return awsProblems(aws, (await status('restapi/chaos'))?.id ?? '', (await status('usageplan/partners'))?.usagePlanId ?? '', ownerPrefix);
}

/** Waits until the burst's REST API exists in AWS with at least `resources` resources: the burst is under way. */
export async function untilPartlyApplied(objects: ReturnType<typeof objectsIn>, aws: (args: string[]) => Promise<unknown>, resources: number): Promise<void> {
  await objects.until(`${resources} resources of the burst in AWS`, async () => {
    const id = (await objects.get<{ id?: string }>('restapi/chaos')).status?.id;
    const items = id ? ((await aws(['apigateway', 'get-resources', '--rest-api-id', id, '--limit', '500'])) as { items?: unknown[] }).items ?? [] : [];
    return items.length >= resources ? true : undefined;
  }, 120_000);
}

export interface ChaosWorld {
  kubectl: Kubectl;
  namespace: string;
  kubeconfig: string;
  emulator: { kind: EmulatorKind; endpoint: string };
}

/** One scenario's account, proxy and operator processes, and what it saw. */
export class ChaosRun {
  readonly operators: RunningOperator[] = [];
  /** "<Kind>/<name> <reason>" of every not-Ready state sampled while the faults lasted. */
  readonly seen = new Set<string>();
  readonly byoKey = `chaos-${randomBytes(16).toString('hex')}`;
  readonly docs = burstDocs(this.byoKey);
  readonly aws: (args: string[]) => Promise<unknown>;
  readonly objects: ReturnType<typeof objectsIn>;
  kills = 0;
  private readonly ports: number[] = [];

  private constructor(readonly world: ChaosWorld, readonly account: AwsAccount, readonly proxy: QuotaProxy, private readonly args: string[]) {
    this.aws = awsCli(account, world.emulator.endpoint);
    this.objects = objectsIn(world.kubectl, () => world.namespace, () => this.operators.map((o) => o.logs()).join('\n'));
  }

  static async start(world: ChaosWorld, o: { seed: number; faults: FaultRule[]; args?: string[] }): Promise<ChaosRun> {
    const base = await freshAccount(world.emulator.kind, world.emulator.endpoint);
    // The emulator checks no signature: a distinctive secret key makes a leak findable.
    const account = { ...base, secretAccessKey: randomBytes(20).toString('hex') };
    const proxy = await QuotaProxy.start({ target: world.emulator.endpoint, seed: o.seed, faults: o.faults });
    const run = new ChaosRun(world, account, proxy, o.args ?? []);
    await run.startOperator();
    return run;
  }

  async startOperator(): Promise<void> {
    const port = await freePort();
    this.ports.push(port);
    this.operators.push(await startOperator(['--namespaces', this.world.namespace, '--health-port', String(port), /* the faults aim at the per-operation creates; bulk create has its own e2e */ '--no-bulk-create', ...this.args], this.account, this.proxy.endpoint, this.world.kubeconfig));
  }

  /** SIGKILLs the newest operator process, waits for it to be gone, and starts a fresh one. */
  async killAndRestart(): Promise<void> {
    const victim = this.operators[this.operators.length - 1]!;
    process.kill(victim.process.pid, 'SIGKILL');
    await this.objects.until('the operator gone', () => Promise.resolve(victim.process.exited() ? true : undefined), 10_000);
    this.kills++;
    await this.startOperator();
  }

  /** Records what every object not Ready says now (call it while the faults last). */
  async sample(): Promise<void> {
    for (const r of await readiness(this.world.kubectl, this.world.namespace)) if (!r.ready && r.reason) this.seen.add(`${r.name} ${r.reason}`);
  }

  /** Polls until every object of the burst is Ready for its generation and AWS is exactly the burst; returns the ms it took. */
  async converge(boundMs: number): Promise<number> {
    const started = Date.now();
    let last: string[] = [];
    await this.objects.until('every object Ready and AWS exactly the manifests', async () => {
      last = await burstProblems(this.world.kubectl, this.world.namespace, this.aws);
      return last.length === 0 ? true : undefined;
    }, boundMs).catch((e: Error) => {
      throw new Error(`${e.message}\nlast seen:\n${last.join('\n')}`);
    });
    return Date.now() - started;
  }

  /** How each exited operator process ended (the test's SIGKILLs only, when it never crashed). */
  exits(): string[] {
    return this.operators.filter((o) => o.process.exited()).map((o) => o.process.exitDescription());
  }

  /**
   * Secrets found where they must never be: the AWS secret key and every API key value, searched in
   * every operator log, the Events, every status and the metrics of the processes still running.
   */
  async leaks(): Promise<string[]> {
    const { kubectl, namespace } = this.world;
    const values = new Map([['the AWS secret access key', this.account.secretAccessKey], ['the byo key value', this.byoKey]]);
    for (let i = 0; i < GENERATED_KEYS; i++) {
      const secret = JSON.parse(await kubectl.ok(['get', 'secret', `gen${i}`, '-n', namespace, '-o', 'json'])) as { data: { apiKey: string } };
      values.set(`generated key gen${i}`, Buffer.from(secret.data.apiKey, 'base64').toString('utf8'));
    }
    const living = this.operators.map((o, i) => ({ o, port: this.ports[i]! })).filter(({ o }) => !o.process.exited());
    const places = new Map([
      ['operator logs', this.operators.map((o) => readFileSync(o.process.logFile, 'utf8')).join('\n')],
      ['Events', await kubectl.ok(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'yaml'])],
      ['statuses', await kubectl.ok(['get', 'restapis,restpaths,usageplans', '-n', namespace, '-o', 'yaml'])],
      ['metrics', (await Promise.all(living.map(async ({ port }) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()))).join('\n')],
    ]);
    const found: string[] = [];
    for (const [what, value] of values) {
      if (value.length < 20) found.push(`${what} is too short to search for (${value.length} characters)`);
      for (const [where, text] of places) if (text.includes(value)) found.push(`${what} in the ${where}`);
    }
    if (!places.get('metrics')!.includes('restpath_aws_calls_total')) found.push('no metrics were read: the scan would miss a leak there');
    return found;
  }

  /** The scenario's row: seconds the faults lasted, seconds to converge after, and the proxy's counts. */
  row(scenario: string, faultsMs: number, convergedMs: number, boundMs: number): string {
    return `| ${scenario} | ${(faultsMs / 1000).toFixed(0)} s | ${(convergedMs / 1000).toFixed(1)} s | ${boundMs / 1000} s | ${this.proxy.total('passed')} | ` +
      `${this.proxy.total('faulted')} | ${this.proxy.total('throttled')} | ${this.kills} |`;
  }

  async close(): Promise<void> {
    for (const o of this.operators) await o.stop();
    await this.proxy.close();
  }
}
