// Bulk create's document (plan/bulk-create.ts sends it): the desired state of a
// new API rendered as one OpenAPI document and put into an empty API by the simulator's model of
// PutRestApi leaves nothing for the per-operation diff to do on paths, methods, integrations,
// responses, authorizers, models, validators, gateway responses or the policy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RestApiSpec } from '../../../src/api/rest-api.js';
import type { Method } from '../../../src/api/rest-path.js';
import { buildDesired } from '../../../src/model/build.js';
import { accessTarget } from '../../../src/model/from-objects.js';
import { desiredDocument } from '../../../src/openapi/desired-document.js';
import { diff } from '../../../src/plan/diff.js';
import { ledgerOf } from '../../../src/plan/ledger.js';
import { describeOperation } from '../../../src/plan/operations.js';
import { simulatePutRestApi } from '../../../src/plan/simulate-import.js';
import { apiSpec, emptyApi, NAMESPACE, OPTIONS, restPaths } from '../../support/arbitraries.js';

import type { Operation } from '../../../src/plan/operations.js';

/** What a document does not carry: the API's name, description, endpoint and tags (the policy and binary media types it does). */
function carried(op: Operation): Operation | undefined {
  if (op.kind === 'tagRestApi' || op.kind === 'untagRestApi') return undefined;
  if (op.kind !== 'updateRestApi') return op;
  const patch = op.patch.filter((p) => p.path === '/policy' || p.path.startsWith('/binaryMediaTypes'));
  return patch.length > 0 ? { ...op, patch } : undefined;
}
const access: RestApiSpec = {
  authorizers: [{ name: 'tokens', type: 'TOKEN', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:auth', resultTtlSeconds: 60 }],
  requestValidators: [{ name: 'body', validateBody: true }],
  models: [{ name: 'Line', schema: { type: 'object', properties: { sku: { type: 'string' } } } }, { name: 'Order', schema: { type: 'array', items: { $ref: '#/models/Line' } } }],
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] },
  cors: { allowOrigins: ['https://shop.example.com'] },
};
/** The generated methods with the API's own authorizer, validator and model. */
const withAccess = (m: Method, i: number): Method => ({
  ...m,
  // One default response and the others selected by pattern, as real integrations have them.
  integration: { ...m.integration, ...(m.integration.responses ? { responses: m.integration.responses.map((r, j) => (j === 0 ? r : { ...r, selectionPattern: `${r.statusCode}.*` })) } : {}) },
  ...(m.authorization?.type === 'CUSTOM' ? { authorization: { type: 'CUSTOM', authorizerRef: 'tokens' } } : {}),
  ...(i % 2 === 0 ? { requestValidator: 'body', requestModels: { 'application/json': 'Order' } } : {}),
});

describe('the desired state as one document', () => {
  it('put into an empty API, leaves the diff nothing but the API-wide settings and tags', () => {
    const live = emptyApi();
    const target = accessTarget(live, { region: 'us-east-1', accountId: '123456789012' });
    let whole = 0;
    fc.assert(fc.property(restPaths, apiSpec, fc.boolean(), (paths, spec, cors) => {
      const declared = paths.map((p) => ({ ...p, spec: { ...p.spec, methods: p.spec.methods.map(withAccess) } }));
      const api = { namespace: NAMESPACE, name: 'shop', spec: { ...spec, ...access, ...(cors ? {} : { cors: undefined }) } };
      const desired = buildDesired(api, declared, OPTIONS, target);
      const { document, complete } = desiredDocument(desired, live.id);
      const defaults = desired.methods.some((m) => Object.values(m.shape.integration?.responses ?? {}).filter((r) => r.selectionPattern === '').length > 1);
      expect(complete).toBe(!defaults);
      if (!complete) return;
      whole += 1;
      let n = 0;
      const imported = simulatePutRestApi(live, JSON.parse(JSON.stringify(document)), () => `id${String(++n).padStart(4, '0')}`);
      // Read back, as the operator does after the import: names now resolve to the ids AWS gave.
      const again = buildDesired(api, declared, OPTIONS, accessTarget(imported, { region: 'us-east-1', accountId: '123456789012' }));
      const left = diff(again, imported, ledgerOf(desired)).flatMap((op) => carried(op) ?? []);
      expect(left.map(describeOperation)).toEqual([]);
    }), { seed: 18, numRuns: 200 });
    expect(whole).toBe(200);
  });

  it('says when it cannot carry a method: an authorizer named by a foreign id', () => {
    const live = emptyApi();
    const desired = buildDesired({ namespace: NAMESPACE, name: 'shop', spec: {} }, [{ namespace: NAMESPACE, name: 'p', createdAt: '2026-01-01T00:00:00Z', spec: { restApiRef: { name: 'shop' }, path: '/p', methods: [{ httpMethod: 'GET', authorization: { type: 'CUSTOM', authorizerId: 'abc123' }, integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'https://p.example.com' } }] } }], OPTIONS, accessTarget(live, { region: 'us-east-1', accountId: '123456789012' }));
    expect(desiredDocument(desired, live.id).complete).toBe(false);
  });
});
