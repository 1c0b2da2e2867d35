// Prometheus and promtool as the tests run them: installed from Debian when missing
// (scripts/testenv/install-prometheus.sh), the metrics docs/metrics.md documents, and the queries the
// Grafana dashboard runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStep } from '../../scripts/testenv/run.js';

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
