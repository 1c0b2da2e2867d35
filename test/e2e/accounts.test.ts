// Many accounts and regions from one operator, end to end: two AwsAccounts (the emulator keeps separate
// state per account, selected by the assumed role's account, and per region), one API in each account
// and region applied at once, each checked with the aws CLI under that account's own credentials; a
// namespace the account does not select is refused with nothing created; a 429 storm in one account
// (the quota proxy) does not hold up the other; expired sessions are renewed without a condition; a
// revoked role is a condition on the account and its objects and they recover when it is restored.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { freshNamespace, deleteNamespace, testKubectl } from '../support/cluster.js';
import { awsCli } from '../support/aws.js';
import { mockPathYaml, objectsIn, MANIFEST_HEADER } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { QuotaProxy } from '../support/quota-proxy.js';
import { until } from '../support/until.js';

const kubectl = testKubectl();
const id = () => String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999));
const A = { account: id(), name: `e2e-a-${randomInt(1e6)}` };
const B = { account: id(), name: `e2e-b-${randomInt(1e6)}` };
const roleOf = (x: typeof A) => `arn:aws:iam::${x.account}:role/restpath-e2e`;
const REGIONS = ['us-east-1', 'eu-west-1'];
const ns = { a: '', b: '', x: '' };
let proxy: QuotaProxy;
let operator: RunningOperator;
const inA = objectsIn(kubectl, () => ns.a, () => operator.logs());
const inB = objectsIn(kubectl, () => ns.b, () => operator.logs());
const inX = objectsIn(kubectl, () => ns.x, () => operator.logs());

const account = (x: typeof A, team: string) => `${MANIFEST_HEADER}
kind: AwsAccount
metadata: { name: ${x.name} }
spec:
  accountId: "${x.account}"
  roleArn: ${roleOf(x)}
  externalId: e2e-external-id
  sessionTags: { team: ${team} }
  regions: [${REGIONS.join(', ')}]
  namespaceSelector: { matchLabels: { e2e-team: ${team} } }
`;
const api = (name: string, accountName: string, region: string) => `${MANIFEST_HEADER}
kind: RestApi
metadata: { name: ${name} }
spec:
  accountRef: { name: ${accountName} }
  region: ${region}
  stages: [{ name: dev }]
`;
const cliIn = (accountId: string, region: string) => awsCli({ accessKeyId: accountId, secretAccessKey: 'test', accountId, region });
const apiNames = async (accountId: string, region: string) =>
  ((await cliIn(accountId, region)(['apigateway', 'get-rest-apis'])) as { items: { name: string }[] }).items.map((i) => i.name).sort();

beforeAll(async () => {
  proxy = await QuotaProxy.start({ target: inject('awsEndpoint') });
  for (const team of ['a', 'b', 'x'] as const) {
    ns[team] = await freshNamespace(kubectl, `accounts-${team}`);
    await kubectl.ok(['label', 'namespace', ns[team], `e2e-team=${team}`]);
  }
  await kubectl.ok(['apply', '-f', '-'], account(A, 'a') + '---\n' + account(B, 'b'));
  operator = await startOperator(['--namespaces', `${ns.a},${ns.b},${ns.x}`], undefined, proxy.endpoint);
});
afterAll(async () => {
  await operator?.stop();
  await kubectl(['delete', 'awsaccount', A.name, B.name, '--ignore-not-found', '--wait=false']);
  for (const n of Object.values(ns)) if (n) await deleteNamespace(kubectl, n);
  await proxy?.close();
});

describe('two accounts × two regions', () => {
  it('puts each API only in its account and region, and every status says where', async () => {
    for (const [x, objects, team] of [[A, inA, 'a'], [B, inB, 'b']] as const) {
      await objects.apply(REGIONS.map((r) => api(`${team}-${r}`, x.name, r)).join('---\n') + '---\n' + REGIONS.map((r) => mockPathYaml(`${team}-${r}-hello`, `${team}-${r}`, '/hello')).join('---\n'));
    }
    for (const [x, objects, team] of [[A, inA, 'a'], [B, inB, 'b']] as const) {
      await inA.until(`AwsAccount ${x.name} Ready`, async () => (await kubectl.ok(['get', 'awsaccount', x.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])) === 'True' || undefined, 60_000);
      for (const r of REGIONS) {
        const ready = await objects.waitFor<{ accountId: string; region: string; urls: { url: string }[] }>(`restpath/${team}-${r}-hello`, 'Ready', 'True', undefined, 90_000);
        expect(ready.status).toMatchObject({ accountId: x.account, region: r });
        expect(ready.status?.urls[0]?.url).toContain(`.execute-api.${r}.amazonaws.com/dev/hello`);
        const restApi = await objects.get<{ accountId: string; region: string }>(`restapi/${team}-${r}`);
        expect(restApi.status).toMatchObject({ accountId: x.account, region: r });
      }
    }
    // Seen as each account sees itself: only its own APIs, each in its own region.
    for (const [x, team, nsName] of [[A, 'a', () => ns.a], [B, 'b', () => ns.b]] as const) {
      for (const r of REGIONS) expect(await apiNames(x.account, r)).toEqual([`${nsName()}-${team}-${r}`]);
    }
    expect(await apiNames(operator.account.accountId, 'us-east-1')).toEqual([]);
    const status = JSON.parse(await kubectl.ok(['get', 'awsaccount', A.name, '-o', 'json'])) as { status: { assumedRoleArn: string; credentialsExpireAt: string } };
    expect(status.status.assumedRoleArn).toBe(`arn:aws:sts::${A.account}:assumed-role/restpath-e2e/restpath-operator`);
    expect(Date.parse(status.status.credentialsExpireAt)).toBeGreaterThan(Date.now());
  }, 240_000);

  it('refuses a namespace the AwsAccount does not select, with nothing called in AWS', async () => {
    await inX.apply(api('stray', A.name, 'us-east-1'));
    const refused = await inX.waitFor('restapi/stray', 'Stalled', 'True', 'AccountNotAllowed');
    expect(refused.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain(`may not be used from namespace ${ns.x}`);
    expect((await apiNames(A.account, 'us-east-1')).some((n) => n.includes('stray'))).toBe(false);
  }, 120_000);

  it('keeps serving the other account while one is in a 429 storm', async () => {
    proxy.faults.push({ account: A.account, status: 429, times: 1_000_000 });
    const started = Date.now();
    let calmMs = 0;
    try {
      await inA.apply(api('a-storm', A.name, 'us-east-1') + '---\n' + mockPathYaml('a-storm-hello', 'a-storm', '/hello'));
      await inB.apply(api('b-calm', B.name, 'us-east-1') + '---\n' + mockPathYaml('b-calm-hello', 'b-calm', '/hello'));
      await inB.waitFor('restpath/b-calm-hello', 'Ready', 'True', undefined, 90_000);
      calmMs = Date.now() - started;
      // B converged while A was still refused everything: the storm held up only its own account.
      expect((await inA.get('restapi/a-storm')).status?.conditions?.find((c) => c.type === 'Ready')?.status).not.toBe('True');
      expect(proxy.countsByAccount(B.account).throttled).toEqual({});
      expect(Object.values(proxy.countsByAccount(A.account).faulted).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    } finally {
      // The storm ends with this test, whatever it found: the next one needs account A.
      proxy.faults = proxy.faults.filter((f) => f.account !== A.account);
    }
    await inA.waitFor('restpath/a-storm-hello', 'Ready', 'True', undefined, 120_000);
    console.log(`account B converged in ${calmMs} ms during account A's storm; A in ${Date.now() - started} ms, after it`);
  }, 300_000);

  it('renews expired sessions by itself, and says when a role cannot be assumed until it is restored', async () => {
    const poke = (n: string, name: string) => kubectl.ok(['annotate', '-n', n, 'restapi', name, `restpath.dev/reconcile-requested-at=${Date.now()}`, '--overwrite']);
    // Expired: the next call fails, a new session is assumed and the pass goes on; nothing to see.
    const assumedByA = () => proxy.countsByAccount(A.account).passed.AssumeRole ?? 0;
    const assumedBefore = assumedByA();
    const servedA = () => Object.entries(proxy.countsByAccount(A.account).passed).reduce((n, [op, c]) => (op === 'AssumeRole' || op === 'other' ? n : n + c), 0);
    // Counted before the sessions expire: the whole pass can be over before kubectl annotate returns.
    const servedBefore = servedA();
    proxy.expireSessions(roleOf(A));
    await poke(ns.a, 'a-us-east-1');
    await until('a new session for account A', () => Promise.resolve(assumedByA() > assumedBefore ? true : undefined), 60_000, () => operator.logs());
    // The expired key is refused by the proxy, so a call served after this is signed with the new one.
    await until('account A served again with its new key', () => Promise.resolve(servedA() > servedBefore ? true : undefined), 60_000, () => operator.logs());
    await inA.waitFor('restpath/a-us-east-1-hello', 'Ready', 'True');
    // Revoked: AssumeRole is refused; the API, its path and the AwsAccount say so.
    proxy.denyAssumeRole(roleOf(A));
    proxy.expireSessions(roleOf(A));
    await poke(ns.a, 'a-us-east-1');
    const stalled = await inA.waitFor('restapi/a-us-east-1', 'Stalled', 'True', 'AssumeRoleFailed', 60_000);
    expect(stalled.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain(`Check: aws sts assume-role --role-arn ${roleOf(A)} --role-session-name restpath-operator --external-id`);
    await inA.waitFor('restpath/a-us-east-1-hello', 'Ready', 'False', 'AssumeRoleFailed', 60_000);
    await until('AwsAccount A says AssumeRoleFailed', async () => ((await kubectl.ok(['get', 'awsaccount', A.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Stalled")].reason}'])) === 'AssumeRoleFailed' ? true : undefined), 60_000, () => operator.logs());
    // Account B never noticed.
    expect((await inB.get('restpath/b-us-east-1-hello')).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    // Restored: the account is Ready within its 30 s recheck, and its objects follow.
    proxy.allowAssumeRole(roleOf(A));
    await inA.waitFor('restpath/a-us-east-1-hello', 'Ready', 'True', undefined, 90_000);
    await inA.waitFor('restapi/a-us-east-1', 'Ready', 'True');
  }, 300_000);
});
