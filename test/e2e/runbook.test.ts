// The runbook, end to end: break the system on purpose with the aws CLI, then check that
// `kubectl describe restpath` shows the condition False with the right reason and the aws command,
// that running that command against the emulator confirms the finding, that a client's request gets
// the status the message predicts (where LocalStack can serve it), and that the condition returns to
// True after the fix.
// Not here: "quota used up" (LocalStack answers GetUsage with 501) and "not in the stage's deployment"
// as read from GetDeployment's apiSummary (LocalStack leaves it out); test/unit/diagnose/checks.test.ts
// covers both from AWS's documented responses (test/aws-emulator/README.md).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { invokeStage, mockPathYaml, objectsIn } from '../support/objects.js';
import { operatorCli, startOperator, type RunningOperator } from '../support/operator.js';
import { commandFor, runbookReader } from '../support/runbook.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'runbook');
let operator: RunningOperator;
const objects = objectsIn(kubectl, namespace, () => operator.logs());
const { apply, get, waitFor, condition, until } = objects;
const describeShows = runbookReader(kubectl, namespace, objects);

beforeAll(async () => {
  // A short resync: breaks made with the aws CLI are found within seconds (IAM and usage-plan facts
  // are read at most once per resync).
  operator = await startOperator(['--namespaces', namespace(), '--resync', '3s']);
});
afterAll(async () => {
  await operator?.stop();
});

const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const api = (name: string, annotations = '') => `${H}\nkind: RestApi\nmetadata: { name: ${name}${annotations} }\nspec:\n  stages: [{ name: live }]\n`;
const mockPath = (name: string, apiName: string, path: string, methodExtra = '') => mockPathYaml(name, apiName, path, { methodExtra });

const apiIdOf = async (name: string) => (await get<{ id?: string }>(`restapi/${name}`)).status?.id ?? '';

describe('the runbook, end to end', () => {
  it('ResourcePathReady: a method deleted in AWS while writes are paused', async () => {
    // Two paths: AWS refuses to deploy an API without any method.
    await apply([api('paused'), mockPath('things', 'paused', '/things'), mockPath('other', 'paused', '/other')].join('---\n'));
    await waitFor('restpath/things', 'Ready', 'True', undefined, 90_000);
    const id = await apiIdOf('paused');
    const resourceId = (await get<{ resourceId?: string }>('restpath/things')).status?.resourceId ?? '';
    await kubectl.ok(['annotate', 'restapi', 'paused', '-n', namespace(), 'restpath.dev/paused=true']);
    await waitFor('restapi/paused', 'Synced', 'False', 'Paused');

    await operator.aws(['apigateway', 'delete-method', '--rest-api-id', id, '--resource-id', resourceId, '--http-method', 'GET']);
    const { message } = await describeShows('things', 'ResourcePathReady', 'MethodMissing');
    expect(message).toContain(`GET /things does not exist in REST API ${id}: clients get 403 {"message":"Missing Authentication Token"}`);
    const [command] = commandFor(message);
    expect(command).toEqual(['apigateway', 'get-method', '--rest-api-id', id, '--resource-id', resourceId, '--http-method', 'GET']);
    await expect(operator.aws(command!)).rejects.toThrow(/NotFoundException/);
    // As the message says, clients see it once a deployment without the method is served: the stage
    // still serves the deployment that has it, until someone deploys.
    expect(await invokeStage(id, 'live', '/things')).toEqual({ status: 200, body: '{"ok":true}' });
    const deployment = (await operator.aws(['apigateway', 'create-deployment', '--rest-api-id', id])) as { id: string };
    await operator.aws(['apigateway', 'update-stage', '--rest-api-id', id, '--stage-name', 'live', '--patch-operations', `op=replace,path=/deploymentId,value=${deployment.id}`]);
    expect(await invokeStage(id, 'live', '/things')).toMatchObject({ status: 403, body: expect.stringContaining('Missing Authentication Token') as string });
    // Paused: nothing was put back.
    expect(condition(await get('restpath/things'), 'Synced')?.reason).toBe('Paused');

    await kubectl.ok(['annotate', 'restapi', 'paused', '-n', namespace(), 'restpath.dev/paused-']);
    await waitFor('restpath/things', 'ResourcePathReady', 'True');
    await expect(operator.aws(command!)).resolves.toMatchObject({ httpMethod: 'GET' });
    expect(await invokeStage(id, 'live', '/things')).toEqual({ status: 200, body: '{"ok":true}' });
  });

  it('a paused RestApi is not deleted from AWS until the pause ends', async () => {
    await apply([api('held', `, annotations: { restpath.dev/paused: "true" }`), mockPath('held-path', 'held', '/held')].join('---\n'));
    // Created paused: nothing is written, not even the REST API, and the conditions say so.
    const created = await waitFor<{ id?: string }>('restapi/held', 'Synced', 'False', 'Paused');
    expect(condition(created, 'Ready')?.message).toContain('The REST API is not created while writes to AWS are paused');
    expect(created.status?.id).toBeUndefined();
    await kubectl.ok(['annotate', 'restapi', 'held', '-n', namespace(), 'restpath.dev/paused-']);
    await waitFor('restpath/held-path', 'Ready', 'True', undefined, 90_000);
    const id = await apiIdOf('held');
    await kubectl.ok(['annotate', 'restapi', 'held', '-n', namespace(), 'restpath.dev/paused=true']);
    await waitFor('restapi/held', 'Synced', 'False', 'Paused');
    await kubectl.ok(['delete', 'restapi', 'held', '-n', namespace(), '--wait=false']);
    const waiting = await until('the deletion waiting', async () => {
      const o = await get('restapi/held');
      return condition(o, 'Ready')?.message.includes('Deleting REST API') ? o : undefined;
    });
    expect(condition(waiting, 'Ready')?.message).toContain(`Deleting REST API ${id} waits: writes to AWS are paused`);
    await expect(operator.aws(['apigateway', 'get-rest-api', '--rest-api-id', id])).resolves.toMatchObject({ id });
    await kubectl.ok(['annotate', 'restapi', 'held', '-n', namespace(), 'restpath.dev/paused-']);
    await until('the REST API deleted', async () => (await operator.aws(['apigateway', 'get-rest-api', '--rest-api-id', id]).then(() => undefined, (e: Error) => (/NotFoundException/.test(e.message) ? true : undefined))));
  });

  it('ResourcePathReady: the stage pointed at an older deployment', async () => {
    await apply([api('rollback'), mockPath('first', 'rollback', '/first')].join('---\n'));
    await waitFor('restpath/first', 'Ready', 'True', undefined, 90_000);
    const id = await apiIdOf('rollback');
    const old = (await get<{ stages?: { deploymentId?: string }[] }>('restapi/rollback')).status?.stages?.[0]?.deploymentId ?? '';
    await apply(mockPath('second', 'rollback', '/second'));
    const latest = await until('a second deployment', async () => {
      const d = (await get<{ stages?: { deploymentId?: string }[] }>('restapi/rollback')).status?.stages?.[0]?.deploymentId;
      return d && d !== old ? d : undefined;
    });
    await waitFor('restpath/second', 'Ready', 'True');

    await operator.aws(['apigateway', 'update-stage', '--rest-api-id', id, '--stage-name', 'live', '--patch-operations', `op=replace,path=/deploymentId,value=${old}`]);
    const { message } = await describeShows('second', 'ResourcePathReady', 'StaleDeployment');
    expect(message).toContain(`stage live serves deployment ${old}`);
    expect(message).toContain(`older than ${latest} which the operator deployed`);
    const [command] = commandFor(message);
    expect(await operator.aws(command!)).toBe(old);
    // Clients get the API as it was: /second is not in the old deployment.
    expect(await invokeStage(id, 'live', '/second')).toMatchObject({ status: 403, body: expect.stringContaining('Missing Authentication Token') as string });
    // The same finding from a laptop: restpath-operator diagnose, with the command to run.
    const diagnosed = await operatorCli(operator.account, ['diagnose', 'restpath', 'second', '-n', namespace()]);
    expect(diagnosed.code, diagnosed.stderr).toBe(1);
    expect(diagnosed.stdout).toMatch(/ResourcePathReady\s+False\s+StaleDeployment/);
    expect(diagnosed.stdout).toMatch(/IntegrationReady\s+True\s+IntegrationsValid/);
    expect(diagnosed.stdout).toContain(`$ aws apigateway get-stage --rest-api-id ${id} --stage-name live --query deploymentId`);

    await operator.aws(['apigateway', 'update-stage', '--rest-api-id', id, '--stage-name', 'live', '--patch-operations', `op=replace,path=/deploymentId,value=${latest}`]);
    await waitFor('restpath/second', 'ResourcePathReady', 'True');
    const healthy = await operatorCli(operator.account, ['diagnose', 'restpath', 'second', '-n', namespace()]);
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
  });

  it('restpath-operator plan -f: the operations a file would run, and whether a deployment follows', async () => {
    const file = (body: string) => [api('rollback'), mockPath('second', 'rollback', '/second').replace('{"ok":true}', body)].join('---\n');
    const same = await operatorCli(operator.account, ['plan', '-f', '-', '-n', namespace()], file('{"ok":true}'));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('no changes to paths, methods, integrations, authorizers, models, validators, gateway responses, policy or tags');
    expect(same.stdout).toMatch(/stage live \(Automatic\): settings unchanged; no deployment/);
    const changed = await operatorCli(operator.account, ['plan', '-f', '-', '-n', namespace()], file('{"ok":"v2"}') + `---\n${mockPath('third', 'rollback', '/third')}`);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('create resource /third');
    expect(changed.stdout).toContain('putMethod GET /third');
    expect(changed.stdout).toMatch(/IntegrationResponse GET \/second 200/);
    expect(changed.stdout).toMatch(/stage live \(Automatic\): settings unchanged; a deployment would follow/);
    // Nothing was applied.
    expect(await kubectl(['get', 'restpath', 'third', '-n', namespace()])).toMatchObject({ code: 1 });
  });

  it('IntegrationReady: a stage variable the integration uses removed from the stage', async () => {
    // The backend is the emulator's own health endpoint, so a request that reaches it gets 200.
    const backend = new URL(inject('awsEndpoint')).host;
    await apply([api('vars').replace('stages: [{ name: live }]', `stages: [{ name: live, variables: { backendHost: "${backend}" } }]`), `${H}
kind: RestPath
metadata: { name: proxied }
spec:
  restApiRef: { name: vars }
  path: /proxied
  methods:
    - httpMethod: GET
      integration: { type: HTTP_PROXY, httpMethod: GET, uri: "http://\${stageVariables.backendHost}/_localstack/health" }
`].join('---\n'));
    await waitFor('restpath/proxied', 'Ready', 'True', undefined, 90_000);
    const id = await apiIdOf('vars');
    expect((await invokeStage(id, 'live', '/proxied')).status).toBe(200);
    await kubectl.ok(['annotate', 'restapi', 'vars', '-n', namespace(), 'restpath.dev/paused=true']);
    await waitFor('restapi/vars', 'Synced', 'False', 'Paused');
    await operator.aws(['apigateway', 'update-stage', '--rest-api-id', id, '--stage-name', 'live', '--patch-operations', 'op=remove,path=/variables/backendHost']);
    const { message } = await describeShows('proxied', 'IntegrationReady', 'UndefinedStageVariable');
    expect(message).toContain('GET /proxied: the integration uses ${stageVariables.backendHost}, which stage live does not define: its clients get 500 {"message": "Internal server error"}');
    const [command] = commandFor(message);
    expect(command).toEqual(['apigateway', 'get-stage', '--rest-api-id', id, '--stage-name', 'live', '--query', 'variables']);
    expect((await operator.aws(command!)) ?? {}).not.toHaveProperty('backendHost');
    expect((await invokeStage(id, 'live', '/proxied')).status).toBe(500);

    await kubectl.ok(['annotate', 'restapi', 'vars', '-n', namespace(), 'restpath.dev/paused-']);
    await waitFor('restpath/proxied', 'IntegrationReady', 'True');
    expect(await operator.aws(command!)).toEqual({ backendHost: backend });
    expect((await invokeStage(id, 'live', '/proxied')).status).toBe(200);
  });

  it("PermissionsReady: the execution role's policy detached", async () => {
    const account = operator.account.accountId;
    const fn = `arn:aws:lambda:us-east-1:${account}:function:orders`;
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await operator.aws(['iam', 'create-role', '--role-name', 'orders-invoker', '--assume-role-policy-document', trust]);
    const policy = (await operator.aws(['iam', 'create-policy', '--policy-name', 'invoke-orders', '--policy-document', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn }] })])) as { Policy: { Arn: string } };
    await operator.aws(['iam', 'attach-role-policy', '--role-name', 'orders-invoker', '--policy-arn', policy.Policy.Arn]);
    const roleArn = `arn:aws:iam::${account}:role/orders-invoker`;
    await apply([api('perm'), `${H}
kind: RestPath
metadata: { name: invoke }
spec:
  restApiRef: { name: perm }
  path: /invoke
  methods:
    - httpMethod: POST
      integration:
        type: AWS_PROXY
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn}/invocations
        credentials: { roleArn: "${roleArn}" }
`].join('---\n'));
    await waitFor('restpath/invoke', 'PermissionsReady', 'True', undefined, 90_000);

    await operator.aws(['iam', 'detach-role-policy', '--role-name', 'orders-invoker', '--policy-arn', policy.Policy.Arn]);
    const { message } = await describeShows('invoke', 'PermissionsReady', 'ActionNotAllowed');
    expect(message).toContain(`no attached or inline policy of role orders-invoker allows lambda:InvokeFunction on ${fn}: clients get 500 {"message": "Internal server error"}`);
    const [attached, inline] = commandFor(message);
    expect(await operator.aws(attached!)).toEqual({ AttachedPolicies: [] });
    expect(await operator.aws(inline!)).toEqual({ PolicyNames: [] });

    await operator.aws(['iam', 'attach-role-policy', '--role-name', 'orders-invoker', '--policy-arn', policy.Policy.Arn]);
    await waitFor('restpath/invoke', 'PermissionsReady', 'True');
  });

  it('ThrottlingReady: the only API key disabled', async () => {
    await apply([api('keys'), mockPath('secured', 'keys', '/secured', '      apiKeyRequired: true\n')].join('---\n'));
    const id = await until('keys id', () => apiIdOf('keys'));
    const noPlan = await describeShows('secured', 'ThrottlingReady', 'NoUsagePlan');
    expect(noPlan.message).toContain('every client gets 403 {"message":"Forbidden"}');
    expect(await operator.aws(commandFor(noPlan.message)[0]!)).toEqual([]);
    await until('stage live exists', async () => ((await get<{ stages?: unknown[] }>('restapi/keys')).status?.stages?.length ? true : undefined));

    // A plan and a key made by hand (not by a UsagePlan object, so nothing re-enables the key).
    const plan = (await operator.aws(['apigateway', 'create-usage-plan', '--name', 'by-hand', '--api-stages', `apiId=${id},stage=live`])) as { id: string };
    const value = 'runbook-key-value-0123456789';
    const key = (await operator.aws(['apigateway', 'create-api-key', '--name', 'partner', '--enabled', '--value', value])) as { id: string };
    await operator.aws(['apigateway', 'create-usage-plan-key', '--usage-plan-id', plan.id, '--key-id', key.id, '--key-type', 'API_KEY']);
    await waitFor('restpath/secured', 'ThrottlingReady', 'True');
    expect((await invokeStage(id, 'live', '/secured', { 'x-api-key': value })).status).toBe(200);

    await operator.aws(['apigateway', 'update-api-key', '--api-key', key.id, '--patch-operations', 'op=replace,path=/enabled,value=false']);
    const { message } = await describeShows('secured', 'ThrottlingReady', 'ApiKeysDisabled');
    expect(message).toContain(`every key in the usage plans covering stage live is disabled (partner ${key.id}): every client gets 403 {"message":"Forbidden"}`);
    const [command] = commandFor(message);
    expect(command).toEqual(['apigateway', 'get-usage-plan-keys', '--usage-plan-id', plan.id]);
    expect(((await operator.aws(command!)) as { items: { id: string }[] }).items.map((k) => k.id)).toEqual([key.id]);
    expect(((await operator.aws(['apigateway', 'get-api-key', '--api-key', key.id])) as { enabled: boolean }).enabled).toBe(false);
    expect((await invokeStage(id, 'live', '/secured', { 'x-api-key': value })).status).toBe(403);

    await operator.aws(['apigateway', 'update-api-key', '--api-key', key.id, '--patch-operations', 'op=replace,path=/enabled,value=true']);
    await waitFor('restpath/secured', 'ThrottlingReady', 'True');
    expect((await invokeStage(id, 'live', '/secured', { 'x-api-key': value })).status).toBe(200);
  });
});
