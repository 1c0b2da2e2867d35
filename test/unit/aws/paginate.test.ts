// The one pagination helper, and every paged read on top of it, with fake clients that page the way
// AWS documents (API Gateway: at most `limit` items and a `position` while more remain; IAM: at most
// `MaxItems`, `IsTruncated` + `Marker`). This is the proof for the reads the emulator answers in one
// page whatever the limit (test/aws-emulator/README.md); test/integration/aws-pagination.test.ts
// reads them against the emulator.
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { AwsCaller } from '../../../src/aws/caller.js';
import type { AwsClients, IamClients } from '../../../src/aws/clients.js';
import { DiagnoseReads } from '../../../src/aws/diagnose-reads.js';
import { attachedRolePolicies, inlineRolePolicyNames } from '../../../src/aws/iam.js';
import { CallCounter } from '../../../src/aws/metrics.js';
import { allGatewayResponses, getAllResources } from '../../../src/aws/observe.js';
import { findPaged, iamPage, paginate, type Page } from '../../../src/aws/paginate.js';
import { allRestApis, findRestApiByOwner } from '../../../src/aws/rest-api.js';
import { allApiKeys, allUsagePlans, usagePlanKeys } from '../../../src/aws/usage-plans.js';
import { WAFV2Client } from '@aws-sdk/client-wafv2';

/** Never called by these reads; AwsClients carries it for stages' web ACLs. */
const NO_WAF = new WAFV2Client({ region: 'us-east-1' });

/** A caller on a clock whose sleeps pass at once (the rate limiter and Retry-After waits included). */
const counted = () => {
  let t = 0;
  const clock = { now: () => t, sleep: (ms: number) => Promise.resolve(void (t += ms)) };
  const calls = new CallCounter();
  return { calls, caller: new AwsCaller({ metrics: calls, clock, retry: { minDelayMs: 1, maxDelayMs: 1 } }) };
};

/** A fake read over `pages`: page i answers items pages[i] and the token `t${i + 1}` while more remain. */
function fakePages<T>(pages: T[][]): { fetch: (token: string | undefined) => Promise<Page<T>>; tokens: (string | undefined)[] } {
  const tokens: (string | undefined)[] = [];
  const fetch = (token: string | undefined) => {
    tokens.push(token);
    const i = token ? Number(token.slice(1)) : 0;
    return Promise.resolve({ items: pages[i], next: i + 1 < pages.length ? `t${i + 1}` : undefined });
  };
  return { fetch, tokens };
}

describe('paginate', () => {
  it('reads several pages in order, one counted call per page, passing each token on', async () => {
    const { calls, caller } = counted();
    const { fetch, tokens } = fakePages([[1, 2], [3, 4], [5]]);
    expect(await paginate(caller, 'GetThings', fetch)).toEqual([1, 2, 3, 4, 5]);
    expect(tokens).toEqual([undefined, 't1', 't2']);
    expect(calls.snapshot()).toEqual({ 'GetThings ok': 3 });
  });

  it('answers an empty read with no items after one call', async () => {
    const { calls, caller } = counted();
    expect(await paginate(caller, 'GetThings', () => Promise.resolve({ items: undefined, next: undefined }))).toEqual([]);
    expect(await paginate(caller, 'GetThings', () => Promise.resolve({ items: [], next: undefined }))).toEqual([]);
    expect(calls.snapshot()).toEqual({ 'GetThings ok': 2 });
  });

  it('stops on a page without a token (missing or empty), even when that page is full', async () => {
    const { caller } = counted();
    const { fetch, tokens } = fakePages([[1, 2], [3, 4], [5, 6]]);
    let sent = 0;
    const stopAtSecond = async (token: string | undefined) => {
      sent += 1;
      const page = await fetch(token);
      return token === 't1' ? { ...page, next: '' } : page;
    };
    expect(await paginate(caller, 'GetThings', stopAtSecond)).toEqual([1, 2, 3, 4]);
    expect(tokens).toEqual([undefined, 't1']);
    expect(sent).toBe(2);
  });

  it('refuses a token equal to the one it sent (it would never end)', async () => {
    const { caller } = counted();
    await expect(paginate(caller, 'GetThings', (token) => Promise.resolve({ items: [1], next: token ?? 'same' }))).rejects.toThrow(/GetThings answered the same page token twice \(same\)/);
  });

  it('retries a page on its own: a throttled second page is sent again with the same token', async () => {
    const { calls, caller } = counted();
    const { fetch, tokens } = fakePages([['a'], ['b'], ['c']]);
    let throttled = false;
    const flaky = (token: string | undefined) => {
      if (token === 't1' && !throttled) {
        throttled = true;
        return Promise.reject(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 }, retryAfterSeconds: '1' }));
      }
      return fetch(token);
    };
    expect(await paginate(caller, 'GetThings', flaky)).toEqual(['a', 'b', 'c']);
    expect(tokens).toEqual([undefined, 't1', 't2']);
    expect(calls.snapshot()).toEqual({ 'GetThings ok': 3, 'GetThings throttled': 1 });
  });

  it('findPaged reads no page after the one holding the match', async () => {
    const { caller } = counted();
    const { fetch, tokens } = fakePages([[1, 2], [3, 4], [5, 6]]);
    expect(await findPaged(caller, 'GetThings', fetch, (n) => n === 3)).toBe(3);
    expect(tokens).toEqual([undefined, 't1']);
    expect(await findPaged(caller, 'GetThings', fakePages([[1], [2]]).fetch, (n) => n === 9)).toBeUndefined();
  });

  it('reads IAM pages by IsTruncated, not by the presence of a Marker', () => {
    expect(iamPage(['a'], { IsTruncated: true, Marker: 'm' })).toEqual({ items: ['a'], next: 'm' });
    expect(iamPage(['a'], { IsTruncated: false, Marker: 'm' })).toEqual({ items: ['a'], next: undefined });
    expect(iamPage(undefined, {})).toEqual({ items: undefined, next: undefined });
  });
});

// ---- every paged read, on fake clients that page as AWS documents ----

type Request = { command: string; input: Record<string, unknown> };

/** API Gateway answering `items[command]` `limit` at a time (default 25, as AWS), position = offset. */
function pagingApiGateway(items: Record<string, unknown[]>, usage: Record<string, number[][]> = {}): { client: APIGatewayClient; requests: Request[] } {
  const requests: Request[] = [];
  const send = (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    requests.push({ command: name, input });
    const limit = (input.limit as number | undefined) ?? 25;
    const start = input.position ? Number(input.position) : 0;
    const all = name === 'GetUsage' ? Object.entries(usage) : items[name];
    if (!all) throw new Error(`unexpected ${name}`);
    const position = start + limit < all.length ? String(start + limit) : undefined;
    const page = all.slice(start, start + limit);
    return Promise.resolve({ items: name === 'GetUsage' ? Object.fromEntries(page as [string, number[][]][]) : page, position });
  };
  return { client: { send } as unknown as APIGatewayClient, requests };
}

/** IAM answering the list reads `MaxItems` at a time (default 100, as AWS), Marker = offset. */
function pagingIam(attached: string[], inline: string[]): { client: IAMClient; requests: Request[] } {
  const requests: Request[] = [];
  const send = (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    requests.push({ command: name, input });
    const max = (input.MaxItems as number | undefined) ?? 100;
    const start = input.Marker ? Number(input.Marker) : 0;
    const all = name === 'ListAttachedRolePolicies' ? attached : name === 'ListRolePolicies' ? inline : undefined;
    if (!all) throw new Error(`unexpected ${name}`);
    const page = all.slice(start, start + max);
    const more = start + max < all.length;
    const list = name === 'ListAttachedRolePolicies' ? { AttachedPolicies: page.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.slice(PolicyArn.lastIndexOf('/') + 1) })) } : { PolicyNames: page };
    return Promise.resolve({ ...list, IsTruncated: more, ...(more ? { Marker: String(start + max) } : {}) });
  };
  return { client: { send } as unknown as IAMClient, requests };
}

const range = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
const pagesSent = (requests: Request[], command: string, token: 'position' | 'Marker') => requests.filter((r) => r.command === command).map((r) => r.input[token]);

describe('every paged read reads every page', () => {
  const data = {
    GetResources: range(5, (i) => ({ id: `r${i}`, path: `/p${i}` })),
    GetGatewayResponses: range(5, (i) => ({ responseType: `T${i}`, defaultResponse: i % 2 === 0 })),
    GetRestApis: range(5, (i) => ({ id: `api${i}`, tags: { 'restpath.dev/owner': `o${i}` } })),
    GetApiKeys: range(5, (i) => ({ id: `k${i}`, enabled: true })),
    GetUsagePlans: range(5, (i) => ({ id: `up${i}`, quota: { limit: 10, period: 'DAY' }, apiStages: [{ apiId: i === 4 ? 'a1' : 'other', stage: 'prod' }] })),
    GetUsagePlanKeys: range(5, (i) => ({ id: `k${i}`, name: `key${i}` })),
  };

  it('pages each API Gateway read with the injected page size (2), and with 500 by default', async () => {
    for (const pageSize of [2, undefined]) {
      const { client, requests } = pagingApiGateway(data);
      const { caller } = counted();
      const clients: AwsClients = { region: 'us-east-1', apigateway: client, wafv2: NO_WAF, ...(pageSize ? { pageSize } : {}) };
      expect(await getAllResources(caller, clients, 'a1')).toEqual(data.GetResources);
      expect(await allGatewayResponses(caller, clients, 'a1')).toEqual(data.GetGatewayResponses);
      expect(await allRestApis(caller, clients)).toEqual(data.GetRestApis);
      expect(await allApiKeys(caller, clients)).toEqual(data.GetApiKeys);
      expect(await allUsagePlans(caller, clients)).toEqual(data.GetUsagePlans);
      expect(await usagePlanKeys(caller, clients, 'up1')).toEqual(data.GetUsagePlanKeys);
      const expected = pageSize ? [undefined, '2', '4'] : [undefined];
      for (const command of Object.keys(data)) expect(pagesSent(requests, command, 'position'), command).toEqual(expected);
      expect(new Set(requests.map((r) => r.input.limit))).toEqual(new Set([pageSize ?? 500]));
      expect(requests.find((r) => r.command === 'GetResources')?.input.embed).toEqual(['methods']);
    }
  });

  it('finds a REST API by owner tag on a later page, reading no further', async () => {
    const { client, requests } = pagingApiGateway(data);
    const found = await findRestApiByOwner(counted().caller, { region: 'us-east-1', apigateway: client, wafv2: NO_WAF, pageSize: 2 }, 'o3');
    expect(found?.id).toBe('api3');
    expect(pagesSent(requests, 'GetRestApis', 'position')).toEqual([undefined, '2']);
  });

  it('pages the IAM role policy lists with the injected MaxItems (2), and with IAM\'s default when unset', async () => {
    const attached = range(5, (i) => `arn:aws:iam::aws:policy/P${i}`) as string[];
    const inline = range(5, (i) => `inline${i}`) as string[];
    for (const pageSize of [2, undefined]) {
      const { client, requests } = pagingIam(attached, inline);
      const clients: IamClients = { iam: client, sts: {} as STSClient, ...(pageSize ? { pageSize } : {}) };
      expect((await attachedRolePolicies(counted().caller, clients, 'role')).map((p) => p.PolicyArn)).toEqual(attached);
      expect(await inlineRolePolicyNames(counted().caller, clients, 'role')).toEqual(inline);
      const expected = pageSize ? [undefined, '2', '4'] : [undefined];
      expect(pagesSent(requests, 'ListAttachedRolePolicies', 'Marker')).toEqual(expected);
      expect(pagesSent(requests, 'ListRolePolicies', 'Marker')).toEqual(expected);
      expect(new Set(requests.map((r) => r.input.MaxItems))).toEqual(new Set([pageSize]));
    }
  });

  it('pages GetUsage (keyed by API key) for the quota check of the diagnose reads', async () => {
    const usage: Record<string, number[][]> = Object.fromEntries(range(5, (i) => [`k${i}`, [[i, 10 - i]]] as [string, number[][]]) as [string, number[][]][]);
    const { client, requests } = pagingApiGateway(data, usage);
    const reads = new DiagnoseReads(counted().caller, { region: 'us-east-1', apigateway: client, wafv2: NO_WAF, pageSize: 2 }, { iam: {} as IAMClient, sts: {} as STSClient });
    const plans = (await reads.usagePlans('a1', '2024-01-01', 0)).value;
    expect(plans?.get('prod')?.map((p) => p.id)).toEqual(['up4']);
    expect(plans?.get('prod')?.[0]?.keys.map((k) => [k.id, k.remaining])).toEqual(range(5, (i) => [`k${i}`, 10 - i]));
    expect(pagesSent(requests, 'GetUsage', 'position')).toEqual([undefined, '2', '4']);
  });
});
