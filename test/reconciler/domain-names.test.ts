// DomainName through the real reconciler over the in-memory AWS (which keeps AWS's documented
// behaviour where the emulator has none): creation and the early `created` write, mappings made,
// remapped and removed by the ledger, an undeclared mapping reported and kept, ownership and adoption,
// the certificate and DNS findings, the DNSEndpoint, and deletion by policy.
import { describe, expect, it } from 'vitest';
import type { DomainName, DomainNameSpec } from '../../src/api/domain-name.js';
import type { RestApi } from '../../src/api/rest-api.js';
import { OWNER_TAG } from '../../src/model/build.js';
import { healthOf } from '../support/argocd-health.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { mock, restApi, restPath } from './objects.js';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d';
const NAME = 'api.example.com';

function domain(spec: Partial<DomainNameSpec> = {}, name = 'api'): DomainName {
  return {
    apiVersion: 'apigateway.restpath.dev/v1alpha1',
    kind: 'DomainName',
    metadata: { name, namespace: 'default' },
    spec: { domainName: NAME, certificateArn: CERT, mappings: [{ basePath: 'orders', restApiRef: { name: 'shop' }, stage: 'prod' }], ...spec },
  };
}

async function world(): Promise<{ w: ReconcilerWorld; shop: string }> {
  const w = new ReconcilerWorld({ adoptNamespaces: ['default'] });
  w.aws.domains.certificates.set(CERT, { arn: CERT, status: 'ISSUED', domainName: NAME, subjectAlternativeNames: [NAME, '*.example.com'] });
  w.apply(restApi('shop', { stages: [{ name: 'prod' }, { name: 'dev' }] }));
  w.apply(restPath('orders', '/orders', [mock('GET')]));
  await w.reconcileApi('shop');
  return { w, shop: w.get<RestApi>('restapis', 'shop')!.status!.id! };
}

const status = (w: ReconcilerWorld) => w.get<DomainName>('domainnames', 'api')!.status!;
const cond = (w: ReconcilerWorld, type: string) => w.condition('domainnames', 'api', type);

describe('a DomainName', () => {
  it('creates the domain name and its mappings, then remaps, removes what it made and keeps what it did not', async () => {
    const { w, shop } = await world();
    w.apply(domain());
    await w.reconcileDomain('api');
    const live = w.aws.domains.domains.get(NAME)!;
    expect(live.tags[OWNER_TAG]).toBe('default/DomainName/api');
    expect(w.aws.domains.mappings.get(NAME)).toEqual([{ basePath: 'orders', restApiId: shop, stage: 'prod' }]);
    expect(status(w)).toMatchObject({ created: true, targetDomainName: live.targetDomainName, hostedZoneId: 'Z1UJRXOUMOOFQ8', mappings: [{ basePath: 'orders', restApiId: shop, stage: 'prod' }] });
    expect(cond(w, 'Ready')).toMatchObject({ status: 'True', message: expect.stringContaining(`Point DNS for ${NAME} at ${live.targetDomainName}`) as string });
    expect(cond(w, 'MappingsReady')?.message).toContain(`https://${NAME}/orders -> RestApi shop ${shop}/prod`);
    expect(cond(w, 'MappingsReady')?.message).toContain('Requests to any other base path get 403 {"message":"Forbidden"}');
    // No zone in this account: DNS cannot be checked, and that does not hold Ready.
    expect(cond(w, 'DnsReady')).toMatchObject({ status: 'Unknown', reason: 'DnsZoneNotInAccount' });

    // In sync: four reads (the certificate and DNS ones cached up to --diagnosis-max-age in the real
    // adapter), no write, no second mappings read, no Kubernetes call for a DNSEndpoint never enabled.
    const calls = w.aws.calls.length;
    const endpoints = w.dnsEndpoints.size;
    await w.reconcileDomain('api', 'resync');
    expect(w.aws.calls.slice(calls)).toEqual(['observeDomainName', 'observeMappings', 'certificate', 'dns']);
    expect(w.dnsEndpoints.size).toBe(endpoints);

    // Someone maps /legacy by hand: reported, never removed.
    w.aws.domains.mappings.get(NAME)!.push({ basePath: 'legacy', restApiId: 'handmade01', stage: 'v1' });
    // Remap /orders to dev, add /v2/orders.
    w.apply(domain({ mappings: [{ basePath: 'orders', restApiRef: { name: 'shop' }, stage: 'dev' }, { basePath: 'v2/orders', restApiRef: { name: 'shop' }, stage: 'prod' }] }));
    await w.reconcileDomain('api');
    expect(w.aws.domains.mappings.get(NAME)!.map((m) => `${m.basePath}:${m.stage}`).sort()).toEqual(['legacy:v1', 'orders:dev', 'v2/orders:prod']);
    expect(cond(w, 'MappingsReady')?.message).toContain('AWS also maps /legacy to handmade01/v1, which the spec does not declare and the operator did not create');
    expect(w.warnings().map((e) => e.reason)).toContain('UndeclaredMapping');

    // Dropping /v2/orders removes it (the ledger says the operator made it); /legacy stays.
    w.apply(domain({ mappings: [{ basePath: 'orders', restApiRef: { name: 'shop' }, stage: 'dev' }] }));
    await w.reconcileDomain('api');
    expect(w.aws.domains.mappings.get(NAME)!.map((m) => m.basePath).sort()).toEqual(['legacy', 'orders']);
    expect(status(w).mappings?.map((m) => m.basePath)).toEqual(['orders']);

    // Deletion (policy Delete, created by the operator): the domain name goes, with its mappings.
    w.delete('domainnames', 'api');
    await w.reconcileDomain('api');
    expect(w.aws.domains.domains.has(NAME)).toBe(false);
    expect(w.get('domainnames', 'api')).toBeUndefined();
  });

  it('waits for a stage that is declared later, and names a missing one', async () => {
    const { w } = await world();
    w.apply(domain({ mappings: [{ basePath: 'orders', restApiRef: { name: 'shop' }, stage: 'qa' }] }));
    await w.reconcileDomain('api');
    expect(cond(w, 'Ready')).toMatchObject({ status: 'False', reason: 'StageNotFound', message: expect.stringContaining(`get 403 {"message":"Forbidden"}`) as string });
    expect(cond(w, 'Reconciling')?.status).toBe('True');
    w.advance(121_000);
    await w.reconcileDomain('api');
    expect(cond(w, 'Stalled')).toMatchObject({ status: 'True', reason: 'StageNotFound' });
    expect(w.aws.domains.mappings.get(NAME) ?? []).toEqual([]);
  });

  it('refuses a domain name someone else owns, and adopts an unowned one only when asked', async () => {
    const { w } = await world();
    w.aws.domains.domains.set(NAME, { domain: { domainName: NAME, endpointType: 'REGIONAL', certificateArn: CERT, securityPolicy: 'TLS_1_2', mutualTls: null }, tags: {}, targetDomainName: 'd-x.execute-api.us-east-1.amazonaws.com', hostedZoneId: 'Z1', status: 'AVAILABLE', statusMessage: '' });
    w.apply(domain());
    await w.reconcileDomain('api');
    expect(cond(w, 'Stalled')).toMatchObject({ status: 'True', reason: 'DomainNameExists' });
    expect(w.aws.domains.mappings.get(NAME) ?? []).toEqual([]);

    w.apply(domain({ adopt: true, securityPolicy: 'TLS_1_0' }));
    await w.reconcileDomain('api');
    expect(cond(w, 'Ready')?.status).toBe('True');
    expect(status(w).created).toBe(false);
    expect(w.aws.domains.domains.get(NAME)!.domain.securityPolicy).toBe('TLS_1_0');
    expect(w.aws.domains.domains.get(NAME)!.tags[OWNER_TAG]).toBe('default/DomainName/api');

    // Deleting an adopted domain removes only the operator's mappings.
    w.delete('domainnames', 'api');
    await w.reconcileDomain('api');
    expect(w.aws.domains.domains.has(NAME)).toBe(true);
    expect(w.aws.domains.mappings.get(NAME)).toEqual([]);

    w.aws.domains.domains.get(NAME)!.tags[OWNER_TAG] = 'team-b/DomainName/api';
    w.apply(domain({ adopt: true }, 'other'));
    await w.reconcileDomain('other');
    expect(w.condition('domainnames', 'other', 'Stalled')).toMatchObject({ status: 'True', reason: 'OwnedByOther' });
  });

  it('holds Ready on a certificate that is pending, not issued or not covering the name; reports DNS', async () => {
    const { w } = await world();
    const cert = w.aws.domains.certificates.get(CERT)!;
    cert.status = 'PENDING_VALIDATION';
    w.apply(domain({ dnsEndpoint: { enabled: true } }));
    await w.reconcileDomain('api');
    expect(cond(w, 'CertificateReady')).toMatchObject({ status: 'False', reason: 'CertificatePendingValidation', message: expect.stringContaining(`aws acm describe-certificate --certificate-arn ${CERT} --region us-east-1`) as string });
    expect(cond(w, 'Reconciling')).toMatchObject({ status: 'True', reason: 'CertificatePendingValidation' });
    // Argo CD shows it as progress, not as a failure: ACM gets there by itself.
    expect(await healthOf('DomainName', w.get<DomainName>('domainnames', 'api'))).toMatchObject({ status: 'Progressing', message: expect.stringMatching(/^CertificatePendingValidation: Certificate \S+ is not issued \(ACM is waiting for its DNS or email validation\)/) as unknown });

    cert.status = 'ISSUED';
    cert.domainName = 'shop.example.org';
    cert.subjectAlternativeNames = ['shop.example.org'];
    await w.reconcileDomain('api');
    expect(cond(w, 'Stalled')).toMatchObject({ status: 'True', reason: 'CertificateDoesNotCover' });

    cert.subjectAlternativeNames = ['*.example.com'];
    const target = w.aws.domains.domains.get(NAME)!.targetDomainName;
    w.aws.domains.zones.set('example.com', { id: 'ZEXAMPLE', records: new Map([[NAME, [{ type: 'CNAME', targets: ['old-lb.example.net'] }]]]) });
    await w.reconcileDomain('api');
    expect(cond(w, 'Ready')?.status).toBe('True');
    expect(cond(w, 'DnsReady')).toMatchObject({ status: 'False', reason: 'DnsNotPointingAtDomain', message: expect.stringContaining(`not at ${target}`) as string });
    expect(cond(w, 'DnsReady')?.message).toContain('aws route53 list-resource-record-sets --hosted-zone-id ZEXAMPLE');
    expect(w.dnsEndpoints.get('default/api')).toEqual({ dnsName: NAME, target, recordTTL: 300 });
    expect(status(w).dnsEndpoint).toBe('default/api');
    expect(cond(w, 'DnsEndpointReady')).toMatchObject({ status: 'True', reason: 'DnsEndpointWritten' });

    // No DNSEndpoint CRD: reported (with a Warning), never holding Ready (API Gateway serves the domain).
    w.dnsEndpointFailure = new Error('HTTP 404: 404 page not found');
    await w.reconcileDomain('api');
    expect(cond(w, 'DnsEndpointReady')).toMatchObject({ status: 'False', reason: 'DnsEndpointNotWritten' });
    expect(cond(w, 'Ready')?.status).toBe('True');
    expect(w.events.map((e) => e.reason)).toContain('DnsEndpointNotWritten');
    w.dnsEndpointFailure = undefined;

    w.aws.domains.zones.get('example.com')!.records.set(NAME, [{ type: 'A', targets: [`${target.toUpperCase()}.`] }]);
    await w.reconcileDomain('api');
    expect(cond(w, 'DnsReady')).toMatchObject({ status: 'True', reason: 'DnsPointsAtDomain' });

    w.apply(domain());
    await w.reconcileDomain('api');
    expect(w.dnsEndpoints.has('default/api')).toBe(false);
    expect(status(w).dnsEndpoint).toBeUndefined();
    expect(cond(w, 'DnsEndpointReady')).toBeUndefined();
  });

  it('recreates a domain name it created that was deleted out of band, and keeps a Retain one on delete', async () => {
    const { w } = await world();
    w.apply(domain({ deletionPolicy: 'Retain' }));
    await w.reconcileDomain('api');
    w.aws.domains.domains.delete(NAME);
    w.aws.domains.mappings.delete(NAME);
    await w.reconcileDomain('api', 'resync');
    expect(w.aws.domains.domains.has(NAME)).toBe(true);
    expect(w.aws.domains.mappings.get(NAME)).toHaveLength(1);
    expect(w.warnings().map((e) => e.reason)).toContain('DriftCorrected');
    w.delete('domainnames', 'api');
    await w.reconcileDomain('api');
    expect(w.aws.domains.domains.has(NAME)).toBe(true);
    expect(w.get('domainnames', 'api')).toBeUndefined();
  });
});
