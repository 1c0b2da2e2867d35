// The elector's timing decisions, against numbers rather than the wall clock: when a lease held by
// another has expired (lease.ts's decide, at its boundary), and when a leader stops leading
// (leadershipAfter: another holder, or no renewal within the renew deadline by the injected clock).
import { describe, expect, it } from 'vitest';
import { leadershipAfter } from '../../../src/kube/leader-election.js';
import { decide } from '../../../src/kube/lease.js';

const T0 = Date.UTC(2026, 0, 1);

describe('lease expiry by the given clock', () => {
  const held = { holderIdentity: 'other', leaseDurationSeconds: 2, renewTime: new Date(T0) };
  it('waits up to the end of the lease duration and takes over one millisecond after', () => {
    expect(decide(held, 'me', new Date(T0 + 1_999))).toBe('wait');
    expect(decide(held, 'me', new Date(T0 + 2_000))).toBe('wait');
    expect(decide(held, 'me', new Date(T0 + 2_001))).toBe('takeOver');
  });
  it('a clock behind the renew time never sees the lease expired', () => {
    expect(decide(held, 'me', new Date(T0 - 60_000))).toBe('wait');
  });
});

describe('leadershipAfter', () => {
  const DEADLINE = 1_500;
  it('a candidate that held the lease leads, and has renewed at that time', () => {
    expect(leadershipAfter(true, { leading: false, lastRenewMs: 0 }, T0, DEADLINE)).toEqual({ leading: true, lastRenewMs: T0 });
    expect(leadershipAfter(true, { leading: true, lastRenewMs: T0 }, T0 + 200, DEADLINE)).toEqual({ leading: true, lastRenewMs: T0 + 200 });
  });
  it('a leader that sees another holder stops at once, whatever the time', () => {
    expect(leadershipAfter(false, { leading: true, lastRenewMs: T0 }, T0 + 1, DEADLINE).leading).toBe(false);
  });
  it('a leader whose renewals fail keeps leading up to the renew deadline and stops once it has passed', () => {
    const leader = { leading: true, lastRenewMs: T0 };
    expect(leadershipAfter('unknown', leader, T0 + DEADLINE, DEADLINE)).toEqual(leader);
    expect(leadershipAfter('unknown', leader, T0 + DEADLINE + 1, DEADLINE)).toEqual({ leading: false, lastRenewMs: T0 });
  });
  it('a candidate that did not get the lease stays a candidate', () => {
    const candidate = { leading: false, lastRenewMs: 0 };
    expect(leadershipAfter(false, candidate, T0, DEADLINE)).toEqual(candidate);
    expect(leadershipAfter('unknown', candidate, T0 + 60_000, DEADLINE)).toEqual(candidate);
  });
});
