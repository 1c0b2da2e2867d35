// /metrics as Prometheus reads it: every metric docs/metrics.md documents is registered with the labels
// it lists (and nothing undocumented), the scrape-time gauges read the source, no object name,
// namespace or id ever reaches a label, and the feeds from the queue, the rate limiter and the Event
// sink record what they should.
import { describe, expect, it } from 'vitest';
import { AwsCaller } from '../../../src/aws/caller.js';
import { SINGLE_TOKEN_SLACK_MS } from '../../../src/aws/rate-limiter.js';
import type { EventInput } from '../../../src/kube/events.js';
import { WorkQueue } from '../../../src/kube/work-queue.js';
import { OperatorMetrics, type MetricsSource } from '../../../src/observability/metrics.js';
import type { Clock } from '../../../src/util/clock.js';
import { documentedMetrics } from '../../support/prometheus.js';

function fakeClock(): Clock & { t: number } {
  const clock = { t: 0, now: () => clock.t, sleep: (ms: number) => ((clock.t += ms), Promise.resolve()) };
  return clock;
}

const secretish = 'tenant-zeta-7f3k';
const source: MetricsSource = {
  isLeader: true,
  queueDepth: 3,
  cached: () => ({
    restApis: [{ apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'RestApi', metadata: { name: secretish, namespace: `${secretish}-ns`, creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { stages: [{ name: `${secretish}-stage`, deployment: 'Manual' }] }, status: { id: `${secretish}-id`, changedAt: '2026-01-02T00:00:00Z', stages: [{ name: `${secretish}-stage`, deployedAt: '2026-01-01T00:00:00Z' }], conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: secretish, lastTransitionTime: '2026-01-01T00:00:00Z' }] } }],
    restPaths: [{ apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'RestPath', metadata: { name: `${secretish}-path`, namespace: `${secretish}-ns` }, spec: { restApiRef: { name: secretish }, path: `/${secretish}`, methods: [] }, status: { conditions: [{ type: 'Ready', status: 'False', reason: `${secretish}Exception`, message: secretish, lastTransitionTime: '2026-01-01T00:00:00Z' }] } }],
    usagePlans: [],
    domainNames: [{ apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'DomainName', metadata: { name: `${secretish}-dn`, namespace: `${secretish}-ns`, creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { domainName: `${secretish}.example.com`, certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'CertificateDoesNotCover', message: secretish, lastTransitionTime: '2026-01-01T00:00:00Z' }] } }],
  }),
};

async function scrape(metrics: OperatorMetrics): Promise<string> {
  return metrics.registry.metrics();
}

describe('OperatorMetrics', () => {
  it('registers exactly the documented metrics, of the documented type and labels', async () => {
    const metrics = new OperatorMetrics(false);
    metrics.watch(source);
    const registered = (await metrics.registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
    const documented = documentedMetrics();
    expect(registered.map((m) => m.name).sort()).toEqual([...documented.keys()].sort());
    for (const m of registered) expect(m.type, m.name).toBe(documented.get(m.name)!.type);
    // Labels, as the exposition shows them once every metric has a value.
    metrics.record({ operation: 'GetResources', outcome: 'throttled', ms: 5 });
    metrics.waited('account', 20);
    metrics.served('Manual', 90);
    metrics.queueWait(3);
    metrics.reconciled('RestApi', 'done', 40);
    const text = await scrape(metrics);
    for (const [name, { labels }] of documented) {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name}_bucket{`) || l.startsWith(`${name} `));
      expect(line, name).toBeDefined();
      const used = [...(line!.match(/\{(.*)\}/)?.[1] ?? '').matchAll(/(\w+)="/g)].map((l) => l[1]).filter((l) => l !== 'le');
      expect(used.sort(), name).toEqual([...labels].sort());
    }
  });

  it('reads the source at scrape time and never exports an object name, namespace, id or message', async () => {
    const metrics = new OperatorMetrics();
    metrics.watch(source);
    const text = await scrape(metrics);
    expect(text).toContain('restpath_leader 1');
    expect(text).toContain('restpath_workqueue_depth 3');
    expect(text).toContain('restpath_objects{kind="RestApi",ready="True",reason="Ready"} 1');
    expect(text).toContain('restpath_objects{kind="RestPath",ready="False",reason="Other"} 1');
    expect(text).toContain('restpath_objects{kind="DomainName",ready="False",reason="CertificateDoesNotCover"} 1');
    expect(text).toContain('restpath_stages_pending_deployment{deployment="Manual"} 1');
    expect(text).not.toContain(secretish);
  });

  it('starts reconcile and drift counters at zero for every kind and result', async () => {
    const text = await scrape(new OperatorMetrics(false));
    for (const result of ['done', 'retry', 'stalled']) expect(text).toContain(`restpath_reconciles_total{kind="UsagePlan",result="${result}"} 0`);
    expect(text).toContain('restpath_drift_corrections_total{kind="RestApi"} 0');
    expect(text).toContain('restpath_leader 0');
  });

  it('the work queue reports how long a key waited before a worker took it', async () => {
    const clock = fakeClock();
    const waits: number[] = [];
    const q = new WorkQueue({ clock, onTaken: (ms) => waits.push(ms) });
    q.add('a');
    clock.t += 1500;
    await q.get();
    const waiting = q.get();
    q.add('b');
    await waiting;
    expect(waits).toEqual([1500, 0]);
  });

  it('AWS calls report their wait for the rate limiter by bucket: the operation with its own quota, else account', async () => {
    const clock = fakeClock();
    const waits: [string, number][] = [];
    const caller = new AwsCaller({ clock, metrics: { record: () => undefined, waited: (bucket, ms) => waits.push([bucket, ms]) } });
    for (let i = 0; i < 2; i++) await caller.call('CreateDeployment', () => Promise.resolve(1));
    await caller.call('PutMethod', () => Promise.resolve(1));
    // The one-token CreateDeployment bucket is spent with slack: two calls sent one interval apart can arrive closer than that.
    expect(waits).toEqual([['CreateDeployment', 0], ['CreateDeployment', 5000 + SINGLE_TOKEN_SLACK_MS], ['account', 0]]);
  });

  it('counts DriftCorrected Events by kind and passes every Event on', async () => {
    const metrics = new OperatorMetrics(false);
    const seen: EventInput[] = [];
    const sink = metrics.countingDrift({ record: (e) => (seen.push(e), Promise.resolve()) });
    const event = (kind: string, reason: string): EventInput => ({ regarding: { apiVersion: 'v1', kind, namespace: 'n', name: 'x' }, type: 'Warning', reason, action: 'Reconcile', note: '' });
    await sink.record(event('RestApi', 'DriftCorrected'));
    await sink.record(event('UsagePlan', 'DriftCorrected'));
    await sink.record(event('RestApi', 'Updated'));
    expect(seen).toHaveLength(3);
    const text = await scrape(metrics);
    expect(text).toContain('restpath_drift_corrections_total{kind="RestApi"} 1');
    expect(text).toContain('restpath_drift_corrections_total{kind="UsagePlan"} 1');
  });
});
