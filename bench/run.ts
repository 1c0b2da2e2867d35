// `make bench`: the core and the AWS adapter under API Gateway's quotas, against the AWS emulator
// behind the quota proxy. Prints a table:
//  - converge N paths x 3 methods from scratch: time and AWS calls, against the minimum the quotas allow;
//  - AWS calls of one steady-state cycle (observe + empty plan) at 10, 100 and 300 paths, and at 10 and
//    100 paths whose API has authorizers, models, a validator, CORS and a resource policy (those add
//    three reads per API, none per path);
//  - a whole resync of an API (10, 100, 300 paths) whose stage has a method settings entry per path and
//    which a custom domain maps: calls by operation, constant in the number of paths but for pages;
//  - plan time (pure diff) for 300 resources x 5 methods.
// `BENCH_QUICK=1` skips the 300-path convergence (about 4 minutes). Everything it starts it stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HTTP_METHODS} from '../src/api/rest-path.js';
import { type Method } from '../src/api/rest-path.js';
import { AwsCaller } from '../src/aws/caller.js';
import { createAwsClients, createDomainClients } from '../src/aws/clients.js';
import { executePlan } from '../src/aws/execute.js';
import { CallCounter } from '../src/aws/metrics.js';
import { observeApi } from '../src/aws/observe.js';
import { ACCOUNT_BUCKET, OPERATION_BUCKETS } from '../src/aws/quotas.js';
import { RateLimiter } from '../src/aws/rate-limiter.js';
import { ensureRestApi } from '../src/aws/rest-api.js';
import { createDeployment, ensureStage, observeStages } from '../src/aws/stages.js';
import { desiredStage, stagePatch } from '../src/plan/stages.js';
import type { Stage } from '../src/api/stage.js';
import type { RestApiSpec } from '../src/api/rest-api.js';
import { buildDesired, type RestPathInput } from '../src/model/build.js';
import { accessTarget } from '../src/model/from-objects.js';
import { EMPTY_LEDGER, freshAccess, type ObservedApi } from '../src/model/state.js';
import { diff } from '../src/plan/diff.js';
import { ledgerOf } from '../src/plan/ledger.js';
import { simulate } from '../src/plan/simulate.js';
import { startAwsEmulator } from '../scripts/testenv/aws-emulator.js';
import { stopAll } from '../scripts/testenv/processes.js';
import { QuotaProxy } from '../test/support/quota-proxy.js';
import { RequestCertificateCommand } from '@aws-sdk/client-acm';
import { createDomainName, executeDomainName, observeDomainName, observeMappings, readCertificate, readDns } from '../src/aws/domain-names.js';
import { buildDomainName } from '../src/model/domain-name.js';
import { diffDomainName } from '../src/plan/domain-name-diff.js';

const METHODS = ['GET', 'PUT', 'DELETE'] as const;
const method = (httpMethod: (typeof HTTP_METHODS)[number]): Method => ({
  httpMethod,
  integration: { type: 'HTTP_PROXY', httpMethod, uri: 'http://backend.internal/items/{id}' },
});
/** n RestPaths of 3 methods on flat paths: n resources, within API Gateway's 300 per API. */
function paths(n: number, perPath: readonly (typeof HTTP_METHODS)[number][] = METHODS): RestPathInput[] {
  return Array.from({ length: n }, (_, i) => ({
    namespace: 'bench',
    name: `p${i}`,
    createdAt: '2026-01-01T00:00:00Z',
    spec: { restApiRef: { name: 'api' }, path: `/p${String(i).padStart(3, '0')}`, methods: perPath.map(method) },
  }));
}
const desiredFor = (name: string, n: number, perPath?: readonly (typeof HTTP_METHODS)[number][]) =>
  buildDesired({ namespace: 'bench', name, spec: {} }, paths(n, perPath), { managedBy: 'restpath-bench' });

/** Every path of `paths(n)` authorized, validated and with CORS: the API-wide pieces they name. */
function accessSpec(accountId: string): RestApiSpec {
  const fn = `arn:aws:lambda:us-east-1:${accountId}:function:authorize`;
  return {
    authorizers: [{ name: 'tokens', type: 'TOKEN', functionArn: fn, credentials: { roleArn: `arn:aws:iam::${accountId}:role/authz` } }, { name: 'requests', type: 'REQUEST', functionArn: fn, identitySource: 'method.request.header.X-Tenant' }],
    models: [{ name: 'Item', schema: { type: 'object', properties: { tag: { $ref: '#/models/Tag' } } } }, { name: 'Tag', schema: { type: 'string' } }],
    requestValidators: [{ name: 'body', validateBody: true }],
    cors: { allowOrigins: ['https://app.example'] },
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] },
  };
}
const accessPaths = (n: number): RestPathInput[] =>
  paths(n).map((p) => ({ ...p, spec: { ...p.spec, methods: p.spec.methods.map((m, i) => ({ ...m, ...(i === 0 ? { authorization: { type: 'CUSTOM' as const, authorizerRef: 'tokens' } } : { requestValidator: 'body', requestModels: { 'application/json': 'Item' } }) })) } }));

const rows: string[][] = [];
const line = (...cells: (string | number)[]) => rows.push(cells.map(String));

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'restpath-bench-'));
  const emulator = await startAwsEmulator(runDir);
  const proxies: QuotaProxy[] = [];
  try {
    const account = await emulator.freshAccount();
    const context = async (quotas: boolean) => {
      const proxy = await QuotaProxy.start({ target: emulator.endpoint, quotas });
      proxies.push(proxy);
      const calls = new CallCounter();
      const limiter = quotas ? new RateLimiter() : new RateLimiter({ account: { rate: 1e6, burst: 1e6 }, operations: Object.fromEntries(Object.keys(OPERATION_BUCKETS).map((k) => [k, { rate: 1e6, burst: 1e6 }])) });
      const caller = new AwsCaller({ metrics: calls, limiter });
      const clients = createAwsClients({ region: account.region, endpoint: proxy.endpoint, credentials: account });
      return { proxy, calls, caller, clients };
    };

    // 1. Converge from scratch under AWS's default quotas.
    const sizes = process.env.BENCH_QUICK ? [50] : [50, 300];
    const createdApis = new Map<number, string>();
    for (const n of sizes) {
      const ctx = await context(true);
      const desired = desiredFor(`api-${n}`, n);
      const started = performance.now();
      const { id } = await ensureRestApi(ctx.caller, ctx.clients, desired.settings, desired.tags);
      const observed = await observeApi(ctx.caller, ctx.clients, id);
      const plan = diff(desired, observed, EMPTY_LEDGER);
      const result = await executePlan(ctx.caller, ctx.clients, observed, plan);
      if (result.failed) throw result.failed.error;
      const seconds = (performance.now() - started) / 1000;
      const totalCalls = ctx.calls.total;
      const after = await observeApi(ctx.caller, ctx.clients, id);
      const left = diff(desired, after, ledgerOf(desired)).length;
      createdApis.set(n, id);
      const writes = plan.length;
      // The quota floor for these calls: CreateResource at 5/s, everything at 10/s after a burst of 40,
      // plus the CreateRestApi and the four observe reads (no deployment in this issue).
      const floor = Math.max(n / OPERATION_BUCKETS.CreateResource!.rate, (totalCalls - ACCOUNT_BUCKET.burst) / ACCOUNT_BUCKET.rate);
      line(`converge ${n} paths x 3 methods`, `${seconds.toFixed(1)} s`, `T_min ${floor.toFixed(1)} s (x${(seconds / floor).toFixed(2)})`,
        `${totalCalls} calls (${writes} writes), ${ctx.proxy.total('throttled')} throttled by the proxy, plan left: ${left}`);
    }

    // 2. Steady state: one observe + diff of an API already in sync, counting calls.
    for (const n of [10, 100, 300]) {
      const ctx = await context(false);
      const desired = desiredFor(`api-${n}`, n);
      let id = createdApis.get(n);
      if (!id) {
        id = (await ensureRestApi(ctx.caller, ctx.clients, desired.settings, desired.tags)).id;
        const observed = await observeApi(ctx.caller, ctx.clients, id);
        const result = await executePlan(ctx.caller, ctx.clients, observed, diff(desired, observed, EMPTY_LEDGER));
        if (result.failed) throw result.failed.error;
        createdApis.set(n, id);
      }
      ctx.calls.reset();
      const started = performance.now();
      const observed = await observeApi(ctx.caller, ctx.clients, id);
      const plan = diff(desired, observed, ledgerOf(desired));
      const ms = performance.now() - started;
      line(`steady-state cycle, ${n} paths`, `${ms.toFixed(0)} ms`, `${ctx.calls.total} calls`, `${Object.entries(ctx.calls.snapshot()).map(([k, v]) => `${k.replace(' ok', '')} ${v}`).join(', ')}; plan: ${plan.length} ops`);
    }

    // 2b. Steady state with authorizers, models, a validator, CORS (a preflight per path) and a policy.
    for (const n of [10, 100]) {
      const ctx = await context(false);
      const where = { region: account.region, accountId: account.accountId };
      const build = (observed: ObservedApi) => buildDesired({ namespace: 'bench', name: `access-${n}`, spec: accessSpec(account.accountId) }, accessPaths(n), { managedBy: 'restpath-bench' }, accessTarget(observed, where));
      const start = buildDesired({ namespace: 'bench', name: `access-${n}`, spec: accessSpec(account.accountId) }, accessPaths(n), { managedBy: 'restpath-bench' });
      const { id } = await ensureRestApi(ctx.caller, ctx.clients, start.settings, start.tags);
      const fresh = await observeApi(ctx.caller, ctx.clients, id);
      const result = await executePlan(ctx.caller, ctx.clients, fresh, diff(build(fresh), fresh, EMPTY_LEDGER));
      if (result.failed) throw result.failed.error;
      ctx.calls.reset();
      const started = performance.now();
      const observed = await observeApi(ctx.caller, ctx.clients, id);
      const desired = build(observed);
      const plan = diff(desired, observed, ledgerOf(desired));
      const ms = performance.now() - started;
      line(`steady-state cycle, ${n} paths with access pieces`, `${ms.toFixed(0)} ms`, `${ctx.calls.total} calls`, `${Object.entries(ctx.calls.snapshot()).map(([k, v]) => `${k.replace(' ok', '')} ${v}`).join(', ')}; plan: ${plan.length} ops`);
    }

    // 2c. Stage settings: a stage with access logs, tracing, */* settings and one method entry per path;
    //     once converged, a resync reads one GetStages whatever the number of paths, and patches nothing.
    for (const n of [10, 100]) {
      const ctx = await context(false);
      const id = createdApis.get(50) ?? (await ensureRestApi(ctx.caller, ctx.clients, desiredFor('stages', 1).settings, desiredFor('stages', 1).tags)).id;
      const stage: Stage = { name: `s${n}`, throttling: { rateLimit: 100, burstLimit: 200 }, methodSettings: { loggingLevel: 'ERROR', metrics: true }, tracing: true, accessLogs: { destinationArn: `arn:aws:logs:us-east-1:${account.accountId}:log-group:bench` } };
      const want = desiredStage(stage, Array.from({ length: n }, (_, i) => ({ path: `/p${String(i).padStart(3, '0')}`, httpMethod: 'GET', settings: { loggingLevel: 'INFO' as const } })));
      const deployment = await createDeployment(ctx.caller, ctx.clients, id, 'bench');
      await ensureStage(ctx.caller, ctx.clients, id, undefined, want, deployment);
      ctx.calls.reset();
      const started = performance.now();
      const live = (await observeStages(ctx.caller, ctx.clients, id)).find((x) => x.name === stage.name);
      const left = live ? stagePatch(live, want).length : -1;
      line(`steady-state stage, ${n} method entries`, `${(performance.now() - started).toFixed(0)} ms`, `${ctx.calls.total} calls`, `${Object.entries(ctx.calls.snapshot()).map(([k, v]) => `${k.replace(' ok', '')} ${v}`).join(', ')}; patch: ${left} ops`);
    }

    // 2d. A whole resync of an API with a stage whose method settings name every path, mapped by a custom
    //     domain: the API's reads grow with pages of resources, the stage and domain reads do not.
    for (const n of [10, 100, 300]) {
      const ctx = await context(false);
      const id = createdApis.get(n)!;
      const stage: Stage = { name: 'dn', methodSettings: { loggingLevel: 'ERROR', metrics: true } };
      const want = desiredStage(stage, Array.from({ length: n }, (_, i) => ({ path: `/p${String(i).padStart(3, '0')}`, httpMethod: 'GET', settings: { caching: { enabled: false }, loggingLevel: 'INFO' as const } })));
      await ensureStage(ctx.caller, ctx.clients, id, undefined, want, await createDeployment(ctx.caller, ctx.clients, id, 'bench'));
      const domainClients = createDomainClients({ region: account.region, endpoint: ctx.proxy.endpoint, credentials: account });
      const cert = await domainClients.acm(account.region).send(new RequestCertificateCommand({ DomainName: `api-${n}.bench.example.com` }));
      const spec = { domainName: `api-${n}.bench.example.com`, certificateArn: cert.CertificateArn!, mappings: [{ basePath: 'shop', restApiRef: { name: 'api' }, stage: 'dn' }] };
      const { desired: domain } = buildDomainName({ namespace: 'bench', name: `d${n}`, spec, restApi: () => ({ id, declaredStages: ['dn'], readyStages: ['dn'], methods: new Set() }) }, { managedBy: 'restpath-bench' });
      await createDomainName(ctx.caller, ctx.clients, domain);
      const made = await executeDomainName(ctx.caller, ctx.clients, spec.domainName, diffDomainName(domain, (await observeDomainName(ctx.caller, ctx.clients, spec.domainName))!, [], []).operations);
      if (made.failed) throw made.failed.error;
      const desiredApi = desiredFor(`api-${n}`, n);
      ctx.calls.reset();
      const started = performance.now();
      const observed = await observeApi(ctx.caller, ctx.clients, id);
      const live = (await observeStages(ctx.caller, ctx.clients, id)).find((x) => x.name === 'dn')!;
      const dn = (await observeDomainName(ctx.caller, ctx.clients, spec.domainName))!;
      const mappings = await observeMappings(ctx.caller, ctx.clients, spec.domainName);
      await readCertificate(ctx.caller, domainClients, spec.certificateArn);
      await readDns(ctx.caller, domainClients, spec.domainName);
      const left = diff(desiredApi, observed, ledgerOf(desiredApi)).length + stagePatch(live, want).length + diffDomainName(domain, dn, mappings, domain.mappings).operations.length;
      line(`steady-state resync, ${n} paths, method settings per path, a domain`, `${(performance.now() - started).toFixed(0)} ms`, `${ctx.calls.total} calls`, `${Object.entries(ctx.calls.snapshot()).map(([k, v]) => `${k.replace(' ok', '')} ${v}`).join(', ')}; writes planned: ${left}`);
    }

    // 3. Plan time, pure: 300 resources x 5 methods, from scratch and in sync.
    const big = desiredFor('plan', 300, ['GET', 'PUT', 'POST', 'DELETE', 'PATCH']);
    const empty: ObservedApi = { id: 'x', rootResourceId: 'root', settings: big.settings, tags: big.tags, resources: [], methods: [], gatewayResponses: {}, ...freshAccess() };
    const inSync = simulate(empty, diff(big, empty, EMPTY_LEDGER));
    const time = (f: () => unknown) => {
      const samples: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        f();
        samples.push(performance.now() - t);
      }
      return samples.sort((a, b) => a - b)[15]!.toFixed(1);
    };
    line('plan 300 resources x 5 methods', `${time(() => diff(big, empty, EMPTY_LEDGER))} ms from scratch`, `${time(() => diff(big, inSync, ledgerOf(big)))} ms in sync`, `${diff(big, empty, EMPTY_LEDGER).length} ops from scratch (median of 30)`);
  } finally {
    for (const p of proxies) await p.close();
    await stopAll();
    rmSync(runDir, { recursive: true, force: true });
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`\nrestpath-operator benchmark (${emulator.kind} behind the quota proxy, ${new Date().toISOString()})\n`);
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | '));
}

await main();
