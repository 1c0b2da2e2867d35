// `make soak`: the compiled operator (dist/, as bench/controller.ts runs it) for a long while under
// steady edits, behind the quota proxy with AWS's quotas. SOAK_PATHS RestPaths (3 HTTP_PROXY methods
// each) over SOAK_APIS RestApis (one Automatic stage each) are created and converged first; then for
// SOAK_MINUTES one RestPath's GET integration uri is edited every SOAK_EDIT_EVERY. It reports:
//  - the operator's RSS and CPU, sampled every 10 s from /proc during the edits, and their
//    least-squares slopes (the clock starts after the initial convergence: creating the paths is a
//    different load and would dominate the fit);
//  - edits made and edits served (Ready True for the edit's generation and the new uri read back from
//    the emulator), and how long each took;
//  - AWS calls of one resync with no edits in flight (the proxy's counts between the end of one
//    resync round and the end of the next), against the design: one GetResources?embed=methods per
//    API per resync plus a few reads.
// Knobs: SOAK_MINUTES (30), SOAK_APIS (10), SOAK_PATHS (1000), SOAK_EDIT_EVERY (3s), SOAK_RESYNC (2m).
// A bench, never in CI. Everything it starts it stops by pid; it exits 1 when an edit went unserved.
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsClients } from '../src/aws/clients.js';
import { API_GATEWAY_PAGE_SIZE } from '../src/aws/paginate.js';
import { minimumSeconds } from '../src/aws/quotas.js';
import { startEnvironment } from '../scripts/testenv/environment.js';
import { installCrds, kubectlFor } from '../scripts/testenv/kubectl.js';
import { freePort } from '../scripts/testenv/ports.js';
import { startProcess, type ManagedProcess } from '../scripts/testenv/processes.js';
import { QuotaProxy } from '../test/support/quota-proxy.js';
import {
  NAMESPACE, apiManifests, byOperation, cpuPercents, deployedNodeFlags, knobs, logLines, makeEdit, markServed, pathManifests, readyForGeneration,
  rssSlope, sampleProcess, slope, soakPath, sum, uriOf, type Edit, type Sample,
} from './soak-support.js';

const repo = join(import.meta.dirname, '..');
const K = knobs();
const SAMPLE_MS = 10_000;
// How often pending edits are looked at: the served times below are this coarse.
const CHECK_MS = 3_000;
const perApi = Math.ceil(K.paths / K.apis);
const apiKeys = Array.from({ length: K.apis }, (_, a) => `${NAMESPACE}/api${a}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Polls `check` until it returns a value, failing after `timeoutMs` (and at once if the operator died). */
async function until<T>(what: string, operator: ManagedProcess, timeoutMs: number, everyMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (operator.exited()) throw new Error(`operator ${operator.exitDescription()} while waiting for ${what}`);
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${seconds(timeoutMs)}`);
    await sleep(everyMs);
  }
}

// Production runs the bundle: build what is in src/ now (`npm run build`: tsc, then the bundler).
execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' });
const MAIN = join(repo, 'dist', 'restpath-operator.mjs');
const NODE_FLAGS = deployedNodeFlags(repo);

const env = await startEnvironment();
let proxy: QuotaProxy | undefined;
let operator: ManagedProcess | undefined;
let failed = false;
try {
  const kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
  await installCrds(kubectl, join(repo, 'crds'));
  await kubectl.ok(['create', 'namespace', NAMESPACE]);
  proxy = await QuotaProxy.start({ target: env.aws.endpoint });
  const account = await env.aws.freshAccount();
  // Reads that check an edit go to the emulator itself, not through the proxy (see markServed).
  const aws = createAwsClients({ region: account.region, endpoint: env.aws.endpoint, credentials: account });
  const metricsPort = await freePort();
  const op = (operator = startProcess({
    name: 'operator',
    command: process.execPath,
    args: [...NODE_FLAGS, MAIN, 'controller', '--kubeconfig', env.controlPlane.kubeconfig, '--aws-endpoint', proxy.endpoint, '--region', account.region,
      '--health-port', String(metricsPort), '--namespaces', NAMESPACE, '--resync', K.resync, '--leader-elect', '--leader-election-namespace', NAMESPACE],
    runDir: env.runDir,
    cwd: repo,
    env: { ...process.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey },
  }));
  const logged = (msg: string) => until(`"${msg}" in the operator's log`, op, 180_000, 100, () => Promise.resolve(logLines(op.logFile).find((l) => l.msg === msg)));
  // The resync timer starts as the caches sync (Manager.start): resync rounds are due at synced + k x period.
  const synced = (await logged('caches synced; reconciling')).time;
  await logged('became the leader');
  const idle = sampleProcess(op.pid);

  // 1. The initial convergence: every RestApi and RestPath Ready for its generation.
  const created = Date.now();
  await kubectl.ok(['apply', '-n', NAMESPACE, '-f', '-'], apiManifests(K.apis));
  for (let i = 0; i < K.paths; i += 250) await kubectl.ok(['apply', '-n', NAMESPACE, '-f', '-'], pathManifests(i, Math.min(250, K.paths - i), K.apis));
  // Calls per path: CreateResource, then PutMethod and PutIntegration for each of the 3 methods.
  const floorS = minimumSeconds(K.paths, 7);
  let peakMiB = idle.rssMiB;
  await until(`all ${K.apis + K.paths} objects Ready`, op, (4 * floorS + 300) * 1000, 5_000, async () => {
    peakMiB = Math.max(peakMiB, sampleProcess(op.pid).rssMiB);
    const all = JSON.parse(await kubectl.ok(['get', 'restapis,restpaths', '-n', NAMESPACE, '-o', 'json'])) as { items: Parameters<typeof readyForGeneration>[0][] };
    return all.items.length === K.apis + K.paths && all.items.every(readyForGeneration) ? true : undefined;
  });
  const convergedMs = Date.now() - created;
  const convergenceThrottled = proxy.total('throttled');
  console.log(`initial convergence: ${K.paths} RestPaths over ${K.apis} RestApis Ready in ${seconds(convergedMs)} (quota floor ${floorS.toFixed(0)} s); the soak clock starts now`);

  // 2. The soak: an edit every SOAK_EDIT_EVERY, each to a path with no edit pending (round-robin over
  //    all of them, so consecutive edits land in different APIs), samples every 10 s.
  proxy.resetCounts();
  const edits: Edit[] = [];
  const samples: Sample[] = [sampleProcess(op.pid)];
  const start = samples[0]!.at;
  const end = start + K.minutes * 60_000;
  let cursor = 0;
  let nextEdit = start;
  let nextSample = start + SAMPLE_MS;
  let nextCheck = start + CHECK_MS;
  const pending = () => edits.filter((e) => e.servedAt === undefined);
  const check = async () => {
    await markServed(kubectl, aws, pending());
    nextCheck = Date.now() + CHECK_MS;
  };
  while (Date.now() < end) {
    if (op.exited()) throw new Error(`operator ${op.exitDescription()} during the soak`);
    if (Date.now() >= nextSample) {
      samples.push(sampleProcess(op.pid));
      nextSample += SAMPLE_MS;
    }
    if (Date.now() >= nextEdit) {
      const busy = new Set(pending().map((e) => e.path.name));
      for (let tries = 0; tries < K.paths; tries++) {
        const path = soakPath(cursor++ % K.paths, K.apis);
        if (busy.has(path.name)) continue;
        edits.push(await makeEdit(kubectl, path, uriOf(path.j, edits.length + 1)));
        break;
      }
      // A pacing timer (not a sync): edits keep their rate even when one kubectl call is slow.
      nextEdit = Math.max(nextEdit + K.editEveryMs, Date.now());
    }
    if (Date.now() >= nextCheck) await check();
    await sleep(Math.max(0, Math.min(nextEdit, nextSample, nextCheck, end) - Date.now()));
  }
  samples.push(sampleProcess(op.pid));
  // Drain: the edits still pending get a deadline long enough for the deployment quota (one per 5 s
  // per account) to serve every API once, and for a resync.
  const drainMs = Math.max(5 * 60_000, 5_000 * K.apis * 2, 2 * K.resyncMs);
  await until('every edit served', op, drainMs, CHECK_MS, async () => {
    await check();
    return pending().length === 0 ? true : undefined;
  }).catch((e: Error) => console.error(`${e.message}: ${pending().length} unserved, e.g. ${pending().slice(0, 5).map((x) => `${x.path.name} (generation ${x.generation})`).join(', ')}`));
  const soakCalls = { ...proxy.counts.passed };
  const soakThrottled = proxy.total('throttled');
  const soakThrottledBy = { ...proxy.counts.throttled };
  const soakWarnings = logLines(op.logFile).filter((l) => l.time >= start && l.level >= 40);
  // By message and the error's first line (an API server error carries its whole JSON body after it).
  const warningKinds: Record<string, number> = {};
  for (const l of soakWarnings) {
    const kind = `"${l.msg}${l.err ? `: ${l.err.split('\n')[0]!.slice(0, 80)}` : ''}"`;
    warningKinds[kind] = (warningKinds[kind] ?? 0) + 1;
  }

  // 3. Steady state: the calls of one resync period with no edits in flight, from the end of one
  //    resync round (every API reconciled after the tick) to the end of the next.
  const roundAt = (after: number) => synced + Math.ceil((after - synced) / K.resyncMs) * K.resyncMs;
  const roundDone = (tick: number) =>
    until(`a resync round of all ${K.apis} APIs after ${new Date(tick).toISOString()}`, op, tick - Date.now() + K.resyncMs, 500, () => {
      // 200 ms of slack: the timer started a moment before the log line that dates it.
      const done = new Set(logLines(op.logFile).filter((l) => l.msg === 'reconciled' && l.time >= tick - 200 && l.key !== undefined).map((l) => l.key));
      return Promise.resolve(apiKeys.every((k) => done.has(k)) ? Date.now() : undefined);
    });
  const tick1 = roundAt(Date.now());
  const windowStart = await roundDone(tick1);
  proxy.resetCounts();
  const tick2 = roundAt(windowStart);
  const windowEnd = await roundDone(tick2);
  const resyncCalls = { ...proxy.counts.passed };
  const resyncThrottled = proxy.total('throttled');
  const windowPasses = logLines(op.logFile).filter((l) => l.msg === 'reconciled' && l.time > windowStart && l.time <= windowEnd).length;

  // 4. The report.
  const served = edits.filter((e) => e.servedAt !== undefined);
  const waits = served.map((e) => e.servedAt! - e.madeAt).sort((a, b) => a - b);
  const rss = rssSlope(samples);
  const cpu = cpuPercents(samples);
  const cpuMean = ((samples.at(-1)!.cpuSeconds - samples[0]!.cpuSeconds) * 100_000) / (samples.at(-1)!.at - samples[0]!.at);
  const pages = Math.ceil((perApi + 1) / API_GATEWAY_PAGE_SIZE);
  const getResources = resyncCalls.GetResources ?? 0;
  const signed = (n: number, unit: string) => `${n >= 0 ? '+' : ''}${n.toFixed(2)} ${unit}`;
  console.log(`\nrestpath-operator soak: node ${process.versions.node} ${[...NODE_FLAGS, ''].join(' ')}dist/restpath-operator.mjs controller --resync ${K.resync} --leader-elect ` +
    `(${env.aws.kind} behind the quota proxy, AWS's default quotas); ${K.paths} RestPaths x 3 methods over ${K.apis} RestApis with one Automatic stage each\n`);
  const rows: [string, string][] = [
    ['initial convergence (before the soak clock)', `${seconds(convergedMs)} to all Ready (quota floor ${floorS.toFixed(0)} s); RSS idle ${idle.rssMiB.toFixed(0)} MiB, peak ${peakMiB.toFixed(0)} MiB; ${convergenceThrottled} answered 429`],
    ['soak', `${K.minutes} min from the end of the initial convergence, an edit every ${seconds(K.editEveryMs)}, ${samples.length} samples every ${SAMPLE_MS / 1000} s`],
    ['edits made / served', `${edits.length} / ${served.length}` + (waits.length ? ` (to served: median ${seconds(waits[Math.floor(waits.length / 2)]!)}, max ${seconds(waits.at(-1)!)}, polled every ${CHECK_MS / 1000} s)` : '')],
    ['RSS start / end / slope', `${samples[0]!.rssMiB.toFixed(1)} / ${samples.at(-1)!.rssMiB.toFixed(1)} MiB, ${signed(rss, 'MiB/h')} (max ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(1)} MiB)`],
    ['CPU mean / slope', `${cpuMean.toFixed(1)} % of a core, ${signed(slope(cpu), '%/h')}`],
    ['AWS calls during the soak', `${sum(soakCalls)} (${byOperation(soakCalls)})`],
    ['AWS calls per resync (no edits)', `${sum(resyncCalls)}, ${(sum(resyncCalls) / K.apis).toFixed(1)} per API, ${windowPasses} passes in ${seconds(windowEnd - windowStart)}: ${byOperation(resyncCalls)}`],
    ['  design', `${K.apis * pages} GetResources (${pages} page of ${perApi + 1} resources per API) plus a few reads per API; measured ${getResources} GetResources`],
    ['429s (proxy)', `${convergenceThrottled} initial convergence, ${soakThrottled} soak (${byOperation(soakThrottledBy)}), ${resyncThrottled} resync window`],
    ['operator warnings/errors during the soak', `${soakWarnings.length}${soakWarnings.length ? `: ${byOperation(warningKinds)}; longest retry delay ${seconds(Math.max(0, ...soakWarnings.map((l) => l.retryInMs ?? 0)))}` : ''}`],
  ];
  console.log('| figure | value |\n|---|---|');
  for (const [k, v] of rows) console.log(`| ${k} | ${v.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ')} |`);
  failed = served.length !== edits.length;
  if (failed) console.error(`\n${edits.length - served.length} edit(s) not served`);
} finally {
  if (operator && !operator.exited()) {
    // SIGTERM first: it releases the Lease and finishes its pass; stop() SIGKILLs after 5 s.
    process.kill(operator.pid, 'SIGTERM');
    for (let i = 0; i < 100 && !operator.exited(); i++) await sleep(100);
  }
  await operator?.stop();
  // The run folder goes with env.stop(): keep the operator's log for a look at what the figures say.
  if (operator) {
    const kept = join(tmpdir(), `restpath-soak-operator-${process.pid}.log`);
    copyFileSync(operator.logFile, kept);
    console.log(`\noperator log: ${kept}`);
  }
  await proxy?.close();
  await env.stop();
}
if (failed) process.exitCode = 1;
