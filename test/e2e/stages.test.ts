// Stages in production, end to end with kubectl, the aws CLI and the stage's data plane: access logs
// (a preset), tracing, the cache cluster, method settings for the stage and one method (which keeps
// the stage's throttling it does not set), and a canary: a change goes to the canary, requests sampled
// during the rollout are split between the two deployments, restpath.dev/promote makes the canary the
// stage, and removing a setting from the spec removes it from AWS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { invokeStage, objectsIn } from '../support/objects.js';
import { operatorCli, startOperator, type RunningOperator } from '../support/operator.js';
import { ACCESS_LOG_FORMATS } from '../../src/plan/stages.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'stages');
let operator: RunningOperator;
const { apply, get, until, waitFor, condition } = objectsIn(kubectl, namespace, () => operator.logs());

beforeAll(async () => {
  operator = await startOperator(['--namespaces', namespace()]);
});
afterAll(async () => {
  await operator?.stop();
});

const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const api = (stageExtra: string, annotations = '') => `${H}
kind: RestApi
metadata: { name: live${annotations} }
spec:
  stages:
    - name: prod
      throttling: { rateLimit: 100, burstLimit: 200 }
${stageExtra}`;
const SETTINGS = `      accessLogs: { destinationArn: "arn:aws:logs:us-east-1:ACCOUNT:log-group:api-access", format: clf }
      tracing: true
      cacheCluster: { enabled: true, size: "0.5" }
      methodSettings: { loggingLevel: ERROR, metrics: true }
      clientCertificate: { enabled: true, description: live backends }
`;
const CANARY = '      canary: { percentTraffic: 50 }\n';
const path = (body: string) => `${H}
kind: RestPath
metadata: { name: hello }
spec:
  restApiRef: { name: live }
  path: /hello
  methods:
    - httpMethod: GET
      settings: { loggingLevel: INFO, caching: { enabled: true, ttlSeconds: 60 } }
      requestParameters: { method.request.querystring.lang: false }
      integration:
        type: MOCK
        cacheKeyParameters: [method.request.querystring.lang]   # one cache entry per language
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: [{ statusCode: "200", responseTemplates: { application/json: '{"v":"${body}"}' } }]
      methodResponses: [{ statusCode: "200" }]
`;

interface StageJson {
  deploymentId: string;
  tracingEnabled?: boolean;
  cacheClusterEnabled?: boolean;
  accessLogSettings?: { destinationArn: string; format: string };
  methodSettings?: Record<string, { loggingLevel?: string; metricsEnabled?: boolean; cachingEnabled?: boolean; cacheTtlInSeconds?: number; throttlingRateLimit?: number; throttlingBurstLimit?: number }>;
  canarySettings?: { deploymentId: string; percentTraffic: number };
}
interface ApiStatus { id?: string; stages?: { name: string; deploymentId?: string; canary?: { deploymentId: string; percentTraffic: number }; clientCertificate?: { id: string; expiresAt?: string } }[] }

describe('stages: logs, tracing, caching, method settings and a canary', () => {
  let id = '';
  const stage = async () => (await operator.aws(['apigateway', 'get-stage', '--rest-api-id', id, '--stage-name', 'prod'])) as StageJson;
  const settingsFor = (account: string) => SETTINGS.replace('ACCOUNT', account);
  const clientCertificates = async () => ((await operator.aws(['apigateway', 'get-client-certificates'])) as { items: { clientCertificateId: string; description?: string; tags?: Record<string, string> }[] }).items;

  it('writes access logs, tracing, the cache cluster and method settings; a method entry keeps the stage throttling it does not set', async () => {
    await apply([api(settingsFor(operator.account.accountId)), path('one')].join('---\n'));
    await waitFor('restpath/hello', 'Ready', 'True', undefined, 120_000);
    id = (await get<ApiStatus>('restapi/live')).status?.id ?? '';
    const s = await stage();
    expect(s).toMatchObject({ tracingEnabled: true, cacheClusterEnabled: true, accessLogSettings: { destinationArn: `arn:aws:logs:us-east-1:${operator.account.accountId}:log-group:api-access`, format: ACCESS_LOG_FORMATS.clf } });
    expect(s.methodSettings?.['*/*']).toMatchObject({ loggingLevel: 'ERROR', metricsEnabled: true, throttlingRateLimit: 100, throttlingBurstLimit: 200 });
    expect(s.methodSettings?.['~1hello/GET']).toMatchObject({ loggingLevel: 'INFO', metricsEnabled: true, cachingEnabled: true, cacheTtlInSeconds: 60, throttlingRateLimit: 100, throttlingBurstLimit: 200 });
    expect(await invokeStage(id, 'prod', '/hello')).toEqual({ status: 200, body: '{"v":"one"}' });
    const resources = (await operator.aws(['apigateway', 'get-resources', '--rest-api-id', id])) as { items: { id: string; path: string }[] };
    const hello = resources.items.find((r) => r.path === '/hello')!.id;
    const integration = (await operator.aws(['apigateway', 'get-integration', '--rest-api-id', id, '--resource-id', hello, '--http-method', 'GET'])) as { cacheKeyParameters?: string[] };
    expect(integration.cacheKeyParameters).toEqual(['method.request.querystring.lang']);
    // The client certificate: generated with the owner and stage tags, its id and expiry in status. (LocalStack
    // does not store a stage's clientCertificateId: test/aws-emulator/README.md.)
    const certs = await clientCertificates();
    expect(certs).toEqual([expect.objectContaining({ description: 'live backends', tags: expect.objectContaining({ 'restpath.dev/owner': `${namespace()}/RestApi/live`, 'restpath.dev/stage': 'prod' }) as unknown })]);
    const recorded = (await get<ApiStatus>('restapi/live')).status?.stages?.find((x) => x.name === 'prod')?.clientCertificate;
    expect(recorded?.id).toBe(certs[0]!.clientCertificateId);
    expect(Date.parse(recorded?.expiresAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('IntegrationReady ExecutionLogsNotDelivered: logging on while the account has no CloudWatch role; Ready stays True; back when the role is set', async () => {
    const role = ((await operator.aws(['apigateway', 'get-account'])) as { cloudwatchRoleArn?: string }).cloudwatchRoleArn ?? '';
    await operator.aws(['apigateway', 'update-account', '--patch-operations', 'op=replace,path=/cloudwatchRoleArn,value=']);
    await kubectl.ok(['annotate', 'restapi', 'live', '-n', namespace(), `restpath.dev/reconcile-requested-at=${Date.now()}`, '--overwrite']);
    const o = await waitFor<Record<string, unknown>>('restpath/hello', 'IntegrationReady', 'False', 'ExecutionLogsNotDelivered', 60_000);
    const c = o.status?.conditions?.find((x) => x.type === 'IntegrationReady');
    expect(c?.message).toContain("stage prod writes execution logs for GET /hello, but API Gateway's account settings in us-east-1 name no CloudWatch role: the logs go nowhere");
    expect(o.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
    expect(await operator.aws(['apigateway', 'get-account', '--query', 'cloudwatchRoleArn'])).toBe('');
    await operator.aws(['apigateway', 'update-account', '--patch-operations', `op=replace,path=/cloudwatchRoleArn,value=${role || `arn:aws:iam::${operator.account.accountId}:role/apigateway-cloudwatch`}`]);
    await kubectl.ok(['annotate', 'restapi', 'live', '-n', namespace(), `restpath.dev/reconcile-requested-at=${Date.now()}`, '--overwrite']);
    await waitFor('restpath/hello', 'IntegrationReady', 'True', undefined, 60_000);
  });

  it('deploys a change to the canary; sampled requests reach both deployments; promote makes the canary the stage', async () => {
    await apply(api(settingsFor(operator.account.accountId) + CANARY));
    const before = (await stage()).deploymentId;
    await waitFor('restapi/live', 'Ready', 'True');
    const planned = await operatorCli(operator.account, ['plan', '-f', '-', '-n', namespace()], path('two'));
    expect(planned.code, planned.stderr).toBe(0);
    // LocalStack does not store the stage's clientCertificateId, so the plan re-sends it (test/aws-emulator/README.md).
    expect(planned.stdout).toMatch(/stage prod \(Automatic\): settings(?: unchanged|: replace \/clientCertificateId); a deployment would follow, into the canary \(50% of the stage's traffic\)/);
    await apply(path('two'));
    const withCanary = await until('the canary deployed', async () => {
      const st = (await get<ApiStatus>('restapi/live')).status?.stages?.find((x) => x.name === 'prod');
      return st?.canary ? st : undefined;
    }, 90_000);
    const s = await stage();
    expect(s.deploymentId).toBe(before);
    expect(s.canarySettings).toMatchObject({ deploymentId: withCanary.canary!.deploymentId, percentTraffic: 50 });
    expect(withCanary.deploymentId).toBe(before);
    // During the rollout: 40 requests, both versions answer (each at 50%: all 40 alike has odds 2^-39).
    const seen = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const r = await invokeStage(id, 'prod', '/hello');
      seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['{"v":"one"}', '{"v":"two"}']);
    // The runbook says which share gets which version, without holding Ready back (a rollout by design).
    const during = await waitFor('restpath/hello', 'ResourcePathReady', 'False', 'CanaryOnly');
    expect(condition(during, 'ResourcePathReady')?.message).toContain(`only from its canary (deployment ${withCanary.canary!.deploymentId}, 50% of requests); the other 50% get deployment ${before} from before the change`);
    expect(condition(during, 'Ready')?.status).toBe('True');

    await apply(api(settingsFor(operator.account.accountId) + CANARY, ', annotations: { restpath.dev/promote: "1" }'));
    await until('promoted', async () => ((await stage()).canarySettings ? undefined : true), 90_000);
    expect((await stage()).deploymentId).toBe(withCanary.canary!.deploymentId);
    for (let i = 0; i < 10; i++) expect(await invokeStage(id, 'prod', '/hello')).toEqual({ status: 200, body: '{"v":"two"}' });
    const promoted = await get<ApiStatus>('restapi/live');
    expect(promoted.status?.stages?.find((x) => x.name === 'prod')).toMatchObject({ deploymentId: withCanary.canary!.deploymentId });
    expect(promoted.status?.stages?.find((x) => x.name === 'prod')?.canary).toBeUndefined();
    await waitFor('restpath/hello', 'ResourcePathReady', 'True', 'Served');
  }, 240_000);

  it('removes what the spec no longer declares: access logs, tracing, the cache cluster; the method entry inherits the stage default again', async () => {
    await apply([api(''), path('two').replace(/ {6}settings: .*\n/, '')].join('---\n'));
    let last: StageJson | undefined;
    const s = await until('settings removed', async () => {
      last = await stage();
      const method = last.methodSettings?.['~1hello/GET'];
      // The method entry is written to read like the stage default (the emulator cannot remove it; AWS could).
      const inherits = !method || (method.loggingLevel === last.methodSettings?.['*/*']?.loggingLevel && method.cachingEnabled === false && method.cacheTtlInSeconds === 300);
      return !last.accessLogSettings && !last.tracingEnabled && inherits ? last : undefined;
    }, 60_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\nstage: ${JSON.stringify(last)}\nrestapi: ${JSON.stringify((await get('restapi/live')).status)}\n${operator.logs().slice(-3000)}`);
    });
    expect(s.methodSettings?.['*/*']).toMatchObject({ throttlingRateLimit: 100, throttlingBurstLimit: 200 });
    expect(s.cacheClusterEnabled).toBe(false);
    await waitFor('restapi/live', 'Ready', 'True');
    await until('the client certificate deleted', async () => ((await clientCertificates()).length === 0 ? true : undefined), 30_000);
  }, 150_000);

  it('a web ACL on the stage: the operator calls AWS WAF; the emulator has no WAF, which the status names; removing it recovers', async () => {
    // LocalStack's open-source core has no WAFv2 (test/aws-emulator/README.md): the association is shown
    // through the control plane. The reconciler tier shows it succeeding (test/reconciler/web-acl.test.ts).
    const acl = `arn:aws:wafv2:us-east-1:${operator.account.accountId}:regional/webacl/shop/0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8`;
    await apply(api(`      webAclArn: ${acl}\n`));
    const failed = await waitFor('restapi/live', 'Ready', 'False', undefined, 60_000);
    expect(condition(failed, 'Ready')?.message).toMatch(/AssociateWebACL|wafv2/);
    await apply(api(''));
    await waitFor('restapi/live', 'Ready', 'True', undefined, 60_000);
  }, 150_000);
});
