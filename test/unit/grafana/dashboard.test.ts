// The Grafana dashboard's shape: a recent schema, the Prometheus data source as the `datasource`
// variable everywhere (so it imports into any Grafana), panels that do not overlap, one panel per topic
// the operator's users watch, and queries that read only metrics docs/metrics.md documents.
// test/e2e/prometheus.test.ts runs every query against a real Prometheus and wants data back.
import { describe, expect, it } from 'vitest';
import { dashboard, documentedMetrics } from '../../support/prometheus.js';

const d = dashboard();
const targets = d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

describe('deploy/grafana/restpath-operator.json', () => {
  it('is a recent schema with the data source as a variable of type prometheus, used by every panel and query', () => {
    expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(d.uid).toBe('restpath-operator');
    expect(d.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of d.panels) expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    for (const t of targets) expect(t.datasource, t.panel).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });

  it('has unique panel ids and a grid without overlaps, 24 columns wide', () => {
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    const cells = new Set<string>();
    for (const p of d.panels) {
      const g = p.gridPos;
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
        expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  });

  it('has a panel for each topic', () => {
    const titles = d.panels.map((p) => p.title);
    for (const topic of [/^Reconciles by kind and result$/, /^Work queue depth$/, /^Work queue wait/, /^AWS calls by operation/, /^AWS 429s by operation$/, /^Rate limiter wait/, /^Spec change to served/, /^Stages pending deployment$/, /^Objects by Ready reason$/, /^Drift corrections$/, /^Leader$/]) {
      expect(titles.some((t) => topic.test(t)), String(topic)).toBe(true);
    }
  });

  it('queries only documented metrics, filtered by the job variable, and combines the per-replica gauges with max', () => {
    const documented = documentedMetrics();
    for (const t of targets) {
      const names = [...t.expr.matchAll(/\b(restpath_[a-z_]+)\{/g)].map((m) => m[1]!);
      expect(names.length, t.panel).toBeGreaterThan(0);
      for (const name of names) {
        expect(documented.has(name.replace(/_(bucket|sum|count)$/, '')), `${t.panel}: ${name}`).toBe(true);
        expect(t.expr, t.panel).toContain(`${name}{job=~"$job"`);
      }
      if (/restpath_(objects|stages_pending|stage_pending)/.test(t.expr)) expect(t.expr, t.panel).toMatch(/^max by/);
    }
  });
});
