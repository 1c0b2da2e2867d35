// The informer's list reads every page: against the real API server with a page size of 2, all five
// objects come back; Secrets likewise.
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import { kubeSource } from '../../src/kube/kube-source.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'kube-source');

describe('kubeSource list', () => {
  it('follows the continue token past the first page', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    await kubectl.ok(['apply', '-f', '-'], names.map((n) => `apiVersion: apigateway.restpath.dev/v1alpha1\nkind: RestApi\nmetadata: { name: ${n}, namespace: ${namespace()} }\nspec: {}\n`).join('---\n'));
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const source = kubeSource<RestApi>(kc, { apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'RestApi', plural: 'restapis', namespace: namespace() }, 300, 2);
    const { items, resourceVersion } = await source.list();
    expect(items.map((o) => o.metadata.name).sort()).toEqual(names);
    expect(resourceVersion).toMatch(/^\d+$/);
  });

  it('pages Secrets too', async () => {
    const names = ['s1', 's2', 's3'];
    await kubectl.ok(['apply', '-f', '-'], names.map((n) => `apiVersion: v1\nkind: Secret\nmetadata: { name: ${n}, namespace: ${namespace()} }\nstringData: { k: v }\n`).join('---\n'));
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const { items } = await kubeSource<{ metadata: { name: string } }>(kc, { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespace: namespace() }, 300, 2).list();
    expect(items.map((o) => o.metadata.name).filter((n) => n.startsWith('s')).sort()).toEqual(names);
  });

  it('pages Namespaces, with their labels (who may use an AwsAccount)', async () => {
    await kubectl.ok(['label', 'namespace', namespace(), 'restpath.dev/team=pages', '--overwrite']);
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const { items } = await kubeSource<{ metadata: { name: string; labels?: Record<string, string> } }>(kc, { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces' }, 300, 2).list();
    expect(items.length).toBeGreaterThan(2);
    expect(items.find((n) => n.metadata.name === namespace())?.metadata.labels?.['restpath.dev/team']).toBe('pages');
  });
});
