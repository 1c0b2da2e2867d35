// `make bench-accounts`: does a second AWS account cost time? Converges 100 paths x 3 methods in one
// AwsAccount, then 100 paths in each of two AwsAccounts at once, through the operator's own account
// layer (AwsTargetRegistry: AssumeRole per account, one set of rate limiters per account and region)
// and the AWS emulator behind the quota proxy, which enforces API Gateway's quotas per account and
// region as AWS does. With limits per account, two accounts take about as long as one, not twice.
// Prints time, calls per account and throttles. Everything it starts it stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AwsAccountSpec } from '../src/api/aws-account.js';
import type { Method } from '../src/api/rest-path.js';
import type { CallMetrics, CallRecord } from '../src/aws/metrics.js';
import { ACCOUNT_BUCKET, OPERATION_BUCKETS } from '../src/aws/quotas.js';
import { AwsTargetRegistry } from '../src/aws/targets.js';
import { buildDesired, type RestPathInput } from '../src/model/build.js';
import { ledgerOf } from '../src/plan/ledger.js';
import { EMPTY_LEDGER } from '../src/model/state.js';
import { diff } from '../src/plan/diff.js';
import { startAwsEmulator } from '../scripts/testenv/aws-emulator.js';
import { stopAll } from '../scripts/testenv/processes.js';
import { QuotaProxy } from '../test/support/quota-proxy.js';

const PATHS = 100;
const METHODS = ['GET', 'PUT', 'DELETE'] as const;
const method = (httpMethod: (typeof METHODS)[number]): Method => ({ httpMethod, integration: { type: 'HTTP_PROXY', httpMethod, uri: 'http://backend.internal/items/{id}' } });
const paths = (n: number): RestPathInput[] =>
  Array.from({ length: n }, (_, i) => ({ namespace: 'bench', name: `p${i}`, createdAt: '2026-01-01T00:00:00Z', spec: { restApiRef: { name: 'api' }, path: `/p${String(i).padStart(3, '0')}`, methods: METHODS.map(method) } }));

/** Calls by account, as the operator's metrics label them. */
class CallsByAccount implements CallMetrics {
  readonly calls = new Map<string, number>();
  record(call: CallRecord): void {
    const key = call.account ?? 'default';
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }
}

const accountSpec = (accountId: string): AwsAccountSpec => ({ accountId, roleArn: `arn:aws:iam::${accountId}:role/restpath-bench`, regions: ['us-east-1'], namespaceSelector: {} });
const newAccountId = () => String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999));

/** One REST API of `n` paths in `name`'s account, from scratch; seconds. */
async function converge(registry: AwsTargetRegistry, name: string, spec: AwsAccountSpec, n: number): Promise<number> {
  const started = performance.now();
  const { aws } = await registry.at({ account: { name, spec }, region: 'us-east-1' });
  const desired = buildDesired({ namespace: 'bench', name: `api-${name}`, spec: {} }, paths(n), { managedBy: 'restpath-bench' });
  const { id } = await aws.ensureRestApi(desired.settings, desired.tags);
  const observed = await aws.observeApi(id);
  const result = await aws.executePlan(observed, diff(desired, observed, EMPTY_LEDGER));
  if (result.failed) throw result.failed.error;
  const left = diff(desired, await aws.observeApi(id), ledgerOf(desired)).length;
  if (left > 0) throw new Error(`${name}: ${left} operations left after converging`);
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'restpath-bench-accounts-'));
  const emulator = await startAwsEmulator(runDir);
  const proxy = await QuotaProxy.start({ target: emulator.endpoint });
  try {
    const own = await emulator.freshAccount();
    const calls = new CallsByAccount();
    const registry = new AwsTargetRegistry({ home: { region: 'us-east-1', endpoint: proxy.endpoint, credentials: own }, metrics: calls });
    const one = await converge(registry, 'solo', accountSpec(newAccountId()), PATHS);
    const throttledOne = proxy.total('throttled');
    // The quota floor for one account's calls: CreateResource at 5/s, everything at 10/s after a burst of 40.
    const soloCalls = calls.calls.get('solo') ?? 0;
    const floor = Math.max(PATHS / OPERATION_BUCKETS.CreateResource!.rate, (soloCalls - ACCOUNT_BUCKET.burst) / ACCOUNT_BUCKET.rate);
    proxy.resetCounts();
    const [a, b] = [newAccountId(), newAccountId()];
    const started = performance.now();
    const [ta, tb] = await Promise.all([converge(registry, 'team-a', accountSpec(a), PATHS), converge(registry, 'team-b', accountSpec(b), PATHS)]);
    const both = (performance.now() - started) / 1000;
    const rows = [
      ['scenario', 'wall time', 'per account', 'AWS calls', 'throttled by the proxy'],
      [`1 account x ${PATHS} paths x 3 methods`, `${one.toFixed(1)} s`, `quota floor ${floor.toFixed(1)} s (x${(one / floor).toFixed(2)})`, String(soloCalls), String(throttledOne)],
      [`2 accounts x ${PATHS} paths x 3 methods, at once`, `${both.toFixed(1)} s (x${(both / one).toFixed(2)} of one)`, `team-a ${ta.toFixed(1)} s, team-b ${tb.toFixed(1)} s`, `${calls.calls.get('team-a') ?? 0} + ${calls.calls.get('team-b') ?? 0}`, String(proxy.total('throttled'))],
    ];
    console.log(`\nrestpath-operator accounts benchmark (${emulator.kind} behind the quota proxy, API Gateway's quotas per account and region; each account's calls include its AssumeRole)\n`);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  } finally {
    await proxy.close();
    await stopAll();
    rmSync(runDir, { recursive: true, force: true });
  }
}

await main();
