// `make bench-bulk-create`: a new REST API of 50 and 300 paths x 3 methods created per operation and by
// bulk create (one PutRestApi, the read-back, the corrections), then deployed to a stage, against the
// AWS emulator behind the quota proxy with AWS's default quotas. Prints wall time to served (the stage
// deployed) and the AWS calls, all and before the deployment. Everything it starts it stops.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Method } from '../src/api/rest-path.js';
import { AwsCaller } from '../src/aws/caller.js';
import { createAwsClients } from '../src/aws/clients.js';
import { executePlan } from '../src/aws/execute.js';
import { CallCounter } from '../src/aws/metrics.js';
import { observeApi } from '../src/aws/observe.js';
import { RateLimiter } from '../src/aws/rate-limiter.js';
import { ensureRestApi } from '../src/aws/rest-api.js';
import { createDeployment, ensureStage } from '../src/aws/stages.js';
import { untouchedParts } from '../src/controllers/bulk-create-pass.js';
import { buildDesired, type RestPathInput } from '../src/model/build.js';
import { EMPTY_LEDGER } from '../src/model/state.js';
import { bulkCreatePlan } from '../src/plan/bulk-create.js';
import { diff } from '../src/plan/diff.js';
import { ledgerOf } from '../src/plan/ledger.js';
import { desiredStage } from '../src/plan/stages.js';
import { startAwsEmulator } from '../scripts/testenv/aws-emulator.js';
import { stopAll } from '../scripts/testenv/processes.js';
import { QuotaProxy } from '../test/support/quota-proxy.js';

const METHODS = ['GET', 'PUT', 'DELETE'] as const;
function paths(n: number): RestPathInput[] {
  return Array.from({ length: n }, (_, i) => ({
    namespace: 'bench', name: `p${i}`, createdAt: '2026-01-01T00:00:00Z',
    spec: { restApiRef: { name: 'api' }, path: `/p${String(i).padStart(3, '0')}`, methods: METHODS.map((httpMethod): Method => ({ httpMethod, integration: { type: 'HTTP_PROXY', httpMethod, uri: `http://backend.internal/p${i}` } })) },
  }));
}

async function main(): Promise<void> {
  const emulator = await startAwsEmulator(mkdtempSync(join(tmpdir(), 'restpath-bench-bulk-')));
  const rows: string[] = ['| paths x 3 methods | create | served after | AWS calls before the deployment | AWS calls in all | writes | corrections | 429s from the proxy |', '|---|---|---|---|---|---|---|---|'];
  try {
    const account = await emulator.freshAccount();
    for (const n of (process.env.BULK_SIZES ?? '50,300').split(',').map(Number)) {
      for (const mode of ['per operation', 'bulk'] as const) {
        const proxy = await QuotaProxy.start({ target: emulator.endpoint, quotas: true });
        try {
          const calls = new CallCounter();
          const caller = new AwsCaller({ metrics: calls, limiter: new RateLimiter() });
          const clients = createAwsClients({ region: account.region, endpoint: proxy.endpoint, credentials: account });
          const desired = buildDesired({ namespace: 'bench', name: `${mode === 'bulk' ? 'bulk' : 'perop'}-${n}`, spec: {} }, paths(n), { managedBy: 'restpath-bench' });
          const started = performance.now();
          const ensured = await ensureRestApi(caller, clients, desired.settings, desired.tags);
          const observed = ensured.fresh ?? (await observeApi(caller, clients, ensured.id));
          const perOperation = diff(desired, observed, EMPTY_LEDGER);
          const verdict = mode === 'bulk' ? bulkCreatePlan(desired, observed, EMPTY_LEDGER, perOperation) : undefined;
          if (verdict && !('operations' in verdict)) throw new Error(`bulk create skipped: ${verdict.skipped}`);
          const plan = verdict?.operations ?? perOperation;
          const result = await executePlan(caller, clients, observed, plan);
          if (result.failed) throw result.failed.error;
          let corrections = 0;
          if (plan[0]?.kind === 'putRestApi') {
            const readBack = await observeApi(caller, clients, ensured.id, { from: observed, parts: untouchedParts(plan[0], plan.slice(1)) });
            const fix = diff(desired, readBack, ledgerOf(desired));
            corrections = fix.length;
            const fixed = await executePlan(caller, clients, readBack, fix);
            if (fixed.failed) throw fixed.failed.error;
          }
          const beforeDeployment = calls.total;
          const deployment = await createDeployment(caller, clients, ensured.id, 'bench');
          await ensureStage(caller, clients, ensured.id, undefined, desiredStage({ name: 'live' }, []), deployment);
          const seconds = (performance.now() - started) / 1000;
          const total = calls.total;
          const snapshot = calls.snapshot();
          const after = diff(desired, await observeApi(caller, clients, ensured.id), ledgerOf(desired));
          if (after.length > 0) throw new Error(`${mode} ${n}: ${after.length} operation(s) left after converging`);
          const writes = Object.entries(snapshot).filter(([k]) => /^(Put|Create|Update|Delete|Tag|Untag)/.test(k)).reduce((s, [, v]) => s + v, 0);
          rows.push(`| ${n} | ${mode} | ${seconds.toFixed(1)} s | ${beforeDeployment} | ${total} | ${writes} | ${corrections} | ${proxy.total('throttled')} |`);
          console.error(`[bench bulk-create] ${n} ${mode}: ${seconds.toFixed(1)} s, ${JSON.stringify(snapshot)}`);
        } finally {
          await proxy.close();
        }
      }
    }
  } finally {
    await stopAll();
  }
  console.log(rows.join('\n'));
}

await main();
