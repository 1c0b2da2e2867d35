// The ignoreDifferences advice (deploy/argocd/ignore-differences.yaml) applied as Argo CD applies it
// (util/argo/normalizers/diff_normalizer.go): each jqPathExpression runs as del(<expression>) in gojq,
// the jq implementation Argo CD embeds, one after another, and then objects and lists left empty are
// dropped. Both the manifest from Git and the live object go through it before they are compared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run, runStep } from '../../scripts/testenv/run.js';

const REPO = join(import.meta.dirname, '..', '..');
export const IGNORE_DIFFERENCES = join(REPO, 'deploy', 'argocd', 'ignore-differences.yaml');

export interface IgnoreDifference {
  group: string;
  kind: string;
  jqPathExpressions: string[];
}

export function ignoreDifferences(): IgnoreDifference[] {
  return (parse(readFileSync(IGNORE_DIFFERENCES, 'utf8')) as { ignoreDifferences: IgnoreDifference[] }).ignoreDifferences;
}

let gojq: Promise<void> | undefined;
/** gojq from Debian: scripts/testenv/install-gojq.sh installs it when missing (a no-op otherwise). */
function ensureGojq(): Promise<void> {
  gojq ??= runStep('installing gojq (scripts/testenv/install-gojq.sh)', 'bash', [join(REPO, 'scripts', 'testenv', 'install-gojq.sh')]).then(() => undefined);
  gojq.catch(() => (gojq = undefined));
  return gojq;
}

/** Argo CD's removeEmptyObjects: objects and lists that normalizing left empty are not differences. */
function removeEmpty(o: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(o)) {
    if (Array.isArray(value)) {
      const kept = value.filter((item) => !(item && typeof item === 'object' && !Array.isArray(item) && Object.keys(removeEmpty(item as Record<string, unknown>)).length === 0));
      if (kept.length === 0) delete o[key];
      else o[key] = kept;
    } else if (value && typeof value === 'object') {
      if (Object.keys(removeEmpty(value as Record<string, unknown>)).length === 0) delete o[key];
    }
  }
  return o;
}

/** `object` after the ignoreDifferences of its kind, as Argo CD's diff sees it. */
export async function normalized(object: { kind: string }): Promise<Record<string, unknown>> {
  await ensureGojq();
  let json = JSON.stringify(object);
  for (const rule of ignoreDifferences().filter((r) => r.group === 'apigateway.restpath.dev' && r.kind === object.kind)) {
    for (const expression of rule.jqPathExpressions) {
      const out = await run('gojq', ['-c', `del(${expression})`], { input: json });
      if (out.code !== 0) throw new Error(`gojq del(${expression}) failed: ${out.stderr}`);
      json = out.stdout;
    }
  }
  return removeEmpty(JSON.parse(json) as Record<string, unknown>);
}
