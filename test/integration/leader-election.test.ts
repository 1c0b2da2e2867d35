// Two and three replicas against the real API server: one leads; when the leader dies without a
// word the next takes over once the lease expires; when it stops cleanly the next takes over at once.
// The electors share a clock the test moves by hand (frozen otherwise), so "expired" is decided by it
// alone: the lease is taken over at 1 ms past renewTime + leaseDuration and not at the boundary, and a
// hand-over with the clock standing still can only be the released lease. Each elector's attempts
// are counted (its injected sleep runs once per attempt), so "b does not take over" is checked over
// a number of b's own attempts, not over a stretch of wall time.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaderElector } from '../../src/kube/leader-election.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { until } from '../support/until.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'leader-election');
const electors: LeaderElector[] = [];
afterAll(async () => {
  for (const e of electors) await e.stop();
});

const T0 = Date.UTC(2030, 0, 1); // far from the wall clock on purpose: nothing may depend on it
let clock = T0;
const attempts = new Map<string, number>();
const attemptsOf = (identity: string) => attempts.get(identity) ?? 0;

function candidate(identity: string, log: string[]): LeaderElector {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  const elector = new LeaderElector(kc, {
    namespace: namespace(),
    name: 'restpath-operator',
    identity,
    leaseDurationSeconds: 2,
    renewDeadlineMs: 1500,
    retryPeriodMs: 200,
    now: () => clock,
    sleep: async (ms, signal) => {
      attempts.set(identity, attemptsOf(identity) + 1);
      await sleep(ms, undefined, { signal }).catch(() => undefined);
    },
    onStartedLeading: () => log.push(`${identity} leads`),
    onStoppedLeading: () => log.push(`${identity} stops`),
  });
  electors.push(elector);
  return elector.start();
}

/** Waits until `identity` has made `count` more attempts at the lease (the first may have read the clock before the caller changed it). */
async function moreAttempts(identity: string, count: number): Promise<void> {
  const target = attemptsOf(identity) + count;
  await until(`${count} more attempts by ${identity}`, () => Promise.resolve(attemptsOf(identity) >= target ? true : undefined), 10_000);
}

const leads = (e: LeaderElector) => () => Promise.resolve(e.isLeader ? true : undefined);

interface LeaseSpec { holderIdentity: string; leaseTransitions: number; acquireTime: string; renewTime: string }
async function lease(): Promise<{ holderIdentity: string; leaseTransitions: number; acquireTime: number; renewTime: number }> {
  const spec = (JSON.parse(await kubectl.ok(['get', 'lease', 'restpath-operator', '-n', namespace(), '-o', 'json'])) as { spec: LeaseSpec }).spec;
  return { holderIdentity: spec.holderIdentity, leaseTransitions: spec.leaseTransitions, acquireTime: Date.parse(spec.acquireTime), renewTime: Date.parse(spec.renewTime) };
}

describe('leader election on a Lease', () => {
  it('has one leader; a dead leader is replaced after the lease time, a stopped one at once', async () => {
    const log: string[] = [];
    const a = candidate('replica-a', log);
    await until('replica-a leads', leads(a), 10_000);
    expect(await lease()).toEqual({ holderIdentity: 'replica-a', leaseTransitions: 0, acquireTime: T0, renewTime: T0 });
    const b = candidate('replica-b', log);
    await moreAttempts('replica-b', 3);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);

    await a.abandon(); // killed: no release, the lease must expire first
    clock = T0 + 2_000; // renewTime + leaseDuration: not expired yet
    await moreAttempts('replica-b', 3);
    expect(b.isLeader).toBe(false);
    clock = T0 + 2_001; // expired
    await until('replica-b takes over the expired lease', leads(b), 10_000);
    expect(await lease()).toEqual({ holderIdentity: 'replica-b', leaseTransitions: 1, acquireTime: T0 + 2_001, renewTime: T0 + 2_001 });

    const c = candidate('replica-c', log);
    await moreAttempts('replica-c', 3);
    expect(c.isLeader).toBe(false);
    await b.stop(); // clean shutdown: releases the lease
    // The clock stands still, so b's lease has not expired: c can only take it because it was released.
    await until('replica-c takes over the released lease', leads(c), 10_000);

    expect(log).toEqual(['replica-a leads', 'replica-a stops', 'replica-b leads', 'replica-b stops', 'replica-c leads']);
    expect(await lease()).toEqual({ holderIdentity: 'replica-c', leaseTransitions: 2, acquireTime: T0 + 2_001, renewTime: T0 + 2_001 });
  });
});
