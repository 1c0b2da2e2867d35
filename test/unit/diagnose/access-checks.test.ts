// The runbook's findings for authorizers, request validation, CORS and the resource policy, on facts
// built the way the operator builds them: the desired state of a RestApi spec, the plan for it
// simulated onto an empty API (so ids are AWS-like), then the observed API changed where a case needs.
import { describe, expect, it } from 'vitest';
import type { RestApiSpec } from '../../../src/api/rest-api.js';
import type { Method } from '../../../src/api/rest-path.js';
import type { PathFacts, RoleFacts, StageFacts } from '../../../src/diagnose/facts.js';
import { DEFAULT_METHOD_SETTING } from '../../../src/plan/stage-settings.js';
import { diagnosePath } from '../../../src/diagnose/index.js';
import { buildDesired } from '../../../src/model/build.js';
import { accessTarget } from '../../../src/model/from-objects.js';
import type { ObservedApi } from '../../../src/model/state.js';
import { EMPTY_LEDGER } from '../../../src/model/state.js';
import { planDiff } from '../../../src/plan/diff.js';
import { simulate } from '../../../src/plan/simulate.js';
import type { RestPathInput } from '../../../src/model/build.js';
import { emptyApi, NAMESPACE, OPTIONS, restPath } from '../../support/arbitraries.js';

const ACCOUNT = '123456789012';
const WHERE = { region: 'us-east-1', accountId: ACCOUNT };
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:auth`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/authz`;
const POOL = `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_abc123`;
const mock = { type: 'MOCK' as const, responses: [{ statusCode: '200' }] };
const get = (extra: Partial<Method> = {}): Method => ({ httpMethod: 'GET', integration: mock, methodResponses: [{ statusCode: '200' }], ...extra });
const BASE: RestApiSpec = {
  authorizers: [{ name: 'tokens', type: 'TOKEN', functionArn: FN, credentials: { roleArn: ROLE } }],
  requestValidators: [{ name: 'body', validateBody: true }],
  models: [{ name: 'Review', schema: { type: 'object', required: ['stars'] } }],
  stages: [{ name: 'prod' }],
};

const invokerRole = (over: Partial<RoleFacts> = {}): RoleFacts => ({
  arn: ROLE, name: 'authz', exists: true,
  trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  policies: [{ source: 'inline invoke', document: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FN }] } }],
  ...over,
});

/** Facts for the first RestPath after the operator converged the spec; `change` edits AWS afterwards. */
function facts(spec: RestApiSpec, paths: RestPathInput[], change: (o: ObservedApi) => void = () => undefined, over: Partial<PathFacts> = {}): PathFacts {
  const build = (o: ObservedApi) => buildDesired({ namespace: NAMESPACE, name: 'shop', spec: { ...BASE, ...spec } }, paths, OPTIONS, accessTarget(o, WHERE));
  const observed = simulate(emptyApi(), planDiff(build(emptyApi()), emptyApi(), EMPTY_LEDGER).operations);
  const desired = build(observed);
  change(observed);
  const key = `${NAMESPACE}/${paths[0]!.name}`;
  return {
    ...WHERE, restApiId: observed.id, path: paths[0]!.spec.path, methods: desired.methods.filter((m) => m.owner === key), methodThrottling: new Map(), observed,
    ...(desired.cors[key] ? { cors: desired.cors[key] } : {}),
    stages: [{ name: 'prod', exists: true, manual: false, deploymentId: 'd1', variables: {} }],
    roles: new Map([[ROLE, invokerRole()]]), vpcLinks: new Map(), usagePlans: new Map(),
    ...(observed.resourcePolicy ? { resourcePolicy: JSON.parse(observed.resourcePolicy) as object } : {}),
    ...over,
  };
}
const on = (f: PathFacts, type: string) => diagnosePath(f).find((x) => x.type === type)!;
const reasonOf = (f: PathFacts, type: string) => [on(f, type).status, on(f, type).reason];
const authorized = (path = '/r') => restPath('r', { path, methods: [get({ authorization: { type: 'CUSTOM', authorizerRef: 'tokens' } })] });

describe('authorizers (PermissionsReady)', () => {
  it('is True for an authorizer whose role may invoke exactly its function', () => {
    expect(reasonOf(facts({}, [authorized()]), 'PermissionsReady')).toEqual(['True', 'PermissionsValid']);
  });

  it('names an authorizer deleted in AWS, with the command that lists them', () => {
    const f = facts({}, [authorized()], (o) => delete o.authorizers.tokens);
    expect(reasonOf(f, 'PermissionsReady')).toEqual(['False', 'AuthorizerMissing']);
    expect(on(f, 'PermissionsReady').message).toContain(`GET /r uses authorizer ${f.methods[0]!.shape.authorizerId}, which REST API abcdefghij does not have`);
    expect(on(f, 'PermissionsReady').message).toContain('Check: aws apigateway get-authorizers --rest-api-id abcdefghij');
  });

  it.each([
    ['its role is gone', invokerRole({ exists: false }), 'AuthorizerRoleMissing'],
    ['its role may invoke another function', invokerRole({ policies: [{ source: 'inline', document: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `${FN}-other` }] } }] }), 'AuthorizerCannotInvoke'],
    ['its role trusts API Gateway only for another API', invokerRole({ trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:other/*` } } }] } }), 'AuthorizerRoleNotAssumable'],
    ['its role may invoke only under a condition', invokerRole({ policies: [{ source: 'inline', document: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FN, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] } }] }), 'AuthorizerConditionsNotEvaluated'],
  ])('finds it when %s: clients get the AuthorizerConfigurationException 500', (_what, role, reason) => {
    const f = facts({}, [authorized()], undefined, { roles: new Map([[ROLE, role]]) });
    expect(on(f, 'PermissionsReady').reason).toBe(reason);
    if (reason !== 'AuthorizerConditionsNotEvaluated') expect(on(f, 'PermissionsReady').message).toContain('500 {"message": null} (x-amzn-ErrorType: AuthorizerConfigurationException)');
    else expect(on(f, 'PermissionsReady').status).toBe('Unknown');
  });

  it('evaluates the trust policy for the authorizer ARN API Gateway sends', () => {
    const trust = { Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:abcdefghij/authorizers/*` } } }] };
    expect(reasonOf(facts({}, [authorized()], undefined, { roles: new Map([[ROLE, invokerRole({ trustPolicy: trust })]]) }), 'PermissionsReady')).toEqual(['True', 'PermissionsValid']);
  });

  it('finds an identity header the path\'s CORS does not let browsers send, and not one it does', () => {
    const spec = (allowHeaders?: string[]): RestApiSpec => ({
      authorizers: [{ name: 'tokens', type: 'TOKEN', functionArn: FN, identitySource: 'method.request.header.X-Session', credentials: { roleArn: ROLE } }],
      cors: { allowOrigins: ['https://shop.example'], ...(allowHeaders ? { allowHeaders } : {}) },
    });
    const f = facts(spec(), [authorized()]);
    expect(reasonOf(f, 'PermissionsReady')).toEqual(['False', 'IdentityHeaderNotAllowedByCors']);
    expect(on(f, 'PermissionsReady').message).toContain('reads header X-Session, which the CORS preflight of /r does not allow browsers to send');
    expect(on(f, 'PermissionsReady').message).toContain('--http-method OPTIONS --status-code 200 --query responseParameters');
    expect(reasonOf(facts(spec(['Content-Type', 'x-session']), [authorized()]), 'PermissionsReady')).toEqual(['True', 'PermissionsValid']);
  });

  it('finds a Cognito method without scopes beside one of the same authorizer with them', () => {
    const spec: RestApiSpec = { authorizers: [{ name: 'pool', type: 'COGNITO_USER_POOLS', providerArns: [POOL] }] };
    const bare = restPath('bare', { path: '/bare', methods: [get({ authorization: { type: 'COGNITO_USER_POOLS', authorizerRef: 'pool' } })] });
    const scoped = restPath('scoped', { path: '/scoped', methods: [get({ authorization: { type: 'COGNITO_USER_POOLS', authorizerRef: 'pool', authorizationScopes: ['shop/read'] } })] });
    const f = facts(spec, [bare, scoped]);
    expect(reasonOf(f, 'PermissionsReady')).toEqual(['False', 'CognitoScopesMissing']);
    expect(on(f, 'PermissionsReady').message).toContain('GET /bare has no authorizationScopes while GET /scoped on authorizer pool has them');
    expect(reasonOf(facts(spec, [bare]), 'PermissionsReady')).toEqual(['True', 'PermissionsValid']);
  });

  it.each([
    ['stageVariables.tenant', 300, 'AuthorizerCacheShared'],
    ['stageVariables.tenant,context.stage', 60, 'AuthorizerCacheShared'],
    ['method.request.header.Authorization,stageVariables.tenant', 300, 'PermissionsValid'],
    ['context.identity.sourceIp', 300, 'PermissionsValid'],
    ['stageVariables.tenant', 0, 'PermissionsValid'],
  ])('a REQUEST authorizer keyed by %s, cached %i s: %s', (identitySource, resultTtlSeconds, reason) => {
    const spec: RestApiSpec = { authorizers: [{ name: 'tokens', type: 'REQUEST', functionArn: FN, identitySource, resultTtlSeconds, credentials: { roleArn: ROLE } }] };
    expect(on(facts(spec, [authorized()]), 'PermissionsReady').reason).toBe(reason);
  });
});

describe('the resource policy (PermissionsReady)', () => {
  const policy = (...Statement: object[]): RestApiSpec => ({ policy: { Version: '2012-10-17', Statement } });
  const allowGet = { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*/GET/*' };
  const open = restPath('o', { path: '/o', methods: [get(), { httpMethod: 'POST', integration: mock, methodResponses: [{ statusCode: '200' }] }] });

  it('finds a method no statement allows, with the 403 AWS answers, and leaves a method with a Lambda authorizer alone', () => {
    const f = facts(policy(allowGet), [open]);
    expect(reasonOf(f, 'PermissionsReady')).toEqual(['False', 'ResourcePolicyNoAllow']);
    expect(on(f, 'PermissionsReady').message).toContain(`POST /o: the REST API's resource policy has no statement that allows execute-api:Invoke on arn:aws:execute-api:us-east-1:${ACCOUNT}:abcdefghij/prod/POST/o: clients get 403 {"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:${ACCOUNT}:abcdefghij/prod/POST/o"}`);
    expect(on(f, 'PermissionsReady').message).not.toContain('GET /o');
    const lambdaAuthorized = restPath('a', { path: '/a', methods: [{ httpMethod: 'POST', integration: mock, methodResponses: [{ statusCode: '200' }], authorization: { type: 'CUSTOM', authorizerRef: 'tokens' } }] });
    expect(reasonOf(facts(policy(allowGet), [lambdaAuthorized]), 'PermissionsReady')).toEqual(['True', 'PermissionsValid']);
  });

  it('reports a condition on the caller as not evaluated (Unknown), never guessed', () => {
    const f = facts(policy({ ...allowGet, Resource: 'execute-api:/*', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }), [open]);
    expect(reasonOf(f, 'PermissionsReady')).toEqual(['Unknown', 'ResourcePolicyConditionsNotEvaluated']);
  });

  it('evaluates a PRIVATE API per VPC endpoint it lists, with aws:SourceVpce', () => {
    const vpce = (allowed: string): RestApiSpec => ({
      endpointType: 'PRIVATE', vpcEndpointIds: ['vpce-0a1b2c3d4e5f60718', 'vpce-0123456789abcdef0'],
      policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }, { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { StringNotEquals: { 'aws:SourceVpce': allowed } } }] },
    });
    const f = facts(vpce('vpce-0a1b2c3d4e5f60718'), [open]);
    expect(reasonOf(f, 'PermissionsReady')).toEqual(['False', 'ResourcePolicyDenies']);
    expect(on(f, 'PermissionsReady').message).toContain('through vpce-0123456789abcdef0');
    expect(on(f, 'PermissionsReady').message).not.toContain('through vpce-0a1b2c3d4e5f60718');
  });
});

describe('request validation (IntegrationReady)', () => {
  const post = (extra: Partial<Method>) => restPath('v', { path: '/v', methods: [{ httpMethod: 'POST', integration: mock, methodResponses: [{ statusCode: '200' }], ...extra }] });
  const validated = post({ requestValidator: 'body', requestModels: { 'application/json': 'Review' } });

  it('says what clients get for a body that does not match', () => {
    const f = facts({}, [validated]);
    expect(reasonOf(f, 'IntegrationReady')).toEqual(['True', 'IntegrationsValid']);
    expect(on(f, 'IntegrationReady').message).toContain('POST /v: application/json bodies that do not match model Review get 400 {"message": "Invalid request body"}.');
  });

  it.each([
    ['the model deleted in AWS', (o: ObservedApi) => delete o.models.Review, 'ModelMissing', 'aws apigateway get-models --rest-api-id abcdefghij'],
    ['the validator deleted in AWS', (o: ObservedApi) => delete o.requestValidators.body, 'RequestValidatorMissing', 'aws apigateway get-request-validators --rest-api-id abcdefghij'],
    ['the model referring to one AWS does not have', (o: ObservedApi) => { o.models.Review = { ...o.models.Review!, schema: '{"properties":{"a":{"$ref":"https://apigateway.amazonaws.com/restapis/abcdefghij/models/Gone"}}}' }; }, 'ModelInvalid', 'aws apigateway get-model --rest-api-id abcdefghij --model-name Review --query schema'],
    ['the model not a JSON object', (o: ObservedApi) => { o.models.Review = { ...o.models.Review!, schema: '[1' }; }, 'ModelInvalid', 'aws apigateway get-model'],
  ])('finds %s', (_what, change, reason, command) => {
    const f = facts({}, [validated], change);
    expect(reasonOf(f, 'IntegrationReady')).toEqual(['False', reason]);
    expect(on(f, 'IntegrationReady').message).toContain(`Check: ${command}`);
  });

  it('says that a model without a validator checking bodies validates nothing', () => {
    expect(on(facts({}, [post({ requestModels: { 'application/json': 'Review' } })]), 'IntegrationReady').message).toContain('POST /v names model Review for application/json but has no request validator: bodies are not validated.');
  });
});

describe('CORS', () => {
  const cors: RestApiSpec = { cors: { allowOrigins: ['https://shop.example'] } };
  const path = restPath('c', { path: '/c', methods: [get()] });

  it('is True everywhere on a path the operator gave its preflight and headers', () => {
    expect(diagnosePath(facts(cors, [path])).map((x) => [x.type, x.status, x.reason])).toEqual([
      ['ResourcePathReady', 'True', 'Served'], ['IntegrationReady', 'True', 'IntegrationsValid'], ['PermissionsReady', 'True', 'PermissionsValid'], ['ThrottlingReady', 'True', 'WithinLimits'],
    ]);
  });

  it('finds the preflight deleted in AWS (and says so once, not also as a missing method)', () => {
    const f = facts(cors, [path], (o) => { o.methods = o.methods.filter((m) => m.httpMethod !== 'OPTIONS'); });
    expect(reasonOf(f, 'ResourcePathReady')).toEqual(['False', 'PreflightMissing']);
    expect(on(f, 'ResourcePathReady').message).not.toContain('MethodMissing');
    expect(on(f, 'ResourcePathReady').message.split(' | ')).toHaveLength(1);
  });

  it('finds gateway responses and method responses without Access-Control-Allow-Origin', () => {
    const f = facts(cors, [path], (o) => {
      delete o.gatewayResponses.DEFAULT_5XX;
      const live = o.methods.find((m) => m.httpMethod === 'GET')!.shape.integration!.responses['200']!;
      delete live.responseParameters['method.response.header.Access-Control-Allow-Origin'];
    });
    expect(on(f, 'ResourcePathReady').reason).toBe('ResponseWithoutCorsHeader');
    expect(on(f, 'ResourcePathReady').message).toContain('gateway response DEFAULT_5XX of REST API abcdefghij carries no Access-Control-Allow-Origin');
    expect(on(f, 'ResourcePathReady').message).toContain('Check: aws apigateway get-gateway-response --rest-api-id abcdefghij --response-type DEFAULT_5XX');
  });

  it.each([
    ['an authorizer', { authorization: { type: 'CUSTOM' as const, authorizerRef: 'tokens' } }, 'PreflightRequiresAuthorization', '401 {"message":"Unauthorized"}'],
    ['an API key', { apiKeyRequired: true }, 'PreflightRequiresApiKey', '403 {"message":"Forbidden"}'],
  ])('finds a declared preflight behind %s', (_what, extra, reason, answer) => {
    const own = restPath('own', { path: '/own', methods: [get(), { httpMethod: 'OPTIONS', integration: mock, methodResponses: [{ statusCode: '200' }], ...extra }] });
    const f = facts(cors, [own]);
    expect(reasonOf(f, 'PermissionsReady')).toEqual(['False', reason]);
    expect(on(f, 'PermissionsReady').message).toContain(`it gets ${answer}, so browsers report a CORS error`);
  });

  it('says a proxy integration\'s backend must send the headers itself', () => {
    const proxy = restPath('p', { path: '/p', methods: [{ httpMethod: 'GET', integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'https://backend.example/p' } }] });
    const f = facts(cors, [proxy]);
    expect(reasonOf(f, 'IntegrationReady')).toEqual(['True', 'CorsFromBackend']);
    expect(on(f, 'IntegrationReady').message).toContain('the backend must answer with Access-Control-Allow-Origin (https://shop.example) itself');
  });
});

describe('stage method settings', () => {
  const logged = { settings: { '*/*': { ...DEFAULT_METHOD_SETTING, loggingLevel: 'ERROR' as const } } };
  const withStage = (over: Partial<StageFacts>): Partial<PathFacts> => ({ stages: [{ name: 'prod', exists: true, manual: false, deploymentId: 'd1', variables: {}, ...over }] });

  it('notes execution logs with no CloudWatch role in the account (not blocking), and says nothing when the role is there or unread', () => {
    const f = facts({}, [restPath('l', { path: '/l', methods: [get()] })], undefined, { ...withStage(logged), cloudWatchRoleArn: '' });
    expect(reasonOf(f, 'IntegrationReady')).toEqual(['False', 'ExecutionLogsNotDelivered']);
    expect(on(f, 'IntegrationReady').message).toContain("stage prod writes execution logs for GET /l, but API Gateway's account settings in us-east-1 name no CloudWatch role: the logs go nowhere");
    expect(on(f, 'IntegrationReady').message).toContain('Check: aws apigateway get-account --query cloudwatchRoleArn');
    expect(on(facts({}, [restPath('l', { path: '/l', methods: [get()] })], undefined, { ...withStage(logged), cloudWatchRoleArn: 'arn:aws:iam::1:role/cw' }), 'IntegrationReady').status).toBe('True');
    expect(on(facts({}, [restPath('l', { path: '/l', methods: [get()] })], undefined, withStage(logged)), 'IntegrationReady').status).toBe('True');
  });

  it("finds caching on a method that authorizes callers, from the method's own entry or the stage default", () => {
    const cached = { ...DEFAULT_METHOD_SETTING, cachingEnabled: true, cacheTtlInSeconds: 60 };
    const f = facts({}, [authorized()], undefined, withStage({ settings: { '~1r/GET': cached } }));
    expect(reasonOf(f, 'PermissionsReady')).toEqual(['False', 'CacheSharedAcrossCallers']);
    expect(on(f, 'PermissionsReady').message).toContain('GET /r authorizes each caller (CUSTOM) but stage prod caches its responses for 60 s by path, not by caller');
    expect(reasonOf(facts({}, [authorized()], undefined, withStage({ settings: { '*/*': cached } })), 'PermissionsReady')).toEqual(['False', 'CacheSharedAcrossCallers']);
    // An open method may be cached: every caller gets the same answer anyway.
    expect(on(facts({}, [restPath('o', { path: '/o', methods: [get()] })], undefined, withStage({ settings: { '*/*': cached } })), 'PermissionsReady').status).toBe('True');
  });

  it("says nothing when the caller's identity is a cache key (the authorizer's token header, or Authorization for IAM)", () => {
    const cached = { ...DEFAULT_METHOD_SETTING, cachingEnabled: true, cacheTtlInSeconds: 60 };
    const keyedBy = (header: string, authorization: Method['authorization']) =>
      restPath('r', { path: '/r', methods: [get({ authorization, requestParameters: { [`method.request.header.${header}`]: true }, integration: { ...mock, cacheKeyParameters: [`method.request.header.${header}`] } })] });
    // TOKEN authorizers read method.request.header.Authorization unless they say otherwise.
    expect(on(facts({}, [keyedBy('Authorization', { type: 'CUSTOM', authorizerRef: 'tokens' })], undefined, withStage({ settings: { '*/*': cached } })), 'PermissionsReady').status).toBe('True');
    expect(on(facts({}, [keyedBy('Authorization', { type: 'AWS_IAM' })], undefined, withStage({ settings: { '*/*': cached } })), 'PermissionsReady').status).toBe('True');
    // Another header is no identity: still shared across callers, and the message says how to fix it.
    const other = facts({}, [keyedBy('Accept-Language', { type: 'CUSTOM', authorizerRef: 'tokens' })], undefined, withStage({ settings: { '*/*': cached } }));
    expect(reasonOf(other, 'PermissionsReady')).toEqual(['False', 'CacheSharedAcrossCallers']);
    expect(on(other, 'PermissionsReady').message).toContain('or add method.request.header.Authorization to integration.cacheKeyParameters');
  });
});
