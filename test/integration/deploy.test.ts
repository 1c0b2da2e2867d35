// deploy/ as an installer: the kustomize output is accepted by the API server, and the RBAC grants
// the operator's ServiceAccount what it needs and nothing more.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testKubectl } from '../support/cluster.js';
import { FIXTURES } from '../support/fixtures.js';

const kubectl = testKubectl();
const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');
const SA = 'system:serviceaccount:restpath-system:restpath-operator';

afterAll(async () => {
  await kubectl.ok(['delete', 'namespace', 'restpath-system', '--ignore-not-found', '--wait=false']);
  await kubectl.ok(['delete', 'clusterrole,clusterrolebinding', 'restpath-operator', '--ignore-not-found']);
});

describe('deploy/ (kustomize base)', () => {
  it('renders and passes a server-side dry run', async () => {
    const rendered = await kubectl.ok(['kustomize', DEPLOY]);
    const kinds = [...rendered.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]).sort();
    expect(kinds).toEqual(['ClusterRole', 'ClusterRoleBinding', ...Array<string>(5).fill('CustomResourceDefinition'), 'Deployment', 'Namespace', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    // The namespace must exist for the namespaced objects to be dry-run into it.
    await kubectl.ok(['create', 'namespace', 'restpath-system']);
    const result = await kubectl(['apply', '--dry-run=server', '-f', '-'], rendered);
    // (kubectl warns about objects created without last-applied-configuration: the namespace and CRDs the test set up.)
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('deployment.apps/restpath-operator created (server dry run)');
  });

  it('grants the operator exactly what it uses', async () => {
    const rendered = await kubectl.ok(['kustomize', DEPLOY]);
    const rbac = rendered.split(/^---$/m).filter((doc) => /kind: (ServiceAccount|ClusterRole|ClusterRoleBinding|Role|RoleBinding)$/m.test(doc)).join('---\n');
    await kubectl.ok(['apply', '-f', '-'], rbac);
    // ns '' for a cluster-scoped resource (AwsAccounts, namespaces): asked cluster-wide.
    const can = async (verb: string, resource: string, ns = 'shop') =>
      (await kubectl(['auth', 'can-i', verb, resource, ...(ns ? ['-n', ns] : []), '--as', SA])).stdout.trim();
    expect(await can('watch', 'restpaths.apigateway.restpath.dev')).toBe('yes');
    expect(await can('patch', 'restpaths.apigateway.restpath.dev/status')).toBe('yes');
    expect(await can('create', 'events.events.k8s.io')).toBe('yes');
    // Events about a cluster-scoped object (an AwsAccount) go into default.
    expect(await can('create', 'events.events.k8s.io', 'default')).toBe('yes');
    expect(await can('update', 'events.events.k8s.io', 'default')).toBe('yes');
    expect(await can('update', 'leases.coordination.k8s.io', 'restpath-system')).toBe('yes');
    expect(await can('update', 'leases.coordination.k8s.io', 'shop')).toBe('no');
    expect(await can('delete', 'restpaths.apigateway.restpath.dev')).toBe('no');
    expect(await can('create', 'restapis.apigateway.restpath.dev')).toBe('no');
    // Secrets: read for API key values (valueFrom), written for generateInto; never patched by others' rules.
    expect(await can('watch', 'secrets')).toBe('yes');
    expect(await can('create', 'secrets')).toBe('yes');
    expect(await can('delete', 'secrets')).toBe('yes');
    expect(await can('patch', 'secrets')).toBe('no');
    expect(await can('delete', 'configmaps')).toBe('no');
    // Domain names, and the external-dns DNSEndpoints they may ask for (owned by the DomainName). can-i
    // resolves a resource through discovery, so external-dns's CRD must be there (a reduced copy).
    await kubectl.ok(['apply', '-f', join(FIXTURES, 'external-dns', 'dnsendpoint-crd.yaml')]);
    await kubectl.ok(['wait', '--for=condition=Established', '--timeout=30s', 'crd/dnsendpoints.externaldns.k8s.io']);
    expect(await can('watch', 'domainnames.apigateway.restpath.dev')).toBe('yes');
    expect(await can('patch', 'domainnames.apigateway.restpath.dev/status')).toBe('yes');
    expect(await can('create', 'dnsendpoints.externaldns.k8s.io')).toBe('yes');
    expect(await can('delete', 'dnsendpoints.externaldns.k8s.io')).toBe('yes');
    expect(await can('delete', 'domainnames.apigateway.restpath.dev')).toBe('no');
    // AwsAccounts (cluster-scoped; test/global-setup.ts installed crds/, their CRD among them) and
    // the namespaces' labels their namespaceSelectors match: read; an AwsAccount's status written, and
    // patch (finalizers) as for the other kinds; neither created nor deleted.
    await kubectl.ok(['wait', '--for=condition=Established', '--timeout=30s', 'crd/awsaccounts.apigateway.restpath.dev']);
    expect(await can('watch', 'awsaccounts.apigateway.restpath.dev', '')).toBe('yes');
    expect(await can('list', 'awsaccounts.apigateway.restpath.dev', '')).toBe('yes');
    expect(await can('patch', 'awsaccounts.apigateway.restpath.dev/status', '')).toBe('yes');
    expect(await can('patch', 'awsaccounts.apigateway.restpath.dev', '')).toBe('yes');
    expect(await can('update', 'awsaccounts.apigateway.restpath.dev', '')).toBe('no');
    expect(await can('create', 'awsaccounts.apigateway.restpath.dev', '')).toBe('no');
    expect(await can('delete', 'awsaccounts.apigateway.restpath.dev', '')).toBe('no');
    expect(await can('watch', 'namespaces', '')).toBe('yes');
    expect(await can('get', 'namespaces', '')).toBe('yes');
    expect(await can('patch', 'namespaces', '')).toBe('no');
    expect(await can('delete', 'namespaces', '')).toBe('no');
  });
});
