// Client-side rate limiting: a call waits for a token from the account-wide bucket and from its
// operation's bucket, so the operator stays under API Gateway's quotas instead of collecting 429s.
import { realClock, type Clock } from '../util/clock.js';
import { takeBoth, TokenBucket, type BucketSpec } from '../util/token-bucket.js';
import { ACCOUNT_BUCKET, OPERATION_BUCKETS } from './quotas.js';

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
    this.specs = { ...OPERATION_BUCKETS, ...options.operations };
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
