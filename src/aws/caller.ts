// Every AWS call goes through AwsCaller.call(): it waits for the rate limiter, retries what can be
// retried (throttling honouring Retry-After, 5xx, dropped connections; never a bad request), records
// every attempt by operation and outcome, and turns a refusal (a bad request, an account quota
// reached) into an AwsRequestError carrying AWS's message for the status condition.
import pRetry from 'p-retry';
import { AwsRequestError, classifyError, errorName, failureName, isNetworkError, retryAfterMs } from './errors.js';
import type { CallMetrics } from './metrics.js';
import { RateLimiter } from './rate-limiter.js';
import { noticeRetry } from './retry-notices.js';
import { realClock, type Clock } from '../util/clock.js';

export interface RetryPolicy {
  /** Retries for transient errors (5xx, connection errors). Throttling does not use them up. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Give up on one call after this long, throttled or not. */
  maxRetryTimeMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, minDelayMs: 200, maxDelayMs: 10_000, maxRetryTimeMs: 5 * 60_000 };

export interface AwsCallerOptions {
  limiter?: RateLimiter;
  metrics?: CallMetrics;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /**
   * Credentials that can be renewed (an assumed role): called when AWS refuses them as expired or
   * invalid, and the call is tried again with new ones. Unset: such a refusal is final.
   */
  renewCredentials?: () => void;
  /** Labels of every call's metrics: the AwsAccount (or default) and region this caller works in. */
  where?: { account: string; region: string };
}

export class AwsCaller {
  readonly limiter: RateLimiter;
  private readonly metrics: CallMetrics | undefined;
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly renewCredentials: (() => void) | undefined;
  readonly where: { account: string; region: string } | undefined;

  constructor(options: AwsCallerOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.limiter = options.limiter ?? new RateLimiter({ clock: this.clock });
    this.metrics = options.metrics;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.renewCredentials = options.renewCredentials;
    this.where = options.where;
  }

  private retryable(error: unknown, resend: boolean): boolean {
    const kind = classifyError(error);
    return kind === 'throttled' || (kind === 'transient' && resend) || (kind === 'credentials' && this.renewCredentials !== undefined);
  }

  /**
   * `resend: false` for a create AWS does not make idempotent: a 5xx or a dropped connection may come
   * after AWS acted, so the caller does not send it again (ensure-created.ts looks first). A 429 or
   * refused credentials are retried: AWS did nothing then.
   */
  async call<T>(operation: string, send: () => Promise<T>, options: { resend?: boolean } = {}): Promise<T> {
    const resend = options.resend ?? true;
    try {
      return await pRetry(
        async () => {
          const waitedMs = await this.limiter.acquire(operation);
          this.metrics?.waited?.(this.limiter.bucketOf(operation), waitedMs, this.where);
          const started = this.clock.now();
          try {
            const result = await send();
            this.metrics?.record({ operation, outcome: 'ok', ms: this.clock.now() - started, ...this.where });
            return result;
          } catch (error) {
            this.metrics?.record({ operation, outcome: classifyError(error), ms: this.clock.now() - started, ...this.where });
            throw error;
          }
        },
        {
          retries: this.retry.retries,
          minTimeout: this.retry.minDelayMs,
          maxTimeout: this.retry.maxDelayMs,
          randomize: true,
          maxRetryTime: this.retry.maxRetryTimeMs,
          // Throttling is waited out (as long as AWS asks), not counted against the retry budget.
          onFailedAttempt: async ({ error }) => {
            if (classifyError(error) === 'credentials') this.renewCredentials?.();
            // The pass this call belongs to says so in its object's status while it lasts (retry-reporter.ts).
            if (this.retryable(error, resend)) noticeRetry({ operation, error: failureName(error), kind: classifyError(error), network: isNetworkError(error) });
            const wait = classifyError(error) === 'throttled' ? retryAfterMs(error) : undefined;
            if (wait !== undefined) await this.clock.sleep(wait);
          },
          shouldConsumeRetry: ({ error }) => classifyError(error) !== 'throttled',
          shouldRetry: ({ error }) => this.retryable(error, resend),
        },
      );
    } catch (error) {
      if (['badRequest', 'quotaReached'].includes(classifyError(error))) {
        throw new AwsRequestError(operation, errorName(error), (error as Error).message, { cause: error });
      }
      throw error;
    }
  }
}
