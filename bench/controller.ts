// `make bench-controller`: the operator as a process, behind the quota proxy with AWS's quotas.
//  - 100 RestPaths (3 methods each) applied at once: time until all are Ready, AWS calls, deployments;
//  - the operator's RSS while it watches 1,000 RestPaths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { minimumSeconds } from '../src/aws/quotas.js';
import { startEnvironment } from '../scripts/testenv/environment.js';
import { installCrds, kubectlFor } from '../scripts/testenv/kubectl.js';
import { startProcess } from '../scripts/testenv/processes.js';
import { QuotaProxy } from '../test/support/quota-proxy.js';

const repo = join(import.meta.dirname, '..');
const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const restPaths = (api: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${H}\nkind: RestPath\nmetadata: { name: ${api}-p${from + i} }\nspec:\n  restApiRef: { name: ${api} }\n  path: /r${from + i}\n  methods:\n` +
    ['GET', 'PUT', 'DELETE'].map((m) => `    - { httpMethod: ${m}, integration: { type: HTTP_PROXY, httpMethod: ${m}, uri: "http://backend.internal/r${from + i}" } }`).join('\n')).join('\n---\n');
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const env = await startEnvironment();
const proxies: QuotaProxy[] = [];
try {
  const kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
  await installCrds(kubectl, join(repo, 'crds'));
  await kubectl.ok(['create', 'namespace', 'bench']);
  const proxy = await QuotaProxy.start({ target: env.aws.endpoint });
  proxies.push(proxy);
  const account = await env.aws.freshAccount();
  const operator = startProcess({
    name: 'operator',
    command: process.execPath,
    args: ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts'), 'controller', '--kubeconfig', env.controlPlane.kubeconfig, '--aws-endpoint', proxy.endpoint,
      '--region', account.region, '--health-port', '0', '--namespaces', 'bench', '--debounce', '2s'],
    runDir: env.runDir,
    cwd: repo,
    env: { ...process.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey },
  });
  await sleep(3000);
  const idle = rssMiB(operator.pid);

  // 1. 100 RestPaths at once.
  const started = performance.now();
  await kubectl.ok(['apply', '-n', 'bench', '-f', '-'], `${H}\nkind: RestApi\nmetadata: { name: burst }\nspec:\n  stages: [{ name: prod }]\n---\n${restPaths('burst', 0, 100)}`);
  for (;;) {
    const ready = (await kubectl.ok(['get', 'restpaths', '-n', 'bench', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}'])).split(' ').filter((s) => s === 'True').length;
    if (ready === 100) break;
    if (operator.exited()) throw new Error(`operator ${operator.exitDescription()}`);
    await sleep(500);
  }
  const seconds = (performance.now() - started) / 1000;
  const calls = Object.values(proxy.counts.passed).reduce((a, b) => a + b, 0);
  const deployments = proxy.counts.passed.CreateDeployment ?? 0;
  const afterBurst = rssMiB(operator.pid);

  // 2. Memory while watching 1,000 RestPaths. They name a RestApi that adopts an API in a namespace
  //    the operator may not adopt in, so they are watched and cached but cost no AWS calls.
  await kubectl.ok(['apply', '-n', 'bench', '-f', '-'], `${H}\nkind: RestApi\nmetadata: { name: watched }\nspec: { adoptId: abcdefghij }\n`);
  for (let from = 0; from < 1000; from += 200) await kubectl.ok(['apply', '-n', 'bench', '-f', '-'], restPaths('watched', from, 200));
  await sleep(5000);
  const watching = rssMiB(operator.pid);

  console.log(`\nrestpath-operator controller benchmark (${env.aws.kind} behind the quota proxy, AWS's default quotas)\n`);
  // Calls per path: CreateResource, then PutMethod and PutIntegration for each of the 3 methods.
  const floor = minimumSeconds(100, 1 + 2 * 3);
  console.log(`100 RestPaths x 3 methods applied at once | ${seconds.toFixed(1)} s to all Ready (quota floor T_min ${floor.toFixed(0)} s, x${(seconds / floor).toFixed(2)})`);
  console.log(`  AWS calls that reached AWS              | ${calls} (${proxy.total('throttled')} answered 429 by the proxy)`);
  console.log(`  deployments created                     | ${deployments} for 1 stage`);
  console.log(`operator RSS                              | ${idle.toFixed(0)} MiB idle, ${afterBurst.toFixed(0)} MiB after the burst, ${watching.toFixed(0)} MiB watching 1,100 RestPaths`);
  await operator.stop();
} finally {
  for (const p of proxies) await p.close();
  await env.stop();
}
