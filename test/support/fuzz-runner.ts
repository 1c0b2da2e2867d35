// The fuzz check, shared by test/e2e/fuzz.test.ts (200 cases) and bench/fuzz.ts (5,000): every case
// is applied with `kubectl apply -f -` and must be EITHER refused with a message naming the field or
// rule, OR accepted and then described for its generation with Ready=True or Ready=False and Stalled
// with a reason the operator knows (its own, or an AWS error name), Synced=False saying what was
// half-applied when AWS refused it. After all cases the operator must still run, with no unhandled
// rejection, uncaught exception or stack trace in its log. Verdicts are read in bulk (one
// `kubectl get` per poll), so a run costs what the operator needs, not a sleep per case.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kubectl } from '../../scripts/testenv/kubectl.js';
import type { ManagedProcess } from '../../scripts/testenv/processes.js';
import { KNOWN_ERROR_NAMES } from '../../src/aws/errors.js';
import { OTHER_REASON, reasonLabel } from '../../src/observability/reasons.js';
import { FIXED_APIS, SAFE_APIS, basePathDoc, fixedApiDoc, toYaml } from './manifest-fuzz.js';
import { fuzzCase, type FuzzCase } from './manifest-mutations.js';
import type { Condition } from './objects.js';

export interface FuzzOptions {
  kubectl: Kubectl;
  namespace: string;
  operator: ManagedProcess;
  seed: number;
  runs: number;
  /** Replay one case only (its index). */
  only?: number;
  /** kubectl processes at once. */
  concurrency?: number;
  /** How long, after the last apply, every accepted object may take to get its verdict. */
  verdictTimeoutMs: number;
  progress?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  /** Outcome -> count: "refused: <message kind>", "<Kind> Ready", "<Kind> Ready=False: <reason>". */
  counts: Map<string, number>;
  failures: string[];
  /** One line per case and object: index, description, object, outcome (for a closer look). */
  rows: string[];
  applySeconds: number;
  verdictSeconds: number;
}

interface Listed {
  kind: string;
  metadata: { name: string; generation: number };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

/** The kind of message kubectl printed for a refusal, or undefined when it names no field or rule. */
export function refusalKind(stderr: string): string | undefined {
  const text = stderr.replace(/\s+/g, ' ');
  const kinds: [string, RegExp][] = [
    ['name', /metadata\.name: Invalid value/],
    ['unknown field', /strict decoding error: unknown field "[^"]+"/],
    ['not base64', /illegal base64 data|cannot be handled as a Secret/],
    ['too large', /request is too large|Request entity too large|too long: must have at most \d+ bytes|exceeds the maximum/i],
    ['too deep', /max depth|nesting depth|exceeded max depth/i],
    ['wrong type', /(spec|data|stringData)[^ ]*: Invalid value: "[^"]*": [^ ]+ in body must be of type|cannot unmarshal|json: cannot/],
    ['enum', /(spec|metadata)[^ ]*: Unsupported value/],
    ['required', /(spec|metadata)[^ ]*: Required value/],
    ['too long', /(spec|metadata)[^ ]*: Too long/],
    ['too many', /(spec|metadata)[^ ]*: Too many/],
    ['duplicate', /(spec|metadata)[^ ]*: Duplicate value/],
    ['pattern', /(spec|metadata)[^ ]*: Invalid value: .*should match/],
    ['range', /(spec|metadata)[^ ]*: Invalid value: .*should be (greater|less) than or equal/],
    ['CEL cost', /(spec|metadata)[^ ]*: (Invalid value|Forbidden): .*(cost|budget)/i],
    ['CEL rule', /(spec|metadata|data)[^ ]*: (Invalid value|Forbidden): .{8,}/],
  ];
  if (/Internal error|panic|unknown reason/i.test(text)) return undefined;
  return kinds.find(([, re]) => re.test(text))?.[0];
}

/** Reasons that say nothing: the metric's catch-all, and errors without a name. */
const UNSPECIFIC = new Set([OTHER_REASON, 'Unknown', 'Error', 'NotReconciledYet']);
const AWS_ERRORS = new Set(KNOWN_ERROR_NAMES);
const cond = (o: Listed, type: string) => o.status?.conditions?.find((c) => c.type === type);

/** The verdict of one object: undefined while the operator is still at it; else the outcome, or a failure. */
export function verdictOf(o: Listed): { outcome: string; problem?: string } | undefined {
  const ready = cond(o, 'Ready');
  const generation = o.metadata.generation;
  if (o.status?.observedGeneration !== generation || !ready || (ready as { observedGeneration?: number }).observedGeneration !== generation) return undefined;
  if (ready.status === 'True') return { outcome: 'Ready' };
  if (cond(o, 'Stalled')?.status !== 'True') return undefined;
  const outcome = `Ready=False: ${ready.reason}`;
  if (UNSPECIFIC.has(ready.reason) || reasonLabel(ready.reason) === OTHER_REASON) return { outcome, problem: `a generic reason ${ready.reason}: ${ready.message}` };
  if (!ready.message.trim()) return { outcome, problem: 'Ready=False without a message' };
  if (AWS_ERRORS.has(ready.reason) && (o.kind === 'RestApi' || o.kind === 'RestPath')) {
    const synced = cond(o, 'Synced');
    if (synced?.status !== 'False' || !synced.message.trim()) return { outcome, problem: `AWS refused (${ready.reason}) but Synced does not say what was applied: ${JSON.stringify(synced)}` };
  }
  return { outcome };
}

/** Lines of the operator's log that must not be there: unhandled rejections, uncaught exceptions, stack traces. */
export function logProblems(logFile: string): string[] {
  const hasStack = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.entries(v).some(([k, x]) => k === 'stack' || hasStack(x));
  return readFileSync(logFile, 'utf8').split('\n').filter((line) => {
    if (!line.trim()) return false;
    if (/unhandled|uncaught/i.test(line) || line.includes('\\n    at ') || /\n {4}at /.test(line)) return true;
    try {
      return hasStack(JSON.parse(line));
    } catch {
      return /^\s+at /.test(line); // not pino's: node's own output, e.g. a crash's trace
    }
  }).map((l) => l.slice(0, 2000));
}

/**
 * Applies the fixed RestApis the cases point at, each with one MOCK path (AWS refuses to deploy a REST
 * API without methods), and waits until they are Ready (else says what they are).
 */
export async function applyFixedApis(kubectl: Kubectl, namespace: string, timeoutMs = 90_000): Promise<void> {
  await kubectl.ok(['apply', '-n', namespace, '-f', '-'], toYaml(FIXED_APIS.flatMap((a) => [fixedApiDoc(a), basePathDoc(a)])));
  const started = Date.now();
  for (;;) {
    const objects = await list(kubectl, namespace);
    const apis = FIXED_APIS.flatMap((a) => [objects.get(`RestApi/${a.name}`), objects.get(`RestPath/${a.name}-base`)]);
    if (apis.every((a) => a && verdictOf(a)?.outcome === 'Ready')) return;
    if (Date.now() - started > timeoutMs) throw new Error(`the fixed RestApis are not Ready within ${timeoutMs / 1000} s: ${JSON.stringify(apis.map((a) => a?.status?.conditions ?? null), null, 1)}`);
    await sleep(1000);
  }
}

const describeCase = (c: FuzzCase, seed: number) =>
  `case ${c.index} (seed ${seed}; replay: FUZZ_SEED=${seed} FUZZ_CASE=${c.index}): ${c.description}\n${c.yaml.length > 3000 ? `${c.yaml.slice(0, 3000)}\n... (${c.yaml.length} characters)` : c.yaml}`;

async function list(kubectl: Kubectl, namespace: string): Promise<Map<string, Listed>> {
  const out = JSON.parse(await kubectl.ok(['get', 'restapis,restpaths,usageplans', '-n', namespace, '-o', 'json'])) as { items: Listed[] };
  return new Map(out.items.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const { kubectl, namespace, seed } = o;
  const indexes = o.only !== undefined ? [o.only] : Array.from({ length: o.runs }, (_, i) => i);
  const counts = new Map<string, number>();
  const count = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  const failures: string[] = [];
  const rows: string[] = [];
  const accepted: { c: FuzzCase; exitOk: boolean }[] = [];
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < indexes.length) {
      const c = fuzzCase(seed, indexes[next++]!);
      const r = await kubectl(['apply', '-n', namespace, '-f', '-'], c.yaml);
      if (r.code === 0) {
        accepted.push({ c, exitOk: true });
        continue;
      }
      const kind = refusalKind(r.stderr);
      count(`refused: ${kind ?? 'unspecific'}`);
      rows.push(`${c.index}\t${c.description}\t-\trefused: ${kind ?? 'unspecific'}\t${r.stderr.replace(/\s+/g, ' ').slice(0, 300)}`);
      if (!kind) failures.push(`refused without a specific message:\n${r.stderr.slice(0, 1500)}\n${describeCase(c, seed)}`);
      else if (c.valid) failures.push(`a valid manifest was refused (${kind}):\n${r.stderr.slice(0, 1500)}\n${describeCase(c, seed)}`);
      // Some documents of a refused case may have been created: they are judged like the rest.
      accepted.push({ c, exitOk: false });
      if (o.operator.exited()) return;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
  const applySeconds = (Date.now() - started) / 1000;
  o.progress?.(`applied ${indexes.length} cases in ${applySeconds.toFixed(1)} s; waiting for verdicts`);

  const verdictStart = Date.now();
  let objects = new Map<string, Listed>();
  let waiting: string[] = [];
  for (;;) {
    objects = await list(kubectl, namespace);
    waiting = accepted.flatMap(({ c }) => c.objects.map((x) => `${x.kind}/${x.name}`)).filter((k) => objects.has(k) && !verdictOf(objects.get(k)!));
    if (waiting.length === 0 || o.operator.exited() || Date.now() - verdictStart > o.verdictTimeoutMs) break;
    o.progress?.(`${waiting.length} objects without a verdict yet`);
    await sleep(2000);
  }
  const verdictSeconds = (Date.now() - verdictStart) / 1000;

  for (const { c, exitOk } of accepted) {
    for (const x of c.objects) {
      const key = `${x.kind}/${x.name}`;
      const found = objects.get(key);
      if (!found) {
        if (exitOk) failures.push(`${key}: kubectl apply succeeded but the object is not there\n${describeCase(c, seed)}`);
        continue;
      }
      const v = verdictOf(found);
      if (!v) {
        count('no verdict');
        failures.push(`${key}: no verdict within ${o.verdictTimeoutMs / 1000} s after the last apply; conditions: ${JSON.stringify(found.status?.conditions ?? null)}\n${describeCase(c, seed)}`);
        continue;
      }
      count(`${x.kind} ${v.outcome}`);
      rows.push(`${c.index}\t${c.description}\t${key}\t${v.outcome}\t${cond(found, 'Ready')?.message.slice(0, 300) ?? ''}`);
      if (v.problem) failures.push(`${key}: ${v.problem}\n${describeCase(c, seed)}`);
      else if (c.notReady && v.outcome === 'Ready') failures.push(`${key}: Ready, but ${c.notReady}\n${describeCase(c, seed)}`);
    }
  }
  // Nothing a case did may stop the safe fixed APIs' passes (what AWS may refuse goes to fz-risky).
  for (const api of SAFE_APIS) {
    const found = objects.get(`RestApi/${api.name}`);
    if (cond(found ?? ({} as Listed), 'Synced')?.status !== 'True') failures.push(`fixed RestApi ${api.name} is not Synced at the end: ${JSON.stringify(found?.status?.conditions ?? null)}`);
  }
  if (o.operator.exited()) failures.push(`the operator ${o.operator.exitDescription()}`);
  for (const line of logProblems(o.operator.logFile)) failures.push(`operator log: ${line}`);
  return { seed, cases: indexes.length, counts, failures, rows, applySeconds, verdictSeconds };
}

/** The counts as a table, most frequent first. */
export function formatCounts(counts: Map<string, number>): string {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${String(n).padStart(6)}  ${k}`).join('\n');
}
