// The quota proxy with several AWS accounts, against the emulator and the SDK clients the operator
// uses: the operator's own (static) credentials assume a role per account, and each (account, region)
// has its own API Gateway quotas. The proxy also gives what LocalStack lacks (test/aws-emulator/README.md):
// AssumeRole refused (AccessDenied) and sessions expired (ExpiredToken); and faults aimed at one account.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateRestApiCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createAwsClients, createIamClients } from '../../src/aws/clients.js';
import { freshAccount, type AwsAccount } from '../../scripts/testenv/aws-emulator.js';
import { QuotaProxy } from '../support/quota-proxy.js';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface SdkError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
  retryAfterSeconds?: string;
}

let proxy: QuotaProxy;
let operator: AwsAccount;
/** Two accounts the operator manages through a role in each: random 12-digit ids (LocalStack makes them on first use). */
const randomAccount = () => String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999));
const accountA = randomAccount();
const accountB = randomAccount();
const roleIn = (account: string, name = 'restpath-deployer') => `arn:aws:iam::${account}:role/${name}`;

const sts = (keys: Keys) => createIamClients({ region: operator.region, endpoint: proxy.endpoint, credentials: keys }).sts;
const iam = (keys: Keys) => createIamClients({ region: operator.region, endpoint: proxy.endpoint, credentials: keys }).iam;
const apigateway = (keys: Keys) => createAwsClients({ region: operator.region, endpoint: proxy.endpoint, credentials: keys }).apigateway;

/** AssumeRole with the operator's own credentials, as the operator does per account. */
async function assume(roleArn: string, caller: Keys = operator): Promise<Keys> {
  const { Credentials: c } = await sts(caller).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'restpath-operator' }));
  return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
}

/** The error `call` fails with (the test fails when it succeeds). */
async function failure(call: Promise<unknown>): Promise<SdkError> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error as SdkError,
  );
  if (!outcome) throw new Error('expected the call to fail, it succeeded');
  return outcome;
}

const restApiNames = async (keys: Keys) => ((await apigateway(keys).send(new GetRestApisCommand({}))).items ?? []).map((api) => api.name);

beforeAll(async () => {
  operator = await freshAccount(inject('awsEmulator'), inject('awsEndpoint'));
  proxy = await QuotaProxy.start({ target: inject('awsEndpoint') });
});
afterAll(async () => {
  await proxy?.close();
});

describe('the quota proxy with several accounts', () => {
  it('keeps API Gateway quotas per account: exhausting A does not throttle B', async () => {
    const [a, b] = [await assume(roleIn(accountA)), await assume(roleIn(accountB))];
    expect(a.accessKeyId).not.toMatch(/^\d{12}$/);
    expect([proxy.accountOf(a.accessKeyId), proxy.accountOf(b.accessKeyId)]).toEqual([accountA, accountB]);
    // An AssumeRole counts for the account of the role it assumes, not the operator's.
    expect([proxy.countsByAccount(accountA).passed, proxy.countsByAccount(accountB).passed]).toEqual([{ AssumeRole: 1 }, { AssumeRole: 1 }]);
    expect(proxy.countsByAccount(operator.accountId).passed).toEqual({});

    await apigateway(a).send(new CreateRestApiCommand({ name: 'a-1' }));
    const throttled = await failure(apigateway(a).send(new CreateRestApiCommand({ name: 'a-2' })));
    expect(throttled).toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    // B's bucket is its own: the same operation passes at once.
    await apigateway(b).send(new CreateRestApiCommand({ name: 'b-1' }));

    expect(proxy.countsByAccount(accountA)).toEqual({ passed: { AssumeRole: 1, CreateRestApi: 1 }, throttled: { CreateRestApi: 1 }, faulted: {} });
    expect(proxy.countsByAccount(accountB)).toEqual({ passed: { AssumeRole: 1, CreateRestApi: 1 }, throttled: {}, faulted: {} });
    expect(proxy.counts.passed).toMatchObject({ AssumeRole: 2, CreateRestApi: 2 });

    // The Retry-After A was given is honest: after it, A's next create passes.
    const seconds = Number(throttled.retryAfterSeconds);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(3);
    await sleep(seconds * 1000);
    await apigateway(a).send(new CreateRestApiCommand({ name: 'a-2' }));
    expect(proxy.countsByAccount(accountA).passed.CreateRestApi).toBe(2);

    // Each assumed-role session lands in its role's account (LocalStack: the key encodes it).
    expect((await restApiNames(a)).sort()).toEqual(['a-1', 'a-2']);
    expect(await restApiNames(b)).toEqual(['b-1']);
    expect((await sts(a).send(new GetCallerIdentityCommand({}))).Account).toBe(accountA);
  });

  it('counts a request without a SigV4 signature under "unknown"', async () => {
    await (await fetch(`${proxy.endpoint}/restapis`)).arrayBuffer();
    expect(proxy.countsByAccount('unknown').passed).toEqual({ GetRestApis: 1 });
  });

  it('refuses AssumeRole of a denied role with STS AccessDenied, until allowed again', async () => {
    const role = roleIn(accountA, 'locked');
    proxy.resetCounts();
    proxy.denyAssumeRole(role);
    const denied = await failure(assume(role));
    expect(denied).toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${operator.accountId}:user/operator is not authorized to perform: sts:AssumeRole on resource: ${role}`,
      $metadata: { httpStatusCode: 403 },
    });
    // Other roles are not affected; a custom message is passed through.
    await assume(roleIn(accountB));
    proxy.denyAssumeRole(role, 'The role trust policy does not name the operator');
    expect(await failure(assume(role))).toMatchObject({ name: 'AccessDenied', message: 'The role trust policy does not name the operator' });
    expect(proxy.countsByAccount(accountA)).toEqual({ passed: {}, throttled: {}, faulted: { AssumeRole: 2 } });

    proxy.allowAssumeRole(role);
    const keys = await assume(role);
    expect(proxy.accountOf(keys.accessKeyId)).toBe(accountA);
  });

  it('expires the sessions of a role: old keys fail with ExpiredToken, a fresh one works', async () => {
    const role = roleIn(accountA, 'expiring');
    const [first, second] = [await assume(role), await assume(role)];
    const other = await assume(roleIn(accountB, 'expiring'));
    await restApiNames(first);
    proxy.resetCounts();
    expect(proxy.expireSessions(role)).toBe(2);

    for (const old of [first, second]) {
      expect(await failure(apigateway(old).send(new GetRestApisCommand({})))).toMatchObject({
        name: 'ExpiredTokenException',
        message: 'The security token included in the request is expired',
        $metadata: { httpStatusCode: 403 },
      });
    }
    expect(await failure(iam(first).send(new ListRolesCommand({})))).toMatchObject({ name: 'ExpiredToken', message: 'The security token included in the request is expired', $metadata: { httpStatusCode: 403 } });
    expect(await failure(sts(first).send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'ExpiredToken', $metadata: { httpStatusCode: 403 } });
    expect(proxy.countsByAccount(accountA).faulted).toEqual({ GetRestApis: 2, ListRoles: 1, other: 1 });

    // A session assumed after the expiry works, and so do other roles' sessions.
    const renewed = await assume(role);
    expect((await restApiNames(renewed)).sort()).toEqual(['a-1', 'a-2']);
    expect(await restApiNames(other)).toEqual(['b-1']);
    expect(proxy.expireSessions(role)).toBe(1);
  });

  it('aims a fault rule at one account', async () => {
    const [a, b] = [await assume(roleIn(accountA)), await assume(roleIn(accountB))];
    proxy.resetCounts();
    const storm = { operation: 'GetRestApis', account: accountB, times: 3, status: 429 };
    proxy.faults = [storm];
    for (let i = 0; i < 3; i++) {
      expect((await restApiNames(a)).sort()).toEqual(['a-1', 'a-2']);
      expect(await failure(restApiNames(b))).toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    }
    expect(storm.times).toBe(0);
    expect(await restApiNames(b)).toEqual(['b-1']);
    expect(proxy.countsByAccount(accountA)).toEqual({ passed: { GetRestApis: 3 }, throttled: {}, faulted: {} });
    expect(proxy.countsByAccount(accountB)).toEqual({ passed: { GetRestApis: 1 }, throttled: {}, faulted: { GetRestApis: 3 } });

    // AssumeRole is hit only by a rule that names it (answered in STS's XML shape), and its account
    // is the role's: B's sessions cannot be renewed while A's can.
    proxy.faults = [{ times: 5, status: 500 }, { operation: 'AssumeRole', account: accountB, times: 1, status: 503 }];
    await assume(roleIn(accountA));
    expect(await failure(assume(roleIn(accountB)))).toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    await assume(roleIn(accountB));
    expect(proxy.faults.map((f) => f.times)).toEqual([5, 0]);
    proxy.faults = [];
  });
});
