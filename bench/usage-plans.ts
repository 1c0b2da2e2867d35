// `make bench-usage-plans`: one usage plan with N API keys against the AWS emulator behind the quota
// proxy (API Gateway's quotas enforced). Prints, for N = 10, 100 and 300:
//  - converge from scratch: time, AWS calls (CreateApiKey is limited to 5 per second);
//  - one steady-state resync (observe + diff, nothing to do): AWS calls and time; the goal is a
//    constant number of calls whatever N, by paginated list reads (500 per page);
//  - one key rotated: AWS calls.
// Everything it starts it stops.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AwsCaller } from '../src/aws/caller.js';
import { createAwsClients } from '../src/aws/clients.js';
import { CallCounter } from '../src/aws/metrics.js';
import { ensureUsagePlan, executeUsagePlan, observeUsagePlan } from '../src/aws/usage-plans.js';
import { Sensitive } from '../src/model/sensitive.js';
import { buildUsagePlan, usagePlanOwner, type KeyValue } from '../src/model/usage-plan.js';
import { diffUsagePlan } from '../src/plan/usage-plan-diff.js';
import { startAwsEmulator } from '../scripts/testenv/aws-emulator.js';
import { stopAll } from '../scripts/testenv/processes.js';
import { QuotaProxy } from '../test/support/quota-proxy.js';

const rows: string[][] = [];
const line = (...cells: (string | number)[]) => rows.push(cells.map(String));
const callsOf = (c: CallCounter) => `${c.total} (${Object.entries(c.snapshot()).map(([op, n]) => `${op} ${n}`).join(', ')})`;

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'restpath-bench-'));
  const emulator = await startAwsEmulator(runDir);
  const proxy = await QuotaProxy.start({ target: emulator.endpoint, quotas: true });
  try {
    for (const n of [10, 100, 300]) {
      // A fresh account per size: GetApiKeys lists the account's keys, so sizes must not mix.
      const account = await emulator.freshAccount();
      const clients = createAwsClients({ region: account.region, endpoint: proxy.endpoint, credentials: account });
      const fresh = () => {
        const calls = new CallCounter();
        return { calls, caller: new AwsCaller({ metrics: calls }) };
      };
      const values = new Map<string, KeyValue>(Array.from({ length: n }, (_, i) => [`k${i}`, { value: new Sensitive(randomBytes(20).toString('hex')) }]));
      const spec = { throttle: { rateLimit: 10, burstLimit: 20 }, apiKeys: [...values.keys()].map((name) => ({ name, generateInto: { secretName: name } })) };
      const build = () => buildUsagePlan({ namespace: 'bench', name: `plan-${n}`, spec, restApi: () => undefined, keyValues: values }, { managedBy: 'restpath-bench' });
      const owner = usagePlanOwner('bench', `plan-${n}`);

      const converge = fresh();
      let started = performance.now();
      const { desired } = build();
      const { id } = await ensureUsagePlan(converge.caller, clients, desired);
      let snapshot = await observeUsagePlan(converge.caller, clients, id, owner);
      const result = await executeUsagePlan(converge.caller, clients, id, diffUsagePlan(desired, snapshot.plan, snapshot.keys));
      if (result.failed) throw result.failed.error;
      line(`${n} keys: converge from scratch`, `${((performance.now() - started) / 1000).toFixed(1)} s`, callsOf(converge.calls));

      const steady = fresh();
      started = performance.now();
      snapshot = await observeUsagePlan(steady.caller, clients, id, owner);
      const left = diffUsagePlan(desired, snapshot.plan, snapshot.keys);
      if (left.length > 0) throw new Error(`${left.length} operations left after converging ${n} keys`);
      line(`${n} keys: steady-state resync`, `${(performance.now() - started).toFixed(0)} ms`, callsOf(steady.calls));

      values.set('k0', { value: new Sensitive(randomBytes(20).toString('hex')) });
      const rotate = fresh();
      started = performance.now();
      const next = build().desired;
      snapshot = await observeUsagePlan(rotate.caller, clients, id, owner);
      const rotated = await executeUsagePlan(rotate.caller, clients, id, diffUsagePlan(next, snapshot.plan, snapshot.keys));
      if (rotated.failed) throw rotated.failed.error;
      line(`${n} keys: one key rotated`, `${(performance.now() - started).toFixed(0)} ms`, callsOf(rotate.calls));
    }
  } finally {
    await proxy.close();
    await stopAll();
    rmSync(runDir, { recursive: true, force: true });
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\nOne usage plan, behind the quota proxy with API Gateway's quotas (${emulator.kind})\n`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

await main();
