// Client-side rate limiting: a call waits for a token from the account-wide bucket and from its
// operation's bucket, so the operator stays under API Gateway's quotas instead of collecting 429s.
import { realClock, type Clock } from '../util/clock.js';
import { takeBoth, TokenBucket, type BucketSpec } from '../util/token-bucket.js';
import { ACCOUNT_BUCKET, OPERATION_BUCKETS } from './quotas.js';

/**
 * Slack added to the interval of a one-token quota (CreateDeployment: 1 per 5 s). Two calls sent
 * exactly one interval apart can arrive closer together than that (the first one slower on the wire),
 * and AWS counts arrivals: without the slack such a pair meets a 429.
 */
export const SINGLE_TOKEN_SLACK_MS = 250;

/** AWS's quota as the client spends it: a one-token bucket a little slower, every other one as it is. */
export function clientSide(spec: BucketSpec): BucketSpec {
  return spec.burst === 1 ? { rate: 1 / (1 / spec.rate + SINGLE_TOKEN_SLACK_MS / 1000), burst: 1 } : spec;
}

export interface RateLimiterOptions {
  account?: BucketSpec;
  operations?: Record<string, BucketSpec>;
  clock?: Clock;
}

export class RateLimiter {
  private readonly account: TokenBucket;
  private readonly operations = new Map<string, TokenBucket>();
  private readonly specs: Record<string, BucketSpec>;
  private readonly clock: Clock;

  constructor(options: RateLimiterOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.account = new TokenBucket(options.account ?? ACCOUNT_BUCKET, this.clock);
    this.specs = { ...Object.fromEntries(Object.entries(OPERATION_BUCKETS).map(([name, spec]) => [name, clientSide(spec)])), ...options.operations };
  }

  private bucketFor(operation: string): TokenBucket | undefined {
    const spec = this.specs[operation];
    if (!spec) return undefined;
    let bucket = this.operations.get(operation);
    if (!bucket) this.operations.set(operation, (bucket = new TokenBucket(spec, this.clock)));
    return bucket;
  }

  /**
   * The quota a call counts against besides the account's: its operation's own, or none ('account').
   * Bounded (the quota table's operations), so the metrics can label waits by it.
   */
  bucketOf(operation: string): string {
    return this.specs[operation] ? operation : 'account';
  }

  /**
   * Resolves when `operation` may be called, with the milliseconds it waited. Each caller waits on its
   * own, so a call behind a slow bucket (CreateDeployment: 1 per 5 s) never holds up calls to other
   * operations.
   */
  async acquire(operation: string): Promise<number> {
    const own = this.bucketFor(operation);
    const started = this.clock.now();
    for (let wait = takeBoth(own, this.account); wait !== undefined; wait = takeBoth(own, this.account)) {
      await this.clock.sleep(wait);
    }
    return this.clock.now() - started;
  }
}
