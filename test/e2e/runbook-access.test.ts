// The runbook for who may call what, end to end: authorizers, validation, CORS and the resource policy
// misconfigured (in the spec, or in AWS with the aws CLI while writes are paused), then `kubectl
// describe restpath` shows the finding with the aws command, the command confirms it, a client (curl-
// like fetch, or headless Chromium for CORS) sees what the message says where the emulator serves it,
// and the condition returns to True after the fix. The emulator enforces neither authorizers nor
// resource policies on its data plane (test/aws-emulator/README.md): those are shown by control plane.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BrowserSession } from '../support/browser.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { objectsIn } from '../support/objects.js';
import { operatorCli, startOperator, type RunningOperator } from '../support/operator.js';
import { commandFor, runbookReader } from '../support/runbook.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'runbook-access');
let operator: RunningOperator;
let browser: BrowserSession;
const objects = objectsIn(kubectl, namespace, () => operator.logs());
const { apply, get, waitFor } = objects;
const describeShows = runbookReader(kubectl, namespace, objects);

beforeAll(async () => {
  // A short resync: a role fixed with the aws CLI is read again within seconds.
  [operator, browser] = await Promise.all([startOperator(['--namespaces', namespace(), '--resync', '3s']), BrowserSession.launch()]);
});
afterAll(async () => {
  await Promise.all([operator?.stop(), browser?.close()]);
});

const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const MOCK = `integration:
        type: MOCK
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: [{ statusCode: "200", responseTemplates: { application/json: '{"ok":true}' } }]
      methodResponses: [{ statusCode: "200" }]`;
const path = (name: string, p: string, methods: string, api = 'guard') => `${H}
kind: RestPath
metadata: { name: ${name} }
spec:
  restApiRef: { name: ${api} }
  path: ${p}
  methods:
${methods}`;
const stageUrl = (id: string, p: string) => `${inject('awsEndpoint')}/restapis/${id}/live/_user_request_${p}`;
const idOf = async (api: string) => (await get<{ id?: string }>(`restapi/${api}`)).status?.id ?? '';
const pause = (api: string, on: boolean) => kubectl.ok(['annotate', 'restapi', api, '-n', namespace(), on ? 'restpath.dev/paused=true' : 'restpath.dev/paused-']);

describe('the runbook for authorizers, validation, CORS and resource policies', () => {
  let guard = '';
  const role = 'narrow-authorizer';
  const fn = (name: string) => `arn:aws:lambda:us-east-1:${operator.account.accountId}:function:${name}`;
  const invokeOnly = (name: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn(name) }] });

  it('applies an API whose pieces are each wrong in one way', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await operator.aws(['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', trust]);
    await operator.aws(['iam', 'put-role-policy', '--role-name', role, '--policy-name', 'invoke', '--policy-document', invokeOnly('another')]);
    guard = `${H}
kind: RestApi
metadata: { name: guard }
spec:
  stages: [{ name: live }]
  authorizers:
    - { name: narrow, type: TOKEN, functionArn: "${fn('authorize')}", credentials: { roleArn: "arn:aws:iam::${operator.account.accountId}:role/${role}" } }
    - { name: session, type: TOKEN, functionArn: "${fn('authorize')}", identitySource: method.request.header.X-Session, credentials: { executionRole: true } }
    - { name: tenant, type: REQUEST, functionArn: "${fn('authorize')}", identitySource: stageVariables.tenant, resultTtlSeconds: 300, credentials: { executionRole: true } }
  models: [{ name: Review, schema: { type: object, required: [stars], properties: { stars: { type: integer } } } }]
  requestValidators: [{ name: body, validateBody: true }]
  cors: { allowOrigins: ["${browser.origins.localhost}"], allowHeaders: [Content-Type, Authorization] }
`;
    await apply([guard,
    path('invoke', '/invoke', `    - httpMethod: GET\n      authorization: { type: CUSTOM, authorizerRef: narrow }\n      ${MOCK}\n`),
    path('session', '/session', `    - httpMethod: GET\n      authorization: { type: CUSTOM, authorizerRef: session }\n      ${MOCK}\n`),
    path('tenant', '/tenant', `    - httpMethod: GET\n      authorization: { type: CUSTOM, authorizerRef: tenant }\n      ${MOCK}\n`),
    path('keyed-preflight', '/keyed', `    - httpMethod: GET\n      ${MOCK}\n    - httpMethod: OPTIONS\n      apiKeyRequired: true\n      ${MOCK}\n`),
    path('reviews', '/reviews', `    - httpMethod: POST\n      requestValidator: body\n      requestModels: { application/json: Review }\n      ${MOCK}\n`),
    path('proxied', '/proxied', `    - httpMethod: GET\n      integration: { type: HTTP_PROXY, httpMethod: GET, uri: "http://127.0.0.1:9/proxied" }\n`),
    ].join('---\n'));
    await waitFor('restpath/reviews', 'Ready', 'True', undefined, 120_000);
  }, 150_000);

  it('restpath-operator plan -f: a new model, an authorizer in use removed (waits), a validator that does not exist (refused)', async () => {
    const file = [
      guard.replace(/^ {4}- \{ name: tenant.*\n/m, '').replace('models: [', 'models: [{ name: Rating, schema: { type: integer } }, '),
      path('bad', '/bad', `    - httpMethod: POST\n      requestValidator: nosuch\n      ${MOCK}\n`),
    ].join('---\n');
    const out = await operatorCli(operator.account, ['plan', '-f', '-', '-n', namespace()], file);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('create model Rating');
    expect(out.stdout).toMatch(/waits: .*authorizer tenant.*GET \/tenant/);
    expect(out.stdout).toMatch(/refused: POST \/bad \(.*\/bad\): .*nosuch.*reason=RequestValidatorNotFound/);
    expect(out.stdout).not.toContain('delete authorizer tenant');
    // Nothing was applied.
    expect((await operator.aws(['apigateway', 'get-models', '--rest-api-id', await idOf('guard'), '--query', 'items[].name'])) as string[]).not.toContain('Rating');
  });

  it("PermissionsReady AuthorizerCannotInvoke: the authorizer's role may invoke another function; fixed in IAM, True again", async () => {
    const id = await idOf('guard');
    const { message } = await describeShows('invoke', 'PermissionsReady', 'AuthorizerCannotInvoke');
    expect(message).toContain(`GET /invoke: authorizer narrow: no attached or inline policy of role ${role} allows lambda:InvokeFunction on ${fn('authorize')}: clients get 500 {"message": null} (x-amzn-ErrorType: AuthorizerConfigurationException).`);
    const [, inline] = commandFor(message);
    expect(await operator.aws(inline!)).toEqual({ PolicyNames: ['invoke'] });
    expect(id).toBeTruthy();
    await operator.aws(['iam', 'put-role-policy', '--role-name', role, '--policy-name', 'invoke', '--policy-document', invokeOnly('authorize')]);
    await waitFor('restpath/invoke', 'PermissionsReady', 'True', 'PermissionsValid', 60_000);
  });

  it('PermissionsReady IdentityHeaderNotAllowedByCors: Chromium refuses to send the header the authorizer reads', async () => {
    const { message } = await describeShows('session', 'PermissionsReady', 'IdentityHeaderNotAllowedByCors');
    expect(message).toContain('authorizer session reads header X-Session, which the CORS preflight of /session does not allow browsers to send (allowHeaders: content-type, authorization)');
    const [command] = commandFor(message);
    expect(await operator.aws(command!)).toMatchObject({ 'method.response.header.Access-Control-Allow-Headers': "'Content-Type,Authorization'" });
    // What the message says clients see: the browser blocks the call with the header, and lets one without it through.
    const url = stageUrl(await idOf('guard'), '/session');
    expect(await browser.corsFetch({ url, headers: { 'X-Session': 's1' } })).toMatchObject({ ok: false, blockedByCors: true });
    expect(await browser.corsFetch({ url, headers: { Authorization: 't1' } })).toMatchObject({ ok: true, status: 200, blockedByCors: false });
  });

  it('PermissionsReady AuthorizerCacheShared: a REQUEST authorizer cached by a stage variable', async () => {
    const { message } = await describeShows('tenant', 'PermissionsReady', 'AuthorizerCacheShared');
    expect(message).toContain('REQUEST authorizer tenant caches its answer for 300 s keyed by stageVariables.tenant, which is the same for every caller');
    expect(await operator.aws(commandFor(message)[0]!)).toEqual(['stageVariables.tenant', 300]);
  });

  it('PermissionsReady PreflightRequiresApiKey: a declared OPTIONS behind an API key', async () => {
    const { message } = await describeShows('keyed-preflight', 'PermissionsReady', 'PreflightRequiresApiKey');
    expect(message).toContain('OPTIONS /keyed (the CORS preflight) requires an API key, but browsers send no x-api-key on a preflight: it gets 403 {"message":"Forbidden"}');
    expect(await operator.aws(commandFor(message)[0]!)).toEqual(['NONE', null, true]);
  });

  it('IntegrationReady: a validated method says what a bad body gets, and the data plane answers exactly that', async () => {
    const o = await waitFor<Record<string, unknown>>('restpath/reviews', 'IntegrationReady', 'True', 'IntegrationsValid');
    const said = objects.condition(o, 'IntegrationReady')!.message;
    expect(said).toContain('POST /reviews: application/json bodies that do not match model Review get 400 {"message": "Invalid request body"}.');
    const res = await fetch(stageUrl(await idOf('guard'), '/reviews'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"stars":"five"}' });
    expect(`${res.status} ${await res.text()}`).toBe('400 {"message": "Invalid request body"}');
  });

  it('IntegrationReady CorsFromBackend: a proxy path with CORS says its backend must send the headers', async () => {
    const o = await waitFor<Record<string, unknown>>('restpath/proxied', 'IntegrationReady', 'True', 'CorsFromBackend');
    expect(objects.condition(o, 'IntegrationReady')!.message).toContain(`the backend must answer with Access-Control-Allow-Origin (${browser.origins.localhost}) itself`);
  });

  it('ResourcePathReady and IntegrationReady: preflight, gateway response and model deleted in AWS while paused; back when resumed', async () => {
    const id = await idOf('guard');
    const resourceId = (await get<{ resourceId?: string }>('restpath/reviews')).status?.resourceId ?? '';
    await pause('guard', true);
    await waitFor('restapi/guard', 'Synced', 'False', 'Paused');
    await operator.aws(['apigateway', 'delete-method', '--rest-api-id', id, '--resource-id', resourceId, '--http-method', 'OPTIONS']);
    await operator.aws(['apigateway', 'delete-gateway-response', '--rest-api-id', id, '--response-type', 'DEFAULT_4XX']);
    // AWS (and the emulator) refuse to delete a model a method names: the method lets go of it first.
    await operator.aws(['apigateway', 'update-method', '--rest-api-id', id, '--resource-id', resourceId, '--http-method', 'POST', '--patch-operations', 'op=remove,path=/requestModels/application~1json']);
    await operator.aws(['apigateway', 'delete-model', '--rest-api-id', id, '--model-name', 'Review']);

    const preflight = await describeShows('reviews', 'ResourcePathReady', 'PreflightMissing');
    expect(preflight.message).toContain(`/reviews has CORS but no OPTIONS method in REST API ${id}: a browser's preflight gets 403 {"message":"Missing Authentication Token"}`);
    await expect(operator.aws(commandFor(preflight.message)[0]!)).rejects.toThrow(/NotFoundException/);
    expect(preflight.message).toContain('gateway response DEFAULT_4XX of REST API');
    const gateway = await describeShows('proxied', 'ResourcePathReady', 'GatewayResponsesWithoutCors');
    expect(await operator.aws(commandFor(gateway.message)[0]!)).not.toHaveProperty(['gatewayresponse.header.Access-Control-Allow-Origin']);
    const model = await describeShows('reviews', 'IntegrationReady', 'ModelMissing');
    expect(model.message).toContain(`POST /reviews validates application/json bodies against model Review, which REST API ${id} does not have`);
    expect(await operator.aws(commandFor(model.message)[0]!)).not.toContain('Review');

    await pause('guard', false);
    for (const [name, type] of [['reviews', 'ResourcePathReady'], ['reviews', 'IntegrationReady'], ['proxied', 'ResourcePathReady']] as const) {
      await waitFor(`restpath/${name}`, type, 'True', undefined, 90_000);
    }
  }, 240_000);

  it('PermissionsReady ResourcePolicyNoAllow: a policy that allows GET only; allowing all makes POST True', async () => {
    const policed = (resource: string) => `${H}
kind: RestApi
metadata: { name: policed }
spec:
  stages: [{ name: live }]
  policy:
    Version: "2012-10-17"
    Statement: [{ Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: "${resource}" }]
`;
    await apply([policed('execute-api:/*/GET/*'), path('both', '/both', `    - httpMethod: GET\n      ${MOCK}\n    - httpMethod: POST\n      ${MOCK}\n`, 'policed')].join('---\n'));
    const id = await objects.until('policed id', async () => (await idOf('policed')) || undefined);
    const arn = `arn:aws:execute-api:us-east-1:${operator.account.accountId}:${id}/live/POST/both`;
    const { message } = await describeShows('both', 'PermissionsReady', 'ResourcePolicyNoAllow');
    expect(message).toContain(`POST /both: the REST API's resource policy has no statement that allows execute-api:Invoke on ${arn}: clients get 403 {"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${arn}"}`);
    expect(message).not.toContain('GET /both');
    expect(String(await operator.aws(commandFor(message)[0]!))).toContain('/GET/*');
    await apply(policed('execute-api:/*'));
    await waitFor('restpath/both', 'PermissionsReady', 'True', 'PermissionsValid', 90_000);
  }, 150_000);
});
