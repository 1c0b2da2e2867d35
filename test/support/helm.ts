// The real Helm CLI for the chart's tests (charts/restpath-operator): built from the Go module proxy by
// scripts/testenv/build-helm.sh on first use (cheap when cached), so a fresh machine needs no manual step.
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { run, runStep, type RunResult } from '../../scripts/testenv/run.js';

export const REPO = join(import.meta.dirname, '..', '..');
export const CHART = join(REPO, 'charts', 'restpath-operator');
export const FULL_VALUES = join(CHART, 'ci', 'full-values.yaml');

let binary: Promise<string> | undefined;

/** The helm binary: the build script's folder (its last line of stdout) + /helm. */
export function helmBinary(): Promise<string> {
  binary ??= runStep('building helm (scripts/testenv/build-helm.sh)', 'bash', [join(REPO, 'scripts', 'testenv', 'build-helm.sh')]).then((out) => {
    const dir = out.trim().split('\n').pop();
    if (!dir) throw new Error('build-helm.sh printed no folder');
    return join(dir, 'helm');
  });
  // A failed build is not cached: the next call tries again and shows go's error again.
  binary.catch(() => (binary = undefined));
  return binary;
}

export interface Helm {
  (args: string[]): Promise<RunResult>;
  /** Runs helm and throws (with its output) when it fails. */
  ok: (args: string[]) => Promise<string>;
}

/**
 * helm against `kubeconfig` (or none: template and lint need no cluster). Its caches and config go to
 * `home` (a run folder), so a test neither reads nor writes the user's ~/.config/helm.
 */
export function helmFor(home: string, kubeconfig?: string): Helm {
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: kubeconfig ?? join(home, 'no-cluster'),
  };
  const call = async (args: string[]) => run(await helmBinary(), args, { env });
  return Object.assign(call, {
    ok: async (args: string[]) => runStep(`helm ${args.join(' ')}`, await helmBinary(), args, { env }),
  });
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** The objects of a multi-document YAML stream (helm template, kubectl kustomize), empty documents dropped. */
export function manifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null && typeof m === 'object');
}

/** `Kind/name` of each object, sorted: the rendered chart's object list. */
export function objectList(objects: Manifest[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

/** `helm template` of the chart as release `release` in `namespace`, parsed. */
export async function renderChart(helm: Helm, release: string, namespace: string, extra: string[] = []): Promise<Manifest[]> {
  return manifests(await helm.ok(['template', release, CHART, '--namespace', namespace, ...extra]));
}
