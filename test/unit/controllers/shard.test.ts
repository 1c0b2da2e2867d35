// Which keys a shard works on: RestApis, UsagePlans, DomainNames and AwsAccounts by their own labels; a
// RestPath always with its RestApi (so the ownership ledger sees every path of an API); paths without
// a RestApi (or of a restApiId) by the first path's labels, so exactly one shard reports them.
import { describe, expect, it } from 'vitest';
import { Shard, type ShardStores } from '../../../src/controllers/shard.js';
import { parseSelector } from '../../../src/model/label-selector.js';

const obj = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, namespace: 'shop', labels } });
const stores: ShardStores = {
  getRestApi: (key) => ({ 'shop/orders': obj('orders', { shard: 'a' }), 'shop/carts': obj('carts', { shard: 'b' }) })[key],
  restPathsOf: (_ns, name) =>
    (({ orders: [obj('orders-b', { shard: 'b' }), obj('orders-a', { shard: 'b' })], ghost: [obj('ghost-z', { shard: 'a' }), obj('ghost-b', { shard: 'b' })], 'id:abcdefghij': [obj('ext-1', { shard: 'a' })] }) as Record<string, ReturnType<typeof obj>[]>)[name] ?? [],
  getUsagePlan: (key) => (key === 'shop/gold' ? obj('gold', { shard: 'a' }) : undefined),
  getDomainName: () => undefined,
  getAwsAccount: (name) => (name === 'team-a' ? { metadata: { name, labels: { shard: 'b' } } } : undefined),
};

describe('Shard', () => {
  const a = new Shard(parseSelector('shard=a'), stores);
  const b = new Shard(parseSelector('shard=b'), stores);
  it.each([
    ['shop/orders', 'a', 'the RestApi says a, whatever its paths say'],
    ['shop/carts', 'b', 'the RestApi says b'],
    ['shop/ghost', 'b', 'no RestApi: the first path by name (ghost-b)'],
    ['shop/id:abcdefghij', 'a', 'a restApiId: its first path'],
    ['usageplan:shop/gold', 'a', 'its own labels'],
    ['awsaccount:team-a', 'b', 'its own labels'],
  ])('%s belongs to shard %s: %s', (key, shard) => {
    expect([a.owns(key), b.owns(key)]).toEqual([shard === 'a', shard === 'b']);
  });

  it('owns nothing that is gone, and everything without a selector', () => {
    expect([a.owns('usageplan:shop/none'), b.owns('shop/none')]).toEqual([false, false]);
    expect(new Shard(undefined, stores).owns('shop/none')).toBe(true);
  });
});
