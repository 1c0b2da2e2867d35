// Every paged read against the emulator with a page size of 2 and more than two items of each kind:
// all items come back, one counted call per page. Where the emulator ignores the page size and answers
// in one page (test/aws-emulator/README.md, "pages"), the read is proven on more than one page by
// test/unit/aws/paginate.test.ts; this test then pins the emulator's behaviour so a change shows.
import {
  CreateApiKeyCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  PutGatewayResponseCommand,
  type GatewayResponseType,
} from '@aws-sdk/client-api-gateway';
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIamClients, type AwsClients, type IamClients } from '../../src/aws/clients.js';
import { attachedRolePolicies, inlineRolePolicyNames } from '../../src/aws/iam.js';
import { allGatewayResponses, getAllResources } from '../../src/aws/observe.js';
import { allRestApis, findRestApiByOwner } from '../../src/aws/rest-api.js';
import { allApiKeys, allUsagePlans, usagePlanKeys } from '../../src/aws/usage-plans.js';
import { OWNER_TAG } from '../../src/model/build.js';
import { awsTestContext, type AwsTestContext } from '../support/aws.js';

const N = 5; // items of each kind: three pages of 2
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

let ctx: AwsTestContext;
let paged: AwsClients;
let iamPaged: IamClients;
const made = { restApis: [] as string[], resources: [] as string[], responses: [] as string[], apiKeys: [] as string[], usagePlans: [] as string[], planKeys: [] as string[], attached: [] as string[], inline: [] as string[] };
let restApiId = '';
let usagePlanId = '';
const ROLE = 'restpath-pagination';

beforeAll(async () => {
  ctx = await awsTestContext();
  paged = { ...ctx.clients, pageSize: 2 };
  const iam = createIamClients({ region: ctx.account.region, endpoint: ctx.proxy.endpoint, credentials: ctx.account });
  iamPaged = { ...iam, pageSize: 2 };
  const gw = ctx.clients.apigateway;
  const call = <T>(operation: string, send: () => Promise<T>) => ctx.caller.call(operation, send);

  for (const i of range(N)) {
    const api = await call('CreateRestApi', () => gw.send(new CreateRestApiCommand({ name: `paged-${i}`, tags: { [OWNER_TAG]: `test/paged-${i}` } })));
    made.restApis.push(api.id ?? '');
  }
  restApiId = made.restApis[0] ?? '';
  const root = (await getAllResources(ctx.caller, ctx.clients, restApiId)).find((r) => r.path === '/');
  made.resources.push('/');
  for (const i of range(N)) {
    await call('CreateResource', () => gw.send(new CreateResourceCommand({ restApiId, parentId: root?.id, pathPart: `p${i}` })));
    made.resources.push(`/p${i}`);
  }
  const types: GatewayResponseType[] = ['DEFAULT_4XX', 'DEFAULT_5XX', 'ACCESS_DENIED', 'THROTTLED', 'MISSING_AUTHENTICATION_TOKEN'];
  for (const responseType of types) {
    await call('PutGatewayResponse', () => gw.send(new PutGatewayResponseCommand({ restApiId, responseType, statusCode: '418' })));
    made.responses.push(responseType);
  }

  for (const i of range(N)) {
    const key = await call('CreateApiKey', () => gw.send(new CreateApiKeyCommand({ name: `paged-key-${i}`, enabled: true })));
    made.apiKeys.push(key.id ?? '');
  }
  for (const i of range(N)) {
    const plan = await call('CreateUsagePlan', () => gw.send(new CreateUsagePlanCommand({ name: `paged-plan-${i}` })));
    made.usagePlans.push(plan.id ?? '');
  }
  usagePlanId = made.usagePlans[0] ?? '';
  for (const keyId of made.apiKeys) {
    await call('CreateUsagePlanKey', () => gw.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' })));
    made.planKeys.push(keyId);
  }

  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const allow = (i: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `arn:aws:lambda:us-east-1:${ctx.account.accountId}:function:f${i}` }] });
  await call('CreateRole', () => iam.iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) })));
  for (const i of range(N)) {
    const policy = await call('CreatePolicy', () => iam.iam.send(new CreatePolicyCommand({ PolicyName: `paged-managed-${i}`, PolicyDocument: allow(i) })));
    const arn = policy.Policy?.Arn ?? '';
    await call('AttachRolePolicy', () => iam.iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: arn })));
    made.attached.push(arn);
    await call('PutRolePolicy', () => iam.iam.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: `paged-inline-${i}`, PolicyDocument: allow(i) })));
    made.inline.push(`paged-inline-${i}`);
  }
  ctx.calls.reset();
});

afterAll(async () => {
  await ctx?.close();
});

/**
 * Which reads LocalStack 4.13.1 pages (measured here; test/aws-emulator/README.md, "pages"): the others
 * ignore `limit` / `MaxItems` and answer everything in one page with no `position` / `IsTruncated`.
 */
const LOCALSTACK_PAGES: Record<string, boolean> = {
  GetResources: false,
  GetGatewayResponses: false,
  GetRestApis: false,
  GetApiKeys: true,
  GetUsagePlans: false,
  GetUsagePlanKeys: true,
  ListAttachedRolePolicies: true,
  ListRolePolicies: false,
};

/** `operation` was read in pages of 2 where the emulator pages it, else in the one page it answers. */
function expectPages(operation: string, items: number): void {
  const pages = ctx.calls.count(operation);
  const paged = Math.ceil(items / 2);
  if (inject('awsEmulator') === 'localstack') expect(pages, operation).toBe(LOCALSTACK_PAGES[operation] ? paged : 1);
  else expect([1, paged], operation).toContain(pages);
}

describe('paged reads with a page size of 2', () => {
  it('reads every resource (GetResources)', async () => {
    ctx.calls.reset();
    const resources = await getAllResources(ctx.caller, paged, restApiId);
    expect(resources.map((r) => r.path).sort()).toEqual([...made.resources].sort());
    expectPages('GetResources', resources.length);
  });

  it('reads every gateway response (GetGatewayResponses)', async () => {
    ctx.calls.reset();
    const responses = await allGatewayResponses(ctx.caller, paged, restApiId);
    const customized = responses.filter((r) => r.defaultResponse !== true).map((r) => r.responseType);
    expect(customized.sort()).toEqual([...made.responses].sort());
    expectPages('GetGatewayResponses', responses.length);
  });

  it('reads every REST API (GetRestApis), and finds one by owner on a later page', async () => {
    ctx.calls.reset();
    const apis = await allRestApis(ctx.caller, paged);
    expect(apis.map((a) => a.id).sort()).toEqual([...made.restApis].sort());
    expectPages('GetRestApis', apis.length);
    expect((await findRestApiByOwner(ctx.caller, paged, `test/paged-${N - 1}`))?.id).toBe(made.restApis[N - 1]);
  });

  it('reads every API key (GetApiKeys)', async () => {
    ctx.calls.reset();
    const keys = await allApiKeys(ctx.caller, paged);
    expect(keys.map((k) => k.id).sort()).toEqual([...made.apiKeys].sort());
    expectPages('GetApiKeys', N);
  });

  it('reads every usage plan (GetUsagePlans)', async () => {
    ctx.calls.reset();
    const plans = await allUsagePlans(ctx.caller, paged);
    expect(plans.map((p) => p.id).sort()).toEqual([...made.usagePlans].sort());
    expectPages('GetUsagePlans', N);
  });

  it('reads every key of a usage plan (GetUsagePlanKeys)', async () => {
    ctx.calls.reset();
    const keys = await usagePlanKeys(ctx.caller, paged, usagePlanId);
    expect(keys.map((k) => k.id).sort()).toEqual([...made.planKeys].sort());
    expectPages('GetUsagePlanKeys', N);
  });

  it('reads every managed policy attached to a role (ListAttachedRolePolicies)', async () => {
    ctx.calls.reset();
    const attached = await attachedRolePolicies(ctx.caller, iamPaged, ROLE);
    expect(attached.map((p) => p.PolicyArn).sort()).toEqual([...made.attached].sort());
    expectPages('ListAttachedRolePolicies', N);
  });

  it('reads every inline policy of a role (ListRolePolicies)', async () => {
    ctx.calls.reset();
    const inline = await inlineRolePolicyNames(ctx.caller, iamPaged, ROLE);
    expect([...inline].sort()).toEqual([...made.inline].sort());
    expectPages('ListRolePolicies', N);
  });
});
