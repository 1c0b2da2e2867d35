// diff() with plain data: order, in-place patches, deletions limited by the ledger.
import { describe, expect, it } from 'vitest';
import { HTTP_METHODS, INTEGRATION_TYPES, type Integration, type Method } from '../../../src/api/rest-path.js';
import { diff } from '../../../src/plan/diff.js';
import { ledgerAfter, ledgerOf } from '../../../src/plan/ledger.js';
import { describeOperation } from '../../../src/plan/operations.js';
import { simulate } from '../../../src/plan/simulate.js';
import { EMPTY_LEDGER } from '../../../src/model/state.js';
import { desiredOf, emptyApi, restPath } from '../../support/arbitraries.js';

const mock: Method = {
  httpMethod: 'GET',
  integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode":200}' }, responses: [{ statusCode: '200' }] },
  methodResponses: [{ statusCode: '200' }],
};
const proxy = (uri = 'http://orders.internal/orders'): Method => ({ httpMethod: 'GET', integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri } });

function applied(paths: Parameters<typeof desiredOf>[0]) {
  const d = desiredOf(paths);
  return { d, observed: simulate(emptyApi(), diff(d, emptyApi(), EMPTY_LEDGER)), ledger: ledgerOf(d) };
}

describe('diff', () => {
  it('creates parents before children and method, integration, responses in that order', () => {
    const d = desiredOf([restPath('items', { path: '/orders/{id}/items', methods: [mock] })]);
    expect(diff(d, emptyApi(), EMPTY_LEDGER).map(describeOperation)).toEqual([
      'update REST API (replace /name, replace /endpointConfiguration/types/0)',
      'tag REST API (env, restpath.dev/managed-by, restpath.dev/owner)',
      'create resource /orders',
      'create resource /orders/{id}',
      'create resource /orders/{id}/items',
      'putMethod GET /orders/{id}/items',
      'putIntegration GET /orders/{id}/items',
      'putMethodResponse GET /orders/{id}/items 200',
      'putIntegrationResponse GET /orders/{id}/items 200',
    ]);
  });

  it('is empty when in sync', () => {
    const { d, observed, ledger } = applied([restPath('a', { path: '/a', methods: [mock, { ...proxy(), httpMethod: 'POST' }] })]);
    expect(diff(d, observed, ledger)).toEqual([]);
  });

  it('changes a method in place with one PATCH', () => {
    const { observed, ledger } = applied([restPath('a', { path: '/a', methods: [proxy()] })]);
    const d = desiredOf([restPath('a', { path: '/a', methods: [{ ...proxy(), apiKeyRequired: true, requestParameters: { 'method.request.header.X-Id': true } }] })]);
    expect(diff(d, observed, ledger)).toEqual([
      {
        kind: 'updateMethod',
        path: '/a',
        httpMethod: 'GET',
        patch: [
          { op: 'replace', path: '/apiKeyRequired', value: 'true' },
          { op: 'add', path: '/requestParameters/method.request.header.X-Id', value: 'true' },
        ],
      },
    ]);
  });

  it('changes an integration in place, escaping / in keys', () => {
    const { observed, ledger } = applied([restPath('a', { path: '/a', methods: [mock] })]);
    const changed: Method = { ...mock, integration: { ...mock.integration, requestTemplates: { 'application/json': '{"statusCode":201}' }, timeoutMillis: 5000 } };
    expect(diff(desiredOf([restPath('a', { path: '/a', methods: [changed] })]), observed, ledger)).toEqual([
      {
        kind: 'updateIntegration',
        path: '/a',
        httpMethod: 'GET',
        patch: [
          { op: 'replace', path: '/timeoutInMillis', value: '5000' },
          { op: 'replace', path: '/requestTemplates/application~1json', value: '{"statusCode":201}' },
        ],
      },
    ]);
  });

  it('replaces an integration whose type changes (API Gateway cannot patch the type)', () => {
    const { observed, ledger } = applied([restPath('a', { path: '/a', methods: [mock] })]);
    const ops = diff(desiredOf([restPath('a', { path: '/a', methods: [proxy()] })]), observed, ledger);
    expect(ops.map(describeOperation)).toEqual(['putIntegration GET /a', 'deleteMethodResponse GET /a 200']);
  });

  it('puts the integration again (with its responses) when its cache key parameters change, and not otherwise', () => {
    const keyed = (keys: string[]): Method => ({ ...mock, requestParameters: { 'method.request.querystring.category': false, 'method.request.header.Accept-Language': false }, integration: { ...mock.integration, cacheKeyParameters: keys } });
    const { observed, ledger } = applied([restPath('a', { path: '/a', methods: [keyed(['method.request.querystring.category'])] })]);
    // Declared in another order: the same set, nothing to do.
    expect(diff(desiredOf([restPath('a', { path: '/a', methods: [keyed(['method.request.querystring.category'])] })]), observed, ledger)).toEqual([]);
    const ops = diff(desiredOf([restPath('a', { path: '/a', methods: [keyed(['method.request.header.Accept-Language', 'method.request.querystring.category'])] })]), observed, ledger);
    expect(ops.map(describeOperation)).toEqual(['putIntegration GET /a', 'putIntegrationResponse GET /a 200']);
    expect(ops[0]).toMatchObject({ integration: { cacheKeyParameters: ['method.request.header.Accept-Language', 'method.request.querystring.category'] } });
    const after = simulate(observed, ops);
    expect(diff(desiredOf([restPath('a', { path: '/a', methods: [keyed(['method.request.querystring.category', 'method.request.header.Accept-Language'])] })]), after, ledger)).toEqual([]);
  });

  it('removes a path but keeps the segments another RestPath still needs', () => {
    const { observed, ledger } = applied([
      restPath('order', { path: '/orders/{id}', methods: [proxy()] }),
      restPath('items', { path: '/orders/{id}/items', methods: [proxy()] }),
    ]);
    const ops = diff(desiredOf([restPath('order', { path: '/orders/{id}', methods: [proxy()] })]), observed, ledger);
    expect(ops.map(describeOperation)).toEqual(['deleteMethod GET /orders/{id}/items', 'delete resource /orders/{id}/items']);
  });

  it('never deletes a method or segment it did not write, nor a segment above one', () => {
    const { observed } = applied([restPath('other', { path: '/legacy/{id}', methods: [proxy()] })]);
    // The ledger says we wrote /legacy (a segment) but not the method below it.
    const ledger = { ...EMPTY_LEDGER, resources: ['/legacy', '/legacy/{id}'] };
    const ops = diff(desiredOf([]), observed, ledger);
    expect(ops.filter((op) => op.kind.startsWith('delete'))).toEqual([]);
  });

  it('keeps a declared method that is waiting for its execution role', () => {
    const lambda: Method = { httpMethod: 'POST', integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:lambda:path/f', credentials: { roleArn: 'arn:aws:iam::123456789012:role/old' } } };
    const { observed, ledger } = applied([restPath('c', { path: '/checkout', methods: [lambda] })]);
    const waiting: Method = { ...lambda, integration: { ...lambda.integration, credentials: { executionRole: true } } };
    const d = desiredOf([restPath('c', { path: '/checkout', methods: [waiting], executionRole: { managedPolicyArns: ['arn:aws:iam::aws:policy/x'] } })]);
    expect(diff(d, observed, ledger)).toEqual([]);
  });

  it('puts and resets gateway responses, leaving ones it never set alone', () => {
    const d = desiredOf([], { gatewayResponses: [{ type: 'THROTTLED', statusCode: '429', responseTemplates: { 'application/json': '{}' } }] });
    const observed = { ...emptyApi(), gatewayResponses: { ACCESS_DENIED: { statusCode: '403', responseParameters: {}, responseTemplates: {} }, DEFAULT_5XX: { statusCode: '', responseParameters: {}, responseTemplates: {} } } };
    const ops = diff(d, observed, { ...EMPTY_LEDGER, gatewayResponses: ['DEFAULT_5XX'] });
    expect(ops.filter((op) => op.kind.includes('GatewayResponse')).map(describeOperation)).toEqual([
      'put gateway response THROTTLED',
      'reset gateway response DEFAULT_5XX',
    ]);
  });

  it('keeps the union of ledgers after a plan that stopped part-way', () => {
    const before = ledgerOf(desiredOf([restPath('a', { path: '/a', methods: [mock] })]));
    const now = desiredOf([restPath('b', { path: '/b', methods: [mock] })]);
    expect(ledgerAfter(now, before, false).methods).toEqual(['/a GET', '/b GET']);
    expect(ledgerAfter(now, before, true).methods).toEqual(['/b GET']);
  });

  describe.each(INTEGRATION_TYPES)('every %s method', (type) => {
    it.each(HTTP_METHODS)('%s converges from scratch and from another integration type', (httpMethod) => {
      const integration = (t: typeof type): Integration =>
        t === 'MOCK' ? { type: t } : t.startsWith('HTTP') ? { type: t, httpMethod: 'GET', uri: 'http://b.internal/x' } : { type: t, httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:lambda:path/f' };
      const d = desiredOf([restPath('p', { path: '/p', methods: [{ httpMethod, integration: integration(type) }] })]);
      const fresh = simulate(emptyApi(), diff(d, emptyApi(), EMPTY_LEDGER));
      expect(diff(d, fresh, ledgerOf(d))).toEqual([]);
      for (const other of INTEGRATION_TYPES) {
        const { observed, ledger } = applied([restPath('p', { path: '/p', methods: [{ httpMethod, integration: integration(other) }] })]);
        expect(diff(d, simulate(observed, diff(d, observed, ledger)), ledger)).toEqual([]);
      }
    });
  });
});
