// The alert and recording rules with the real promtool (Debian's prometheus package): they load, their
// unit tests in deploy/prometheus/tests/ pass, and those tests matter: every alert has a case where
// it fires and one where it must not (an alert made to never fire, or to always fire, fails them).
// Also what a reader follows: each alert's annotations, its runbook section, docs/metrics.md's tables,
// and every metric an expression reads being one the operator documents.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { run } from '../../../scripts/testenv/run.js';
import { documentedMetrics, ensurePrometheus, RULE_TESTS_DIR, RULES_FILE } from '../../support/prometheus.js';

interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface RuleFile { groups: { name: string; rules: Rule[] }[] }
interface RuleTest { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }

const REPO = join(import.meta.dirname, '..', '..', '..');
const rules = parse(readFileSync(RULES_FILE, 'utf8')) as RuleFile;
const all = rules.groups.flatMap((g) => g.rules);
const alerts = all.filter((r): r is Rule & { alert: string } => r.alert !== undefined);
const testFiles = readdirSync(RULE_TESTS_DIR).filter((f) => f.endsWith('.yaml')).sort();
const INSTALL_MS = 5 * 60_000;

/** GitHub's anchor of a Markdown heading. */
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

/** `promtool test rules` on the tests, against `rulesText` instead of the real rules when given. */
async function promtoolTest(rulesText?: string, files = testFiles): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'restpath-rules-'));
  try {
    cpSync(RULE_TESTS_DIR, join(dir, 'tests'), { recursive: true });
    writeFileSync(join(dir, 'restpath-operator.rules.yaml'), rulesText ?? readFileSync(RULES_FILE, 'utf8'));
    const r = await run('promtool', ['test', 'rules', ...files.map((f) => join(dir, 'tests', f))]);
    return { code: r.code, out: `${r.stdout}\n${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rules with one alert's expression replaced. */
function withExpr(alert: string, expr: string): string {
  const copy = structuredClone(rules);
  for (const r of copy.groups.flatMap((g) => g.rules)) if (r.alert === alert) r.expr = expr;
  return stringify(copy);
}

beforeAll(() => ensurePrometheus(), INSTALL_MS);

describe('deploy/prometheus with promtool', () => {
  it('promtool check rules accepts the rules file', async () => {
    const r = await run('promtool', ['check', 'rules', RULES_FILE]);
    expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${all.length} rules found`);
    expect(r.code).toBe(0);
  });

  it('promtool test rules passes every test file', async () => {
    const r = await promtoolTest();
    expect(r.out).not.toContain('FAILED');
    expect(r.out.match(/SUCCESS/g)?.length).toBe(testFiles.length);
    expect(r.code).toBe(0);
  });

  it('every alert has a case where it fires and one where it must not', () => {
    const cases = testFiles.flatMap((f) => (parse(readFileSync(join(RULE_TESTS_DIR, f), 'utf8')) as { tests: RuleTest[] }).tests.flatMap((t) => t.alert_rule_test ?? []));
    for (const { alert } of alerts) {
      expect(cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0), `${alert} fires somewhere`).toBe(true);
      expect(cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0), `${alert} stays silent somewhere`).toBe(true);
    }
  });

  // An alert that never fires, or always does, must fail its tests: they really check both ways.
  for (const { alert } of alerts) {
    it(`${alert}: the tests fail when it never fires and when it always fires`, async () => {
      const files = testFiles.filter((f) => readFileSync(join(RULE_TESTS_DIR, f), 'utf8').includes(`alertname: ${alert}`));
      const never = await promtoolTest(withExpr(alert, 'vector(1) == 2'), files);
      expect(never.code, never.out).not.toBe(0);
      expect(never.out).toContain(`alertname: ${alert}`);
      const always = await promtoolTest(withExpr(alert, 'vector(1)'), files);
      expect(always.code, always.out).not.toBe(0);
      expect(always.out).toContain(`alertname: ${alert}`);
    });
  }
});

describe('what the alerts tell a reader', () => {
  const runbook = readFileSync(join(REPO, 'docs', 'runbook.md'), 'utf8');
  const headings = new Set([...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((m) => anchor(m[1]!)));
  const metricsDoc = readFileSync(join(REPO, 'docs', 'metrics.md'), 'utf8');

  it('every alert has a severity, summary, description and a runbook_url to its section of docs/runbook.md', () => {
    for (const a of alerts) {
      expect(['info', 'warning', 'critical'], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
      const url = a.annotations?.runbook_url ?? '';
      expect(url, a.alert).toMatch(/\/docs\/runbook\.md#[a-z0-9-]+$/);
      expect(headings, `${a.alert}: ${url}`).toContain(url.split('#')[1]);
      expect(url.split('#')[1]).toBe(anchor(a.alert));
    }
  });

  it('docs/metrics.md lists exactly these alerts and recording rules', () => {
    const table = (start: string) => [...metricsDoc.slice(metricsDoc.indexOf(start)).split('\n\n')[1]!.matchAll(/^\| \[?`([^`]+)`/gm)].map((m) => m[1]);
    expect(table('## Alerts').sort()).toEqual(alerts.map((a) => a.alert).sort());
    expect(table('## Recording rules').sort()).toEqual(all.filter((r) => r.record).map((r) => r.record).sort());
  });

  it('every metric an expression reads is one docs/metrics.md documents, or a recording rule', () => {
    const documented = documentedMetrics();
    const recorded = new Set(all.map((r) => r.record).filter(Boolean));
    for (const r of all) {
      for (const [name] of r.expr.matchAll(/\b(restpath[:_][a-z0-9_:]+)/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect(documented.has(base) || recorded.has(name), `${r.alert ?? r.record}: ${name}`).toBe(true);
      }
    }
  });
});
