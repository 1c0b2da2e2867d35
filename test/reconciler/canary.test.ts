// A stage with a canary, through the real RestApi reconciler over the in-memory AWS: the first change
// after the stage exists goes into a new canary (the stage keeps serving its deployment), the next into
// the same canary, restpath.dev/promote makes the canary's deployment the stage's and removes the canary
// in one update, and removing `canary` from the spec promotes as well. Status shows both deployments.
import { describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { mock, restApi, restPath } from './objects.js';

const canaryApi = (annotations?: Record<string, string>, canary: boolean = true) =>
  restApi('shop', { stages: [{ name: 'prod', ...(canary ? { canary: { percentTraffic: 10, stageVariableOverrides: { color: 'green' } } } : {}) }] }, annotations);

describe('a stage with a canary', () => {
  it('deploys changes to the canary, promotes on the annotation and when the canary is removed', async () => {
    const w = new ReconcilerWorld();
    w.apply(canaryApi());
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    const stage = () => w.aws.stages.get(id)!.get('prod')!;
    const status = () => w.get<RestApi>('restapis', 'shop')!.status!.stages!.find((s) => s.name === 'prod')!;
    // The stage is created with the first deployment; there is nothing for a canary to differ in yet.
    const first = stage().deploymentId;
    expect(stage().canary).toBeUndefined();
    expect(w.condition('restapis', 'shop', 'Ready')?.status).toBe('True');

    w.advance(60_000);
    w.apply(restPath('orders', '/orders', [mock('GET'), mock('POST')]));
    await w.reconcileApi('shop');
    expect(stage().deploymentId).toBe(first);
    const second = stage().canary!.deploymentId;
    expect(second).not.toBe(first);
    expect(stage().canary).toMatchObject({ percentTraffic: 10, stageVariableOverrides: { color: 'green' } });
    expect(status()).toMatchObject({ deploymentId: first, canary: { deploymentId: second, percentTraffic: 10 } });
    expect(w.events.map((e) => e.note)).toContainEqual(expect.stringContaining(`Deployed the canary of stage prod (10% of its traffic) (deployment ${second})`));

    // In sync: nothing deployed again.
    const calls = w.aws.calls.length;
    await w.reconcileApi('shop', 'resync');
    expect(w.aws.calls.slice(calls).filter((c) => c === 'createDeployment')).toEqual([]);

    w.advance(60_000);
    w.apply(restPath('orders', '/orders', [mock('GET'), mock('POST'), mock('DELETE')]));
    await w.reconcileApi('shop');
    const third = stage().canary!.deploymentId;
    expect([stage().deploymentId, third === second]).toEqual([first, false]);

    w.apply(canaryApi({ 'restpath.dev/promote': '1' }));
    await w.reconcileApi('shop');
    expect(stage().deploymentId).toBe(third);
    expect(stage().canary).toBeUndefined();
    expect(status()).toMatchObject({ deploymentId: third, promotedAnnotation: '1' });
    expect(status().canary).toBeUndefined();
    expect(w.events.map((e) => e.reason)).toContain('Promoted');

    // The next change opens a new canary; removing canary from the spec promotes it.
    w.advance(60_000);
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    await w.reconcileApi('shop');
    const fourth = stage().canary!.deploymentId;
    w.apply(canaryApi({ 'restpath.dev/promote': '1' }, false));
    await w.reconcileApi('shop');
    expect(stage().deploymentId).toBe(fourth);
    expect(stage().canary).toBeUndefined();
    expect(w.condition('restapis', 'shop', 'Ready')?.status).toBe('True');
  });
});
