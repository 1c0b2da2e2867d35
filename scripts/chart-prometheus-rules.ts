// Copies the alert and recording rules of deploy/prometheus/ into the Helm chart
// (charts/restpath-operator/files/prometheus-rules.yaml), whose PrometheusRule renders exactly these
// groups: a chart cannot read files outside itself. test/unit/helm/prometheus-rules.test.ts fails when
// the copy drifts.
// Usage: npx tsx scripts/chart-prometheus-rules.ts            (write)
//        npx tsx scripts/chart-prometheus-rules.ts --check    (exit 1 when the copy is stale)
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

const REPO = join(import.meta.dirname, '..');
export const RULES_DIR = join(REPO, 'deploy', 'prometheus');
export const CHART_RULES = join(REPO, 'charts', 'restpath-operator', 'files', 'prometheus-rules.yaml');

interface RuleGroup {
  name: string;
  [field: string]: unknown;
}

/** Rule files under `dir` (recursively), sorted, so the groups come in a stable order. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

/**
 * The rule groups of deploy/prometheus/, in file order: Prometheus rule files (`groups:`) and
 * PrometheusRule manifests (`spec.groups`). promtool's unit-test files (`rule_files:`, `tests:`) are
 * not rules. Undefined when the folder does not exist.
 */
export function ruleGroups(dir = RULES_DIR): { groups: RuleGroup[]; sources: string[] } | undefined {
  if (!existsSync(dir)) return undefined;
  const groups: RuleGroup[] = [];
  const sources: string[] = [];
  for (const file of yamlFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const o = doc.toJS() as { groups?: RuleGroup[]; kind?: string; spec?: { groups?: RuleGroup[] }; tests?: unknown } | null;
      const found = o?.tests !== undefined ? undefined : o?.kind === 'PrometheusRule' ? o.spec?.groups : o?.groups;
      if (!Array.isArray(found) || found.length === 0) continue;
      groups.push(...found);
      const source = relative(REPO, file);
      if (!sources.includes(source)) sources.push(source);
    }
  }
  return { groups, sources };
}

/** The chart's copy as it should read, or undefined when deploy/prometheus/ has no rules. */
export function renderChartRules(dir = RULES_DIR): string | undefined {
  const found = ruleGroups(dir);
  if (!found || found.groups.length === 0) return undefined;
  const header = `# Generated from ${found.sources.join(', ')} by scripts/chart-prometheus-rules.ts. Do not edit:\n# change deploy/prometheus/ and run the script again.\n`;
  return header + stringify({ groups: found.groups }, { lineWidth: 0 });
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const want = renderChartRules();
  const have = existsSync(CHART_RULES) ? readFileSync(CHART_RULES, 'utf8') : undefined;
  if (process.argv.includes('--check')) {
    if (want !== have) {
      console.error(`${relative(REPO, CHART_RULES)} is out of date: run npx tsx scripts/chart-prometheus-rules.ts`);
      process.exit(1);
    }
    console.log(`${relative(REPO, CHART_RULES)} is up to date`);
  } else if (want === undefined) {
    rmSync(CHART_RULES, { force: true });
    console.log(`no rules in ${relative(REPO, RULES_DIR)}/: the chart has none (prometheusRule.enabled fails with that message)`);
  } else {
    writeFileSync(CHART_RULES, want);
    console.log(`wrote ${relative(REPO, CHART_RULES)}`);
  }
}
