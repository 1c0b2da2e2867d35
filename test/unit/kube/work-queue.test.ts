// The work queue's contract, with a fake clock for the rate limits.
import { describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../../src/kube/work-queue.js';

describe('WorkQueue', () => {
  it('deduplicates keys and hands them out in order', async () => {
    const q = new WorkQueue();
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    expect(q.length).toBe(3);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(['a', 'b', 'c']);
  });

  it('never hands out a key that is in flight; a key added meanwhile comes back after done()', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    let next: string | undefined;
    void q.get().then((k) => (next = k));
    await Promise.resolve();
    expect(next).toBeUndefined();
    q.done(key!);
    await Promise.resolve();
    expect(next).toBe('a');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add('x');
    await expect(waiting).resolves.toBe('x');
  });

  it('backs off exponentially per key, capped, and forget() resets it', () => {
    const q = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect([1, 2, 3, 4, 5, 6].map(() => q.addRateLimited('k'))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(q.addRateLimited('other')).toBe(100);
    q.forget('k');
    expect(q.backoffFor('k')).toBe(100);
    q.shutDown();
  });

  it('limits requeues overall, whatever the keys', () => {
    let t = 0;
    const clock = { now: () => t, sleep: () => Promise.resolve() };
    const q = new WorkQueue({ baseDelayMs: 1, overall: { rate: 10, burst: 5 }, clock });
    const delays = Array.from({ length: 8 }, (_, i) => q.addRateLimited(`key-${i}`));
    expect(delays.slice(0, 5)).toEqual([1, 1, 1, 1, 1]);
    expect(delays.slice(5)).toEqual([100, 200, 300]);
    t += 1000;
    expect(q.addRateLimited('later')).toBe(1);
    q.shutDown();
  });

  it('queues a delayed key once, keeping the earliest time', () => {
    vi.useFakeTimers();
    try {
      const q = new WorkQueue();
      q.addAfter('k', 1000);
      q.addAfter('k', 5000);
      q.addAfter('k', 200);
      vi.advanceTimersByTime(199);
      expect(q.length).toBe(0);
      vi.advanceTimersByTime(1);
      expect(q.length).toBe(1);
      vi.advanceTimersByTime(10_000);
      expect(q.length).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('releases waiting workers on shutdown and takes no more keys', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    await expect(waiting).resolves.toBeUndefined();
    q.add('late');
    await expect(q.get()).resolves.toBeUndefined();
  });
});
