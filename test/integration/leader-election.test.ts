// Two and three replicas against the real API server: one leads; when the leader dies without a
// word the next takes over once the lease expires; when it stops cleanly the next takes over at once.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaderElector } from '../../src/kube/leader-election.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'leader-election');
const electors: LeaderElector[] = [];
afterAll(async () => {
  for (const e of electors) await e.stop();
});

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
    onStartedLeading: () => log.push(`${identity} leads`),
    onStoppedLeading: () => log.push(`${identity} stops`),
  });
  electors.push(elector);
  return elector.start();
}

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

describe('leader election on a Lease', () => {
  it('has one leader; a dead leader is replaced after the lease time, a stopped one at once', async () => {
    const log: string[] = [];
    const a = candidate('replica-a', log);
    await until(() => a.isLeader, 5000);
    const b = candidate('replica-b', log);
    await sleep(1500);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);

    await a.abandon(); // killed: no release, the lease must expire first
    const takeover = await until(() => b.isLeader, 6000);
    expect(takeover).toBeGreaterThan(1000);
    expect(takeover).toBeLessThan(6000); // lease 2 s + retry period, with room for a loaded machine

    const c = candidate('replica-c', log);
    await sleep(600);
    expect(c.isLeader).toBe(false);
    await b.stop(); // clean shutdown: releases the lease
    const handover = await until(() => c.isLeader, 3000);
    expect(handover).toBeLessThan(1500);

    expect(log).toEqual(['replica-a leads', 'replica-a stops', 'replica-b leads', 'replica-b stops', 'replica-c leads']);
    const lease = JSON.parse(await kubectl.ok(['get', 'lease', 'restpath-operator', '-n', namespace(), '-o', 'json'])) as { spec: { holderIdentity: string; leaseTransitions: number } };
    expect(lease.spec).toMatchObject({ holderIdentity: 'replica-c', leaseTransitions: 2 });
  });
});
