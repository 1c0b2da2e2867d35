// Prometheus metrics: reconciles by kind and result, their duration, the work queue's depth, and
// AWS calls by operation and outcome (fed by the one AWS client layer).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallMetrics, CallRecord } from '../aws/metrics.js';

export class OperatorMetrics implements CallMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({ name: 'restpath_reconciles_total', help: 'Reconciles by kind and result (done, retry, terminal).', labelNames: ['kind', 'result'], registers: [this.registry] });
  readonly reconcileSeconds = new Histogram({ name: 'restpath_reconcile_duration_seconds', help: 'Duration of one reconcile.', labelNames: ['kind'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'restpath_workqueue_depth', help: 'Keys waiting in the work queue.', registers: [this.registry] });
  readonly awsCalls = new Counter({ name: 'restpath_aws_calls_total', help: 'AWS calls (each attempt) by operation and outcome.', labelNames: ['operation', 'outcome'], registers: [this.registry] });
  readonly awsSeconds = new Histogram({ name: 'restpath_aws_call_duration_seconds', help: 'Duration of AWS calls.', labelNames: ['operation'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'restpath_' });
  }

  record(call: CallRecord): void {
    this.awsCalls.inc({ operation: call.operation, outcome: call.outcome });
    this.awsSeconds.observe({ operation: call.operation }, call.ms / 1000);
  }
}
