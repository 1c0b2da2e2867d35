// The client layer's policies with a fake clock: token buckets at API Gateway's quotas, which errors
// are retried (and how long throttling waits), and that a bad request or a quota reached surfaces at once.
import { describe, expect, it } from 'vitest';
import { AwsCaller } from '../../../src/aws/caller.js';
import { alreadyExists, AwsRequestError, classifyError, isGone, quotaReached } from '../../../src/aws/errors.js';
import { CallCounter } from '../../../src/aws/metrics.js';
import { minimumSeconds } from '../../../src/aws/quotas.js';
import { RateLimiter, SINGLE_TOKEN_SLACK_MS } from '../../../src/aws/rate-limiter.js';
import type { Clock } from '../../../src/util/clock.js';

/** A clock whose sleep advances time instantly and records the waits. */
function fakeClock(): Clock & { slept: number[]; t: number } {
  const clock = {
    t: 0,
    slept: [] as number[],
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.slept.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

const awsError = (name: string, status: number, extra: object = {}) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('rate limiter', () => {
  it('lets the account burst of 40 through, then 10 per second', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock });
    for (let i = 0; i < 60; i++) await limiter.acquire('PutMethod');
    expect(clock.t).toBeGreaterThanOrEqual(1900);
    expect(clock.t).toBeLessThanOrEqual(2100);
  });

  it('holds CreateDeployment to one every 5 seconds (and the slack), without holding up other operations', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock });
    for (let i = 0; i < 3; i++) await limiter.acquire('CreateDeployment');
    expect(clock.t).toBeCloseTo(2 * (5_000 + SINGLE_TOKEN_SLACK_MS), -1);
    const before = clock.t;
    await limiter.acquire('PutMethod');
    expect(clock.t).toBe(before);
  });

  it('computes T_min as aws-quotas.md does (300 paths x 3 calls: ~91 s)', () => {
    expect(minimumSeconds(300, 3)).toBeCloseTo(91, 0);
    expect(minimumSeconds(50, 3)).toBe(16);
  });
});

describe('error classification', () => {
  it.each([
    ['TooManyRequestsException', 429, 'throttled'],
    ['ServiceUnavailableException', 503, 'transient'],
    ['SyntaxError', 500, 'transient'],
    ['NotImplemented', 501, 'terminal'],
    ['InternalFailure', 501, 'terminal'],
    ['InternalFailure', 500, 'transient'],
    ['BadRequestException', 400, 'badRequest'],
    ['ConflictException', 409, 'conflict'],
    ['NotFoundException', 404, 'notFound'],
    ['UnauthorizedException', 403, 'terminal'],
    ['NoSuchEntityException', 404, 'notFound'],
    ['EntityAlreadyExistsException', 409, 'conflict'],
    ['MalformedPolicyDocumentException', 400, 'badRequest'],
    // IAM's account quotas (roles per account, policies per role): the wire code and the SDK's name.
    ['LimitExceeded', 409, 'quotaReached'],
    ['LimitExceededException', 409, 'quotaReached'],
  ])('%s (%i) is %s', (name, status, expected) => {
    expect(classifyError(awsError(name, status))).toBe(expected);
  });

  it('reads LimitExceededException as a rate limit only when AWS says when to retry; else as a quota reached', () => {
    expect(classifyError(awsError('LimitExceededException', 429, { retryAfterSeconds: '2' }))).toBe('throttled');
    expect(classifyError(awsError('LimitExceededException', 429))).toBe('quotaReached');
  });

  it.each([
    ['API Key limit exceeded', 'quotaReached'],
    ['Cannot create more usage plans: the limit of 300 per Region is exceeded', 'quotaReached'],
    ['You have exceeded the maximum number of API keys', 'quotaReached'],
    ['Maximum number of usage plans reached', 'quotaReached'],
    ['Invalid throttle: the burst limit must be a positive integer', 'badRequest'],
    ['Invalid HTTP endpoint specified for URI', 'badRequest'],
  ])('reads BadRequestException "%s" as %s', (message, expected) => {
    expect(classifyError(awsError('BadRequestException', 400, { message }))).toBe(expected);
  });

  it('classifies the caller\'s AwsRequestError as the refusal it wraps', () => {
    const quota = awsError('BadRequestException', 400, { message: 'API Key limit exceeded' });
    expect(classifyError(new AwsRequestError('CreateApiKey', 'BadRequestException', quota.message, { cause: quota }))).toBe('quotaReached');
    expect(classifyError(new AwsRequestError('CreateApiKey', 'LimitExceededException', 'too many keys'))).toBe('quotaReached');
    expect(classifyError(new AwsRequestError('PutIntegration', 'BadRequestException', 'Invalid HTTP endpoint specified for URI'))).toBe('badRequest');
  });

  it('answers gone, already there and quota reached from the same table', () => {
    expect(isGone(awsError('NotFoundException', 404))).toBe(true);
    expect(isGone(awsError('NoSuchEntity', 404))).toBe(true);
    expect(isGone(awsError('ConflictException', 409))).toBe(false);
    expect(alreadyExists(awsError('ConflictException', 409))).toBe(true);
    expect(alreadyExists(awsError('EntityAlreadyExists', 409))).toBe(true);
    expect(alreadyExists(awsError('NotFoundException', 404))).toBe(false);
    expect(quotaReached(awsError('LimitExceeded', 409))).toBe(true);
    expect(quotaReached(awsError('LimitExceededException', 429, { retryAfterSeconds: '1' }))).toBe(false);
    expect(quotaReached(awsError('BadRequestException', 400))).toBe(false);
  });

  it('treats dropped connections as transient', () => {
    expect(classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('transient');
  });
});

describe('AwsCaller', () => {
  it('waits out throttling as long as Retry-After says, without using up retries', async () => {
    const clock = fakeClock();
    const calls = new CallCounter();
    const caller = new AwsCaller({ clock, metrics: calls, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
    let attempts = 0;
    const result = await caller.call('PutMethod', () => {
      attempts += 1;
      if (attempts <= 4) return Promise.reject(awsError('TooManyRequestsException', 429, { retryAfterSeconds: '3' }));
      return Promise.resolve('done');
    });
    expect(result).toBe('done');
    expect(clock.slept.filter((ms) => ms === 3000)).toHaveLength(4);
    expect(calls.snapshot()).toEqual({ 'PutMethod ok': 1, 'PutMethod throttled': 4 });
  });

  it('retries 5xx a bounded number of times, then gives up with the error', async () => {
    const caller = new AwsCaller({ clock: fakeClock(), retry: { retries: 2, minDelayMs: 1, maxDelayMs: 1 } });
    let attempts = 0;
    await expect(
      caller.call('GetResources', () => {
        attempts += 1;
        return Promise.reject(awsError('ServiceUnavailableException', 503));
      }),
    ).rejects.toThrow(/ServiceUnavailableException happened/);
    expect(attempts).toBe(3);
  });

  it('never retries a bad request and hands AWS\'s message on in a typed error', async () => {
    const caller = new AwsCaller({ clock: fakeClock() });
    let attempts = 0;
    const error = await caller
      .call('PutIntegration', () => {
        attempts += 1;
        return Promise.reject(awsError('BadRequestException', 400, { message: 'Invalid HTTP endpoint specified for URI' }));
      })
      .catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({ operation: 'PutIntegration', code: 'BadRequestException', awsMessage: 'Invalid HTTP endpoint specified for URI' });
    expect(classifyError(error)).toBe('badRequest');
  });

  it('never retries an account quota reached (IAM LimitExceeded) and hands it on as a quota, counted as one', async () => {
    const calls = new CallCounter();
    const caller = new AwsCaller({ clock: fakeClock(), metrics: calls });
    let attempts = 0;
    const error = await caller
      .call('CreateRole', () => {
        attempts += 1;
        return Promise.reject(awsError('LimitExceededException', 409, { message: 'Cannot exceed quota for RolesPerAccount: 1000' }));
      })
      .catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({ operation: 'CreateRole', code: 'LimitExceededException', awsMessage: 'Cannot exceed quota for RolesPerAccount: 1000' });
    expect(quotaReached(error)).toBe(true);
    expect(calls.snapshot()).toEqual({ 'CreateRole quotaReached': 1 });
  });
});

describe('credentials refused', () => {
  it('renews assumed credentials and tries again; with nothing to renew, the refusal is final', async () => {
    const expired = () => awsError('ExpiredTokenException', 403);
    let renewed = 0;
    let attempts = 0;
    const renewing = new AwsCaller({ clock: fakeClock(), renewCredentials: () => (renewed += 1), where: { account: 'team-a', region: 'eu-west-1' } });
    await expect(renewing.call('GetRestApis', () => (++attempts === 1 ? Promise.reject(expired()) : Promise.resolve('ok')))).resolves.toBe('ok');
    expect([renewed, attempts]).toEqual([1, 2]);
    const own = new AwsCaller({ clock: fakeClock() });
    attempts = 0;
    await expect(own.call('GetRestApis', () => (++attempts, Promise.reject(expired())))).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    expect(attempts).toBe(1);
    expect(classifyError(awsError('UnrecognizedClientException', 403))).toBe('credentials');
  });

  it('labels every call with its account and region', async () => {
    const seen: object[] = [];
    const caller = new AwsCaller({ clock: fakeClock(), where: { account: 'team-a', region: 'eu-west-1' }, metrics: { record: (c) => seen.push(c) } });
    await caller.call('GetRestApis', () => Promise.resolve(1));
    expect(seen).toEqual([{ operation: 'GetRestApis', outcome: 'ok', ms: 0, account: 'team-a', region: 'eu-west-1' }]);
  });
});
