// The Helm chart against the real API server (no node: nothing runs): every object helm renders for
// the default values and for ci/full-values.yaml passes a server-side dry run; the chart's RBAC and
// Deployment are deploy/'s (one source: this test fails when they drift); a wrong value fails at
// `helm install` with a message naming it; NOTES.txt says what to do next. test/e2e/helm.test.ts
// installs, upgrades and uninstalls it on a cluster with a node.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { leaseName } from '../../src/cli/controller.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { CHART, FULL_VALUES, REPO, helmFor, manifests, objectList, renderChart, type Manifest } from '../support/helm.js';

const kubectl = testKubectl();
const home = mkdtempSync(join(tmpdir(), 'restpath-helm-it-'));
const helm = helmFor(home, inject('kubeconfig'));
const ns = useFreshNamespace(kubectl, 'helm');
const MONITORING_CRDS = join(REPO, 'test', 'fixtures', 'helm', 'monitoring.coreos.com-crds.yaml');
const BUILD_MS = 15 * 60_000; // the first helm call may build it

afterAll(async () => {
  await kubectl(['delete', '-f', MONITORING_CRDS, '--ignore-not-found', '--wait=false']);
  rmSync(home, { recursive: true, force: true });
});

const json = (objects: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
/** The objects as the API server would store them (defaults filled in), without storing anything. */
async function dryRun(objects: Manifest[]): Promise<Manifest[]> {
  // kubectl prints a List for several objects, the object itself for one.
  const out = JSON.parse(await kubectl.ok(['apply', '--dry-run=server', '-o', 'json', '-f', '-'], json(objects))) as Manifest & { items?: Manifest[] };
  return out.kind === 'List' ? (out.items ?? []) : [out];
}
const kindOf = (objects: Manifest[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: Manifest[], kind: string) => {
  const [found, ...more] = kindOf(objects, kind);
  if (!found || more.length > 0) throw new Error(`expected one ${kind} in ${objectList(objects).join(', ')}`);
  return found;
};
const inNamespace = (o: Manifest, namespace: string): Manifest => ({ ...o, metadata: { ...o.metadata, namespace } });

describe('the rendered chart on the API server', () => {
  it('passes a server-side dry run, CRDs included, for the default values', async () => {
    const objects = await renderChart(helm, 'restpath-operator', ns(), ['--include-crds']);
    expect(objectList(objects)).toHaveLength(13); // 8 objects and the 5 CRDs of crds/
    const accepted = await dryRun(objects);
    expect(objectList(accepted)).toEqual(objectList(objects));
  }, BUILD_MS);

  it('passes a server-side dry run for ci/full-values.yaml, ServiceMonitor and PrometheusRule on stand-in CRDs that refuse a wrong field', async () => {
    const applied = await kubectl.ok(['apply', '-f', MONITORING_CRDS, '-o', 'name']);
    await kubectl.ok(['wait', '--for=condition=Established', '--timeout=60s', ...applied.split('\n').filter(Boolean)]);
    const objects = await renderChart(helm, 'rel', ns(), ['-f', FULL_VALUES]);
    expect(objectList(objects)).toHaveLength(11);
    const accepted = await dryRun(objects);
    expect(objectList(accepted)).toEqual(objectList(objects));
    expect(one(accepted, 'PrometheusRule').spec).toEqual(one(objects, 'PrometheusRule').spec);

    // The stand-ins check what they type: a malformed interval, a misspelt field.
    const monitor = one(objects, 'ServiceMonitor') as Manifest & { spec: { endpoints: Record<string, unknown>[] } };
    const badInterval = { ...monitor, spec: { ...monitor.spec, endpoints: [{ ...monitor.spec.endpoints[0], interval: '15 seconds' }] } };
    const refused = await kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(badInterval));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('spec.endpoints[0].interval: Invalid value: "15 seconds"');
    const misspelt = { ...monitor, spec: { ...monitor.spec, endpoints: [{ ...monitor.spec.endpoints[0], intervall: '15s' }] } };
    const unknown = await kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(misspelt));
    expect(unknown.stderr).toContain('unknown field "spec.endpoints[0].intervall"');
  }, BUILD_MS);
});

describe('controller.selector and controller.leaderElectionId', () => {
  type Env = { name: string; value?: string }[];
  const envOf = (o: Manifest) => (o as Manifest & { spec: { template: { spec: { containers: { env: Env }[] } } } }).spec.template.spec.containers[0]!.env;
  const shardEnv = (env: Env) => env.filter((e) => e.name === 'SELECTOR' || e.name === 'LEADER_ELECTION_ID');

  it('become SELECTOR and LEADER_ELECTION_ID only when set, and the API server takes the Deployment', async () => {
    expect(shardEnv(envOf(one(await renderChart(helm, 'restpath-operator', ns()), 'Deployment')))).toEqual([]);
    const set = ['--set-string', 'controller.selector=shard in (a\\,b)\\,!legacy', '--set', 'controller.leaderElectionId=restpath-operator-shard-ab'];
    const [stored] = await dryRun([one(await renderChart(helm, 'restpath-operator', ns(), set), 'Deployment')]);
    expect(shardEnv(envOf(stored!))).toEqual([{ name: 'SELECTOR', value: 'shard in (a,b),!legacy' }, { name: 'LEADER_ELECTION_ID', value: 'restpath-operator-shard-ab' }]);
  }, BUILD_MS);
});

describe('one source: the chart with default values installs what deploy/ does', () => {
  it('grants the same RBAC rules to the same ServiceAccount', async () => {
    const shipped = manifests(await kubectl.ok(['kustomize', join(REPO, 'deploy')]));
    const chart = await renderChart(helm, 'restpath-operator', 'restpath-system');
    for (const kind of ['ClusterRole', 'Role']) expect(one(chart, kind).rules, kind).toEqual(one(shipped, kind).rules);
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      expect(one(chart, kind).roleRef, kind).toEqual(one(shipped, kind).roleRef);
      expect(one(chart, kind).subjects, kind).toEqual(one(shipped, kind).subjects);
    }
    const names = (objects: Manifest[]) => objects.filter((o) => o.kind !== 'CustomResourceDefinition' && o.kind !== 'Namespace' && o.kind !== 'PodDisruptionBudget').map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    expect(names(chart)).toEqual(names(shipped));
  }, BUILD_MS);

  it('runs the same Pods: the Deployment\'s replicas and Pod spec (command, args, env, probes, ports, securityContext, volumes) as the API server stores them', async () => {
    const shipped = manifests(await kubectl.ok(['kustomize', join(REPO, 'deploy')]));
    const chart = await renderChart(helm, 'restpath-operator', 'restpath-system');
    // Through the API server, so what either leaves to a default (imagePullPolicy, protocol, probe
    // timeouts) is compared as it will run; in this test's namespace (restpath-system may not exist).
    type Deployment = Manifest & { spec: { replicas: number; strategy: unknown; template: { metadata: { labels: Record<string, string> }; spec: unknown } } };
    const stored = async (o: Manifest) => one(await dryRun([inNamespace(o, ns())]), 'Deployment') as Deployment;
    const d = await stored(one(shipped, 'Deployment'));
    const c = await stored(one(chart, 'Deployment'));
    expect(c.spec.template.spec).toEqual(d.spec.template.spec);
    expect(c.spec.replicas).toBe(d.spec.replicas);
    expect(c.spec.strategy).toEqual(d.spec.strategy);
    // deploy/'s label selector (kubectl -l app.kubernetes.io/name=restpath-operator) finds the chart's Pods too.
    expect(c.spec.template.metadata.labels).toMatchObject(d.spec.template.metadata.labels);
    expect(one(chart, 'Service').spec).toMatchObject({ ports: (one(shipped, 'Service').spec as { ports: unknown }).ports });
  }, BUILD_MS);
});

describe('docs/install.md', () => {
  it('has a kustomize overlay that renders: deploy/ with the IRSA annotation and another region', async () => {
    const doc = readFileSync(join(REPO, 'docs', 'install.md'), 'utf8');
    const overlay = /```yaml\n(# my-overlay\/kustomization\.yaml\n[\s\S]*?)```/.exec(doc)?.[1];
    expect(overlay, 'the overlay block of docs/install.md').toBeTruthy();
    const dir = mkdtempSync(join(tmpdir(), 'restpath-overlay-'));
    try {
      // Where the reader's checkout is, relative to the overlay.
      writeFileSync(join(dir, 'kustomization.yaml'), overlay!.replace('../deploy', relative(dir, join(REPO, 'deploy'))));
      const objects = manifests(await kubectl.ok(['kustomize', dir]));
      expect(one(objects, 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/restpath-operator' });
      const env = (one(objects, 'Deployment') as Manifest & { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } }).spec.template.spec.containers[0]?.env;
      expect(env?.filter((e) => e.name === 'AWS_REGION')).toEqual([{ name: 'AWS_REGION', value: 'eu-central-1' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('values.schema.json at helm install', () => {
  // A wrong value, and the line of helm's message that names it.
  const cases: [string, string[], string][] = [
    ['a number as a string', ['--set', 'replicas=two'], "at '/replicas': got string, want integer"],
    ['a misspelt key', ['--set', 'replica=3'], "additional properties 'replica' not allowed"],
    ['an unknown pull policy', ['--set', 'image.pullPolicy=Sometimes'], "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'"],
    ['privilege escalation (restricted profile)', ['--set', 'securityContext.allowPrivilegeEscalation=true'], "at '/securityContext/allowPrivilegeEscalation': value must be false"],
    ['root (restricted profile)', ['--set', 'podSecurityContext.runAsUser=0'], "at '/podSecurityContext/runAsUser': minimum: got 0, want 1"],
    ['capabilities not dropped (restricted profile)', ['--set', 'securityContext.capabilities.drop={NET_RAW}'], "at '/securityContext/capabilities/drop/0': value must be 'ALL'"],
    ['no seccomp profile (restricted profile)', ['--set', 'podSecurityContext.seccompProfile.type=Unconfined'], "at '/podSecurityContext/seccompProfile/type': value must be one of 'RuntimeDefault', 'Localhost'"],
    ['an IRSA annotation that is no role ARN', ['--set', 'serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=restpath-operator'], "at '/serviceAccount/annotations/eks.amazonaws.com~1role-arn': 'restpath-operator' does not match pattern"],
    ['a duration the operator cannot read', ['--set', 'controller.resyncPeriod=10min'], "at '/controller/resyncPeriod': '10min' does not match pattern"],
    ['an unknown log level', ['--set', 'controller.logLevel=verbose'], "at '/controller/logLevel': value must be one of '', 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'"],
    ['a region in capitals', ['--set', 'aws.region=US-EAST-1'], "at '/aws/region': 'US-EAST-1' does not match pattern"],
    ['a tag value DEFAULT_TAGS cannot carry', ['--set', 'controller.defaultTags.team=a\\,b'], "at '/controller/defaultTags/team': 'a,b' does not match pattern"],
    ['a Lease name that is no DNS name', ['--set', 'controller.leaderElectionId=Shard_A'], "at '/controller/leaderElectionId': 'Shard_A' does not match pattern"],
  ];
  it.each(cases)('refuses %s and names it', async (_what, set, message) => {
    const r = await helm(['install', 'restpath-operator', CHART, '--namespace', ns(), ...set]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("values don't meet the specifications of the schema(s)");
    expect(r.stderr).toContain(message);
  }, BUILD_MS);

  it('installed nothing for any of them', async () => {
    expect((await helm.ok(['list', '--namespace', ns(), '--all', '--short'])).trim()).toBe('');
    expect((await kubectl.ok(['get', 'deployments,serviceaccounts', '-n', ns(), '-l', 'app.kubernetes.io/managed-by=Helm', '-o', 'name'])).trim()).toBe('');
  });
});

describe('NOTES.txt', () => {
  it('tells what to do next: check the Pods, set up AWS credentials (IRSA or Pod Identity), apply an example, describe a RestPath, the runbook', async () => {
    const out = await helm.ok(['install', 'restpath-operator', CHART, '--namespace', ns(), '--dry-run=server']);
    const notes = out.slice(out.indexOf('NOTES:'));
    expect(notes).toContain(`kubectl get pods -n ${ns()} -l app.kubernetes.io/instance=restpath-operator`);
    expect(notes).toContain('EKS Pod Identity: no annotation; create an association for this ServiceAccount');
    expect(notes).toContain(`aws eks create-pod-identity-association --cluster-name <cluster> --namespace ${ns()}`);
    expect(notes).toContain('kubectl apply -f deploy/examples/');
    expect(notes).toContain('kubectl describe restpath <name> -n <namespace>');
    expect(notes).toContain('docs/runbook.md');
    expect(notes).toContain('docs/troubleshooting.md');
    expect(notes).toContain('kubectl apply --server-side --force-conflicts -f <chart>/crds/');
    const irsa = await helm.ok(['install', 'restpath-operator', CHART, '--namespace', ns(), '--dry-run=server', '--set', 'serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/restpath-operator']);
    expect(irsa).toContain('IRSA: the Pods assume arn:aws:iam::123456789012:role/restpath-operator.');
    expect(irsa).not.toContain('create-pod-identity-association');
    // The Lease the operator takes (src/cli/controller.ts's leaseName): derived from the shard, or named.
    expect(notes).toContain(`kubectl get lease restpath-operator -n ${ns()} `);
    const sharded = await helm.ok(['install', 'restpath-operator', CHART, '--namespace', ns(), '--dry-run=server', '--set', 'controller.watchNamespaces={shop,payments}', '--set-string', 'controller.selector=shard in (a\\,b)\\,!legacy']);
    expect(sharded).toContain(`kubectl get lease ${leaseName(['shop', 'payments'], 'shard in (a,b),!legacy')} -n ${ns()} `);
    const namespacesOnly = await helm.ok(['install', 'restpath-operator', CHART, '--namespace', ns(), '--dry-run=server', '--set', 'controller.watchNamespaces={shop}']);
    expect(namespacesOnly).toContain(`kubectl get lease ${leaseName(['shop'], '')} -n ${ns()} `);
    expect(leaseName(['shop'], '')).toBe('restpath-operator');
    const named = await helm.ok(['install', 'restpath-operator', CHART, '--namespace', ns(), '--dry-run=server', '--set', 'controller.watchNamespaces={shop}', '--set', 'controller.leaderElectionId=shop-operator']);
    expect(named).toContain(`kubectl get lease shop-operator -n ${ns()} `);
  }, BUILD_MS);
});
