// The informer against the real API server, with watches the server closes every second: objects
// created, changed and deleted across many reconnects all arrive, in order, and none is missed.
// Synchronized on the informer's own counters and events: each object is created and then the test
// waits for the next watch, so the creations spread over reconnects; at the end it waits for the last
// event and then for one whole watch after it, the window in which a bad resume would replay events.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import { Informer } from '../../src/kube/informer.js';
import { kubeSource } from '../../src/kube/kube-source.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { until } from '../support/until.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'informer');
const informers: Informer<RestApi>[] = [];
afterAll(async () => {
  for (const i of informers) await i.stop();
});

const manifest = (name: string, description: string) =>
  `apiVersion: apigateway.restpath.dev/v1alpha1\nkind: RestApi\nmetadata: { name: ${name}, namespace: ${namespace()} }\nspec: { description: "${description}" }\n`;

describe('Informer on the real API server', () => {
  it('misses nothing across watches the server keeps closing', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const events: string[] = [];
    const informer = new Informer<RestApi>(
      kubeSource<RestApi>(kc, { apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'RestApi', plural: 'restapis', namespace: namespace() }, 1),
    ).on((e) => events.push(`${e.type} ${e.object.metadata.name}`));
    informers.push(informer.start());
    await informer.synced;

    const watchesAfter = (count: number) => () => Promise.resolve(informer.watches > count ? true : undefined);
    const seen = (event: string) => () => Promise.resolve(events.includes(event) ? true : undefined);

    for (let i = 0; i < 6; i++) {
      const watches = informer.watches;
      await kubectl.ok(['apply', '-f', '-'], manifest(`api-${i}`, 'v1'));
      await until(`a new watch since api-${i} was applied`, watchesAfter(watches), 10_000);
    }
    await kubectl.ok(['apply', '-f', '-'], manifest('api-0', 'v2'));
    await kubectl.ok(['delete', 'restapi', 'api-1', '-n', namespace()]);
    await until('DELETED api-1', seen('DELETED api-1'), 10_000);
    const watchesAtEnd = informer.watches;
    await until('one whole watch after the last event', watchesAfter(watchesAtEnd + 1), 10_000);

    expect(informer.watches).toBeGreaterThan(2);
    expect(informer.lists).toBe(1);
    expect(events).toEqual([...[0, 1, 2, 3, 4, 5].map((i) => `ADDED api-${i}`), 'MODIFIED api-0', 'DELETED api-1']);
    const listed = (await kubectl.ok(['get', 'restapis', '-n', namespace(), '-o', 'name'])).trim().split('\n').map((n) => n.split('/')[1]);
    expect(informer.list().map((o) => o.metadata.name).sort()).toEqual(listed.sort());
    expect(informer.get(`${namespace()}/api-0`)?.spec.description).toBe('v2');
  });
});
