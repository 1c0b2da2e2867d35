// Every outcome the error policy can give, through the real RestApi reconciler: what the queue does
// next and what the objects say (Synced, Ready, Reconciling, Stalled), for half-applied plans, refusals,
// quotas, missing permissions, throttling, write conflicts and missing references; and the runbook
// conditions a Manual stage and a restore of identical content produce.
import { describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import { AwsFault } from '../support/memory-aws.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { mock, restApi, restPath, usagePlan } from './objects.js';

const state = (w: ReconcilerWorld, kind: 'restapis' | 'restpaths', name: string) =>
  ['Synced', 'Ready', 'Reconciling', 'Stalled'].map((t) => `${t}=${w.condition(kind, name, t)?.status}/${w.condition(kind, name, t)?.reason}`).join(' ');

function world(): ReconcilerWorld {
  const w = new ReconcilerWorld();
  w.apply(restApi('shop'));
  w.apply(restPath('orders', '/orders', [mock('GET'), mock('POST')]));
  return w;
}

describe('the error policy, end to end through the reconciler', () => {
  const cases: { name: string; error: Error; outcome: string; progress: string }[] = [
    { name: 'throttled (429)', error: new AwsFault('TooManyRequestsException', 'Too Many Requests', { httpStatusCode: 429 }), outcome: 'retry', progress: 'Reconciling=True/TooManyRequestsException Stalled=False/NotStalled' },
    { name: 'AWS unavailable (503)', error: new AwsFault('ServiceUnavailableException', 'try later', { httpStatusCode: 503 }), outcome: 'retry', progress: 'Reconciling=True/ServiceUnavailableException Stalled=False/NotStalled' },
    { name: 'a request AWS refuses as invalid', error: new AwsFault('BadRequestException', 'Invalid mapping expression specified'), outcome: 'stalled', progress: 'Reconciling=False/Reconciled Stalled=True/BadRequestException' },
    { name: 'an account quota', error: new AwsFault('LimitExceededException', 'too many resources'), outcome: 'stalled', progress: 'Reconciling=False/Reconciled Stalled=True/QuotaReached' },
    { name: 'no permission', error: new AwsFault('AccessDeniedException', 'not authorized to perform apigateway:PUT', { httpStatusCode: 403 }), outcome: 'stalled', progress: 'Reconciling=False/Reconciled Stalled=True/AccessDeniedException' },
  ];
  for (const c of cases) {
    it(`${c.name}: the plan stops half-applied, every path says so in Synced and Ready, and the queue ${c.outcome === 'retry' ? 'retries with backoff' : 'looks again later'}`, async () => {
      const w = world();
      w.aws.fail('putIntegration', c.error);
      const outcome = await w.reconcileApi('shop');
      expect(outcome.kind).toBe(c.outcome);
      if (outcome.kind === 'stalled') expect(outcome.requeueAfterMs).toBe(5 * 60_000);
      const path = state(w, 'restpaths', 'orders');
      expect(path).toContain(c.progress);
      expect(path).toMatch(/^Synced=False\/\S+ Ready=False\//);
      expect(w.condition('restpaths', 'orders', 'Synced')?.message).toMatch(/^\d+ of \d+ operations applied; stopped at "putIntegration GET \/orders"/);
      expect(state(w, 'restapis', 'shop')).toContain(c.progress);
      // Nothing half-applied without a condition saying so; the next pass finishes the job.
      expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
      expect(state(w, 'restpaths', 'orders')).toBe('Synced=True/Synced Ready=True/Ready Reconciling=False/Reconciled Stalled=False/NotStalled');
    });
  }

  it('a Kubernetes write conflict (409) is retried', async () => {
    const w = world();
    await w.reconcileApi('shop');
    const api = w.get<RestApi>('restapis', 'shop')!;
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    // Someone else wrote the RestApi between the read and the write.
    const stale = { ...api, metadata: { ...api.metadata, resourceVersion: '0' } };
    w.objects.set('restapis/default/shop', { ...api, metadata: { ...api.metadata, resourceVersion: '999' } });
    const reconciler = w.restApis as unknown as { stores: { getRestApi: () => RestApi } };
    reconciler.stores.getRestApi = () => stale;
    await expect(w.reconcileApi('shop')).rejects.toMatchObject({ code: 409 });
  });

  it('a missing RestApi is Reconciling while GitOps may still apply it, then Stalled', async () => {
    const w = new ReconcilerWorld({ referenceGraceMs: 60_000 });
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    const first = await w.reconcileApi('shop');
    expect(first).toEqual({ kind: 'done', requeueAfterMs: 60_000 });
    expect(state(w, 'restpaths', 'orders')).toBe('Synced=False/RestApiNotFound Ready=False/RestApiNotFound Reconciling=True/RestApiNotFound Stalled=False/NotStalled');
    expect(w.warnings()).toEqual([]);
    w.advance(61_000);
    await w.reconcileApi('shop');
    expect(state(w, 'restpaths', 'orders')).toContain('Reconciling=False/Reconciled Stalled=True/RestApiNotFound');
    expect(w.warnings().map((e) => e.reason)).toEqual(['RestApiNotFound']);
    // Applied late after all: the path converges.
    w.apply(restApi('shop'));
    await w.reconcileApi('shop');
    expect(state(w, 'restpaths', 'orders')).toBe('Synced=True/Synced Ready=True/Ready Reconciling=False/Reconciled Stalled=False/NotStalled');
  });

  it('a REST API owned by another object is Stalled with OwnedByOther', async () => {
    const w = world();
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    w.aws.apis.get(id)!.tags['restpath.dev/owner'] = 'other/RestApi/thief';
    const outcome = await w.reconcileApi('shop', 'resync');
    expect(outcome).toMatchObject({ kind: 'stalled', reason: 'OwnedByOther' });
    expect(state(w, 'restapis', 'shop')).toContain('Stalled=True/OwnedByOther');
  });
});

describe('Manual stages and restores', () => {
  const manual = () => restApi('shop', { stages: [{ name: 'prod', deployment: 'Manual' }] });

  it("a Manual stage's pending deployment is truthful in ResourcePathReady and does not hold Ready back", async () => {
    const w = new ReconcilerWorld();
    w.apply(manual());
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    await w.reconcileApi('shop');
    w.advance(60_000);
    w.apply(restPath('orders', '/orders', [mock('GET'), mock('POST')]));
    await w.reconcileApi('shop');
    expect(w.condition('restpaths', 'orders', 'ResourcePathReady')?.reason).toBe('DeploymentPending');
    expect(state(w, 'restpaths', 'orders')).toBe('Synced=True/Synced Ready=True/Ready Reconciling=False/Reconciled Stalled=False/NotStalled');
    expect(w.condition('restpaths', 'orders', 'Ready')?.message).toContain('stage prod (Manual) serves the change once the restpath.dev/deploy annotation changes');
  });

  it('a method deleted in AWS and restored with identical content is not DeploymentPending: the deployment serves it', async () => {
    const w = new ReconcilerWorld();
    w.apply(manual());
    w.apply(restPath('orders', '/orders', [mock('GET'), mock('POST')]));
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    w.advance(60_000);
    w.aws.apis.get(id)!.methods = w.aws.apis.get(id)!.methods.filter((m) => m.httpMethod !== 'POST');
    await w.reconcileApi('shop', 'resync');
    expect(w.aws.apis.get(id)!.methods.map((m) => m.httpMethod).sort()).toEqual(['GET', 'POST']);
    expect(w.condition('restpaths', 'orders', 'ResourcePathReady')?.reason).toBe('Served');
    expect(w.get<RestPath>('restpaths', 'orders')?.status?.changedAt).toBe('2026-06-01T00:00:00.000Z');
  });
});

describe('a covering UsagePlan not applied yet', () => {
  it('is pending (ThrottlingReady Unknown, Reconciling), with no Warning, until the plan reaches AWS', async () => {
    const w = new ReconcilerWorld();
    w.apply(restApi('shop'));
    w.apply(restPath('orders', '/orders', [mock('GET', { apiKeyRequired: true })]));
    w.apply(usagePlan('partners', { apiKeys: [{ name: 'a', generateInto: { secretName: 'partner-a' } }] }));
    await w.reconcileApi('shop');
    expect(w.condition('restpaths', 'orders', 'ThrottlingReady')).toMatchObject({ status: 'Unknown', reason: 'UsagePlanPending' });
    expect(state(w, 'restpaths', 'orders')).toContain('Reconciling=True/UsagePlanPending');
    await w.reconcilePlan('partners');
    await w.reconcileApi('shop');
    expect(w.condition('restpaths', 'orders', 'ThrottlingReady')).toMatchObject({ status: 'True', reason: 'WithinLimits' });
    expect(state(w, 'restpaths', 'orders')).toBe('Synced=True/Synced Ready=True/Ready Reconciling=False/Reconciled Stalled=False/NotStalled');
    expect(w.warnings()).toEqual([]);
  });
});
