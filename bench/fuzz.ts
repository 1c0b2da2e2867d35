// `make bench-fuzz`: the fuzz tier's check (test/support/fuzz-runner.ts) at 5,000 cases (FUZZ_RUNS)
// against one operator process, in a fresh environment (kube-apiserver + etcd, the AWS emulator).
// Prints the outcomes by kind (refused at apply by message kind, Ready, each Ready=False reason), the
// seed, the times, and the failures; exits non-zero when there are any. FUZZ_SEED picks the cases;
// FUZZ_ROWS=<file> writes one line per case and object (index, description, object, outcome).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEnvironment } from '../scripts/testenv/environment.js';
import { installCrds, kubectlFor } from '../scripts/testenv/kubectl.js';
import { startProcess } from '../scripts/testenv/processes.js';
import { applyFixedApis, formatCounts, runFuzz } from '../test/support/fuzz-runner.js';

const repo = join(import.meta.dirname, '..');
const SEED = Number(process.env.FUZZ_SEED ?? 20260117);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
// The operator needs about half a second of AWS calls per accepted case at AWS's pace (the CI tier
// measures ~100 s for 200); the bound leaves room for the full passes over APIs with thousands of paths.
const VERDICT_TIMEOUT_MS = Number(process.env.FUZZ_VERDICT_TIMEOUT_MS ?? 120_000 + RUNS * 1_000);
const NAMESPACE = 'fuzz';

const env = await startEnvironment();
let failed = true;
try {
  const kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
  await installCrds(kubectl, join(repo, 'crds'));
  await kubectl.ok(['create', 'namespace', NAMESPACE]);
  const account = await env.aws.freshAccount();
  const runDir = mkdtempSync(join(env.runDir, 'fuzz-'));
  // As the e2e tier runs it (test/support/operator.ts): the sources through tsx, a short reference grace
  // so that missing references get their verdict (Stalled) within the run.
  const operator = startProcess({
    name: 'operator',
    command: process.execPath,
    args: ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts'), 'controller', '--kubeconfig', env.controlPlane.kubeconfig, '--aws-endpoint', env.aws.endpoint,
      '--region', account.region, '--debounce', '300ms', '--health-port', '0', '--namespaces', NAMESPACE, '--reference-grace', '3s'],
    runDir,
    cwd: repo,
    env: { ...process.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey },
  });
  await applyFixedApis(kubectl, NAMESPACE);
  const started = Date.now();
  let lastProgress = 0;
  const report = await runFuzz({
    kubectl, namespace: NAMESPACE, operator, seed: SEED, runs: RUNS, verdictTimeoutMs: VERDICT_TIMEOUT_MS,
    progress: (line) => {
      if (Date.now() - lastProgress < 15_000 && !line.startsWith('applied')) return;
      lastProgress = Date.now();
      console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);
    },
  });
  if (process.env.FUZZ_ROWS) writeFileSync(process.env.FUZZ_ROWS, `${report.rows.join('\n')}\n`);
  const total = [...report.counts.values()].reduce((a, b) => a + b, 0);
  console.log(`\nfuzz bench: seed ${SEED}, ${report.cases} cases (${total} outcomes: a case may declare several objects), ${env.aws.kind}`);
  console.log(`applied in ${report.applySeconds.toFixed(1)} s (4 kubectl at once); every verdict ${report.verdictSeconds.toFixed(1)} s after the last apply\n`);
  console.log(formatCounts(report.counts));
  console.log(`\n${report.failures.length} failures${report.failures.length > 0 ? ` (first 20):\n\n${report.failures.slice(0, 20).join('\n\n')}` : ''}`);
  failed = report.failures.length > 0;
  await operator.stop();
} finally {
  await env.stop();
}
process.exitCode = failed ? 1 : 0;
