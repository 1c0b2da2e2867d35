// Pagination of GetResources. Both emulators ignore `limit` and `position` and answer in one page
// (docs/adr/0001-aws-emulator-comparison.md, row 3), so this one behaviour is tested with a fake
// client that pages the way AWS documents: at most `limit` items and a `position` while more remain.
import { GetResourcesCommand, type APIGatewayClient, type Resource } from '@aws-sdk/client-api-gateway';
import { describe, expect, it } from 'vitest';
import { AwsCaller } from '../../../src/aws/caller.js';
import { CallCounter } from '../../../src/aws/metrics.js';
import { getAllResources } from '../../../src/aws/observe.js';
import { WAFV2Client } from '@aws-sdk/client-wafv2';

/** Never called by these reads; AwsClients carries it for stages' web ACLs. */
const NO_WAF = new WAFV2Client({ region: 'us-east-1' });

function pagingClient(items: Resource[]): { client: APIGatewayClient; requests: { limit?: number; position?: string; embed?: string[] }[] } {
  const requests: { limit?: number; position?: string; embed?: string[] }[] = [];
  const send = (command: unknown) => {
    if (!(command instanceof GetResourcesCommand)) throw new Error('unexpected command');
    const { limit = 25, position, embed } = command.input;
    requests.push({ limit, position, embed });
    const start = position ? Number(position) : 0;
    const page = items.slice(start, start + limit);
    const next = start + limit < items.length ? String(start + limit) : undefined;
    return Promise.resolve({ items: page, position: next });
  };
  return { client: { send } as unknown as APIGatewayClient, requests };
}

describe('GetResources pagination', () => {
  it('reads every page of 500 with methods embedded, one counted call per page', async () => {
    const items = Array.from({ length: 1234 }, (_, i) => ({ id: `r${i}`, path: `/p${i}` }));
    const { client, requests } = pagingClient(items);
    const calls = new CallCounter();
    const all = await getAllResources(new AwsCaller({ metrics: calls }), { region: 'us-east-1', apigateway: client, wafv2: NO_WAF }, 'api1');
    expect(all).toHaveLength(1234);
    expect(requests).toEqual([
      { limit: 500, position: undefined, embed: ['methods'] },
      { limit: 500, position: '500', embed: ['methods'] },
      { limit: 500, position: '1000', embed: ['methods'] },
    ]);
    expect(calls.snapshot()).toEqual({ 'GetResources ok': 3 });
  });
});
