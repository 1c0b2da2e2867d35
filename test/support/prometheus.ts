// Prometheus and promtool as the tests run them: installed from Debian when missing
// (scripts/testenv/install-prometheus.sh), a real Prometheus process scraping the operator, the
// metrics docs/metrics.md documents, and the queries the Grafana dashboard runs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../scripts/testenv/ports.js';
import { lastLines, startProcess, type ManagedProcess } from '../../scripts/testenv/processes.js';
import { runStep } from '../../scripts/testenv/run.js';
import { until } from './until.js';

const REPO = join(import.meta.dirname, '..', '..');
export const RULES_FILE = join(REPO, 'deploy', 'prometheus', 'restpath-operator.rules.yaml');
export const RULE_TESTS_DIR = join(REPO, 'deploy', 'prometheus', 'tests');
export const DASHBOARD_FILE = join(REPO, 'deploy', 'grafana', 'restpath-operator.json');

let installed: Promise<void> | undefined;
/** prometheus and promtool from Debian: the install script is a no-op when both are there. */
export function ensurePrometheus(): Promise<void> {
  installed ??= runStep('installing prometheus (scripts/testenv/install-prometheus.sh)', 'bash', [join(REPO, 'scripts', 'testenv', 'install-prometheus.sh')]).then(() => undefined);
  installed.catch(() => (installed = undefined));
  return installed;
}

/** The table of docs/metrics.md: metric name -> its type and labels. */
export function documentedMetrics(doc = readFileSync(join(REPO, 'docs', 'metrics.md'), 'utf8')): Map<string, { type: string; labels: string[] }> {
  const rows = [...doc.matchAll(/^\| `(restpath_[a-z_]+)` \| (\w+) \|([^|]*)\|/gm)];
  return new Map(rows.map((m) => [m[1]!, { type: m[2]!, labels: [...m[3]!.matchAll(/`(\w+)`/g)].map((l) => l[1]!) }]));
}

export interface DashboardPanel {
  id: number;
  title: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr: string; refId: string; legendFormat?: string; datasource?: { type?: string; uid?: string } }[];
  gridPos: { x: number; y: number; w: number; h: number };
}

export interface Dashboard {
  title: string;
  uid: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query?: string }[] };
}

export function dashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/**
 * A panel query as Grafana sends it to Prometheus: the dashboard's $__rate_interval becomes `window`
 * (Grafana makes it at least four scrape intervals) and $__interval a step.
 */
export function asSent(expr: string, window = '1m'): string {
  return expr.replaceAll('$__rate_interval', window).replaceAll('$__interval', '15s').replaceAll('$__range', '1h');
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  url: string;
  process: ManagedProcess;
  /** An instant query through the HTTP API; throws with Prometheus's error when it refuses it. */
  query: (expr: string) => Promise<Sample[]>;
  get: <T>(path: string) => Promise<T>;
  logs: () => string;
  stop: () => Promise<void>;
}

/**
 * A real Prometheus scraping `targets` (host:port) every second as job `job`, evaluating the
 * operator's rules every second, with its TSDB in a fresh folder; stopped by its pid, folder removed.
 */
export async function startPrometheus(targets: string[], job = 'restpath-operator'): Promise<RunningPrometheus> {
  await ensurePrometheus();
  const runDir = mkdtempSync(join(tmpdir(), 'restpath-prometheus-'));
  const port = await freePort();
  const config = { global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' }, rule_files: [RULES_FILE], scrape_configs: [{ job_name: job, static_configs: [{ targets }] }] };
  writeFileSync(join(runDir, 'prometheus.yml'), stringify(config));
  const proc = startProcess({
    name: 'prometheus',
    command: 'prometheus',
    args: [`--config.file=${join(runDir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(runDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    runDir,
  });
  const url = `http://127.0.0.1:${port}`;
  const logs = () => lastLines(proc.logFile, 30);
  const get = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? body.status}`);
    return body.data;
  };
  const stop = async () => {
    await proc.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const state = await until('Prometheus ready', async () => (proc.exited() ? 'exited' : (await fetch(`${url}/-/ready`)).ok ? 'ready' : undefined), 60_000, logs);
    if (state === 'exited') throw new Error(`Prometheus ${proc.exitDescription()}:\n${logs()}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    process: proc,
    get,
    query: async (expr) => (await get<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    logs,
    stop,
  };
}
