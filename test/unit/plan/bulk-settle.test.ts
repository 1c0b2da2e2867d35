import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bulkSettleWaitMs, MAX_HOLD_MS } from '../../../src/plan/bulk-settle.js';

const NOW = new Date('2026-06-01T00:00:30Z');
const at = (secondsAgo: number) => new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
const fresh = (secondsAgo: number) => ({ createdAt: at(secondsAgo), seen: false });

describe('bulkSettleWaitMs: wait for a new API\'s RestPaths still being applied', () => {
  it.each([
    ['no window configured', [fresh(0)], 0, 0],
    ['no RestPath yet (the REST API itself is created at once)', [], 2000, 0],
    ['the newest arrived just now', [fresh(5), fresh(0)], 2000, 2000],
    ['the newest arrived 1.5 s ago', [fresh(10), fresh(1.5)], 2000, 500],
    ['quiet for the whole window', [fresh(10), fresh(2)], 2000, 0],
    ['one of them was in a pass already: not the API\'s first content', [{ createdAt: at(0), seen: true }, fresh(0)], 2000, 0],
    ['a creation time in the future (the operator\'s clock is behind)', [fresh(-5)], 2000, 0],
    ['arrivals for longer than the hold bound', [fresh(MAX_HOLD_MS / 1000), fresh(0)], 2000, 0],
    ['near the hold bound: waits only until it', [fresh(MAX_HOLD_MS / 1000 - 0.5), fresh(0)], 2000, 500],
    ['no creation time (never from the API server)', [{ seen: false }], 2000, 0],
  ])('%s', (_name, paths, settleMs, expected) => {
    expect(bulkSettleWaitMs(paths, NOW, settleMs)).toBe(expected);
  });

  it('never waits longer than the window, nor past the hold bound from the oldest arrival', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -60_000, max: 60_000 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 10_000 }), (agesMs, settleMs) => {
      const paths = agesMs.map((age) => ({ createdAt: new Date(NOW.getTime() - age).toISOString(), seen: false }));
      const wait = bulkSettleWaitMs(paths, NOW, settleMs);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(settleMs);
      if (wait > 0) expect(Math.max(...agesMs) + wait).toBeLessThanOrEqual(MAX_HOLD_MS);
    }));
  });
});
