// Who may call what, end to end: a RestApi with a Lambda TOKEN authorizer (its role managed by the
// operator), models with a $ref, a body validator, a resource policy and CORS; kubectl as the user,
// the aws CLI to read API Gateway, the stage's data plane for validation and the preflight, and a real
// headless Chromium calling the stage cross-origin. The emulator does not enforce authorizers,
// resource policies or gateway-response headers on its data plane (test/aws-emulator/README.md):
// those are checked through the control plane.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BrowserSession } from '../support/browser.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'access');
let operator: RunningOperator;
let browser: BrowserSession;
const { apply, get, waitFor, condition } = objectsIn(kubectl, namespace, () => operator.logs());

beforeAll(async () => {
  [operator, browser] = await Promise.all([startOperator(['--namespaces', namespace()]), BrowserSession.launch()]);
});
afterAll(async () => {
  await Promise.all([operator?.stop(), browser?.close()]);
});

const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const restApi = (account: string, origin: string) => `${H}
kind: RestApi
metadata: { name: shop }
spec:
  stages: [{ name: live }]
  authorizers:
    - name: tokens
      type: TOKEN
      functionArn: arn:aws:lambda:us-east-1:${account}:function:authorize
      resultTtlSeconds: 60
      credentials: { executionRole: true }
  models:
    - name: Order
      schema:
        type: object
        required: [item]
        properties:
          item: { type: string }
          address: { $ref: "#/models/Address" }
    - name: Address
      schema: { type: object, required: [city], properties: { city: { type: string } } }
  requestValidators: [{ name: body, validateBody: true }]
  policy:
    Version: "2012-10-17"
    Statement: [{ Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: execute-api:/* }]
  cors:
    allowOrigins: [${origin}]
    allowHeaders: [Content-Type, Authorization, X-Custom]
    maxAgeSeconds: 600
`;
const MOCK = (body: string) => `integration:
        type: MOCK
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: [{ statusCode: "200", responseTemplates: { application/json: '${body}' } }]
      methodResponses: [{ statusCode: "200" }]`;
const orders = `${H}
kind: RestPath
metadata: { name: orders }
spec:
  restApiRef: { name: shop }
  path: /orders
  methods:
    - httpMethod: POST
      requestValidator: body
      requestModels: { application/json: Order }
      ${MOCK('{"created":true}')}
    - httpMethod: GET
      authorization: { type: CUSTOM, authorizerRef: tokens }
      ${MOCK('{"orders":[]}')}
`;
const closed = `${H}
kind: RestPath
metadata: { name: closed }
spec:
  restApiRef: { name: shop }
  path: /closed
  cors: { enabled: false }
  methods:
    - httpMethod: POST
      ${MOCK('{"closed":true}')}
`;
const wrongRef = `${H}
kind: RestPath
metadata: { name: wrong }
spec:
  restApiRef: { name: shop }
  path: /wrong
  methods:
    - httpMethod: GET
      authorization: { type: CUSTOM, authorizerRef: nosuch }
      ${MOCK('{}')}
`;

const stageUrl = (id: string, path: string) => `${inject('awsEndpoint')}/restapis/${id}/live/_user_request_${path}`;
const aws = (args: string[]) => operator.aws(['apigateway', ...args]);

describe('authorizers, validation, resource policy and CORS', () => {
  let id = '';

  it('creates the authorizer with its role, the models in dependency order, the validator, the policy and the preflight', async () => {
    await apply([restApi(operator.account.accountId, browser.origins.localhost), orders, closed, wrongRef].join('---\n'));
    await waitFor('restpath/orders', 'Ready', 'True', undefined, 120_000);
    id = (await get<{ id: string }>('restapi/shop')).status?.id ?? '';

    const authorizers = ((await aws(['get-authorizers', '--rest-api-id', id])) as { items: { id: string; name: string; type: string; authorizerUri: string; authorizerCredentials?: string; authorizerResultTtlInSeconds: number }[] }).items;
    expect(authorizers).toHaveLength(1);
    const tokens = authorizers[0]!;
    expect(tokens).toMatchObject({ name: 'tokens', type: 'TOKEN', authorizerResultTtlInSeconds: 60 });
    expect(tokens.authorizerUri).toBe(`arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${operator.account.accountId}:function:authorize/invocations`);
    const roleName = tokens.authorizerCredentials?.split('/').pop() ?? '';
    expect(roleName).toBe(`restpath-authz-${namespace()}-shop-tokens`);
    const inline = (await operator.aws(['iam', 'get-role-policy', '--role-name', roleName, '--policy-name', 'restpath-inline'])) as { PolicyDocument: unknown };
    expect(JSON.stringify(inline.PolicyDocument)).toContain(`function:authorize`);

    const resources = ((await aws(['get-resources', '--rest-api-id', id, '--embed', 'methods'])) as { items: { path: string; resourceMethods?: Record<string, { authorizationType: string; authorizerId?: string; apiKeyRequired?: boolean; requestValidatorId?: string; requestModels?: Record<string, string> }> }[] }).items;
    const methods = resources.find((r) => r.path === '/orders')?.resourceMethods ?? {};
    expect(methods.GET).toMatchObject({ authorizationType: 'CUSTOM', authorizerId: tokens.id });
    // The derived preflight: no authorizer, no API key (a browser's preflight carries neither).
    expect(methods.OPTIONS).toMatchObject({ authorizationType: 'NONE' });
    expect(methods.OPTIONS?.apiKeyRequired ?? false).toBe(false);
    expect(resources.find((r) => r.path === '/closed')?.resourceMethods?.OPTIONS).toBeUndefined();

    const validators = ((await aws(['get-request-validators', '--rest-api-id', id])) as { items: { id: string; name: string; validateRequestBody: boolean }[] }).items;
    expect(validators).toEqual([expect.objectContaining({ name: 'body', validateRequestBody: true })]);
    expect(methods.POST).toMatchObject({ requestValidatorId: validators[0]!.id, requestModels: { 'application/json': 'Order' } });
    const order = (await aws(['get-model', '--rest-api-id', id, '--model-name', 'Order'])) as { schema: string };
    expect(JSON.parse(order.schema)).toMatchObject({ properties: { address: { $ref: `https://apigateway.amazonaws.com/restapis/${id}/models/Address` } } });

    const policy = ((await aws(['get-rest-api', '--rest-api-id', id])) as { policy?: string }).policy ?? '';
    expect(policy.replace(/\\/g, '')).toContain(`arn:aws:execute-api:us-east-1:${operator.account.accountId}:${id}/*`);
    // Browsers see API Gateway's own errors only with the CORS header (the emulator does not send it: control plane).
    const gateway = (await aws(['get-gateway-response', '--rest-api-id', id, '--response-type', 'DEFAULT_4XX'])) as { responseParameters?: Record<string, string> };
    expect(gateway.responseParameters?.['gatewayresponse.header.Access-Control-Allow-Origin']).toBe(`'${browser.origins.localhost}'`);
  });

  it('refuses a method naming an authorizer that does not exist, and says which', async () => {
    const wrong = await waitFor('restpath/wrong', 'Stalled', 'True');
    expect(condition(wrong, 'Stalled')).toMatchObject({ reason: 'AuthorizerNotFound' });
    expect(condition(wrong, 'Stalled')?.message).toContain('authorizer nosuch');
    expect(condition(wrong, 'Ready')).toMatchObject({ status: 'False' });
  });

  it('validates bodies on the data plane: 400 {"message": "Invalid request body"} for an invalid one', async () => {
    const post = (body: string) => fetch(stageUrl(id, '/orders'), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const bad = await post('{"address":{}}');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('{"message": "Invalid request body"}');
    const good = await post('{"item":"tea","address":{"city":"Oslo"}}');
    expect({ status: good.status, body: await good.text() }).toEqual({ status: 200, body: '{"created":true}' });
  });

  it('answers the preflight with the Access-Control headers, without credentials', async () => {
    const res = await fetch(stageUrl(id, '/orders'), { method: 'OPTIONS', headers: { origin: browser.origins.localhost, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-custom' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(browser.origins.localhost);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,OPTIONS,POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type,Authorization,X-Custom');
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('lets a browser on the allowed origin call the stage with a custom header, and blocks it where CORS is off', async () => {
    const call = (path: string) => browser.corsFetch({ url: stageUrl(id, path), method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Custom': '1' }, body: '{"item":"tea"}' });
    const allowed = await call('/orders');
    expect(allowed).toMatchObject({ ok: true, status: 200, body: '{"created":true}', blockedByCors: false });
    const blocked = await call('/closed');
    expect(blocked).toMatchObject({ ok: false, blockedByCors: true });
    // From another origin the same call fails as browsers fail: the origin is not allowed.
    const otherOrigin = await browser.corsFetch({ pageOrigin: browser.origins.loopback, url: stageUrl(id, '/orders'), method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Custom': '1' }, body: '{"item":"tea"}' });
    expect(otherOrigin).toMatchObject({ ok: false, blockedByCors: true });
  });

  it('is in sync afterwards: the next pass plans nothing for the new pieces', async () => {
    const api = await get('restapi/shop');
    expect(condition(api, 'Synced')).toMatchObject({ status: 'True' });
    const out = await kubectl.ok(['get', 'events', '-n', namespace(), '--field-selector', 'reason=DriftCorrected', '-o', 'name']);
    expect(out.trim()).toBe('');
  });
});
