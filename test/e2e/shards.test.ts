// Two operator Deployments splitting one namespace by a label selector (--selector), each electing its
// own leader on its own Lease: every object is reconciled by exactly one of them, a RestPath goes with
// its RestApi whatever its own labels say, and a change reaches only the shard that owns it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseName } from '../../src/cli/controller.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { MANIFEST_HEADER, mockPathYaml, objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'shards');
const shards: Record<'one' | 'two', RunningOperator | undefined> = { one: undefined, two: undefined };
const { apply, waitFor, until } = objectsIn(kubectl, namespace, () => `${shards.one?.logs() ?? ''}\n---\n${shards.two?.logs() ?? ''}`);

const selector = (shard: string) => `restpath.dev/shard=${shard}`;
const api = (name: string, shard: string) => `${MANIFEST_HEADER}
kind: RestApi
metadata: { name: ${name}, labels: { restpath.dev/shard: ${shard} } }
spec:
  stages: [{ name: dev }]
`;
const labelled = (yaml: string, shard: string) => yaml.replace(/metadata: \{ name: ([^ ]+) \}/, `metadata: { name: $1, labels: { restpath.dev/shard: ${shard} } }`);

/** The queue keys a shard reconciled, from its whole log. */
function reconciledKeys(o: RunningOperator): Set<string> {
  const keys = new Set<string>();
  for (const line of readFileSync(o.process.logFile, 'utf8').split('\n')) {
    if (!line.includes('"msg":"reconciled"')) continue;
    keys.add((JSON.parse(line) as { key: string }).key);
  }
  return keys;
}

beforeAll(async () => {
  const le = (shard: string) => ['--namespaces', namespace(), '--selector', selector(shard), '--leader-elect', '--leader-election-namespace', namespace()];
  shards.one = await startOperator(le('one'));
  shards.two = await startOperator(le('two'), shards.one.account);
});
afterAll(async () => {
  await Promise.all([shards.one?.stop(), shards.two?.stop()]);
});

describe('sharding by label selector', () => {
  it('gives every object to exactly one shard, each with its own Lease; a RestPath follows its RestApi', async () => {
    // one-hello carries shard two's label: it still belongs to RestApi one, so to shard one.
    await apply([api('one', 'one'), labelled(mockPathYaml('one-hello', 'one', '/hello'), 'two'), api('two', 'two'), mockPathYaml('two-hello', 'two', '/hello')].join('---\n'));
    await waitFor('restpath/one-hello', 'Ready', 'True', undefined, 90_000);
    await waitFor('restpath/two-hello', 'Ready', 'True', undefined, 90_000);
    for (const shard of ['one', 'two'] as const) {
      const lease = leaseName([namespace()], selector(shard));
      const holder = await until(`lease ${lease} held`, () => kubectl.ok(['get', 'lease', lease, '-n', namespace(), '-o', 'jsonpath={.spec.holderIdentity}']));
      expect(shards[shard]!.logs()).toContain(holder);
    }
    expect(leaseName([namespace()], selector('one'))).not.toBe(leaseName([namespace()], selector('two')));
    // A change to one-hello goes to shard one only.
    await apply(labelled(mockPathYaml('one-hello', 'one', '/hello', { body: '{"v":2}' }), 'two'));
    await waitFor('restpath/one-hello', 'Synced', 'True');
    const one = reconciledKeys(shards.one!);
    const two = reconciledKeys(shards.two!);
    expect(one.has(`${namespace()}/one`)).toBe(true);
    expect(two.has(`${namespace()}/two`)).toBe(true);
    expect([...one].filter((k) => two.has(k))).toEqual([]);
  }, 240_000);
});
