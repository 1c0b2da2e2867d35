// AWS calls by operation and outcome, and the rate limiter's waits: what the benchmarks count and
// /metrics exports (observability/metrics.ts).
import type { ErrorClass } from './errors.js';

export type CallOutcome = 'ok' | ErrorClass;

export interface CallRecord {
  operation: string;
  outcome: CallOutcome;
  ms: number;
  /** The AwsAccount (default: the operator's own identity) and region of the call. */
  account?: string;
  region?: string;
}

export interface CallMetrics {
  record: (call: CallRecord) => void;
  /** How long a call waited for the rate limiter; `bucket`: its operation's own quota, or 'account'. */
  waited?: (bucket: string, ms: number, where?: { account: string; region: string }) => void;
  /** The first caller for an account and region was made. */
  opened?: (where: { account: string; region: string }) => void;
}

/** Counts calls in memory; `snapshot()` for tests and benchmarks. */
export class CallCounter implements CallMetrics {
  private readonly counts = new Map<string, number>();
  total = 0;

  record(call: CallRecord): void {
    const key = `${call.operation} ${call.outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total += 1;
  }

  /** Calls by "Operation outcome", sorted. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  count(operation: string, outcome: CallOutcome = 'ok'): number {
    return this.counts.get(`${operation} ${outcome}`) ?? 0;
  }

  reset(): void {
    this.counts.clear();
    this.total = 0;
  }
}
