// `make bench-controller`: the operator as users run it in production, the compiled JavaScript
// (`node dist/restpath-operator.mjs controller --leader-elect`, the bundle the image runs, built first), behind the quota proxy with AWS's quotas.
//  - its RSS idle (leader, caches synced, nothing to watch);
//  - 100 RestPaths (3 methods each) applied at once: time until all are Ready, AWS calls, deployments;
//  - its RSS while it watches 1,000 and 5,000 RestPaths;
//  - a fresh process started with 1,000 (and 5,000) RestPaths present: time to caches synced and to
//    leader elected, and its RSS then.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { minimumSeconds } from '../src/aws/quotas.js';
import { startEnvironment } from '../scripts/testenv/environment.js';
import { installCrds, kubectlFor } from '../scripts/testenv/kubectl.js';
import { freePort } from '../scripts/testenv/ports.js';
import { startProcess, type ManagedProcess } from '../scripts/testenv/processes.js';
import { QuotaProxy } from '../test/support/quota-proxy.js';

const repo = join(import.meta.dirname, '..');
const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const restPaths = (api: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${H}\nkind: RestPath\nmetadata: { name: ${api}-p${from + i} }\nspec:\n  restApiRef: { name: ${api} }\n  path: /r${from + i}\n  methods:\n` +
    ['GET', 'PUT', 'DELETE'].map((m) => `    - { httpMethod: ${m}, integration: { type: HTTP_PROXY, httpMethod: ${m}, uri: "http://backend.internal/r${from + i}" } }`).join('\n')).join('\n---\n');
// Long enough for the pass that follows a start or an apply to finish (RSS grows for ~10 s after one).
const SETTLE_MS = 15_000;

// Production runs the bundle: build what is in src/ now (`npm run build`: tsc, then the bundler).
execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' });
const MAIN = join(repo, 'dist', 'restpath-operator.mjs');
// Node flags for the operator process: the Deployment's (deploy/deployment.yaml: what runs in
// production), or others to compare settings (BENCH_NODE_FLAGS='' for none).
const deployedCommand = (parseDocument(readFileSync(join(repo, 'deploy', 'deployment.yaml'), 'utf8')).toJS() as {
  spec: { template: { spec: { containers: { command: string[] }[] } } };
}).spec.template.spec.containers[0]!.command;
const NODE_FLAGS = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean) : deployedCommand.slice(1, -1);

interface Operator {
  process: ManagedProcess;
  metricsPort: number;
  /** Seconds from spawn to 'caches synced' and to 'became the leader'. */
  synced: number;
  leader: number;
}

interface Memory {
  /** VmRSS, and its anonymous part (RssAnon: heap, code, buffers; the rest is the node binary's file pages). */
  rss: number;
  anon: number;
  /** V8's heap in use, from the operator's own /metrics. */
  heapUsed: number;
}

async function memory(op: Operator): Promise<Memory> {
  const status = readFileSync(`/proc/${op.process.pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  const metrics = await (await fetch(`http://127.0.0.1:${op.metricsPort}/metrics`)).text();
  const heapUsed = Number(/^restpath_nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN) / 1048576;
  return { rss: kib('VmRSS'), anon: kib('RssAnon'), heapUsed };
}
const mib = (n: number) => `${n.toFixed(0)} MiB`;
const show = (m: Memory) => `${mib(m.rss)} (anon ${mib(m.anon)}, V8 heap used ${mib(m.heapUsed)})`;

/** SIGTERM and time to finish (it releases the Lease then), so the next process need not wait for the Lease to expire. */
async function stopGracefully(op: Operator): Promise<void> {
  if (!op.process.exited()) process.kill(op.process.pid, 'SIGTERM');
  for (let i = 0; i < 600 && !op.process.exited(); i++) await sleep(100);
  await op.process.stop();
}

/** Waits until the operator's log has `message` (pino JSON lines); the seconds since `since`. */
async function logged(operator: ManagedProcess, message: string, since: number, timeoutMs = 180_000): Promise<number> {
  for (;;) {
    if (readFileSync(operator.logFile, 'utf8').split('\n').some((l) => l.includes(`"msg":"${message}"`))) return (performance.now() - since) / 1000;
    if (operator.exited()) throw new Error(`operator ${operator.exitDescription()}`);
    if (performance.now() - since > timeoutMs) throw new Error(`operator logged no "${message}" in ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}
const env = await startEnvironment();
const proxies: QuotaProxy[] = [];
try {
  const kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
  await installCrds(kubectl, join(repo, 'crds'));
  await kubectl.ok(['create', 'namespace', 'bench']);
  const proxy = await QuotaProxy.start({ target: env.aws.endpoint });
  proxies.push(proxy);
  const account = await env.aws.freshAccount();
  let generation = 0;
  const startOperator = async (): Promise<Operator> => {
    const metricsPort = await freePort();
    const since = performance.now();
    const operator = startProcess({
      name: `operator-${generation++}`,
      command: process.execPath,
      args: [...NODE_FLAGS, MAIN, 'controller', '--kubeconfig', env.controlPlane.kubeconfig, '--aws-endpoint', proxy.endpoint, '--region', account.region,
        '--health-port', String(metricsPort), '--namespaces', 'bench', '--debounce', '2s', '--leader-elect', '--leader-election-namespace', 'bench'],
      runDir: env.runDir,
      cwd: repo,
      env: { ...process.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey },
    });
    const synced = await logged(operator, 'caches synced; reconciling', since);
    const leader = await logged(operator, 'became the leader', since);
    return { process: operator, metricsPort, synced, leader };
  };
  const applyWatched = async (from: number, count: number) => {
    for (let i = from; i < from + count; i += 250) await kubectl.ok(['apply', '-n', 'bench', '-f', '-'], restPaths('watched', i, Math.min(250, from + count - i)));
  };
  const countRestPaths = async () => (await kubectl.ok(['get', 'restpaths', '-n', 'bench', '-o', 'name'])).trim().split('\n').filter(Boolean).length;

  // 0. Idle: leader, caches synced, nothing to reconcile.
  const first = await startOperator();
  let operator = first;
  await sleep(SETTLE_MS);
  const idle = await memory(operator);
  if (process.env.BENCH_IDLE_ONLY) {
    // Comparing settings (BENCH_NODE_FLAGS, MALLOC_ARENA_MAX, ...) by their idle memory only.
    console.log(`idle RSS with node ${[...NODE_FLAGS, ''].join(' ')}${process.env.MALLOC_ARENA_MAX ? `(MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX}) ` : ''}: ${show(idle)}`);
    await stopGracefully(operator);
  } else {

    // 1. 100 RestPaths at once.
    const started = performance.now();
    await kubectl.ok(['apply', '-n', 'bench', '-f', '-'], `${H}\nkind: RestApi\nmetadata: { name: burst }\nspec:\n  stages: [{ name: prod }]\n---\n${restPaths('burst', 0, 100)}`);
    for (;;) {
      const ready = (await kubectl.ok(['get', 'restpaths', '-n', 'bench', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}'])).split(' ').filter((s) => s === 'True').length;
      if (ready === 100) break;
      if (operator.process.exited()) throw new Error(`operator ${operator.process.exitDescription()}`);
      await sleep(500);
    }
    const seconds = (performance.now() - started) / 1000;
    const calls = Object.values(proxy.counts.passed).reduce((a, b) => a + b, 0);
    const deployments = proxy.counts.passed.CreateDeployment ?? 0;
    const afterBurst = await memory(operator);

    // 2. Memory while watching 1,000 RestPaths (the 100 above and 900 more). They name a RestApi that
    //    adopts an API in a namespace the operator may not adopt in, so they are watched and cached but
    //    cost no AWS calls.
    await kubectl.ok(['apply', '-n', 'bench', '-f', '-'], `${H}\nkind: RestApi\nmetadata: { name: watched }\nspec: { adoptId: abcdefghij }\n`);
    await applyWatched(0, 900);
    const n1k = await countRestPaths();
    await sleep(SETTLE_MS);
    const watching1k = await memory(operator);

    // 3. A fresh process with the 1,000 present: start to caches synced and to leader elected (the
    //    stopped one released the Lease), then its memory.
    await stopGracefully(operator);
    const restart1k = (operator = await startOperator());
    await sleep(SETTLE_MS);
    const fresh1k = await memory(operator);

    // 4. 5,000 RestPaths: 4,000 more while it runs, then a fresh process again.
    await applyWatched(900, 4000);
    const n5k = await countRestPaths();
    await sleep(SETTLE_MS);
    const watching5k = await memory(operator);
    await stopGracefully(operator);
    const restart5k = (operator = await startOperator());
    await sleep(SETTLE_MS);
    const fresh5k = await memory(operator);
    await stopGracefully(operator);

    console.log(`\nrestpath-operator controller benchmark: node ${process.versions.node} ${[...NODE_FLAGS, ''].join(' ')}${MAIN.slice(repo.length + 1)} controller --leader-elect (${env.aws.kind} behind the quota proxy, AWS's default quotas)\n`);
    // Calls per path: CreateResource, then PutMethod and PutIntegration for each of the 3 methods.
    const floor = minimumSeconds(100, 1 + 2 * 3);
    const perThousand = (m: Memory, n: number) => mib(((m.rss - idle.rss) * 1000) / n);
    const row = (label: string, value: string) => console.log(`${label.padEnd(42)}| ${value}`);
    row(`100 RestPaths x 3 methods applied at once`, `${seconds.toFixed(1)} s to all Ready (quota floor T_min ${floor.toFixed(0)} s, x${(seconds / floor).toFixed(2)})`);
    row(`  AWS calls that reached AWS`, `${calls} (${proxy.total('throttled')} answered 429 by the proxy)`);
    row(`  deployments created`, `${deployments} for 1 stage`);
    row(`start to synced / leader, 0 RestPaths`, `${first.synced.toFixed(1)} s / ${first.leader.toFixed(1)} s after spawn`);
    row(`  with ${n1k} RestPaths present`, `${restart1k.synced.toFixed(1)} s / ${restart1k.leader.toFixed(1)} s`);
    row(`  with ${n5k} RestPaths present`, `${restart5k.synced.toFixed(1)} s / ${restart5k.leader.toFixed(1)} s`);
    row(`operator RSS idle (leader, synced)`, `${show(idle)}; target < 90 MiB`);
    row(`  after the 100-path burst`, `${show(afterBurst)}`);
    row(`  ${n1k} RestPaths, running since idle`, `${show(watching1k)}`);
    row(`  ${n1k} RestPaths, fresh process`, `${show(fresh1k)}: +${perThousand(fresh1k, n1k)} per 1,000 over idle; target < +25 MiB`);
    row(`  ${n5k} RestPaths, running`, `${show(watching5k)}`);
    row(`  ${n5k} RestPaths, fresh process`, `${show(fresh5k)}: +${perThousand(fresh5k, n5k)} per 1,000 over idle`);
  }
} finally {
  for (const p of proxies) await p.close();
  await env.stop();
}
