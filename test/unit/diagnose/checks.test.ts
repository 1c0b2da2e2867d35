// The runbook checks on plain facts, one or more cases per entry. Cases the emulator cannot produce
// (a deployment's API summary, usage data from GetUsage) are covered here from AWS's documented
// response shapes: test/aws-emulator/README.md says which.
import { describe, expect, it } from 'vitest';
import type { Method } from '../../../src/api/rest-path.js';
import type { PathFacts, RoleFacts, StageFacts, UsagePlanFacts } from '../../../src/diagnose/facts.js';
import { diagnosePath } from '../../../src/diagnose/index.js';
import { integrationAction } from '../../../src/diagnose/addresses.js';
import { diff } from '../../../src/plan/diff.js';
import { simulate } from '../../../src/plan/simulate.js';
import { EMPTY_LEDGER } from '../../../src/model/state.js';
import { desiredOf, emptyApi, restPath } from '../../support/arbitraries.js';

const ACCOUNT = '123456789012';
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:checkout`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/restpath/restpath-shop-checkout`;
const mock: Method = { httpMethod: 'GET', integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode":200}' } } };
const lambda: Method = { httpMethod: 'POST', integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}/invocations`, credentials: { roleArn: ROLE } } };

const stage = (over: Partial<StageFacts> = {}): StageFacts => ({ name: 'prod', exists: true, manual: false, deploymentId: 'dep2', latestDeploymentId: 'dep2', latestDeployedAt: '2026-11-24T10:00:00.000Z', variables: {}, ...over });
const role = (over: Partial<RoleFacts> = {}): RoleFacts => ({
  arn: ROLE,
  name: 'restpath-shop-checkout',
  exists: true,
  trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:abcdefghij/*` } } }] },
  policies: [{ source: 'inline restpath-inline', document: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FN }] } }],
  ...over,
});
const plan = (over: Partial<UsagePlanFacts> = {}): UsagePlanFacts => ({ id: 'up1', name: 'gold', methodThrottle: {}, keys: [{ id: 'k1', name: 'partner', enabled: true }], ...over });

/** Facts for one RestPath whose methods are all applied in AWS (from the simulator), adjustable. */
function facts(path: string, methods: Method[], over: Partial<PathFacts> = {}): PathFacts {
  const desired = desiredOf([restPath('p', { path, methods })]);
  return {
    region: 'us-east-1',
    accountId: ACCOUNT,
    restApiId: 'abcdefghij',
    path,
    methods: desired.methods,
    methodThrottling: new Map(),
    observed: simulate(emptyApi(), diff(desired, emptyApi(), EMPTY_LEDGER)),
    changedAt: '2026-11-24T09:00:00.000Z',
    stages: [stage()],
    roles: new Map([[ROLE, role()]]),
    usagePlans: new Map([['prod', [plan()]]]),
    vpcLinks: new Map(),
    ...over,
  };
}
const finding = (f: PathFacts, type: string) => diagnosePath(f).find((x) => x.type === type)!;

describe('a healthy path', () => {
  it('is True on all four conditions', () => {
    const all = diagnosePath(facts('/checkout', [lambda]));
    expect(all.map((f) => [f.type, f.status, f.reason])).toEqual([
      ['ResourcePathReady', 'True', 'Served'],
      ['IntegrationReady', 'True', 'IntegrationsValid'],
      ['PermissionsReady', 'True', 'PermissionsValid'],
      ['ThrottlingReady', 'True', 'WithinLimits'],
    ]);
  });
});

describe('ResourcePathReady (404 / Missing Authentication Token)', () => {
  it('a change only the canary serves: the other share of requests gets the version before (not blocking)', () => {
    const canary = { deploymentId: 'dep3', percentTraffic: 10, deployedAt: '2026-11-24T09:30:00.000Z' };
    const r = finding(facts('/orders', [mock], { stages: [stage({ latestDeployedAt: '2026-11-24T08:00:00.000Z', canary })] }), 'ResourcePathReady');
    expect(r).toMatchObject({ status: 'False', reason: 'CanaryOnly' });
    expect(r.message).toContain('stage prod serves /orders as it changed at 2026-11-24T09:00:00.000Z only from its canary (deployment dep3, 10% of requests)');
    expect(r.message).toContain('the other 90% get deployment dep2 from before the change (a path or method new in it: 403 {"message":"Missing Authentication Token"})');
    expect(r.message).toContain('aws apigateway get-stage --rest-api-id abcdefghij --stage-name prod --query "[deploymentId,canarySettings]"');
    // Once promoted (no canary; the stage deployed after the change) it is served.
    expect(finding(facts('/orders', [mock], { stages: [stage({ latestDeployedAt: '2026-11-24T09:30:00.000Z' })] }), 'ResourcePathReady')).toMatchObject({ status: 'True', reason: 'Served' });
  });

  it("from the deployments' API summaries: a method only in the canary, or missing from it", () => {
    const onlyCanary = stage({ served: new Set(), canary: { deploymentId: 'dep3', percentTraffic: 25, served: new Set(['/orders GET']) } });
    const a = finding(facts('/orders', [mock], { stages: [onlyCanary] }), 'ResourcePathReady');
    expect(a).toMatchObject({ status: 'False', reason: 'CanaryOnly' });
    expect(a.message).toContain('GET /orders is in the canary of stage prod (deployment dep3, 25% of requests) but not in deployment dep2 the stage serves: the other 75% get 403 {"message":"Missing Authentication Token"}');
    const missing = stage({ served: new Set(['/orders GET']), canary: { deploymentId: 'dep1', percentTraffic: 25, served: new Set() } });
    const b = finding(facts('/orders', [mock], { stages: [missing] }), 'ResourcePathReady');
    expect(b).toMatchObject({ status: 'False', reason: 'MissingInCanary' });
    expect(b.message).toContain('GET /orders is served by stage prod (deployment dep2) but not by its canary (deployment dep1): 25% of requests get 403 {"message":"Missing Authentication Token"}');
    expect(b.message).toContain('aws apigateway get-deployment --rest-api-id abcdefghij --deployment-id dep1 --embed apisummary');
  });

  it('a path missing in AWS', () => {
    const f = facts('/orders', [mock]);
    const r = finding({ ...f, observed: emptyApi() }, 'ResourcePathReady');
    expect(r).toMatchObject({ status: 'False', reason: 'PathMissing' });
    expect(r.message).toContain('403 {"message":"Missing Authentication Token"}');
    expect(r.message).toContain(`aws apigateway get-resources --rest-api-id abcdefghij --query "items[?path=='/orders']"`);
  });

  it('a method missing in AWS, with the resource id in the command', () => {
    const f = facts('/orders', [mock]);
    const observed = { ...f.observed, methods: [] };
    const r = finding({ ...f, observed }, 'ResourcePathReady');
    const rid = f.observed.resources.find((x) => x.path === '/orders')!.id;
    expect(r).toMatchObject({ status: 'False', reason: 'MethodMissing' });
    expect(r.message).toContain(`aws apigateway get-method --rest-api-id abcdefghij --resource-id ${rid} --http-method GET`);
  });

  it('a stage missing', () => {
    expect(finding(facts('/orders', [mock], { stages: [stage({ exists: false })] }), 'ResourcePathReady')).toMatchObject({ status: 'False', reason: 'StageMissing', message: expect.stringContaining('aws apigateway get-stages --rest-api-id abcdefghij') as string });
  });

  it('present in AWS but not in the deployment the stage serves (GetDeployment embed=apisummary)', () => {
    // The apiSummary AWS returns maps path -> method -> {authorizationType, apiKeyRequired}; the adapter keeps "PATH METHOD".
    const r = finding(facts('/orders', [mock], { stages: [stage({ served: new Set(['/health GET']) })] }), 'ResourcePathReady');
    expect(r).toMatchObject({ status: 'False', reason: 'NotDeployed' });
    expect(r.message).toContain('GET /orders is in REST API abcdefghij but not in deployment dep2 that stage prod serves: clients get 403 {"message":"Missing Authentication Token"}');
    expect(r.message).toContain('aws apigateway get-deployment --rest-api-id abcdefghij --deployment-id dep2 --embed apisummary');
  });

  it('a stage pointed at an older deployment', () => {
    const r = finding(facts('/orders', [mock], { stages: [stage({ deploymentId: 'dep1', deploymentCreatedAt: '2026-11-24T08:00:00.000Z' })] }), 'ResourcePathReady');
    expect(r).toMatchObject({ status: 'False', reason: 'StaleDeployment' });
    expect(r.message).toContain('aws apigateway get-stage --rest-api-id abcdefghij --stage-name prod --query deploymentId');
  });

  it('a deployment older than the last change (a Manual stage waiting for its annotation)', () => {
    const r = finding(facts('/orders', [mock], { changedAt: '2026-11-24T11:00:00.000Z', stages: [stage({ manual: true })] }), 'ResourcePathReady');
    expect(r).toMatchObject({ status: 'False', reason: 'DeploymentPending' });
    expect(r.message).toContain('until the restpath.dev/deploy annotation on the RestApi changes');
  });
});

describe('IntegrationReady (5xx)', () => {
  const proxy = (uri: string, extra = {}): Method => ({ httpMethod: 'GET', integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri, ...extra } });

  it('an integration missing', () => {
    const f = facts('/orders', [mock]);
    const observed = { ...f.observed, methods: f.observed.methods.map((m) => ({ ...m, shape: { ...m.shape, integration: null } })) };
    expect(finding({ ...f, observed }, 'IntegrationReady')).toMatchObject({ status: 'False', reason: 'IntegrationMissing', message: expect.stringContaining('500 {"message": "Internal server error"}') as string });
  });

  it('an integration different from the spec names the fields', () => {
    const f = facts('/orders', [proxy('http://a.internal/orders')]);
    const observed = { ...f.observed, methods: f.observed.methods.map((m) => ({ ...m, shape: { ...m.shape, integration: { ...m.shape.integration!, uri: 'http://b.internal/orders' } } })) };
    expect(finding({ ...f, observed }, 'IntegrationReady')).toMatchObject({ status: 'False', reason: 'IntegrationDiffers', message: expect.stringContaining("the integration's uri in AWS differ") as string });
  });

  it('a stage variable the stage does not define', () => {
    const r = finding(facts('/orders', [proxy('http://${stageVariables.backendHost}/orders')], { stages: [stage({ variables: { other: 'x' } })] }), 'IntegrationReady');
    expect(r).toMatchObject({ status: 'False', reason: 'UndefinedStageVariable' });
    expect(r.message).toContain('aws apigateway get-stage --rest-api-id abcdefghij --stage-name prod --query variables');
  });

  it('a VPC link that is not AVAILABLE', () => {
    const m = proxy('http://nlb.internal/orders', { connection: { type: 'VPC_LINK', vpcLinkId: 'vl1234' } });
    const r = finding(facts('/orders', [m], { vpcLinks: new Map([['vl1234', 'FAILED']]) }), 'IntegrationReady');
    expect(r).toMatchObject({ status: 'False', reason: 'VpcLinkNotAvailable', message: expect.stringContaining('aws apigateway get-vpc-link --vpc-link-id vl1234 --query status') as string });
  });

  it('a timeout outside 50..29,000 ms in AWS', () => {
    const f = facts('/orders', [proxy('http://a.internal/orders')]);
    const observed = { ...f.observed, methods: f.observed.methods.map((m) => ({ ...m, shape: { ...m.shape, integration: { ...m.shape.integration!, timeoutInMillis: 40_000 } } })) };
    const reasons = finding({ ...f, observed }, 'IntegrationReady').message;
    expect(reasons).toContain('the integration timeout is 40000 ms');
  });

  it('a malformed Lambda ARN', () => {
    const bad: Method = { ...lambda, integration: { ...lambda.integration, uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:12345:function:x/invocations' } };
    expect(finding(facts('/checkout', [bad]), 'IntegrationReady')).toMatchObject({ status: 'False', reason: 'MalformedUri' });
  });

  it('a credentials role that does not exist', () => {
    expect(finding(facts('/checkout', [lambda], { roles: new Map([[ROLE, role({ exists: false })]]) }), 'IntegrationReady')).toMatchObject({ status: 'False', reason: 'CredentialsRoleMissing', message: expect.stringContaining('aws iam get-role --role-name restpath-shop-checkout') as string });
  });
});

describe('PermissionsReady (403 / execution role)', () => {
  it('derives the action from the URI', () => {
    expect(integrationAction(lambda.integration as never)).toEqual({ action: 'lambda:InvokeFunction', resource: FN });
    expect(integrationAction({ uri: 'arn:aws:apigateway:us-east-1:sqs:action/SendMessage' } as never)).toEqual({ action: 'sqs:SendMessage', resource: '*' });
  });

  it('an execution role missing', () => {
    expect(finding(facts('/checkout', [lambda], { roles: new Map([[ROLE, role({ exists: false })]]) }), 'PermissionsReady')).toMatchObject({ status: 'False', reason: 'ExecutionRoleMissing' });
  });

  it('a trust policy for another service, or scoped to another API', () => {
    const other = role({ trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } });
    expect(finding(facts('/checkout', [lambda], { roles: new Map([[ROLE, other]]) }), 'PermissionsReady')).toMatchObject({ status: 'False', reason: 'TrustPolicyDenies' });
    const scoped = role({ trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:zzzzzzzzzz/*` } } }] } });
    const r = finding(facts('/checkout', [lambda], { roles: new Map([[ROLE, scoped]]) }), 'PermissionsReady');
    expect(r).toMatchObject({ status: 'False', reason: 'TrustPolicyExcludesApi' });
    expect(r.message).toContain('aws iam get-role --role-name restpath-shop-checkout --query Role.AssumeRolePolicyDocument');
  });

  it('policies that do not allow, or deny, the action', () => {
    const none = role({ policies: [{ source: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', document: { Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] } }] });
    const r = finding(facts('/checkout', [lambda], { roles: new Map([[ROLE, none]]) }), 'PermissionsReady');
    expect(r).toMatchObject({ status: 'False', reason: 'ActionNotAllowed' });
    expect(r.message).toContain(`no attached or inline policy of role restpath-shop-checkout allows lambda:InvokeFunction on ${FN}`);
    expect(r.message).toContain('aws iam list-attached-role-policies --role-name restpath-shop-checkout');
    const denied = role({ policies: [...role().policies, { source: 'x', document: { Statement: [{ Sid: 'Freeze', Effect: 'Deny', Action: 'lambda:*', Resource: '*' }] } }] });
    expect(finding(facts('/checkout', [lambda], { roles: new Map([[ROLE, denied]]) }), 'PermissionsReady')).toMatchObject({ status: 'False', reason: 'ActionDenied', message: expect.stringContaining('(Freeze)') as string });
  });

  it('says Unknown, not False, when only conditions it cannot evaluate would allow', () => {
    const conditional = role({ policies: [{ source: 'x', document: { Statement: [{ Sid: 'BusinessHours', Effect: 'Allow', Action: 'lambda:*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T08:00:00Z' } } }] } }] });
    expect(finding(facts('/checkout', [lambda], { roles: new Map([[ROLE, conditional]]) }), 'PermissionsReady')).toMatchObject({ status: 'Unknown', reason: 'PolicyConditionsNotEvaluated', message: expect.stringContaining('BusinessHours') as string });
  });

  it('a resource policy that denies', () => {
    const resourcePolicy = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }, { Sid: 'NoOrders', Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:*/*/*/orders' }] };
    const r = finding(facts('/orders', [mock], { resourcePolicy }), 'PermissionsReady');
    expect(r).toMatchObject({ status: 'False', reason: 'ResourcePolicyDenies' });
    expect(r.message).toContain('aws apigateway get-rest-api --rest-api-id abcdefghij --query policy');
  });

  it('AWS_IAM authorization: True, saying clients must sign with SigV4', () => {
    const iam: Method = { ...mock, authorization: { type: 'AWS_IAM' } };
    expect(finding(facts('/orders', [iam]), 'PermissionsReady')).toMatchObject({ status: 'True', reason: 'SigV4Required', message: expect.stringContaining('sign requests with SigV4') as string });
  });
});

describe('ThrottlingReady (429 / API keys)', () => {
  const keyed: Method = { ...mock, apiKeyRequired: true };

  it('a method requiring a key on a stage no usage plan covers', () => {
    const r = finding(facts('/orders', [keyed], { usagePlans: new Map([['prod', []]]) }), 'ThrottlingReady');
    expect(r).toMatchObject({ status: 'False', reason: 'NoUsagePlan' });
    expect(r.message).toContain('every client gets 403 {"message":"Forbidden"}');
    expect(r.message).toContain(`aws apigateway get-usage-plans --query "items[?apiStages[?apiId=='abcdefghij' && stage=='prod']]"`);
  });

  it('every key disabled; some keys disabled', () => {
    const off = plan({ keys: [{ id: 'k1', name: 'partner', enabled: false }] });
    expect(finding(facts('/orders', [keyed], { usagePlans: new Map([['prod', [off]]]) }), 'ThrottlingReady')).toMatchObject({ status: 'False', reason: 'ApiKeysDisabled', message: expect.stringContaining('aws apigateway get-usage-plan-keys --usage-plan-id up1') as string });
    const mixed = plan({ keys: [{ id: 'k1', name: 'a', enabled: false }, { id: 'k2', name: 'b', enabled: true }] });
    expect(finding(facts('/orders', [keyed], { usagePlans: new Map([['prod', [mixed]]]) }), 'ThrottlingReady')).toMatchObject({ status: 'True', message: expect.stringContaining('a k1') as string });
  });

  it('a key whose quota is used up (GetUsage: remaining 0)', () => {
    // GetUsage answers {items: {KEY_ID: [[used, remaining], ...]}}; the adapter keeps the last remaining.
    const used = plan({ quota: { limit: 1, period: 'DAY' }, keys: [{ id: 'k1', name: 'partner', enabled: true, remaining: 0 }] });
    const r = finding(facts('/orders', [keyed], { usagePlans: new Map([['prod', [used]]]) }), 'ThrottlingReady');
    expect(r).toMatchObject({ status: 'False', reason: 'QuotaExhausted' });
    expect(r.message).toContain('used up its quota of 1 per DAY in usage plan gold: its clients get 429 {"message":"Limit Exceeded"}');
  });

  it("a plan's per-key method limit above the method's stage limit", () => {
    const gold = plan({ throttle: { rateLimit: 500, burstLimit: 1000 }, methodThrottle: { '/orders/GET': { rateLimit: 100, burstLimit: 200 } } });
    const r = finding(facts('/orders', [keyed], { methodThrottling: new Map([['GET', { rateLimit: 20, burstLimit: 40 }]]), usagePlans: new Map([['prod', [gold]]]) }), 'ThrottlingReady');
    expect(r).toMatchObject({ status: 'False', reason: 'PlanLimitUnreachable' });
    expect(r.message).toContain('usage plan gold lets each key make 100 requests/s to GET /orders on stage prod, but the stage limits that method to 20/s for all clients together: keys get 429 {"message":"Too Many Requests"} above 20/s.');
    expect(r.message).toContain('aws apigateway get-stage --rest-api-id abcdefghij --stage-name prod --query methodSettings');
    // A plan-wide limit above it is normal (per key versus all clients) and not reported.
    expect(finding(facts('/orders', [keyed], { methodThrottling: new Map([['GET', { rateLimit: 20, burstLimit: 40 }]]), usagePlans: new Map([['prod', [plan({ throttle: { rateLimit: 500, burstLimit: 1000 } })]]]) }), 'ThrottlingReady').status).toBe('True');
  });

  it('no usage plan at all is NoUsagePlan, also when the API has no plans anywhere', () => {
    expect(finding(facts('/orders', [keyed], { usagePlans: new Map() }), 'ThrottlingReady')).toMatchObject({ status: 'False', reason: 'NoUsagePlan' });
  });

  it('leaves usage out when it could not be read', () => {
    expect(finding(facts('/orders', [keyed], { usagePlans: undefined }), 'ThrottlingReady')).toMatchObject({ status: 'True' });
  });
});
