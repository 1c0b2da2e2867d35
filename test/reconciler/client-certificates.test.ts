// Client certificates through the real RestApi reconciler over the in-memory AWS: generated once per
// stage with the owner and stage tags, set on the stage, id and expiry in status; a lost create answer
// is found again (no second certificate); re-described in place; removed from the stage before it is
// deleted; deleted with the RestApi; a resync with nothing to do lists once and writes nothing.
import { describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import type { Stage } from '../../src/api/stage.js';
import { OWNER_TAG } from '../../src/model/build.js';
import { STAGE_TAG } from '../../src/plan/client-certificates.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { mock, restApi, restPath } from './objects.js';

const api = (prod: Partial<Stage>) => restApi('shop', { stages: [{ name: 'prod', ...prod }, { name: 'dev' }] });

describe('a stage with a client certificate', () => {
  it('generates one, sets it on the stage, records it; finds a lost one again; removes it from the stage before deleting it', async () => {
    const w = new ReconcilerWorld();
    w.apply(api({ clientCertificate: { enabled: true } }));
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    const certs = () => [...w.aws.clientCertificates.certificates.values()];
    const stage = (name = 'prod') => w.aws.stages.get(id)!.get(name)!;
    const status = () => w.get<RestApi>('restapis', 'shop')!.status!.stages!.find((s) => s.name === 'prod')!;
    expect(certs()).toHaveLength(1);
    const cert = certs()[0]!;
    expect(cert.tags).toMatchObject({ [OWNER_TAG]: 'default/RestApi/shop', [STAGE_TAG]: 'prod' });
    expect(cert.description).toBe('restpath-operator: default/RestApi/shop stage prod');
    expect(stage().clientCertificateId).toBe(cert.id);
    expect(stage('dev').clientCertificateId).toBe('');
    expect(status().clientCertificate).toEqual({ id: cert.id, expiresAt: cert.expiresAt });
    expect(w.events.map((e) => e.note)).toContainEqual(expect.stringContaining(`Generated client certificate ${cert.id} for stage prod`));

    // In sync: one list, no write.
    const before = w.aws.calls.length;
    await w.reconcileApi('shop', 'resync');
    const resync = w.aws.calls.slice(before);
    expect(resync.filter((c) => c === 'ownedClientCertificates')).toHaveLength(1);
    expect(resync.filter((c) => /generate|describeClient|deleteClient|updateStage/.test(c))).toEqual([]);

    // The status lost (as after a create whose answer never came): the tagged certificate is found again.
    w.aws.stages.get(id)!.set('prod', { ...stage(), clientCertificateId: '' });
    const o = w.get<RestApi>('restapis', 'shop')!;
    o.status!.stages = o.status!.stages!.map(({ clientCertificate: _gone, ...s }) => s);
    await w.reconcileApi('shop', 'resync');
    expect(certs().map((c) => c.id)).toEqual([cert.id]);
    expect(stage().clientCertificateId).toBe(cert.id);

    w.apply(api({ clientCertificate: { enabled: true, description: 'orders backend mTLS' } }));
    await w.reconcileApi('shop');
    expect(certs()).toEqual([expect.objectContaining({ id: cert.id, description: 'orders backend mTLS' })]);

    w.apply(api({}));
    await w.reconcileApi('shop');
    expect(stage().clientCertificateId).toBe('');
    expect(certs()).toEqual([]);
    expect(status().clientCertificate).toBeUndefined();
    const order = w.aws.calls.filter((c) => c === 'updateStage' || c === 'deleteClientCertificate');
    expect(order.slice(-2)).toEqual(['updateStage', 'deleteClientCertificate']);
  });

  it('deletes the certificates with the RestApi, and reports the account limit as a condition', async () => {
    const w = new ReconcilerWorld();
    w.apply(api({ clientCertificate: { enabled: true } }));
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    w.aws.fail('generateClientCertificate', Object.assign(new Error('Maximum number of client certificates (60) reached'), { name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } }), 1);
    await w.reconcileApi('shop');
    expect(w.condition('restapis', 'shop', 'Ready')).toMatchObject({ status: 'False' });
    expect(w.condition('restapis', 'shop', 'Ready')?.message).toContain('Maximum number of client certificates (60) reached');
    await w.reconcileApi('shop');
    expect(w.aws.clientCertificates.certificates.size).toBe(1);
    expect(w.condition('restapis', 'shop', 'Ready')?.status).toBe('True');

    w.delete('restapis', 'shop');
    await w.reconcileApi('shop');
    expect(w.aws.clientCertificates.certificates.size).toBe(0);
  });
});
