// A real Prometheus (Debian's package) scrapes the operator, which runs as a process behind the quota
// proxy with an account quota far below the operator's own limiter, so AWS answers 429s. It loads the
// operator's rules. The throttling alert's expression must return a value (and the alert be pending),
// the 429s the operator counts must be the ones the proxy sent, every metric docs/metrics.md
// documents must be in a scrape and in Prometheus, and every panel query of the Grafana dashboard must
// return data. Along the way: a change served by an Automatic stage, a Manual stage pending until the
// deploy annotation changes, a drift corrected at a resync and a RestPath that cannot be Ready.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { freePort } from '../../scripts/testenv/ports.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { sampleSum } from '../support/metrics-text.js';
import { MANIFEST_HEADER, mockPathYaml, objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { asSent, dashboard, documentedMetrics, RULES_FILE, startPrometheus, type RunningPrometheus, type Sample } from '../support/prometheus.js';
import { QuotaProxy } from '../support/quota-proxy.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'prom');
const JOB = 'restpath-operator';
let proxy: QuotaProxy;
let operator: RunningOperator;
let prometheus: RunningPrometheus;
let metricsUrl: string;
const logs = () => `operator log:\n${operator?.logs() ?? ''}\nprometheus log:\n${prometheus?.logs() ?? ''}`;
const { apply, waitFor, until: untilObject, get } = objectsIn(kubectl, namespace, logs);
const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000) => untilObject(what, probe, timeoutMs);

/** A query's samples once it returns at least one with a finite value (NaN is no data). */
const withData = (expr: string, timeoutMs?: number) =>
  until(`data for ${expr}`, async () => {
    const samples = await prometheus.query(expr);
    return samples.some((s) => Number.isFinite(Number(s.value[1]))) ? samples : undefined;
  }, timeoutMs);
const value = (samples: Sample[]) => Number(samples[0]?.value[1]);
/** Waits for a query's first value to reach `n`. */
const reaches = (expr: string, n: number) => until(`${expr} >= ${n}`, async () => (value(await prometheus.query(expr)) >= n ? true : undefined));

const api = (deploy?: string) => `${MANIFEST_HEADER}
kind: RestApi
metadata: { name: shop${deploy ? `, annotations: { restpath.dev/deploy: "${deploy}" }` : ''} }
spec:
  stages: [{ name: dev, deployment: Automatic }, { name: prod, deployment: Manual }]
`;
const PATHS = ['catalog', 'orders', 'carts', 'users', 'reviews', 'search'];

beforeAll(async () => {
  // The account's quota at a third of what the operator's limiter allows (10/s, burst 40): 429s.
  proxy = await QuotaProxy.start({ target: inject('awsEndpoint'), account: { rate: 3, burst: 5 } });
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  operator = await startOperator(['--namespaces', namespace(), '--health-port', String(port), '--resync', '15s'], undefined, proxy.endpoint);
  prometheus = await startPrometheus([`127.0.0.1:${port}`], JOB);
}, 6 * 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await operator?.stop();
  await proxy?.close();
});

describe('Prometheus scraping the operator while AWS throttles', { timeout: 300_000 }, () => {
  it('loads the operator\'s rules and scrapes its target', async () => {
    const { groups } = await prometheus.get<{ groups: { name: string; rules: { name: string; health: string }[] }[] }>('/api/v1/rules');
    const want = (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: { alert?: string; record?: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.alert ?? r.record));
    expect(groups.flatMap((g) => g.rules.map((r) => r.name)).sort()).toEqual([...want].sort());
    await until('the operator up in Prometheus', async () => (value(await prometheus.query(`up{job="${JOB}"}`)) === 1 ? true : undefined));
  });

  it('converges under throttling; the 429s are counted as the proxy sent them, and the throttling alert\'s expression returns a value', async () => {
    await apply(api());
    for (const p of PATHS) await apply(mockPathYaml(p, 'shop', `/${p}`));
    // Cannot be Ready: its RestApi does not exist (Reconciling, then Stalled after the grace period).
    await apply(mockPathYaml('orphan', 'missing', '/orphan'));
    await waitFor('restapi/shop', 'Ready', 'True', undefined, 180_000);
    for (const p of PATHS) await waitFor(`restpath/${p}`, 'Ready', 'True', undefined, 120_000);
    await waitFor('restpath/orphan', 'Ready', 'False', 'RestApiNotFound');
    expect(proxy.total('throttled')).toBeGreaterThan(0);

    // Every 429 the proxy sent is one the operator counted (it is the proxy's only client).
    await until('restpath_aws_calls_total{outcome="throttled"} equal to the proxy\'s 429s', async () => {
      const text = await (await fetch(metricsUrl)).text();
      const counted = sampleSum(text, 'restpath_aws_calls_total', { outcome: 'throttled' });
      return counted === proxy.total('throttled') ? counted : undefined;
    });

    const alert = (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules).find((r) => r.alert === 'RestpathAwsThrottled')!;
    const firing = await withData(alert.expr);
    expect(firing.map((s) => s.metric.operation)).not.toContain(undefined);
    expect(value(firing)).toBeGreaterThan(0.1);
    // Prometheus evaluates the rule itself: the alert is pending (it fires after 15 minutes of this).
    const pending = await withData(`ALERTS{alertname="RestpathAwsThrottled",alertstate="pending"}`);
    expect(pending[0]?.metric.severity).toBe('warning');
  });

  it('observes spec change to served for the Automatic stage, and the Manual stage pending until restpath.dev/deploy changes', async () => {
    const before = await get<{ stages?: { name: string; deploymentId?: string }[] }>('restapi/shop');
    await apply(mockPathYaml('orders', 'shop', '/orders', { body: '{"v":2}' }));
    await until('stage dev redeployed', async () => {
      const now = await get<{ stages?: { name: string; deploymentId?: string }[] }>('restapi/shop');
      const id = (o: typeof now) => o.status?.stages?.find((s) => s.name === 'dev')?.deploymentId;
      return id(now) && id(now) !== id(before) ? true : undefined;
    });
    await reaches(`restpath_change_to_served_seconds_count{deployment="Automatic"}`, 1);
    await until('one Manual stage pending', async () => (value(await prometheus.query(`restpath_stages_pending_deployment{deployment="Manual"}`)) === 1 ? true : undefined));

    await apply(api('release-1'));
    await until('stage prod deployed for release-1', async () => {
      const o = await get<{ stages?: { name: string; deployedAnnotation?: string }[] }>('restapi/shop');
      return o.status?.stages?.find((s) => s.name === 'prod')?.deployedAnnotation === 'release-1' ? true : undefined;
    });
    await reaches(`restpath_change_to_served_seconds_count{deployment="Manual"}`, 1);
    // Both series existed (at zero) before their first deployment, so increase() counts that one too.
    await until('a finite p95 of spec change to served for both kinds of stage', async () => {
      const p95 = await prometheus.query(`histogram_quantile(0.95, sum by (le, deployment) (increase(restpath_change_to_served_seconds_bucket{job="${JOB}"}[1h])))`);
      return p95.filter((s) => Number.isFinite(Number(s.value[1]))).length === 2 ? p95 : undefined;
    });
    await until('no stage pending', async () => (value(await prometheus.query(`sum(restpath_stages_pending_deployment)`)) === 0 ? true : undefined));
  });

  it('counts a drift corrected at the next resync', async () => {
    const id = (await get<{ id?: string }>('restapi/shop')).status?.id ?? '';
    const resources = (await operator.aws(['apigateway', 'get-resources', '--rest-api-id', id])) as { items: { id: string; path: string }[] };
    const carts = resources.items.find((r) => r.path === '/carts')!;
    await operator.aws(['apigateway', 'delete-method', '--rest-api-id', id, '--resource-id', carts.id, '--http-method', 'GET']);
    await reaches(`restpath_drift_corrections_total{kind="RestApi"}`, 1);
  });

  it('serves every documented metric, and Prometheus has each of them', async () => {
    const text = await (await fetch(metricsUrl)).text();
    const stored = new Set((await prometheus.query(`group by (__name__) ({__name__=~"restpath_.+",job="${JOB}"})`)).map((s) => s.metric.__name__));
    for (const [name, { type }] of documentedMetrics()) {
      const sample = type === 'histogram' ? `${name}_bucket` : name;
      expect(text, name).toMatch(new RegExp(`^${sample}(\\{| )`, 'm'));
      await until(`${sample} in Prometheus`, async () => (stored.has(sample) || (await prometheus.query(`${sample}{job="${JOB}"}`)).length > 0 ? true : undefined));
    }
    // No object's name, namespace or id in any label, nor the access key id (the emulator's secret is the word "test").
    const id = (await get<{ id?: string }>('restapi/shop')).status?.id ?? '';
    for (const word of [namespace(), id, 'orphan', 'catalog', operator.account.accessKeyId]) expect(text).not.toContain(word);
    const outcomes = new Set([...text.matchAll(/^restpath_aws_calls_total\{[^}]*outcome="(\w+)"/gm)].map((m) => m[1]));
    expect([...outcomes].filter((o) => !['ok', 'throttled', 'transient', 'badRequest', 'quotaReached', 'conflict', 'notFound', 'terminal'].includes(o!))).toEqual([]);
    expect(outcomes).toContain('throttled');
  });

  it('every panel of the Grafana dashboard returns data', async () => {
    const d = dashboard();
    const jobs = await prometheus.get<string[]>(`/api/v1/label/job/values?match[]=restpath_leader`);
    expect(jobs).toContain(JOB);
    for (const panel of d.panels) {
      for (const target of panel.targets ?? []) {
        // $job as Grafana fills it from its variable; a rate window that spans this test's activity.
        const expr = asSent(target.expr, '10m').replaceAll('$job', JOB);
        const samples = await withData(expr, 60_000);
        expect(samples.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
      }
    }
  });
});
