// The operator installed with the Helm chart (charts/restpath-operator) by the real helm
// (scripts/testenv/build-helm.sh), as Pods on a real node (kubelet + containerd, scripts/testenv/node.ts)
// in a namespace that enforces the restricted Pod Security profile: helm install, the examples made Ready
// by it, helm upgrade with changed values (rolled onto new Pods), helm uninstall (what the chart made is
// gone, its CRDs stay). This file starts a cluster of its own, as test/e2e/pod.test.ts does.
//
// The values a local cluster needs on top of the chart's defaults (written to the run folder) are the ones
// pod.test.ts's overlay changes in deploy/: the local image (never pulled), the API server and AWS at the
// node's address, and the emulator account's keys from a Secret (IRSA or Pod Identity in production).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsAccount } from '../../scripts/testenv/aws-emulator.js';
import { startNodeEnvironment, type NodeEnvironment } from '../../scripts/testenv/node-environment.js';
import { leaseName } from '../../src/cli/controller.js';
import type { Kubectl } from '../../scripts/testenv/kubectl.js';
import { operatorImage } from '../../scripts/testenv/operator-install.js';
import { CHART, REPO, helmBinary, helmFor, manifests, objectList, type Helm } from '../support/helm.js';
import { shippedExampleObjects, withoutGroup } from '../support/examples.js';
import { mockPathYaml, objectsIn } from '../support/objects.js';
import { until } from '../support/until.js';

const NS = 'restpath-system';
const RELEASE = 'restpath-operator';
const SELECTOR = `app.kubernetes.io/instance=${RELEASE}`;
const CRDS = ['restapis.apigateway.restpath.dev', 'restpaths.apigateway.restpath.dev', 'usageplans.apigateway.restpath.dev', 'domainnames.apigateway.restpath.dev', 'awsaccounts.apigateway.restpath.dev'];

let env: NodeEnvironment;
let account: AwsAccount;
let helm: Helm;
let image = '';
let installOutput = '';
const timings: Record<string, number> = {};

const kubectl = (args: string[], input?: string) => env.kubectl(args, input);
const ok = (args: string[], input?: string) => env.kubectl.ok(args, input);
const lazyKubectl: Kubectl = Object.assign(kubectl, { ok });
let lastLogs = '';
const shop = objectsIn(lazyKubectl, () => 'shop', () => lastLogs);

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  spec: {
    securityContext: unknown;
    containers: { image: string; imagePullPolicy: string; env: { name: string; value?: string }[]; securityContext: unknown }[];
  };
  status: { phase: string; conditions?: { type: string; status: string }[] };
}
async function operatorPods(): Promise<PodJson[]> {
  const out = JSON.parse(await ok(['get', 'pods', '-n', NS, '-l', SELECTOR, '-o', 'json'])) as { items: PodJson[] };
  return out.items.filter((p) => !p.metadata.deletionTimestamp);
}
const ready = (p: PodJson) => p.status.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
async function diagnostics(): Promise<string> {
  const pods = await kubectl(['get', 'pods', '-A', '-o', 'wide']);
  const events = await kubectl(['get', 'events', '-n', NS, '--sort-by=.lastTimestamp']);
  const logs = await kubectl(['logs', '-n', NS, '-l', SELECTOR, '--prefix', '--tail=40']);
  lastLogs = `${logs.stdout}${logs.stderr}`;
  return `pods:\n${pods.stdout}${pods.stderr}\nevents in ${NS}:\n${events.stdout}\noperator logs:\n${lastLogs}\nnode:\n${env.node.logs()}`;
}
const withDiagnostics = async <T>(p: Promise<T>): Promise<T> => p.catch(async (e: Error) => { throw new Error(`${e.message}\n${await diagnostics()}`); });

/** The values for this cluster: the chart's defaults plus what pod.test.ts's overlay changes. */
function localValues(file: string): string {
  const colon = image.lastIndexOf(':');
  const { host, port } = env.node.apiserverForPods;
  const secret = (key: string) => ({ valueFrom: { secretKeyRef: { name: 'restpath-operator-aws', key } } });
  writeFileSync(file, JSON.stringify({
    image: { repository: image.slice(0, colon), tag: image.slice(colon + 1), pullPolicy: 'Never' },
    aws: { region: account.region },
    extraEnv: [
      { name: 'KUBERNETES_SERVICE_HOST', value: host },
      { name: 'KUBERNETES_SERVICE_PORT', value: String(port) },
      { name: 'AWS_ENDPOINT_URL', value: env.node.awsEndpointForPods },
      { name: 'AWS_ACCESS_KEY_ID', ...secret('accessKeyId') },
      { name: 'AWS_SECRET_ACCESS_KEY', ...secret('secretAccessKey') },
    ],
  }, null, 2));
  return file;
}

beforeAll(async () => {
  let t = Date.now();
  const [started, built] = await Promise.all([startNodeEnvironment(), operatorImage(), helmBinary()]);
  env = started;
  image = built;
  timings.environmentImageAndHelm = Date.now() - t;
  timings.imageLoad = await env.node.loadImage(image);
  account = await env.aws.freshAccount();
  helm = helmFor(join(env.runDir, 'helm'), env.controlPlane.kubeconfig);
  // Helm does not make the namespace's Pod Security label (docs/install.md): the user does, as here.
  await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }));
  await ok(['create', 'secret', 'generic', 'restpath-operator-aws', '-n', NS, `--from-literal=accessKeyId=${account.accessKeyId}`, `--from-literal=secretAccessKey=${account.secretAccessKey}`]);
  t = Date.now();
  installOutput = await withDiagnostics(helm.ok(['install', RELEASE, CHART, '--namespace', NS, '-f', localValues(join(env.runDir, 'local-values.json')), '--wait', '--timeout=5m']));
  timings.helmInstall = Date.now() - t;
}, 20 * 60_000);

afterAll(async () => {
  console.log(`[helm e2e] ${image}; ms: ${JSON.stringify(timings)}`);
  await env?.stop();
}, 120_000);

describe('the operator installed with helm on a real node', () => {
  it('installs the CRDs from crds/ and the chart\'s objects; two Pods Running and Ready from the local image, admitted by the restricted profile', async () => {
    const status = JSON.parse(await helm.ok(['status', RELEASE, '--namespace', NS, '-o', 'json'])) as { version: number; info: { status: string } };
    expect(status).toMatchObject({ version: 1, info: { status: 'deployed' } });
    expect(installOutput).toContain(`kubectl get pods -n ${NS} -l ${SELECTOR}`);
    await ok(['wait', '--for=condition=Established', '--timeout=30s', ...CRDS.map((c) => `crd/${c}`)]);
    expect(objectList(manifests(await helm.ok(['get', 'manifest', RELEASE, '--namespace', NS])))).toEqual([
      'ClusterRole/restpath-operator', 'ClusterRoleBinding/restpath-operator', 'Deployment/restpath-operator', 'PodDisruptionBudget/restpath-operator',
      'Role/restpath-operator-leader-election', 'RoleBinding/restpath-operator-leader-election', 'Service/restpath-operator', 'ServiceAccount/restpath-operator',
    ]);
    const pods = await operatorPods();
    expect(pods.map(ready)).toEqual([true, true]);
    for (const pod of pods) {
      expect(pod.spec.containers[0]).toMatchObject({ image, imagePullPolicy: 'Never', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } });
      expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    }
    // The namespace does enforce the profile: a Pod without the chart's securityContext is refused.
    const plain = await kubectl(['run', 'plain', '-n', NS, '--image', image, '--dry-run=server']);
    expect(plain.stderr).toContain('violates PodSecurity "restricted:latest"');
    // The PodDisruptionBudget lets a drain take one of the two.
    await until('the PodDisruptionBudget counting both Pods', async () => {
      const pdb = JSON.parse(await ok(['get', 'pdb', RELEASE, '-n', NS, '-o', 'json'])) as { status?: { currentHealthy?: number; disruptionsAllowed?: number } };
      return pdb.status?.currentHealthy === 2 && pdb.status.disruptionsAllowed === 1 ? true : undefined;
    }, 30_000);
    const holder = await until('a Lease holder', async () => ok(['get', 'lease', 'restpath-operator', '-n', NS, '-o', 'jsonpath={.spec.holderIdentity}']), 60_000);
    expect(pods.map((p) => p.metadata.name)).toContain(holder.replace(/-[0-9a-f]{6}$/, ''));
    // At the default level (info) the operator says when it is ready (the upgrade below turns that off).
    for (const pod of pods) expect(await ok(['logs', '-n', NS, pod.metadata.name])).toContain('"level":30');
  }, 120_000);

  it('takes new CRDs the way docs/install.md says (helm upgrade never changes crds/): kubectl apply --server-side --force-conflicts (Helm owns their fields)', async () => {
    // A changed CRD, as a new release would bring: a field Helm set when it created the CRD.
    const file = join(CHART, 'crds', 'apigateway.restpath.dev_restpaths.yaml');
    const crd = parse(readFileSync(file, 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: { description: string } } }[] } };
    crd.spec.versions[0]!.schema.openAPIV3Schema.description += ' (next release)';
    const plain = await kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify(crd));
    expect(plain.code).not.toBe(0);
    // A CRD's spec.versions is one atomic field, which Helm's create made "helm"'s.
    expect(plain.stderr).toContain('conflict with "helm" using apiextensions.k8s.io/v1: .spec.versions');
    await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], JSON.stringify(crd));
    const description = () => ok(['get', 'crd', CRDS[1]!, '-o', 'jsonpath={.spec.versions[0].schema.openAPIV3Schema.description}']);
    expect(await description()).toMatch(/ \(next release\)$/);
    // The command of docs/install.md, on the chart's crds/ as they are: back to this release's CRDs.
    await ok(['apply', '--server-side', '--force-conflicts', '-f', join(CHART, 'crds')]);
    expect(await description()).not.toContain('(next release)');
    await ok(['wait', '--for=condition=Established', '--timeout=30s', ...CRDS.map((c) => `crd/${c}`)]);
  }, 60_000);

  it('makes the shipped examples Ready', async () => {
    const t = Date.now();
    await ok(['apply', '-f', join(REPO, 'deploy', 'examples')]);
    const names = (await ok(['get', 'ra,rp,up', '-n', 'shop', '-o', 'name'])).split('\n').filter(Boolean);
    expect(withoutGroup(names)).toEqual(shippedExampleObjects());
    for (const o of names) await withDiagnostics(shop.waitFor(o, 'Ready', 'True', undefined, 180_000));
    timings.examplesReady = Date.now() - t;
    const api = await shop.get<{ id: string }>('restapi/shop');
    expect(api.status?.id).toBeTruthy();
  }, 240_000);

  it('rolls the Pods on helm upgrade with changed values: one replica, watching only shop, a shorter resync, log level warn; the PodDisruptionBudget goes', async () => {
    const before = (await operatorPods()).map((p) => p.metadata.name);
    const t = Date.now();
    const set = ['replicas=1', 'controller.watchNamespaces={shop}', 'controller.resyncPeriod=5m', 'controller.logLevel=warn'].flatMap((v) => ['--set', v]);
    await withDiagnostics(helm.ok(['upgrade', RELEASE, CHART, '--namespace', NS, '--reuse-values', ...set, '--wait', '--timeout=5m']));
    // --wait returns once the new Pod is Ready; the old ones may still be terminating.
    const pods = await until('one Pod, from the new ReplicaSet', async () => {
      const now = await operatorPods();
      return now.length === 1 && now.every(ready) && !before.includes(now[0]!.metadata.name) ? now : undefined;
    }, 120_000);
    timings.helmUpgrade = Date.now() - t;
    const status = JSON.parse(await helm.ok(['status', RELEASE, '--namespace', NS, '-o', 'json'])) as { version: number; info: { status: string } };
    expect(status).toMatchObject({ version: 2, info: { status: 'deployed' } });
    const pod = pods[0]!;
    expect(Object.fromEntries(pod.spec.containers[0]!.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]))).toMatchObject({ WATCH_NAMESPACES: 'shop', RESYNC_PERIOD: '5m', LOG_LEVEL: 'warn' });
    // What the running process has.
    const seen = await ok(['exec', '-n', NS, pod.metadata.name, '--', '/nodejs/bin/node', '-p', '[process.env.WATCH_NAMESPACES, process.env.RESYNC_PERIOD, process.env.LOG_LEVEL].join(" ")']);
    expect(seen.trim()).toBe('shop 5m warn');
    expect((await kubectl(['get', 'pdb', RELEASE, '-n', NS])).stderr).toContain('NotFound');
    // It leads and reconciles: a change after the upgrade becomes Ready. Watching only shop, it is
    // the same Lease as before (no selector: the name stays, so a rollout never has two leaders), the
    // one the chart's notes print; the new Pod takes it over.
    const shardLease = leaseName(['shop'], '');
    expect(shardLease).toBe('restpath-operator');
    await until('the new Pod leading', async () => ((await kubectl(['get', 'lease', shardLease, '-n', NS, '-o', 'jsonpath={.spec.holderIdentity}'])).stdout.startsWith(`${pod.metadata.name}-`) ? true : undefined), 60_000);
    await shop.apply(mockPathYaml('after-upgrade', 'shop', '/after-upgrade'));
    await withDiagnostics(shop.waitFor('restpath/after-upgrade', 'Ready', 'True', undefined, 120_000));
    // At warn, the info lines that pass wrote before the upgrade ("starting", "became the leader",
    // "reconciled") are not written: the log level took effect in the operator.
    const log = await ok(['logs', '-n', NS, pod.metadata.name]);
    expect(log.split('\n').filter((l) => l.includes('"level":30')), log).toEqual([]);
  }, 300_000);

  it('removes what the chart created on helm uninstall (after the objects it manages are deleted); the CRDs stay', async () => {
    // The order docs/install.md gives: delete the objects while the operator runs (it removes their AWS
    // resources and finalizers), then uninstall.
    await ok(['delete', 'restpaths,restapis,usageplans', '--all', '-n', 'shop', '--wait=false']);
    await withDiagnostics(until('the shop objects gone', async () => ((await ok(['get', 'ra,rp,up', '-n', 'shop', '-o', 'name'])).trim() === '' ? true : undefined), 180_000));
    const created = manifests(await helm.ok(['get', 'manifest', RELEASE, '--namespace', NS]));
    const t = Date.now();
    const out = await helm.ok(['uninstall', RELEASE, '--namespace', NS, '--wait', '--timeout=2m']);
    timings.helmUninstall = Date.now() - t;
    expect(out).toContain(`release "${RELEASE}" uninstalled`);
    for (const o of created) {
      const r = await kubectl(['get', o.kind, o.metadata.name, ...(o.metadata.namespace ? ['-n', o.metadata.namespace] : []), '--ignore-not-found', '-o', 'name']);
      expect(`${o.kind}/${o.metadata.name}: ${r.stdout.trim()}`).toBe(`${o.kind}/${o.metadata.name}: `);
    }
    await until('the operator Pods gone', async () => ((await operatorPods()).length === 0 ? true : undefined), 60_000);
    expect((await helm.ok(['list', '--namespace', NS, '--all', '--short'])).trim()).toBe('');
    expect((await ok(['get', 'secrets', '-n', NS, '-o', 'name'])).split('\n')).not.toContainEqual(expect.stringContaining('sh.helm.release'));
    // Helm never deletes crds/ (nor what others made: the Secret this test created, the operator's Lease).
    for (const crd of CRDS) expect((await ok(['get', 'crd', crd, '-o', 'name'])).trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/${crd}`);
    expect((await ok(['get', 'secret', 'restpath-operator-aws', '-n', NS, '-o', 'name'])).trim()).toBe('secret/restpath-operator-aws');
    expect((await ok(['get', 'lease', 'restpath-operator', '-n', NS, '-o', 'name'])).trim()).toBe('lease.coordination.k8s.io/restpath-operator');
  }, 300_000);
});
