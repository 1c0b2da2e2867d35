// The pieces of `make soak` (bench/soak.ts) that are not its story: the knobs, the manifests, the
// operator process's RSS and CPU read from /proc, a least-squares slope, the operator's pino log, and
// the edits and how one is known to be served.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { GetIntegrationCommand } from '@aws-sdk/client-api-gateway';
import type { AwsClients } from '../src/aws/clients.js';
import type { Kubectl } from '../scripts/testenv/kubectl.js';

export const NAMESPACE = 'soak';
const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const METHODS = ['GET', 'PUT', 'DELETE'] as const;

/** The operator's own duration syntax (500ms, 3s, 2m, 1h), so SOAK_RESYNC can be passed to --resync as is. */
export function duration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}" (use e.g. 500ms, 3s, 2m, 1h)`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

export interface Knobs {
  minutes: number;
  apis: number;
  paths: number;
  editEveryMs: number;
  /** As given (the operator's --resync), and in ms. */
  resync: string;
  resyncMs: number;
}

export function knobs(env: NodeJS.ProcessEnv = process.env): Knobs {
  const positive = (name: string, fallback: number) => {
    const n = Number(env[name] ?? fallback);
    if (!(n > 0)) throw new Error(`${name} must be a positive number, not "${env[name]}"`);
    return n;
  };
  const apis = Math.round(positive('SOAK_APIS', 10));
  const paths = Math.round(positive('SOAK_PATHS', 1000));
  // API Gateway allows 300 resources per REST API (the root is one of them).
  if (Math.ceil(paths / apis) > 299) throw new Error(`SOAK_PATHS/SOAK_APIS = ${Math.ceil(paths / apis)} paths per API: API Gateway allows 300 resources per REST API`);
  const resync = env.SOAK_RESYNC ?? '2m';
  return { minutes: positive('SOAK_MINUTES', 30), apis, paths, editEveryMs: duration(env.SOAK_EDIT_EVERY ?? '3s'), resync, resyncMs: duration(resync) };
}

/** Path i of the soak: spread over the APIs round-robin, so consecutive edits land in different APIs. */
export interface SoakPath {
  name: string;
  api: number;
  /** Its index within its API: the resource /r<j>. */
  j: number;
}
export const soakPath = (i: number, apis: number): SoakPath => {
  const api = i % apis;
  const j = Math.floor(i / apis);
  return { name: `api${api}-p${j}`, api, j };
};
export const uriOf = (j: number, edit: number) => `http://backend.internal/r${j}${edit > 0 ? `/e${edit}` : ''}`;

/** The RestApis: one Automatic stage each, so every edit also costs a deployment, as in production. */
export const apiManifests = (apis: number) =>
  Array.from({ length: apis }, (_, a) => `${H}\nkind: RestApi\nmetadata: { name: api${a} }\nspec:\n  stages: [{ name: live }]`).join('\n---\n');

/** RestPaths `from`..`from+count-1` (soakPath numbering), 3 HTTP_PROXY methods each (test/support/chaos-burst.ts's shape). */
export const pathManifests = (from: number, count: number, apis: number) =>
  Array.from({ length: count }, (_, k) => {
    const p = soakPath(from + k, apis);
    return `${H}\nkind: RestPath\nmetadata: { name: ${p.name} }\nspec:\n  restApiRef: { name: api${p.api} }\n  path: /r${p.j}\n  methods:\n` +
      METHODS.map((m) => `    - { httpMethod: ${m}, integration: { type: HTTP_PROXY, httpMethod: ${m}, uri: "${uriOf(p.j, 0)}" } }`).join('\n');
  }).join('\n---\n');

/** Node flags of the Deployment's container (deploy/deployment.yaml): the operator runs as in production. */
export function deployedNodeFlags(repo: string): string[] {
  const doc = parseDocument(readFileSync(join(repo, 'deploy', 'deployment.yaml'), 'utf8')).toJS() as { spec: { template: { spec: { containers: { command: string[] }[] } } } };
  return doc.spec.template.spec.containers[0]!.command.slice(1, -1);
}

export interface Sample {
  /** ms since the epoch. */
  at: number;
  rssMiB: number;
  /** utime + stime of the process so far. */
  cpuSeconds: number;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100; // Linux's USER_HZ everywhere that matters
  }
})();

/** VmRSS from /proc/<pid>/status, utime+stime from /proc/<pid>/stat (fields 14, 15; counted after the ")" that closes comm, which may hold spaces). */
export function sampleProcess(pid: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { at: Date.now(), rssMiB: rssKiB / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS };
}

/** Least-squares slope of y over x (0 with fewer than two distinct x). */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

const HOUR = 3_600_000;
/** RSS over hours since the first sample: MiB per hour. */
export const rssSlope = (s: readonly Sample[]) => slope(s.map((p) => ({ x: (p.at - s[0]!.at) / HOUR, y: p.rssMiB })));
/** CPU% of one core over each interval between samples, placed at the interval's middle. */
export const cpuPercents = (s: readonly Sample[]) =>
  s.slice(1).map((p, i) => ({ x: ((p.at + s[i]!.at) / 2 - s[0]!.at) / HOUR, y: (100 * (p.cpuSeconds - s[i]!.cpuSeconds) * 1000) / (p.at - s[i]!.at) }));

export interface LogLine {
  time: number;
  level: number;
  msg: string;
  key?: string;
  err?: string;
  /** On "reconcile failed; will retry": the backoff before the next pass. */
  retryInMs?: number;
}

/** The operator's log: one pino JSON object a line (anything else, e.g. a Node warning, is skipped). */
export function logLines(file: string): LogLine[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((l) => {
    if (!l.startsWith('{')) return [];
    try {
      return [JSON.parse(l) as LogLine];
    } catch {
      return []; // the line being written right now
    }
  });
}

export interface Edit {
  path: SoakPath;
  uri: string;
  /** The RestPath's generation the edit made. */
  generation: number;
  madeAt: number;
  servedAt?: number;
}

/** Changes the GET integration's uri of `path` (methods[0]); returns the generation that made. */
export async function makeEdit(kubectl: Kubectl, path: SoakPath, uri: string): Promise<Edit> {
  const patch = JSON.stringify([{ op: 'replace', path: '/spec/methods/0/integration/uri', value: uri }]);
  const generation = Number(await kubectl.ok(['patch', 'restpath', path.name, '-n', NAMESPACE, '--type=json', '-p', patch, '-o', 'jsonpath={.metadata.generation}']));
  return { path, uri, generation, madeAt: Date.now() };
}

interface Condition { type: string; status: string; observedGeneration?: number }
interface RestPathObject {
  metadata: { name: string; generation: number };
  status?: { observedGeneration?: number; restApiId?: string; resourceId?: string; conditions?: Condition[] };
}

/** Ready True for the object's current generation, on the status and (when it says) on the condition. */
export function readyForGeneration(o: RestPathObject): boolean {
  const ready = o.status?.conditions?.find((c) => c.type === 'Ready');
  const generation = o.metadata.generation;
  return ready?.status === 'True' && o.status?.observedGeneration === generation && (ready.observedGeneration ?? generation) === generation;
}

/**
 * Marks the pending edits that are served: the RestPath Ready for the edit's generation and its GET
 * integration in AWS carrying the new uri, read straight from the emulator (`aws`: not through the
 * quota proxy, so the check costs the operator none of its quota and the proxy counts none of it).
 */
export async function markServed(kubectl: Kubectl, aws: AwsClients, pending: readonly Edit[]): Promise<void> {
  if (pending.length === 0) return;
  const out = JSON.parse(await kubectl.ok(['get', 'restpaths', '-n', NAMESPACE, '-o', 'json', ...pending.map((e) => e.path.name)])) as RestPathObject & { kind: string; items?: RestPathObject[] };
  // One name gives the object itself, several a List.
  const objects = out.kind === 'List' ? (out.items ?? []) : [out];
  for (const edit of pending) {
    const o = objects.find((x) => x.metadata.name === edit.path.name);
    if (!o || o.metadata.generation !== edit.generation || !readyForGeneration(o)) continue;
    const { restApiId, resourceId } = o.status ?? {};
    if (!restApiId || !resourceId) continue;
    const integration = await aws.apigateway.send(new GetIntegrationCommand({ restApiId, resourceId, httpMethod: 'GET' }));
    if (integration.uri === edit.uri) edit.servedAt = Date.now();
  }
}

/** Names and counts of `Record<op, n>`, largest first: "GetResources 10, GetStages 10". */
export const byOperation = (counts: Record<string, number>) =>
  Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, n]) => `${op} ${n}`).join(', ') || 'none';
export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
