// The controller's work queue, with client-go's semantics: level-based and keyed (a key queued twice
// is queued once), at most one reconcile in flight per key (a key added while in flight is queued
// again when it is done), and rate-limited requeues: per-key exponential backoff, reset by forget(),
// combined with an overall token bucket so a storm of failures cannot flood AWS.
import { realClock, type Clock } from '../util/clock.js';
import { TokenBucket, type BucketSpec } from '../util/token-bucket.js';

export interface WorkQueueOptions {
  /** First retry delay of a failing key; doubles per failure. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Overall requeue rate (client-go's default: 10/s, burst 100). */
  overall?: BucketSpec;
  clock?: Clock;
  /** Called as a worker takes a key, with how long it waited in the queue (ms), for the metrics. */
  onTaken?: (waitedMs: number) => void;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  /** Keys waiting, with when they were queued (a delayed key counts from when its delay ended, as in client-go). */
  private readonly queued = new Map<string, number>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private readonly overall: TokenBucket;
  private readonly clock: Clock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onTaken: ((waitedMs: number) => void) | undefined;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
    this.overall = new TokenBucket(options.overall ?? { rate: 10, burst: 100 }, this.clock);
    this.onTaken = options.onTaken;
  }

  /** Queues a key now (deduplicated). */
  add(key: string): void {
    if (this.shuttingDown) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.processing.add(key);
      this.onTaken?.(0);
      waiter(key);
      return;
    }
    this.queued.set(key, this.clock.now());
    this.queue.push(key);
  }

  /** Queues a key after a delay; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.clock.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** The delay the next rate-limited requeue of `key` would get. */
  backoffFor(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** failures);
  }

  /** Requeues a failed key after its backoff (and no sooner than the overall limit allows). */
  addRateLimited(key: string): number {
    const perKey = this.backoffFor(key);
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    const delay = Math.max(perKey, this.overall.reserve());
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears a key's failure count (after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to work on; undefined once the queue is shut down. Call done(key) when finished. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      const since = this.queued.get(key) ?? this.clock.now();
      this.queued.delete(key);
      this.processing.add(key);
      this.onTaken?.(this.clock.now() - since);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Keys waiting (not counting those in flight or delayed). */
  get length(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
