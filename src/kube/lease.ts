// Leader election's decision, pure: given the Lease as read and the time, what should this candidate
// do? Mirrors client-go's leaderelection: a lease is free when nobody holds it or when its holder has
// not renewed it within leaseDurationSeconds.

export interface LeaseState {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: Date;
  acquireTime?: Date;
  leaseTransitions?: number;
}

export type LeaseDecision = 'create' | 'renew' | 'takeOver' | 'wait';

export function decide(lease: LeaseState | undefined, me: string, now: Date): LeaseDecision {
  if (!lease) return 'create';
  if (lease.holderIdentity === me) return 'renew';
  if (!lease.holderIdentity) return 'takeOver';
  const renewed = lease.renewTime?.getTime() ?? 0;
  const expiresAt = renewed + (lease.leaseDurationSeconds ?? 0) * 1000;
  return now.getTime() > expiresAt ? 'takeOver' : 'wait';
}

/** The Lease spec this candidate writes for a decision to hold it. */
export function heldBy(me: string, previous: LeaseState | undefined, now: Date, leaseDurationSeconds: number): LeaseState {
  const keeping = previous?.holderIdentity === me;
  return {
    holderIdentity: me,
    leaseDurationSeconds,
    acquireTime: keeping ? (previous.acquireTime ?? now) : now,
    renewTime: now,
    leaseTransitions: (previous?.leaseTransitions ?? 0) + (keeping || !previous ? 0 : 1),
  };
}
