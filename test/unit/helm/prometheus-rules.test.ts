// The chart's PrometheusRule is deploy/prometheus/'s rules, exactly: its copy under the chart
// (files/prometheus-rules.yaml, made by scripts/chart-prometheus-rules.ts) is what the script would
// write now, and helm renders those groups unchanged, Prometheus's own {{ }} templates included; and
// the real promtool loads what helm rendered and passes deploy/prometheus/tests/ on it.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../../../scripts/testenv/run.js';
import { CHART_RULES, RULES_DIR, renderChartRules, ruleGroups } from '../../../scripts/chart-prometheus-rules.js';
import { helmFor, renderChart } from '../../support/helm.js';
import { ensurePrometheus } from '../../support/prometheus.js';

const home = mkdtempSync(join(tmpdir(), 'restpath-helm-rules-'));
const helm = helmFor(home);
afterAll(() => rmSync(home, { recursive: true, force: true }));
const BUILD_MS = 15 * 60_000; // the first helm call may build it

describe('the chart\'s PrometheusRule', () => {
  it('deploy/prometheus/ has rules to copy', () => {
    expect(existsSync(RULES_DIR), `${RULES_DIR} is missing`).toBe(true);
    expect(ruleGroups()?.groups.length).toBeGreaterThan(0);
  });

  it('copies deploy/prometheus/ as the script writes it (run npx tsx scripts/chart-prometheus-rules.ts after changing the rules)', () => {
    const have = existsSync(CHART_RULES) ? readFileSync(CHART_RULES, 'utf8') : undefined;
    expect(have).toBe(renderChartRules());
  });

  it('renders exactly deploy/prometheus/\'s groups, with their Prometheus templates intact', async () => {
    const objects = await renderChart(helm, 'restpath-operator', 'restpath-system', ['--set', 'prometheusRule.enabled=true', '--set', 'prometheusRule.labels.release=monitoring']);
    const rule = objects.find((o) => o.kind === 'PrometheusRule') as { metadata: { labels: Record<string, string> }; spec: { groups: unknown[] } } | undefined;
    expect(rule?.spec.groups).toEqual(ruleGroups()?.groups);
    expect(rule?.metadata.labels.release).toBe('monitoring');
    // Helm must not have evaluated (or choked on) the alerts' {{ $labels.x }} / {{ $value }}.
    const annotations = JSON.stringify(rule?.spec.groups);
    const templated = JSON.stringify(ruleGroups()?.groups).match(/\{\{[^}]*\}\}/g) ?? [];
    for (const t of templated) expect(annotations).toContain(t);
  }, BUILD_MS);

  it('is rules promtool loads, and deploy/prometheus/tests/ pass on the groups as helm rendered them', async () => {
    await ensurePrometheus();
    const objects = await renderChart(helm, 'restpath-operator', 'restpath-system', ['--set', 'prometheusRule.enabled=true']);
    const groups = (objects.find((o) => o.kind === 'PrometheusRule') as { spec: { groups: unknown[] } } | undefined)?.spec.groups;
    // In place of the rule file the tests name (rule_files: [../restpath-operator.rules.yaml]).
    const dir = mkdtempSync(join(tmpdir(), 'restpath-chart-rules-'));
    try {
      cpSync(join(RULES_DIR, 'tests'), join(dir, 'tests'), { recursive: true });
      writeFileSync(join(dir, 'restpath-operator.rules.yaml'), stringify({ groups }));
      const check = await run('promtool', ['check', 'rules', join(dir, 'restpath-operator.rules.yaml')]);
      expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
      const tests = await run('promtool', ['test', 'rules', ...readdirSync(join(dir, 'tests')).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, 'tests', f))]);
      expect(tests.code, `${tests.stdout}${tests.stderr}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, BUILD_MS);

  it('is not rendered unless enabled (it needs the Prometheus Operator\'s CRDs)', async () => {
    const objects = await renderChart(helm, 'restpath-operator', 'restpath-system');
    expect(objects.map((o) => o.kind)).not.toContain('PrometheusRule');
  }, BUILD_MS);
});

describe('scripts/chart-prometheus-rules.ts', () => {
  it('takes rule files and PrometheusRule manifests, and leaves promtool test files out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'restpath-rules-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), 'groups:\n  - name: a\n    rules:\n      - record: x:y\n        expr: sum(up)\n');
      writeFileSync(join(dir, 'b.yaml'), 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: { name: b }\nspec:\n  groups:\n    - name: b\n      rules: [{ alert: B, expr: up == 0 }]\n');
      writeFileSync(join(dir, 'a.test.yaml'), 'rule_files: [a.yaml]\ntests:\n  - input_series: []\n');
      expect(ruleGroups(dir)?.groups.map((g) => g.name)).toEqual(['a', 'b']);
      expect(renderChartRules(dir)).toContain('groups:\n  - name: a\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
