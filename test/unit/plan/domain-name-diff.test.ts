// The domain name's diff and its runbook's name matching, as tables: removals before creates (AWS
// refuses a root mapping next to others), held base paths untouched, the ledger deciding what may go,
// the certificate field by endpoint type, and wildcard certificates covering one label.
import { describe, expect, it } from 'vitest';
import { covers } from '../../../src/diagnose/domain-name.js';
import type { DesiredDomainName, DomainShape, MappingShape } from '../../../src/model/domain-name.js';
import { diffDomainName, domainPatch, ledgerAfter, type ObservedDomainName } from '../../../src/plan/domain-name-diff.js';

const shape: DomainShape = { domainName: 'api.example.com', endpointType: 'REGIONAL', certificateArn: 'arn:c1', securityPolicy: 'TLS_1_2', mutualTls: null };
const observed: ObservedDomainName = { domain: shape, tags: { t: '1' }, targetDomainName: 'd-1.example', hostedZoneId: 'Z', status: 'AVAILABLE', statusMessage: '' };
const m = (basePath: string, restApiId = 'api0000001', stage = 'prod'): MappingShape => ({ basePath, restApiId, stage });
const desired = (mappings: MappingShape[], held: string[] = []): DesiredDomainName => ({ domain: shape, tags: { t: '1' }, mappings, held: new Set(held), apiNames: new Map() });

describe('diffDomainName', () => {
  it('removes the root mapping it made before creating base paths', () => {
    const { operations } = diffDomainName(desired([m('orders'), m('reviews')]), observed, [m('')], [m('')]);
    expect(operations.map((o) => `${o.kind}:${'mapping' in o ? o.mapping.basePath : ''}`)).toEqual(['deleteMapping:', 'createMapping:orders', 'createMapping:reviews']);
  });

  it('updates a changed target in place, sending the stage with a new API', () => {
    const { operations } = diffDomainName(desired([m('orders', 'api0000002', 'prod')]), observed, [m('orders')], [m('orders')]);
    expect(operations).toEqual([{ kind: 'updateMapping', mapping: m('orders', 'api0000002'), patch: [{ op: 'replace', path: '/restapiId', value: 'api0000002' }, { op: 'replace', path: '/stage', value: 'prod' }] }]);
  });

  it.each([
    ['held (its RestApi is late)', ['legacy'], [], []],
    ['not made by the operator', [], [], ['legacy']],
    ['made by the operator', [], ['legacy'], []],
  ] as const)('a live mapping the spec lacks, %s', (_why, held, ledger, undeclared) => {
    const diff = diffDomainName(desired([], [...held]), observed, [m('legacy')], ledger.map((b) => m(b)));
    expect(diff.undeclared.map((x) => x.basePath)).toEqual(undeclared);
    expect(diff.operations.map((o) => o.kind)).toEqual(ledger.length > 0 ? ['deleteMapping'] : []);
  });

  it('patches the certificate field of the endpoint type, the policy and mutual TLS', () => {
    expect(domainPatch({ ...shape, certificateArn: 'arn:c2', securityPolicy: 'TLS_1_0' }, shape)).toEqual([
      { op: 'replace', path: '/regionalCertificateArn', value: 'arn:c2' },
      { op: 'replace', path: '/securityPolicy', value: 'TLS_1_0' },
    ]);
    expect(domainPatch({ ...shape, endpointType: 'EDGE', certificateArn: 'arn:c2' }, { ...shape, endpointType: 'EDGE' })[0]?.path).toBe('/certificateArn');
    const tls = { ...shape, mutualTls: { truststoreUri: 's3://b/ca.pem', truststoreVersion: '3' } };
    expect(domainPatch(tls, shape).map((p) => p.path)).toEqual(['/mutualTlsAuthentication/truststoreUri', '/mutualTlsAuthentication/truststoreVersion']);
    expect(domainPatch(shape, tls)).toEqual([{ op: 'replace', path: '/mutualTlsAuthentication/truststoreUri', value: '' }]);
  });

  it('keeps the ledger: created and remapped entries in, removed ones out; a taken-over mapping stays out', () => {
    const after = ledgerAfter([m('a'), m('b')], [
      { kind: 'createMapping', mapping: m('c') },
      { kind: 'deleteMapping', mapping: m('a') },
      { kind: 'updateMapping', mapping: m('b', 'api0000002'), patch: [] },
      { kind: 'updateMapping', mapping: m('x'), patch: [] },
    ]);
    expect(after).toEqual([m('b', 'api0000002'), m('c')]);
  });
});

describe('covers', () => {
  it.each([
    ['api.example.com', 'api.example.com', true],
    ['API.example.com', 'api.EXAMPLE.com', true],
    ['*.example.com', 'api.example.com', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.example.com', true],
    ['shop.example.org', 'api.example.com', false],
  ] as const)('%s covers %s: %s', (cert, host, expected) => {
    expect(covers(cert, host)).toBe(expected);
  });
});
