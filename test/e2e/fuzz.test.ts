// Hostile and random manifests (issue 17): ~200 seeded cases of RestApis, RestPaths and UsagePlans,
// valid and mutated (test/support/manifest-mutations.ts), applied with kubectl against one operator.
// Each is refused at apply with a message naming the field or rule, or reaches a verdict for its
// generation with a specific reason; the operator never crashes nor logs a stack trace
// (test/support/fuzz-runner.ts says exactly what is checked). FUZZ_SEED and FUZZ_RUNS choose the
// cases; FUZZ_CASE=<index> replays one (a failure prints its seed, index and manifest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { applyFixedApis, formatCounts, runFuzz } from '../support/fuzz-runner.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'fuzz');
const SEED = Number(process.env.FUZZ_SEED ?? 20260117);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const ONLY = process.env.FUZZ_CASE !== undefined ? Number(process.env.FUZZ_CASE) : undefined;
let operator: RunningOperator;

beforeAll(async () => {
  // A short grace for missing references, so those cases turn Stalled (their verdict) within the test.
  operator = await startOperator(['--namespaces', namespace(), '--reference-grace', '3s', '--no-bulk-create']);
  await applyFixedApis(kubectl, namespace());
}, 120_000);
afterAll(async () => {
  await operator?.stop();
});

describe('hostile and random manifests', () => {
  it(`every case is refused with a message or reaches a specific verdict; the operator survives (seed ${SEED})`, async () => {
    const report = await runFuzz({ kubectl, namespace: namespace(), operator: operator.process, seed: SEED, runs: RUNS, ...(ONLY !== undefined ? { only: ONLY } : {}), verdictTimeoutMs: 150_000 });
    console.log(`fuzz seed ${SEED}: ${report.cases} cases, applied in ${report.applySeconds.toFixed(1)} s, verdicts ${report.verdictSeconds.toFixed(1)} s later\n${formatCounts(report.counts)}`);
    if (process.env.FUZZ_VERBOSE) console.log(report.rows.join('\n'));
    // The seed and each failing case (with its manifest) are in the message: replayable from it alone.
    expect(report.failures, `fuzz seed ${SEED}: ${report.failures.length} failures\n\n${report.failures.slice(0, 10).join('\n\n')}`).toEqual([]);
  }, 300_000);
});
