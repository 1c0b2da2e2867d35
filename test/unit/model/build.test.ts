// model(spec) with plain data: shared segments, conflicts, defaults, tags and credentials.
import { describe, expect, it } from 'vitest';
import { HTTP_METHODS, INTEGRATION_TYPES, type Integration } from '../../../src/api/rest-path.js';
import { buildDesired, MANAGED_BY_TAG, OWNER_TAG } from '../../../src/model/build.js';
import { desiredOf, NAMESPACE, OPTIONS, restPath } from '../../support/arbitraries.js';

const mock = (httpMethod: (typeof HTTP_METHODS)[number] = 'GET') => ({ httpMethod, integration: { type: 'MOCK' as const } });

describe('buildDesired', () => {
  it('shares parent segments between RestPaths and records who needs each', () => {
    const d = desiredOf([
      restPath('order', { path: '/orders/{id}', methods: [mock()] }),
      restPath('items', { path: '/orders/{id}/items', methods: [mock()] }),
      restPath('health', { path: '/health', methods: [mock()] }),
    ]);
    expect(d.resources).toEqual([
      { path: '/health', parentPath: '/', pathPart: 'health', neededBy: ['shop/health'] },
      { path: '/orders', parentPath: '/', pathPart: 'orders', neededBy: ['shop/items', 'shop/order'] },
      { path: '/orders/{id}', parentPath: '/orders', pathPart: '{id}', neededBy: ['shop/items', 'shop/order'] },
      { path: '/orders/{id}/items', parentPath: '/orders/{id}', pathPart: 'items', neededBy: ['shop/items'] },
    ]);
  });

  it('puts methods on the root path without creating a resource', () => {
    const d = desiredOf([restPath('root', { path: '/', methods: [mock()] })]);
    expect(d.resources).toEqual([]);
    expect(d.methods.map((m) => `${m.httpMethod} ${m.path}`)).toEqual(['GET /']);
  });

  it('gives a contested path and method to the older RestPath and reports the newer', () => {
    const d = desiredOf([
      restPath('newer', { path: '/orders', methods: [mock('GET'), mock('POST')] }, '2026-02-01T00:00:00Z'),
      restPath('older', { path: '/orders', methods: [mock('GET')] }, '2026-01-01T00:00:00Z'),
    ]);
    expect(d.methods.map((m) => `${m.httpMethod} ${m.owner}`)).toEqual(['GET shop/older', 'POST shop/newer']);
    expect(d.conflicts).toEqual([{ path: '/orders', httpMethod: 'GET', keptBy: 'shop/older', refused: 'shop/newer' }]);
  });

  it('breaks a tie in age by name, so every replica decides the same', () => {
    const same = '2026-01-01T00:00:00Z';
    const d = desiredOf([restPath('b', { path: '/x', methods: [mock()] }, same), restPath('a', { path: '/x', methods: [mock()] }, same)]);
    expect(d.conflicts).toEqual([{ path: '/x', httpMethod: 'GET', keptBy: 'shop/a', refused: 'shop/b' }]);
  });

  it('names the API <namespace>-<name> by default and tags it with ownership, default and user tags', () => {
    const d = buildDesired({ namespace: NAMESPACE, name: 'shop', spec: { tags: { env: 'prod', team: 'shop' } } }, [], OPTIONS);
    expect(d.settings).toEqual({ name: 'shop-shop', description: '', endpointType: 'REGIONAL', binaryMediaTypes: [], vpcEndpointIds: [] });
    expect(d.tags).toEqual({ env: 'prod', team: 'shop', [MANAGED_BY_TAG]: 'restpath-operator', [OWNER_TAG]: 'shop/RestApi/shop' });
  });

  it('uses a roleArn as given, the execution role ARN once known, and waits for it otherwise', () => {
    const lambda = (credentials: Integration['credentials']) => ({
      httpMethod: 'POST' as const,
      integration: { type: 'AWS_PROXY' as const, httpMethod: 'POST' as const, uri: 'arn:aws:apigateway:us-east-1:lambda:path/f', credentials },
    });
    const given = desiredOf([restPath('a', { path: '/a', methods: [lambda({ roleArn: 'arn:aws:iam::123456789012:role/r' })] })]);
    expect(given.methods[0]?.shape.integration?.credentials).toBe('arn:aws:iam::123456789012:role/r');

    const waiting = desiredOf([restPath('b', { path: '/b', methods: [lambda({ executionRole: true })] })]);
    expect(waiting.methods).toEqual([]);
    expect(waiting.pending).toEqual([{ path: '/b', httpMethod: 'POST', owner: 'shop/b', reason: 'waiting for the execution role of this RestPath to be created' }]);
    expect(waiting.resources.map((r) => r.path)).toEqual(['/b']);

    const known = desiredOf([restPath('b', { path: '/b', methods: [lambda({ executionRole: true })] }, undefined, { executionRoleArn: 'arn:aws:iam::123456789012:role/rp-b' })]);
    expect(known.methods[0]?.shape.integration?.credentials).toBe('arn:aws:iam::123456789012:role/rp-b');
  });

  describe.each(INTEGRATION_TYPES)('a %s integration', (type) => {
    it.each(HTTP_METHODS)('on %s is normalized with AWS defaults', (httpMethod) => {
      const integration: Integration =
        type === 'MOCK'
          ? { type }
          : type.startsWith('HTTP')
            ? { type, httpMethod: 'GET', uri: 'http://backend.internal/x' }
            : { type, httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:lambda:path/f' };
      const d = desiredOf([restPath('p', { path: '/p', methods: [{ httpMethod, integration }] })]);
      expect(d.methods).toHaveLength(1);
      expect(d.methods[0]).toMatchObject({
        path: '/p',
        httpMethod,
        owner: 'shop/p',
        shape: {
          authorizationType: 'NONE',
          authorizerId: '',
          apiKeyRequired: false,
          requestParameters: {},
          responses: {},
          integration: {
            type,
            uri: integration.uri ?? '',
            httpMethod: integration.httpMethod ?? '',
            connectionType: 'INTERNET',
            timeoutInMillis: 29000,
            passthroughBehavior: 'WHEN_NO_MATCH',
            credentials: '',
            responses: {},
          },
        },
      });
    });
  });
});
