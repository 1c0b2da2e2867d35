// A create whose answer was lost is looked for, never re-sent: one REST API, not two.
import { describe, expect, it } from 'vitest';
import { AwsCaller } from '../../../src/aws/caller.js';
import { createUnlessFound } from '../../../src/aws/ensure-created.js';
import type { Clock } from '../../../src/util/clock.js';

// Sleeping advances time: the limiter spaces CreateRestApi 3 s apart.
const fakeClock = (): Clock => {
  let t = 0;
  return { now: () => t, sleep: (ms) => { t += ms; return Promise.resolve(); } };
};
const caller = () => new AwsCaller({ clock: fakeClock(), retry: { retries: 5, minDelayMs: 1, maxDelayMs: 1 } });
const dropped = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('createUnlessFound', () => {
  it('finds what a create with a lost answer made instead of sending it again', async () => {
    const made: string[] = [];
    const create = () => {
      made.push('api');
      return Promise.reject(dropped()); // AWS made it; the answer never came
    };
    const out = await createUnlessFound(caller(), 'CreateRestApi', () => Promise.resolve(made.length > 0 ? { id: 'abc' } : undefined), create);
    expect(out).toEqual({ value: { id: 'abc' }, created: false });
    expect(made).toHaveLength(1);
  });

  it('sends again when nothing was made, and still retries a 429 inside the one send', async () => {
    let sends = 0;
    const throttled = Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    const create = () => {
      sends++;
      if (sends === 1) return Promise.reject(dropped());
      if (sends === 2) return Promise.reject(throttled);
      return Promise.resolve({ id: 'new' });
    };
    expect(await createUnlessFound(caller(), 'CreateUsagePlan', () => Promise.resolve(undefined), create)).toEqual({ value: { id: 'new' }, created: true });
    expect(sends).toBe(3);
  });

  it('gives up after its attempts, and at once on a refusal', async () => {
    await expect(createUnlessFound(caller(), 'CreateRestApi', () => Promise.resolve(undefined), () => Promise.reject(dropped()), 3)).rejects.toThrow(/socket hang up/);
    const bad = Object.assign(new Error('bad'), { name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    let sends = 0;
    await expect(createUnlessFound(caller(), 'CreateRestApi', () => Promise.resolve(undefined), () => { sends++; return Promise.reject(bad); })).rejects.toThrow(/bad/);
    expect(sends).toBe(1);
  });
});
