// Token buckets, with the clock injected so tests need no sleeps. Generic: the AWS rate limiter, the
// quota proxy the tests run behind and the controller's work queue all use them.
import type { Clock } from './clock.js';

export interface BucketSpec {
  /** Tokens added per second. */
  rate: number;
  /** Bucket capacity. */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly spec: BucketSpec,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.tokens = spec.burst;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.spec.burst, this.tokens + ((now - this.last) / 1000) * this.spec.rate);
    this.last = now;
  }

  /** Takes a token if one is there; otherwise says how many ms until one will be. */
  tryTake(): { ok: true } | { ok: false; waitMs: number } {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.ceil(((1 - this.tokens) / this.spec.rate) * 1000) };
  }

  /**
   * Takes a token now or from the future: returns how long the caller must wait for it (0 when one
   * was there). Later reservations queue up behind earlier ones.
   */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.spec.rate) * 1000);
  }

  /** Puts a token back (a take that was not used because another bucket said wait). */
  giveBack(): void {
    this.tokens = Math.min(this.spec.burst, this.tokens + 1);
  }
}

/**
 * Takes one token from the operation's own bucket (if it has one) and one from the account's: both or
 * neither. Returns undefined when taken, else how many ms to wait. API Gateway's quotas work this way:
 * a call counts against its operation's quota and the account-wide one.
 */
export function takeBoth(own: TokenBucket | undefined, account: TokenBucket): number | undefined {
  const fromOwn = own ? own.tryTake() : ({ ok: true } as const);
  if (!fromOwn.ok) return fromOwn.waitMs;
  const fromAccount = account.tryTake();
  if (fromAccount.ok) return undefined;
  own?.giveBack();
  return fromAccount.waitMs;
}
