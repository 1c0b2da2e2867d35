import { describe, expect, it } from 'vitest';
import { decide, heldBy } from '../../../src/kube/lease.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('lease decisions', () => {
  it.each([
    ['no lease yet', undefined, 'create'],
    ['held by me', { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: t(0) }, 'renew'],
    ['released', { holderIdentity: '', leaseDurationSeconds: 1, renewTime: t(9) }, 'takeOver'],
    ['held by another, fresh', { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: t(0) }, 'wait'],
    ['held by another, expired', { holderIdentity: 'other', leaseDurationSeconds: 5, renewTime: t(0) }, 'takeOver'],
  ] as const)('%s -> %s', (_what, lease, expected) => {
    expect(decide(lease, 'me', t(10))).toBe(expected);
  });

  it('counts a transition when the lease changes hands, keeps the acquire time when renewing', () => {
    const mine = heldBy('me', { holderIdentity: 'other', leaseTransitions: 3, renewTime: t(0) }, t(10), 15);
    expect(mine).toEqual({ holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: t(10), renewTime: t(10), leaseTransitions: 4 });
    expect(heldBy('me', mine, t(12), 15)).toEqual({ ...mine, renewTime: t(12) });
    expect(heldBy('me', undefined, t(1), 15).leaseTransitions).toBe(0);
  });
});
