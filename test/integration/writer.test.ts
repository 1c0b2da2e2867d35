// KubeWriter against the real API server: one status write per change and none without, conflicts on
// stale reads, and finalizers that hold a deletion until they are removed.
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import type { RestApiStatus } from '../../src/api/rest-api.js';
import { isConflict, KubeWriter, type CustomObjectRef, type StoredObject } from '../../src/kube/writer.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'writer');
const FINALIZER = 'apigateway.restpath.dev/cleanup';

function writer(): KubeWriter {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return new KubeWriter(kc);
}

async function read(name: string): Promise<StoredObject<RestApiStatus> & { metadata: { deletionTimestamp?: string } }> {
  return JSON.parse(await kubectl.ok(['get', 'restapi', name, '-n', namespace(), '-o', 'json'])) as StoredObject<RestApiStatus> & { metadata: { deletionTimestamp?: string } };
}

async function create(name: string): Promise<CustomObjectRef> {
  await kubectl.ok(['apply', '-n', namespace(), '-f', '-'], `apiVersion: apigateway.restpath.dev/v1alpha1\nkind: RestApi\nmetadata: { name: ${name} }\nspec: {}\n`);
  return { group: 'apigateway.restpath.dev', version: 'v1alpha1', plural: 'restapis', namespace: namespace(), name };
}

describe('KubeWriter', () => {
  it('writes status once per change, never when nothing changed, and removes dropped fields', async () => {
    const w = writer();
    const ref = await create('status');
    const status: RestApiStatus = { id: 'abcdefghij', rootResourceId: 'root123456', observedGeneration: 1 };
    expect(await w.writeStatus(ref, await read('status'), status)).toBe(true);
    const after = await read('status');
    expect(after.status).toEqual(status);
    expect(await w.writeStatus(ref, after, status)).toBe(false);
    expect(w.writes).toBe(1);
    expect((await read('status')).metadata.resourceVersion).toBe(after.metadata.resourceVersion);
    await w.writeStatus(ref, after, { id: 'abcdefghij', observedGeneration: 2 });
    expect((await read('status')).status).toEqual({ id: 'abcdefghij', observedGeneration: 2 });
  });

  it('refuses a write based on a stale read (409), leaving the newer status alone', async () => {
    const w = writer();
    const ref = await create('stale');
    const stale = await read('stale');
    await w.writeStatus(ref, stale, { id: 'newernewer' });
    const error = await w.writeStatus(ref, stale, { id: 'olderolder' }).catch((e: unknown) => e);
    expect(isConflict(error)).toBe(true);
    expect((await read('stale')).status?.id).toBe('newernewer');
  });

  it('holds a deletion with a finalizer until it is removed', async () => {
    const w = writer();
    const ref = await create('final');
    const withFinalizer = await w.addFinalizer(ref, await read('final'), FINALIZER);
    expect(withFinalizer.metadata.finalizers).toEqual([FINALIZER]);
    expect(await w.addFinalizer(ref, withFinalizer, FINALIZER)).toBe(withFinalizer);
    expect(w.writes).toBe(1);
    await kubectl.ok(['delete', 'restapi', 'final', '-n', namespace(), '--wait=false']);
    const deleting = await read('final');
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    await w.removeFinalizer(ref, deleting, FINALIZER);
    const gone = await kubectl(['get', 'restapi', 'final', '-n', namespace()]);
    expect(gone.stderr).toContain('NotFound');
  });
});
