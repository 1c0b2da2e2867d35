// Authorizers, models, validators, CORS and the resource policy in the desired state and the plan,
// with plain data: names resolved or refused, the derived preflight, creation and deletion order,
// deletions that wait, and "simulate the plan, plan again: nothing".
import { describe, expect, it } from 'vitest';
import { buildDesired } from '../../../src/model/build.js';
import { canonicalJsonText, desiredModels } from '../../../src/model/access.js';
import { accessTarget } from '../../../src/model/from-objects.js';
import type { OwnershipLedger } from '../../../src/model/state.js';
import { EMPTY_LEDGER } from '../../../src/model/state.js';
import { ledgerOf } from '../../../src/plan/ledger.js';
import { planDiff } from '../../../src/plan/diff.js';
import { describeOperation } from '../../../src/plan/operations.js';
import { simulate } from '../../../src/plan/simulate.js';
import type { RestApiSpec } from '../../../src/api/rest-api.js';
import { emptyApi, NAMESPACE, OPTIONS, restPath } from '../../support/arbitraries.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:auth';
const WHERE = { region: 'us-east-1', accountId: '123456789012' };
const mock = { type: 'MOCK' as const, responses: [{ statusCode: '200' }] };
const spec: RestApiSpec = {
  authorizers: [{ name: 'tokens', type: 'TOKEN', functionArn: FN }],
  requestValidators: [{ name: 'body', validateBody: true }],
  models: [
    { name: 'Order', schema: { type: 'object', properties: { address: { $ref: '#/models/Address' } } } },
    { name: 'Address', schema: { type: 'object' } },
  ],
  cors: { allowOrigins: ['https://shop.example'] },
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: ['execute-api:/*'] }] },
};
const orders = restPath('orders', {
  path: '/orders',
  methods: [
    { httpMethod: 'GET', authorization: { type: 'CUSTOM', authorizerRef: 'tokens' }, integration: mock, methodResponses: [{ statusCode: '200' }] },
    { httpMethod: 'POST', requestValidator: 'body', requestModels: { 'application/json': 'Order' }, integration: { type: 'HTTP_PROXY', httpMethod: 'POST', uri: 'https://backend.example/orders' } },
  ],
});
const desiredOn = (observed: ReturnType<typeof emptyApi>, s: RestApiSpec = spec, paths = [orders]) =>
  buildDesired({ namespace: NAMESPACE, name: 'shop', spec: s }, paths, OPTIONS, accessTarget(observed, WHERE));

describe('access pieces in the model and the plan', () => {
  it('creates authorizer, validator and models (dependencies first) before the methods that name them, and converges', () => {
    const observed = emptyApi();
    const desired = desiredOn(observed);
    const { operations } = planDiff(desired, observed, EMPTY_LEDGER);
    const kinds = operations.map(describeOperation);
    const at = (text: string) => kinds.findIndex((k) => k.startsWith(text));
    expect(at('create authorizer tokens')).toBeLessThan(at('putMethod GET /orders'));
    expect(at('create model Address')).toBeLessThan(at('create model Order'));
    expect(at('create model Order')).toBeLessThan(at('putMethod POST /orders'));
    expect(desired.authorizers.tokens?.authorizerUri).toBe(`arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}/invocations`);
    expect(desired.models.Order?.schema).toContain('https://apigateway.amazonaws.com/restapis/abcdefghij/models/Address');
    expect(desired.policy).toContain('arn:aws:execute-api:us-east-1:123456789012:abcdefghij/*');
    // After the plan ran, the names resolve to the new ids and nothing is left to do.
    const after = simulate(observed, operations);
    expect(planDiff(desiredOn(after), after, ledgerOf(desired)).operations.map(describeOperation)).toEqual([]);
  });

  it('derives a preflight without authorizer or key, and adds the origin to non-proxy responses and gateway responses', () => {
    const desired = desiredOn(emptyApi());
    const preflight = desired.methods.find((m) => m.httpMethod === 'OPTIONS' && m.path === '/orders')!;
    expect(preflight).toMatchObject({ owner: 'shop/orders', derived: true, shape: { authorizationType: 'NONE', apiKeyRequired: false } });
    expect(preflight.shape.integration?.responses['200']?.responseParameters).toMatchObject({
      'method.response.header.Access-Control-Allow-Origin': "'https://shop.example'",
      'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS,POST'",
    });
    const get = desired.methods.find((m) => m.httpMethod === 'GET')!;
    expect(get.shape.integration?.responses['200']?.responseParameters['method.response.header.Access-Control-Allow-Origin']).toBe("'https://shop.example'");
    // A proxy integration passes the backend's headers through: nothing added.
    expect(desired.methods.find((m) => m.httpMethod === 'POST')!.shape.responses).toEqual({});
    expect(desired.gatewayResponses.DEFAULT_4XX?.responseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'https://shop.example'");
    expect(desired.gatewayResponses.DEFAULT_5XX?.responseTemplates).toEqual({ 'application/json': '{"message":$context.error.messageString}' });
  });

  it('keeps a declared OPTIONS, and derives nothing where the path turns CORS off', () => {
    const own = restPath('own', { path: '/own', methods: [{ httpMethod: 'OPTIONS', integration: mock, methodResponses: [{ statusCode: '200' }] }] });
    const off = restPath('off', { path: '/off', cors: { enabled: false }, methods: [{ httpMethod: 'GET', integration: mock, methodResponses: [{ statusCode: '200' }] }] });
    const desired = desiredOn(emptyApi(), spec, [own, off]);
    expect(desired.methods.filter((m) => m.httpMethod === 'OPTIONS').map((m) => [m.path, m.derived ?? false])).toEqual([['/own', false]]);
  });

  it.each([
    ['an authorizer that does not exist', { type: 'CUSTOM' as const, authorizerRef: 'nosuch' }, 'AuthorizerNotFound'],
    ['a Lambda authorizer for Cognito authorization', { type: 'COGNITO_USER_POOLS' as const, authorizerRef: 'tokens' }, 'AuthorizerTypeMismatch'],
  ])('refuses a method naming %s', (_what, authorization, reason) => {
    const p = restPath('p', { path: '/p', methods: [{ httpMethod: 'GET', authorization, integration: mock }] });
    const desired = desiredOn(emptyApi(), spec, [p]);
    expect(desired.refused).toEqual([expect.objectContaining({ path: '/p', httpMethod: 'GET', owner: 'shop/p', reason })]);
    expect(desired.methods.filter((m) => m.httpMethod === 'GET')).toEqual([]);
  });

  it('refuses an unknown validator or model, and reports a model cycle on the API', () => {
    const p = restPath('p', { path: '/p', methods: [{ httpMethod: 'POST', requestValidator: 'nope', integration: mock }, { httpMethod: 'PUT', requestModels: { 'application/json': 'Nope' }, integration: mock }] });
    const desired = desiredOn(emptyApi(), spec, [p]);
    expect(desired.refused.map((r) => r.reason).sort()).toEqual(['ModelNotFound', 'RequestValidatorNotFound']);
    const cycle = desiredModels([{ name: 'A', schema: { $ref: '#/models/B' } }, { name: 'B', schema: { $ref: '#/models/A' } }], 'x', new Set());
    expect(cycle.order).toEqual([]);
    expect(cycle.problems[0]).toMatchObject({ reason: 'ModelCycle' });
  });

  it('waits to delete an authorizer a method still uses, and deletes it once none does', () => {
    const observed = emptyApi();
    const first = desiredOn(observed);
    const live = simulate(observed, planDiff(first, observed, EMPTY_LEDGER).operations);
    const ledger: OwnershipLedger = ledgerOf(first);
    const withoutAuthorizer: RestApiSpec = { ...spec, authorizers: [] };
    const held = planDiff(desiredOn(live, withoutAuthorizer), live, ledger);
    expect(held.operations.map(describeOperation)).not.toContain('delete authorizer tokens');
    expect(held.blocked.join(' ')).toContain('GET /orders');
    const noAuth = restPath('orders', { path: '/orders', methods: [{ httpMethod: 'GET', integration: mock, methodResponses: [{ statusCode: '200' }] }] });
    const freed = planDiff(desiredOn(live, withoutAuthorizer, [noAuth]), live, ledger);
    const ops = freed.operations.map(describeOperation);
    expect(ops.indexOf('delete authorizer tokens')).toBeGreaterThan(ops.findIndex((o) => o.startsWith('updateMethod GET /orders')));
    expect(freed.blocked).toEqual([]);
  });

  it('reads a policy as AWS returns it (quotes escaped, minified) as the same policy', () => {
    const desired = desiredOn(emptyApi());
    const escaped = JSON.stringify(JSON.parse(desired.policy!)).replace(/"/g, '\\"');
    const observed = { ...emptyApi(), resourcePolicy: escaped };
    const patches = planDiff(desiredOn(observed), observed, EMPTY_LEDGER).operations.flatMap((o) => (o.kind === 'updateRestApi' ? o.patch : []));
    expect(patches.map((p) => p.path)).not.toContain('/policy');
    // Someone else's policy stays when the spec declares none; ours goes.
    const none: RestApiSpec = { ...spec };
    delete none.policy;
    const policyOps = (ledger: OwnershipLedger) => planDiff(desiredOn(observed, none), observed, ledger).operations.flatMap((o) => (o.kind === 'updateRestApi' ? o.patch.filter((p) => p.path === '/policy') : []));
    expect(policyOps(EMPTY_LEDGER)).toEqual([]);
    expect(policyOps({ ...EMPTY_LEDGER, resourcePolicy: true })).toEqual([{ op: 'replace', path: '/policy', value: '' }]);
    expect(canonicalJsonText('{\\"b\\":1,\\"a\\":2}')).toBe('{"a":2,"b":1}');
  });
});
