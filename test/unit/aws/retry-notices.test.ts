// The caller tells the pass it runs in (and only that pass) about each call it retries; network
// errors are named by their code, and a bad request is not a retry.
import { describe, expect, it } from 'vitest';
import { AwsCaller } from '../../../src/aws/caller.js';
import { failureName, isNetworkError } from '../../../src/aws/errors.js';
import { withRetryListener, type RetryNotice } from '../../../src/aws/retry-notices.js';
import type { Clock } from '../../../src/util/clock.js';

const clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };
const awsError = (name: string, status: number) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });

/** A send that fails with each of `errors` in turn, then answers "ok". */
const failing = (errors: Error[]) => () => {
  const e = errors.shift();
  return e ? Promise.reject(e) : Promise.resolve('ok');
};

describe('retry notices', () => {
  it('reach the listener of the pass the call runs in, not another running at the same time', async () => {
    const caller = new AwsCaller({ clock, retry: { retries: 3, minDelayMs: 1, maxDelayMs: 1 } });
    const a: RetryNotice[] = [];
    const b: RetryNotice[] = [];
    await Promise.all([
      withRetryListener((n) => a.push(n), () => caller.call('PutMethod', failing([awsError('ServiceUnavailableException', 503), refused()]))),
      withRetryListener((n) => b.push(n), () => caller.call('CreateResource', failing([awsError('TooManyRequestsException', 429)]))),
    ]);
    expect(a).toEqual([
      { operation: 'PutMethod', error: 'ServiceUnavailableException', kind: 'transient', network: false },
      { operation: 'PutMethod', error: 'ECONNREFUSED', kind: 'transient', network: true },
    ]);
    expect(b).toEqual([{ operation: 'CreateResource', error: 'TooManyRequestsException', kind: 'throttled', network: false }]);
  });

  it('are not sent for a refusal (no retry) nor outside a pass', async () => {
    const caller = new AwsCaller({ clock, retry: { retries: 3, minDelayMs: 1, maxDelayMs: 1 } });
    const seen: RetryNotice[] = [];
    await expect(withRetryListener((n) => seen.push(n), () => caller.call('PutMethod', failing([awsError('BadRequestException', 400)])))).rejects.toThrow(/BadRequest/);
    expect(seen).toEqual([]);
    await expect(caller.call('PutMethod', failing([awsError('InternalFailure', 500)]))).resolves.toBe('ok');
  });

  it('name network errors by their code, AWS errors by their name', () => {
    expect([isNetworkError(refused()), failureName(refused())]).toEqual([true, 'ECONNREFUSED']);
    expect(failureName(new Error('socket hang up'))).toBe('ECONNRESET');
    expect([isNetworkError(awsError('InternalFailure', 500)), failureName(awsError('InternalFailure', 500))]).toEqual([false, 'InternalFailure']);
  });
});
