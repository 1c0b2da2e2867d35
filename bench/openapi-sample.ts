// `make bench-openapi-sample`: a seeded sample of the APIs.guru collection (OPENAPI_SAMPLE_SIZE, 200)
// through `import` and `kubectl apply --dry-run=server` on a fresh kube-apiserver + etcd: the counts
// by verdict and by note reason, the time, and every document the API server refused (an importer
// bug: the exit code is 1 when there is one).
import { join } from 'node:path';
import { startEnvironment } from '../scripts/testenv/environment.js';
import { installCrds, kubectlFor } from '../scripts/testenv/kubectl.js';
import { importAndApply, sampleSpecs, summarize, type SampleOutcome } from '../test/support/openapi-sample.js';

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
  for (const file of sampleSpecs(SEED, SIZE)) {
    outcomes.push(await importAndApply(kubectl, NAMESPACE, file));
    if (outcomes.length % 25 === 0) console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${outcomes.length}/${SIZE}`);
  }
  console.log(`\nopenapi sample bench: seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s\n${summarize(outcomes)}`);
  const invalid = outcomes.filter((o) => o.verdict === 'invalid-document');
  if (invalid.length > 0) console.log(`\nnot valid OpenAPI (the parser's reason):\n${invalid.map((o) => `  ${o.spec}: ${o.message ?? ''}`).join('\n')}`);
  const refused = outcomes.filter((o) => o.verdict === 'refused-by-api-server');
  console.log(`\n${refused.length} refused by the API server${refused.length > 0 ? `:\n${refused.map((o) => `  ${o.spec}: ${o.message ?? ''}`).join('\n')}` : ''}`);
  failed = refused.length > 0;
} finally {
  await env.stop();
}
process.exitCode = failed ? 1 : 0;
