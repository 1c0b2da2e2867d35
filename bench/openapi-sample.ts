// `make bench-openapi-sample`: a seeded sample of the APIs.guru collection (OPENAPI_SAMPLE_SIZE, 200)
// through `import` and `kubectl apply --dry-run=server` on a fresh kube-apiserver + etcd: the counts
// by verdict and by note reason, the time, and every document the API server refused (an importer
// bug: the exit code is 1 when there is one). Then export's round trip on each imported document
// (converged on the simulator, exported, planned): counts by verdict, and every plan that still had
// a write or a refusal other than the resource quota (also exit code 1).
import { join } from 'node:path';
import { startEnvironment } from '../scripts/testenv/environment.js';
import { installCrds, kubectlFor } from '../scripts/testenv/kubectl.js';
import { applyImported, importSpec, roundTripOf, sampleSpecs, summarize, type RoundTripOutcome, type SampleOutcome } from '../test/support/openapi-sample.js';

const repo = join(import.meta.dirname, '..');
const SEED = Number(process.env.OPENAPI_SAMPLE_SEED ?? 18);
const SIZE = Number(process.env.OPENAPI_SAMPLE_SIZE ?? 200);
const NAMESPACE = 'openapi-sample';

const env = await startEnvironment();
let failed = true;
try {
  const kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
  await installCrds(kubectl, join(repo, 'crds'));
  await kubectl.ok(['create', 'namespace', NAMESPACE]);
  const started = Date.now();
  const outcomes: SampleOutcome[] = [];
  const roundTrips: RoundTripOutcome[] = [];
  for (const file of sampleSpecs(SEED, SIZE)) {
    const imported = await importSpec(file);
    outcomes.push(await applyImported(kubectl, NAMESPACE, imported));
    roundTrips.push(await roundTripOf(imported));
    if (outcomes.length % 25 === 0) console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${outcomes.length}/${SIZE}`);
  }
  console.log(`\nopenapi sample bench: seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s\n${summarize(outcomes)}`);
  const invalid = outcomes.filter((o) => o.verdict === 'invalid-document');
  if (invalid.length > 0) console.log(`\nnot valid OpenAPI (the parser's reason):\n${invalid.map((o) => `  ${o.spec}: ${o.message ?? ''}`).join('\n')}`);
  const refused = outcomes.filter((o) => o.verdict === 'refused-by-api-server');
  console.log(`\n${refused.length} refused by the API server${refused.length > 0 ? `:\n${refused.map((o) => `  ${o.spec}: ${o.message ?? ''}`).join('\n')}` : ''}`);
  const byVerdict = new Map<string, number>();
  for (const o of roundTrips) byVerdict.set(o.verdict, (byVerdict.get(o.verdict) ?? 0) + 1);
  console.log(`\nexport round trip (import, converge on the simulator, export, plan):\n${[...byVerdict].map(([v, n]) => `  ${v.padEnd(24)} ${n}`).join('\n')}`);
  const broken = roundTrips.filter((o) => o.verdict === 'not-makeable' || o.verdict === 'plan-not-empty');
  for (const o of broken) console.log(`  ${o.spec} ${o.verdict}: ${o.detail.join('; ')}`);
  failed = refused.length > 0 || broken.length > 0;
} finally {
  await env.stop();
}
process.exitCode = failed ? 1 : 0;
