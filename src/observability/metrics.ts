// Prometheus metrics (docs/metrics.md): reconciles by kind and result, the work queue, AWS calls by
// operation and outcome (fed by the one AWS client layer), the rate limiter's waits, time from change
// to served, drift corrections, leadership, and gauges of the objects computed from the informer
// caches at scrape time. No label names an object, a namespace or an id: every label has a fixed set of
// values, so the series count does not grow with what users apply. Secrets never reach a metric: only
// counts, durations and the fixed labels are recorded.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallMetrics, CallRecord } from '../aws/metrics.js';
import { OPERATION_BUCKETS } from '../aws/quotas.js';
import type { Outcome } from '../controllers/context.js';
import type { EventSink, ReconcileMetrics } from '../controllers/ports.js';
import type { EventInput } from '../kube/events.js';
import { summarize, type CachedObjects, type ObjectsSummary } from './objects.js';

/** What the scrape-time gauges read: the manager's caches, queue and leadership. */
export interface MetricsSource {
  readonly isLeader: boolean;
  readonly queueDepth: number;
  cached(): CachedObjects;
}

/** Queue keys' kinds (a RestApi key covers its RestPaths) and the kinds Events are recorded on. */
export const RECONCILE_KINDS = ['RestApi', 'UsagePlan', 'DomainName', 'AwsAccount'] as const;
export const OBJECT_KINDS = ['RestApi', 'RestPath', 'UsagePlan'] as const;
export const RESULTS: readonly Outcome['kind'][] = ['done', 'retry', 'stalled'];

export class OperatorMetrics implements CallMetrics, ReconcileMetrics {
  readonly registry = new Registry();
  private source: MetricsSource | undefined;
  private summary: { at: number; value: ObjectsSummary } | undefined;

  readonly reconciles = new Counter({ name: 'restpath_reconciles_total', help: 'Reconciles by kind (RestApi: one pass over a REST API and its RestPaths; UsagePlan) and result: done, retry (failed, retried with backoff) or stalled (needs a person).', labelNames: ['kind', 'result'], registers: [this.registry] });
  readonly reconcileSeconds = new Histogram({ name: 'restpath_reconcile_duration_seconds', help: 'Duration of one reconcile, by kind.', labelNames: ['kind'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers: [this.registry] });
  readonly queueSeconds = new Histogram({ name: 'restpath_workqueue_queue_duration_seconds', help: 'How long a key waited in the work queue before a worker took it (a debounced or backed-off key counts from when its delay ended).', buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300], registers: [this.registry] });
  readonly awsCalls = new Counter({ name: 'restpath_aws_calls_total', help: 'AWS calls (each attempt) by operation, outcome (ok, throttled: a 429, transient, credentials: refused as expired or invalid, badRequest, quotaReached, conflict, notFound, terminal), account (the AwsAccount, or default: the operator\'s own identity) and region.', labelNames: ['operation', 'outcome', 'account', 'region'], registers: [this.registry] });
  readonly awsSeconds = new Histogram({ name: 'restpath_aws_call_duration_seconds', help: 'Duration of AWS calls (each attempt), by operation, account and region.', labelNames: ['operation', 'account', 'region'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry] });
  readonly limiterSeconds = new Histogram({ name: 'restpath_aws_rate_limiter_wait_seconds', help: 'How long an AWS call waited for the client-side rate limiter of its account and region, by bucket: the operation for those with a quota of their own, else account.', labelNames: ['bucket', 'account', 'region'], buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120], registers: [this.registry] });
  readonly servedSeconds = new Histogram({ name: 'restpath_change_to_served_seconds', help: 'From the oldest change to a REST API (status.changedAt of it or a RestPath) that a stage did not serve to the deployment that serves it, by the stage\'s deployment (Automatic, Manual).', labelNames: ['deployment'], buckets: [1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400, 604800], registers: [this.registry] });
  readonly driftCorrections = new Counter({ name: 'restpath_drift_corrections_total', help: 'Passes that found AWS different from a settled spec (or a REST API or usage plan deleted outside the operator) and restored it, by the kind of object.', labelNames: ['kind'], registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'restpath_' });
    // The gauges' collect() runs with the gauge as `this`; these arrows reach the source and the summary.
    const source = () => this.source;
    const objects = () => this.objects();
    // Zero from the start, so rate() and increase() see the first event (a series that appears with
    // its first observation starts at 1, and increase() cannot count it) and every series is there to graph.
    for (const kind of RECONCILE_KINDS) {
      for (const result of RESULTS) this.reconciles.inc({ kind, result }, 0);
      this.reconcileSeconds.zero({ kind });
      this.driftCorrections.inc({ kind }, 0);
    }
    for (const deployment of ['Automatic', 'Manual']) this.servedSeconds.zero({ deployment });
    new Gauge({ name: 'restpath_leader', help: '1 while this replica is the leader and reconciles (always 1 without --leader-elect once started), else 0.', registers: [this.registry], collect() { this.set(source()?.isLeader ? 1 : 0); } });
    new Gauge({ name: 'restpath_workqueue_depth', help: 'Keys waiting in the work queue (not counting those in flight or delayed).', registers: [this.registry], collect() { this.set(source()?.queueDepth ?? 0); } });
    new Gauge({
      name: 'restpath_objects', help: 'Objects in the informer caches by kind and their Ready condition: ready (True, False, Unknown) and reason (NotReconciledYet before the operator wrote one, Other for an unknown error name).', labelNames: ['kind', 'ready', 'reason'], registers: [this.registry],
      collect() {
        this.reset();
        for (const r of objects()?.byReady ?? []) this.set({ kind: r.kind, ready: r.ready, reason: r.reason }, r.count);
      },
    });
    new Gauge({
      name: 'restpath_objects_not_ready_longest_seconds', help: 'For each kind and reason of objects not Ready: how long the one waiting longest has been not Ready (from its Ready condition\'s lastTransitionTime, or its creation).', labelNames: ['kind', 'reason'], registers: [this.registry],
      collect() {
        this.reset();
        for (const r of objects()?.notReadyLongest ?? []) this.set({ kind: r.kind, reason: r.reason }, r.seconds);
      },
    });
    new Gauge({
      name: 'restpath_stages_pending_deployment', help: 'Stages that do not serve the latest change to their REST API, by deployment: Manual stages wait for the restpath.dev/deploy annotation; an Automatic one is behind only while its deployment fails.', labelNames: ['deployment'], registers: [this.registry],
      collect() {
        const pending = objects()?.pendingStages;
        for (const d of ['Automatic', 'Manual'] as const) this.set({ deployment: d }, pending?.[d].count ?? 0);
      },
    });
    new Gauge({
      name: 'restpath_stage_pending_deployment_longest_seconds', help: 'For the stage behind longest, by deployment: how old the oldest change it does not serve is (0: none is behind).', labelNames: ['deployment'], registers: [this.registry],
      collect() {
        const pending = objects()?.pendingStages;
        for (const d of ['Automatic', 'Manual'] as const) this.set({ deployment: d }, pending?.[d].longestSeconds ?? 0);
      },
    });
  }

  /** Where the scrape-time gauges read from (the manager, once it exists). */
  watch(source: MetricsSource): void {
    this.source = source;
  }

  /** One summary of the caches per scrape: the four gauges that read it are collected together. */
  private objects(): ObjectsSummary | undefined {
    if (!this.source) return undefined;
    const now = Date.now();
    if (!this.summary || now - this.summary.at > 1000) this.summary = { at: now, value: summarize(this.source.cached(), now) };
    return this.summary.value;
  }

  record(call: CallRecord): void {
    const where = { account: call.account ?? 'default', region: call.region ?? '' };
    this.awsCalls.inc({ operation: call.operation, outcome: call.outcome, ...where });
    this.awsSeconds.observe({ operation: call.operation, ...where }, call.ms / 1000);
  }

  /** A new account and region to call: its rate limiter's series start at zero (rate() sees the first wait). */
  opened(where: { account: string; region: string }): void {
    for (const bucket of ['account', ...Object.keys(OPERATION_BUCKETS)]) this.limiterSeconds.zero({ bucket, ...where });
  }

  waited(bucket: string, ms: number, where?: { account: string; region: string }): void {
    this.limiterSeconds.observe({ bucket, account: where?.account ?? 'default', region: where?.region ?? '' }, ms / 1000);
  }

  served(deployment: 'Automatic' | 'Manual', seconds: number): void {
    this.servedSeconds.observe({ deployment }, seconds);
  }

  reconciled(kind: (typeof RECONCILE_KINDS)[number], result: Outcome['kind'], ms: number): void {
    this.reconciles.inc({ kind, result });
    this.reconcileSeconds.observe({ kind }, ms / 1000);
  }

  queueWait(ms: number): void {
    this.queueSeconds.observe(ms / 1000);
  }

  /** The Event sink, counting DriftCorrected Events by the kind of object they are on. */
  countingDrift(sink: EventSink): EventSink {
    return {
      record: (event: EventInput) => {
        if (event.reason === 'DriftCorrected' && (OBJECT_KINDS as readonly string[]).includes(event.regarding.kind)) this.driftCorrections.inc({ kind: event.regarding.kind });
        return sink.record(event);
      },
    };
  }
}
