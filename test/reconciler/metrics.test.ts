// What a pass measures, through the real RestApi reconciler: spec change to served per kind of stage,
// and the pending-stage gauge read from the objects as the pass left them, which must agree with what
// the operator itself decided (the Ready message naming the Manual stage that waits).
import { describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import type { UsagePlan } from '../../src/api/usage-plan.js';
import { summarize } from '../../src/observability/objects.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { mock, restApi, restPath } from './objects.js';

function measured(w: ReconcilerWorld): { served: [string, number][] } {
  const out = { served: [] as [string, number][] };
  w.ctx.metrics = { served: (deployment, seconds) => out.served.push([deployment, seconds]) };
  return out;
}

const pending = (w: ReconcilerWorld) => {
  const list = <T>(prefix: string) => [...w.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, o]) => o as T);
  return summarize({ restApis: list<RestApi>('restapis/'), restPaths: list<RestPath>('restpaths/'), usagePlans: list<UsagePlan>('usageplans/') }, w.now.getTime()).pendingStages;
};

describe('spec change to served', () => {
  it('an Automatic stage serves a change in the pass that applied it; its first deployment (the stage created) is not a change served', async () => {
    const w = new ReconcilerWorld();
    const m = measured(w);
    w.apply(restApi('shop'));
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    await w.reconcileApi('shop');
    expect(m.served).toEqual([]);
    w.advance(60_000);
    w.apply(restPath('orders', '/orders', [mock('GET'), mock('POST')]));
    await w.reconcileApi('shop');
    expect(m.served).toEqual([['Automatic', 0]]);
    expect(pending(w).Automatic.count).toBe(0);
  });

  it('a Manual stage is pending from the first change it does not serve until the deploy annotation changes, and that wait is what is observed', async () => {
    const w = new ReconcilerWorld();
    const m = measured(w);
    const api = (annotation?: string) => restApi('shop', { stages: [{ name: 'prod', deployment: 'Manual' }, { name: 'dev', deployment: 'Automatic' }] }, annotation ? { 'restpath.dev/deploy': annotation } : undefined);
    w.apply(api());
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    w.apply(restPath('carts', '/carts', [mock('GET')]));
    await w.reconcileApi('shop');
    expect(pending(w).Manual.count).toBe(0);

    w.advance(60_000);
    w.apply(restPath('orders', '/orders', [mock('GET'), mock('POST')]));
    await w.reconcileApi('shop');
    w.advance(600_000);
    w.apply(restPath('carts', '/carts', [mock('GET'), mock('DELETE')]));
    await w.reconcileApi('shop');
    // What the operator says: prod waits; what the gauge says: one Manual stage, behind since the first change.
    expect(w.condition('restapis', 'shop', 'Ready')?.message).toContain('stage prod (Manual) serves the latest changes once the restpath.dev/deploy annotation changes');
    w.advance(3_000_000);
    expect(pending(w)).toEqual({ Manual: { count: 1, longestSeconds: 3600 }, Automatic: { count: 0, longestSeconds: 0 } });
    expect(m.served).toEqual([['Automatic', 0], ['Automatic', 0]]);

    w.apply(api('release-1'));
    await w.reconcileApi('shop');
    expect(m.served.at(-1)).toEqual(['Manual', 3600]);
    expect(pending(w).Manual.count).toBe(0);
    expect(w.condition('restapis', 'shop', 'Ready')?.message).not.toContain('(Manual)');
  });
});
