// Bulk create driven through the RestApi reconciler over the in-memory AWS: a new API of many paths is
// made by one PutRestApi and read back; a refused document falls back to per-operation creation in the
// same pass, is listed item by item, and is never tried again for that REST API. With a settle window,
// RestPaths that arrive in waves (kubectl apply -f dir/) are waited for and still make one import.
import { describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import { AwsFault } from '../support/memory-aws.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { http, restApi, restPath } from './objects.js';

/** 15 paths of 3 methods: well over the per-operation calls bulk create starts at. */
function many(w: ReconcilerWorld): void {
  w.apply(restApi('shop'));
  for (let i = 0; i < 15; i += 1) w.apply(restPath(`p${i}`, `/r${i}`, ['GET', 'PUT', 'DELETE'].map((m) => ({ ...http(`http://backend.example/r${i}`), httpMethod: m as 'GET' }))));
}

describe('RestApi reconciler: bulk create', () => {
  it('creates a new API with one PutRestApi, reads it back, and goes per operation afterwards', async () => {
    const w = new ReconcilerWorld();
    many(w);
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    const api = w.get<RestApi>('restapis', 'shop')!;
    expect(w.aws.calls.filter((c) => !['accountId', 'observeStages', 'createDeployment', 'createStage', 'writeStage'].includes(c))).toEqual(['ensureRestApi', 'executePlan', 'putRestApi', 'readBackApi', 'executePlan']);
    expect(w.aws.apis.get(api.status!.id!)!.methods).toHaveLength(45);
    expect(api.status?.bulkCreate).toMatchObject({ outcome: 'Created', restApiId: api.status?.id, operations: 105 });
    expect(w.condition('restapis', 'shop', 'BulkCreated')).toMatchObject({ status: 'True', reason: 'BulkCreated' });
    expect(w.condition('restapis', 'shop', 'Ready')?.status).toBe('True');
    expect(w.events.map((e) => e.reason)).toEqual(['Created', 'BulkCreated', 'Updated', 'Deployed']);
    // Every RestPath owns its methods in the ledger, as after a per-operation create.
    expect(w.get<RestPath>('restpaths', 'p3')?.status?.ownership?.methods).toEqual(['/r3 DELETE', '/r3 GET', '/r3 PUT']);

    w.aws.calls.length = 0;
    w.apply(restPath('p0', '/r0', [http('http://moved.example/r0')]));
    await w.reconcileApi('shop');
    expect(w.aws.calls).not.toContain('putRestApi');
    expect(w.aws.calls).toContain('deleteMethod');
  });

  it('a refused document is listed item by item, the API is made per operation in the same pass, and the import is not tried again', async () => {
    const w = new ReconcilerWorld();
    many(w);
    w.aws.fail('putRestApi', new AwsFault('BadRequestException', "Errors found during import:\n\tUnable to put method 'GET' on resource at path '/r1': Invalid model name\n\tUnable to create model 'Order'"));
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    const api = w.get<RestApi>('restapis', 'shop')!;
    expect(w.aws.apis.get(api.status!.id!)!.methods).toHaveLength(45);
    expect(api.status?.bulkCreate).toMatchObject({ outcome: 'Refused', warnings: ["Unable to put method 'GET' on resource at path '/r1': Invalid model name", "Unable to create model 'Order'"] });
    const condition = w.condition('restapis', 'shop', 'BulkCreated');
    expect(condition).toMatchObject({ status: 'False', reason: 'BulkCreateRefused' });
    expect(condition?.message).toContain("(1) Unable to put method 'GET' on resource at path '/r1': Invalid model name (2) Unable to create model 'Order'");
    expect(w.condition('restapis', 'shop', 'Ready')?.status).toBe('True');
    expect(w.warnings().map((e) => e.reason)).toEqual(['BulkCreateRefused']);

    // The API is emptied out of band: it would qualify again, but the status remembers the refusal.
    const id = api.status!.id!;
    w.aws.apis.set(id, { ...w.aws.apis.get(id)!, resources: [], methods: [] });
    w.aws.calls.length = 0;
    await w.reconcileApi('shop', 'resync');
    expect(w.aws.calls).not.toContain('putRestApi');
    expect(w.aws.apis.get(id)!.methods).toHaveLength(45);
  });

  it('an import that fails for another reason (AWS unavailable) is not a refusal: retried, nothing recorded', async () => {
    const w = new ReconcilerWorld();
    many(w);
    w.aws.fail('putRestApi', new AwsFault('ServiceUnavailableException', 'try later', { httpStatusCode: 503 }));
    expect((await w.reconcileApi('shop')).kind).toBe('retry');
    expect(w.get<RestApi>('restapis', 'shop')?.status?.bulkCreate).toBeUndefined();
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    expect(w.get<RestApi>('restapis', 'shop')?.status?.bulkCreate?.outcome).toBe('Created');
  });

  it('with a settle window, RestPaths arriving in waves are waited for and created by one PutRestApi', async () => {
    const w = new ReconcilerWorld({ bulkCreateSettleMs: 2000 });
    w.apply(restApi('shop'));
    // The REST API itself is created at once: no RestPath is arriving yet.
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    const wave = (from: number) => {
      // status as the API server stores a new RestPath: the CRD's default.
      for (let i = from; i < from + 5; i += 1) w.apply({ ...restPath(`p${i}`, `/r${i}`, ['GET', 'PUT', 'DELETE'].map((m) => ({ ...http(`http://backend.example/r${i}`), httpMethod: m as 'GET' }))), status: { observedGeneration: 0 } });
    };
    wave(0);
    w.aws.calls.length = 0;
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done', requeueAfterMs: 2000 });
    w.advance(1500);
    wave(5);
    // The window starts again from the newest arrival; nothing was read or written meanwhile.
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done', requeueAfterMs: 2000 });
    expect(w.aws.calls).toEqual([]);
    expect(w.get<RestPath>('restpaths', 'p0')?.status).toEqual({ observedGeneration: 0 });
    w.advance(1000);
    wave(10);
    w.advance(2000);
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    expect(w.aws.calls.filter((c) => c === 'putRestApi')).toHaveLength(1);
    expect(w.aws.apis.get(id)!.methods).toHaveLength(45);
    expect(w.get<RestApi>('restapis', 'shop')?.status?.bulkCreate).toMatchObject({ outcome: 'Created', operations: 105 });

    // Later RestPaths of the same API are not waited for: it has content now.
    w.apply(restPath('late', '/late', [http('http://backend.example/late')]));
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    expect(w.get<RestPath>('restpaths', 'late')?.status?.observedGeneration).toBe(1);
  });
});
