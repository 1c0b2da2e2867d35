// The operator's life as a process: probes and metrics; deletionPolicy; Manual deployments; a
// SIGKILL in the middle of applying; two replicas with one leader.
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/testenv/ports.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { sampleSum } from '../support/metrics-text.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { never as neverWithin, until as waitUntil } from '../support/until.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'lifecycle');
const running: RunningOperator[] = [];
afterEach(async () => {
  for (const o of running.splice(0)) await o.stop();
});

const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const api = (name: string, extra = '') => `${H}\nkind: RestApi\nmetadata: { name: ${name}${extra} }\nspec:\n  stages: [{ name: live, deployment: Manual }]\n`;
const paths = (apiName: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${H}\nkind: RestPath\nmetadata: { name: ${apiName}-p${i} }\nspec:\n  restApiRef: { name: ${apiName} }\n  path: /items/i${i}\n  methods:\n    - httpMethod: GET\n      integration: { type: MOCK, requestTemplates: { application/json: '{"statusCode": 200}' } }\n`).join('---\n');
const apply = (manifest: string) => kubectl.ok(['apply', '-n', namespace(), '-f', '-'], manifest);
const jsonpath = async (what: string, path: string) => (await kubectl(['get', what, '-n', namespace(), '-o', `jsonpath=${path}`])).stdout.trim();

const operatorLogs = () => running.map((o) => o.logs()).join('\n');
const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) => waitUntil(what, probe, timeoutMs, operatorLogs);
const never = <T>(what: string, probe: () => Promise<T | undefined>, windowMs: number) => neverWithin(what, probe, windowMs, operatorLogs);
// A negative check's window, started once the operator has shown its decision (a condition): long
// enough for the reconciles a change can still cause after it (--debounce 300ms, a requeue), so a
// late wrong write shows up; it synchronizes nothing.
const LATE_WRITE_WINDOW_MS = 1_500;
/** The Ready condition as status, reason and message; undefined until the operator has written one. */
const readyOf = async (what: string) => {
  const [status, reason, ...message] = (await jsonpath(what, '{.status.conditions[?(@.type=="Ready")].status}|{.status.conditions[?(@.type=="Ready")].reason}|{.status.conditions[?(@.type=="Ready")].message}')).split('|');
  return status ? { status, reason, message: message.join('|') } : undefined;
};
const readyApi = (name: string) => until(`${name} Ready`, async () => ((await jsonpath(`restapi/${name}`, '{.status.conditions[?(@.type=="Ready")].status}')) === 'True' ? true : undefined));
const apiIdOf = (name: string) => until(`${name} id`, () => jsonpath(`restapi/${name}`, '{.status.id}'));

async function operator(args: string[] = [], shared?: RunningOperator): Promise<RunningOperator> {
  const o = await startOperator(['--namespaces', namespace(), '--no-bulk-create', ...args], shared?.account);
  running.push(o);
  return o;
}

describe('the operator process', () => {
  it('answers probes and exports metrics, AWS calls included', async () => {
    const port = await freePort();
    await operator(['--health-port', String(port)]);
    await apply(api('metered') + '---\n' + paths('metered', 2));
    await readyApi('metered');
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text() };
    };
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok' });
    expect(await get('/readyz')).toEqual({ status: 200, body: 'ok' });
    expect(operatorLogs()).toContain('"msg":"caches synced; reconciling"');
    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/restpath_reconciles_total\{kind="RestApi",result="done"\} [1-9]/);
    expect(sampleSum(metrics, 'restpath_aws_calls_total', { operation: 'CreateRestApi', outcome: 'ok', account: 'default' })).toBe(1);
    expect(sampleSum(metrics, 'restpath_aws_calls_total', { operation: 'PutMethod', outcome: 'ok', account: 'default' })).toBe(2);
    expect(metrics).toContain('restpath_workqueue_depth');
  });

  it('writes only what --log-level allows: at warn, no info line while it reconciles to Ready', async () => {
    const quiet = await operator(['--log-level', 'warn']);
    await apply(api('quiet') + '---\n' + paths('quiet', 1));
    await readyApi('quiet');
    // pino's numeric levels: info is 30, warn 40. At the default (the test above), the same start logs
    // "caches synced; reconciling" at info.
    const levels = quiet.logs().split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { level: number }).level);
    expect(levels.filter((l) => l < 40)).toEqual([]);
    expect(quiet.logs()).not.toContain('caches synced');
    await quiet.stop();
  });

  it('deploys a Manual stage once at creation, then only when the deploy annotation changes', async () => {
    const o = await operator();
    await apply(api('manual') + '---\n' + paths('manual', 1));
    await readyApi('manual');
    const id = await apiIdOf('manual');
    const deployments = async () => ((await o.aws(['apigateway', 'get-deployments', '--rest-api-id', id])) as { items: unknown[] }).items.length;
    expect(await deployments()).toBe(1);
    await apply(paths('manual', 2)); // a change, but the stage is Manual
    await until('the new path in AWS', async () => ((await o.aws(['apigateway', 'get-resources', '--rest-api-id', id])) as { items: { path: string }[] }).items.some((r) => r.path === '/items/i1') ? true : undefined);
    // The operator's decision on the change: applied, and waiting for a deployment it does not make itself.
    await until('manual-p1 waiting for a deployment', async () => ((await jsonpath('restpath/manual-p1', '{.status.conditions[?(@.type=="ResourcePathReady")].reason}')) === 'DeploymentPending' ? true : undefined));
    expect(await deployments()).toBe(1);
    await never('a deployment of the Manual stage without the annotation', async () => { const n = await deployments(); return n !== 1 ? n : undefined; }, LATE_WRITE_WINDOW_MS);
    await kubectl.ok(['annotate', 'restapi', 'manual', '-n', namespace(), 'restpath.dev/deploy=release-2']);
    await until('a second deployment', async () => ((await deployments()) === 2 ? true : undefined));
    expect(await jsonpath('restapi/manual', '{.status.stages[0].deployedAnnotation}')).toBe('release-2');
  });

  it('leaves AWS untouched when a RestApi with deletionPolicy Retain is deleted', async () => {
    const o = await operator();
    await apply(`${H}\nkind: RestApi\nmetadata: { name: kept }\nspec:\n  deletionPolicy: Retain\n`);
    await readyApi('kept');
    const id = await apiIdOf('kept');
    await kubectl.ok(['delete', 'restapi', 'kept', '-n', namespace(), '--timeout=60s']);
    const api = (await o.aws(['apigateway', 'get-rest-api', '--rest-api-id', id])) as { id: string };
    expect(api.id).toBe(id);
  });

  it('converges without duplicates after a SIGKILL in the middle of applying', async () => {
    const first = await operator();
    // 30 paths take ~90 calls: past the burst of 40, about 5 s at API Gateway's 10 calls/s.
    await apply(api('killed') + '---\n' + paths('killed', 30));
    const id = await apiIdOf('killed');
    const count = async () => ((await first.aws(['apigateway', 'get-resources', '--rest-api-id', id])) as { items: unknown[] }).items.length;
    await until('a few paths in AWS', async () => ((await count()) >= 3 ? true : undefined));
    process.kill(first.process.pid, 'SIGKILL');
    // Gone before the count and the second replica: a dying process writes no more.
    expect(await until('the first replica gone', () => Promise.resolve(first.process.exited() ? first.process.exitDescription() : undefined), 10_000)).toBe('killed by SIGKILL');
    expect(await count()).toBeLessThan(31); // killed in the middle: not all 30 paths (+ root) exist yet
    const second = await operator([], first);
    await until('all paths Ready', async () => {
      const ready = (await jsonpath('restpaths', '{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}')).split(' ').filter((s) => s === 'True');
      return ready.length >= 30 ? true : undefined;
    }, 90_000);
    const items = ((await second.aws(['apigateway', 'get-resources', '--rest-api-id', id])) as { items: { path: string }[] }).items.map((r) => r.path);
    expect(items.filter((p) => p.startsWith('/items/i')).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `/items/i${i}`).sort());
    expect(new Set(items).size).toBe(items.length);
    const apis = ((await second.aws(['apigateway', 'get-rest-apis'])) as { items: { name: string }[] }).items.filter((a) => a.name.endsWith('-killed'));
    expect(apis).toHaveLength(1);
  });

  it('changes an API managed elsewhere (restApiId) only where allowed, and only its paths', async () => {
    const refusing = await operator();
    const external = (await refusing.aws(['apigateway', 'create-rest-api', '--name', 'legacy', '--tags', 'team=legacy'])) as { id: string };
    await apply(`${H}\nkind: RestPath\nmetadata: { name: legacy-status }\nspec:\n  restApiId: ${external.id}\n  path: /status\n  methods:\n    - httpMethod: GET\n      integration: { type: MOCK, requestTemplates: { application/json: '{"statusCode": 200}' } }\n`);
    // The operator's first verdict on the path, whatever it is: it must be the refusal, and AWS untouched.
    const verdict = await until('a Ready condition on legacy-status', () => readyOf('restpath/legacy-status'));
    expect([verdict.status, verdict.reason]).toEqual(['False', 'AdoptionNotAllowed']);
    expect(verdict.message).toContain(`REST API ${external.id}, which the operator did not create, is not allowed in namespace ${namespace()}`);
    const untouched = ((await refusing.aws(['apigateway', 'get-resources', '--rest-api-id', external.id])) as { items: { path: string }[] }).items.map((r) => r.path);
    expect(untouched).toEqual(['/']);
    await refusing.stop();
    running.splice(running.indexOf(refusing), 1);

    const allowed = await operator(['--adopt-namespaces', namespace()], refusing);
    await until('Ready on the external API', async () => ((await jsonpath('restpath/legacy-status', '{.status.conditions[?(@.type=="Ready")].status}')) === 'True' ? true : undefined));
    const items = ((await allowed.aws(['apigateway', 'get-resources', '--rest-api-id', external.id, '--embed', 'methods'])) as { items: { path: string; resourceMethods?: object }[] }).items;
    expect(items.find((r) => r.path === '/status')?.resourceMethods).toHaveProperty('GET');
    const apiAfter = (await allowed.aws(['apigateway', 'get-rest-api', '--rest-api-id', external.id])) as { name: string; tags?: Record<string, string> };
    expect(apiAfter.name).toBe('legacy');
    expect(apiAfter.tags).toEqual({ team: 'legacy' });
  });

  it('creates the execution role a Lambda proxy path asks for, uses it, changes its policies both ways, and deletes it with the path', async () => {
    const o = await operator();
    const lambda = `arn:aws:lambda:us-east-1:${o.account.accountId}:function:checkout`;
    const checkout = (role: string) => `${H}\nkind: RestPath\nmetadata: { name: checkout }\nspec:\n  restApiRef: { name: roles }\n  path: /checkout\n  methods:\n    - httpMethod: POST\n      integration:\n        type: AWS_PROXY\n        httpMethod: POST\n        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${lambda}/invocations\n        credentials: { executionRole: true }\n  executionRole:\n${role}`;
    await apply(`${H}\nkind: RestApi\nmetadata: { name: roles }\nspec: {}\n---\n${checkout('    managedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaRole]\n')}`);
    await until('checkout Ready', async () => ((await jsonpath('restpath/checkout', '{.status.conditions[?(@.type=="Ready")].status}')) === 'True' ? true : undefined));
    const arn = await jsonpath('restpath/checkout', '{.status.executionRoleArn}');
    expect(arn).toBe(`arn:aws:iam::${o.account.accountId}:role/restpath/restpath-${namespace()}-checkout`);
    const id = await apiIdOf('roles');
    const resourceId = await jsonpath('restpath/checkout', '{.status.resourceId}');
    const integration = (await o.aws(['apigateway', 'get-integration', '--rest-api-id', id, '--resource-id', resourceId, '--http-method', 'POST'])) as { credentials: string };
    expect(integration.credentials).toBe(arn);
    const role = (await o.aws(['iam', 'get-role', '--role-name', `restpath-${namespace()}-checkout`])) as { Role: { AssumeRolePolicyDocument: { Statement: { Condition: { ArnLike: Record<string, string> } }[] } } };
    expect(role.Role.AssumeRolePolicyDocument.Statement[0]?.Condition.ArnLike['aws:SourceArn']).toBe(`arn:aws:execute-api:us-east-1:${o.account.accountId}:${id}/*`);

    // Policies reconciled both ways: a managed policy swapped, an inline policy added, then removed.
    const roleName = `restpath-${namespace()}-checkout`;
    const attached = async () => ((await o.aws(['iam', 'list-attached-role-policies', '--role-name', roleName])) as { AttachedPolicies: { PolicyArn: string }[] }).AttachedPolicies.map((p) => p.PolicyArn);
    const inline = async () => ((await o.aws(['iam', 'list-role-policies', '--role-name', roleName])) as { PolicyNames: string[] }).PolicyNames;
    expect(await attached()).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaRole']);
    const policy = `{ Version: "2012-10-17", Statement: [{ Effect: Allow, Action: lambda:InvokeFunction, Resource: "${lambda}" }] }`;
    await apply(checkout(`    managedPolicyArns: [arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess]\n    inlinePolicy: ${policy}\n`));
    await until('the managed policy swapped and the inline policy in place', async () =>
      (await attached()).join() === 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess' && (await inline()).length === 1 ? true : undefined);
    const document = (await o.aws(['iam', 'get-role-policy', '--role-name', roleName, '--policy-name', (await inline())[0]!])) as { PolicyDocument: { Statement: { Resource: string }[] } };
    expect(document.PolicyDocument.Statement[0]?.Resource).toBe(lambda);
    await apply(checkout('    managedPolicyArns: []\n'));
    await until('both policies gone', async () => ((await attached()).length === 0 && (await inline()).length === 0 ? true : undefined));

    await kubectl.ok(['delete', 'restpath', 'checkout', '-n', namespace(), '--timeout=60s']);
    await expect(o.aws(['iam', 'get-role', '--role-name', `restpath-${namespace()}-checkout`])).rejects.toThrow(/NoSuchEntity/);
  });

  it('runs two replicas with one leader; the other takes over when the leader is killed', async () => {
    const le = ['--leader-elect', '--leader-election-namespace', namespace()];
    const a = await operator(le);
    await until('a leader', () => jsonpath('lease/restpath-operator', '{.spec.holderIdentity}'));
    const b = await operator(le, a);
    await apply(api('ha') + '---\n' + paths('ha', 1));
    await readyApi('ha');
    const leader = await jsonpath('lease/restpath-operator', '{.spec.holderIdentity}');
    const [leading, standby] = a.logs().includes(`"identity":"${leader}"`) ? [a, b] : [b, a];
    expect(standby.logs()).not.toContain('became the leader');
    process.kill(leading.process.pid, 'SIGKILL');
    await until('the standby leads', () => Promise.resolve(standby.logs().includes('became the leader') ? true : undefined), 30_000);
    await apply(paths('ha', 2));
    // Applied (Synced); not Ready, correctly: the stage is Manual, so the new path waits for a deployment.
    await until('the new leader applies a change', async () => ((await jsonpath('restpath/ha-p1', '{.status.conditions[?(@.type=="Synced")].status}')) === 'True' ? true : undefined));
    expect(await jsonpath('restpath/ha-p1', '{.status.conditions[?(@.type=="ResourcePathReady")].reason}')).toBe('DeploymentPending');
    expect(await jsonpath('restpath/ha-p0', '{.status.conditions[?(@.type=="Ready")].status}')).toBe('True');
    expect(await jsonpath('lease/restpath-operator', '{.spec.holderIdentity}')).not.toBe(leader);
    // A SIGTERM (what a rollout sends) is a clean exit: the lease released, exit code 0, no error logged.
    process.kill(standby.process.pid, 'SIGTERM');
    expect(await until('the new leader gone', () => Promise.resolve(standby.process.exited() ? standby.process.exitDescription() : undefined), 20_000)).toBe('exited with code 0');
    expect(standby.logs()).not.toContain('leadership lost');
    expect(await jsonpath('lease/restpath-operator', '{.spec.holderIdentity}')).toBe('');
  });
});

