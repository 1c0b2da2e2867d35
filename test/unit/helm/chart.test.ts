// The Helm chart as the real helm (scripts/testenv/build-helm.sh) sees it, without a cluster: lint,
// the objects `helm template` renders for the default values and for ci/full-values.yaml, what each
// value changes, and the chart's copies of what the repository generates (the CRDs, the version).
// test/integration/helm-chart.test.ts takes the same renders to the API server and compares them with deploy/.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCrds } from '../../../src/api/crd-files.js';
import { CHART, FULL_VALUES, REPO, helmFor, objectList, renderChart, type Manifest } from '../../support/helm.js';

const home = mkdtempSync(join(tmpdir(), 'restpath-helm-unit-'));
const helm = helmFor(home);
afterAll(() => rmSync(home, { recursive: true, force: true }));

// The first helm call may build it (a few minutes on a fresh machine, then cached).
const BUILD_MS = 15 * 60_000;

interface Container {
  name: string;
  image: string;
  imagePullPolicy: string;
  env: { name: string; value?: string }[];
  resources: unknown;
  securityContext: unknown;
}
interface PodSpec {
  serviceAccountName: string;
  securityContext: unknown;
  containers: Container[];
  nodeSelector?: unknown;
  priorityClassName?: string;
}
const find = (objects: Manifest[], kind: string) => {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} in ${objectList(objects).join(', ')}`);
  return found;
};
const podSpec = (objects: Manifest[]) => (find(objects, 'Deployment') as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const env = (objects: Manifest[]) => Object.fromEntries(podSpec(objects).containers[0]!.env.map((e) => [e.name, e.value ?? 'valueFrom']));

describe('the chart, linted and rendered by helm', () => {
  it('passes helm lint --strict with the default values and with ci/full-values.yaml', async () => {
    const plain = await helm.ok(['lint', CHART, '--strict']);
    expect(plain).toContain('1 chart(s) linted, 0 chart(s) failed');
    const full = await helm.ok(['lint', CHART, '--strict', '-f', FULL_VALUES]);
    expect(full).toContain('1 chart(s) linted, 0 chart(s) failed');
  }, BUILD_MS);

  it('installs on the supported Kubernetes versions only (1.32 and later, EKS\'s version strings too)', async () => {
    const old = await helm(['template', 'restpath-operator', CHART, '--kube-version', '1.31.4']);
    expect(old.stderr).toContain('chart requires kubeVersion: >=1.32.0-0 which is incompatible with Kubernetes v1.31.4');
    for (const v of ['v1.32.9-eks-1234567', '1.37.2']) await helm.ok(['template', 'restpath-operator', CHART, '--kube-version', v]);
  }, BUILD_MS);

  it('renders deploy/\'s objects, with a PodDisruptionBudget, for the default values', async () => {
    const objects = await renderChart(helm, 'restpath-operator', 'restpath-system');
    expect(objectList(objects)).toEqual([
      'ClusterRole/restpath-operator',
      'ClusterRoleBinding/restpath-operator',
      'Deployment/restpath-operator',
      'PodDisruptionBudget/restpath-operator',
      'Role/restpath-operator-leader-election',
      'RoleBinding/restpath-operator-leader-election',
      'Service/restpath-operator',
      'ServiceAccount/restpath-operator',
    ]);
    for (const o of objects.filter((x) => !x.kind.startsWith('Cluster'))) expect(o.metadata.namespace, `${o.kind}`).toBe('restpath-system');
    expect(podSpec(objects).containers[0]?.image).toBe('ghcr.io/restpath/restpath-operator:0.1.0');
    // Only what deploy/deployment.yaml sets: every other setting is the operator's default.
    expect(env(objects)).toEqual({ POD_NAMESPACE: 'valueFrom', AWS_REGION: 'us-east-1', RESYNC_PERIOD: '10m' });
  }, BUILD_MS);

  it('renders every optional object, and each value where it belongs, for ci/full-values.yaml', async () => {
    const objects = await renderChart(helm, 'rel', 'ops', ['-f', FULL_VALUES]);
    expect(objectList(objects)).toEqual([
      'ClusterRole/apigw-operator',
      'ClusterRoleBinding/apigw-operator',
      'Deployment/apigw-operator',
      'NetworkPolicy/apigw-operator',
      'PodDisruptionBudget/apigw-operator',
      'PrometheusRule/apigw-operator',
      'Role/apigw-operator-leader-election',
      'RoleBinding/apigw-operator-leader-election',
      'Service/apigw-operator',
      'ServiceAccount/apigw-operator-sa',
      'ServiceMonitor/apigw-operator',
    ]);
    const spec = podSpec(objects);
    expect(spec.serviceAccountName).toBe('apigw-operator-sa');
    expect(spec.containers[0]).toMatchObject({ image: 'registry.example.com/platform/restpath-operator:0.1.0-rc.1', imagePullPolicy: 'Always' });
    expect(spec.priorityClassName).toBe('system-cluster-critical');
    expect(env(objects)).toEqual({
      POD_NAMESPACE: 'valueFrom', AWS_REGION: 'eu-central-1', RESYNC_PERIOD: '5m', WATCH_NAMESPACES: 'shop,payments', ADOPT_NAMESPACES: 'shop',
      LOG_LEVEL: 'debug', CONCURRENCY: '8', DEFAULT_TAGS: 'cost-center=4711,team=platform', SELECTOR: 'shard in (a,b),!legacy', LEADER_ELECTION_ID: 'restpath-operator-shard-ab',
      AWS_ENDPOINT_URL: 'https://apigateway.example.internal', DEBOUNCE: '5s',
    });
    expect(find(objects, 'ServiceAccount').metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/restpath-operator',
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
    });
    expect((find(objects, 'Deployment') as { spec?: { replicas?: number } }).spec?.replicas).toBe(3);
    expect(find(objects, 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: '34%' });
    expect(find(objects, 'ServiceMonitor').spec).toMatchObject({
      namespaceSelector: { matchNames: ['ops'] },
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scrapeTimeout: '5s' }],
    });
    expect(find(objects, 'Service').spec).toMatchObject({ ports: [{ name: 'http', port: 9090, targetPort: 'http' }] });
    // The subjects follow the ServiceAccount's name and the release namespace.
    expect(find(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'apigw-operator-sa', namespace: 'ops' }]);
    expect(find(objects, 'NetworkPolicy').spec).toMatchObject({ policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 'http', protocol: 'TCP' }] }] });
  }, BUILD_MS);

  it('drops the PodDisruptionBudget for one replica (maxUnavailable 1 of 1 would not protect, 0 would block drains)', async () => {
    const one = await renderChart(helm, 'restpath-operator', 'restpath-system', ['--set', 'replicas=1']);
    expect(objectList(one)).not.toContain('PodDisruptionBudget/restpath-operator');
    const off = await renderChart(helm, 'restpath-operator', 'restpath-system', ['--set', 'podDisruptionBudget.enabled=false']);
    expect(objectList(off)).not.toContain('PodDisruptionBudget/restpath-operator');
  }, BUILD_MS);

  it('runs as an existing ServiceAccount with serviceAccount.create=false, and says which value is missing without one', async () => {
    const existing = await renderChart(helm, 'restpath-operator', 'restpath-system', ['--set', 'serviceAccount.create=false', '--set', 'serviceAccount.name=platform-sa']);
    expect(objectList(existing)).not.toContain('ServiceAccount/restpath-operator');
    expect(podSpec(existing).serviceAccountName).toBe('platform-sa');
    const missing = await helm(['template', 'restpath-operator', CHART, '--set', 'serviceAccount.create=false']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('serviceAccount.name: the ServiceAccount to run as, when serviceAccount.create is false');
  }, BUILD_MS);

  it('keeps the restricted Pod Security settings when a user overrides one of them', async () => {
    // Helm merges maps: setting fsGroup keeps runAsNonRoot, the uid and the seccomp profile.
    const objects = await renderChart(helm, 'restpath-operator', 'restpath-system', ['--set', 'podSecurityContext.fsGroup=2000', '--set', 'securityContext.readOnlyRootFilesystem=true']);
    expect(podSpec(objects).securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(podSpec(objects).containers[0]?.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  }, BUILD_MS);
});

describe('what the chart copies from the repository', () => {
  it('has exactly the generated CRDs in its crds/ (npm run crds writes both)', () => {
    const chartCrds = join(CHART, 'crds');
    const expected = renderCrds();
    expect(readdirSync(chartCrds).sort()).toEqual(expected.map((c) => c.fileName).sort());
    for (const { fileName, text } of expected) {
      expect(readFileSync(join(chartCrds, fileName), 'utf8'), `${fileName}: run npm run crds`).toBe(text);
      expect(readFileSync(join(REPO, 'crds', fileName), 'utf8'), fileName).toBe(text);
    }
  });

  it('installs the operator release the repository builds: appVersion is package.json\'s version and deploy/\'s image tag', () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string };
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const kustomization = parse(readFileSync(join(REPO, 'deploy', 'kustomization.yaml'), 'utf8')) as { images: { newTag: string }[] };
    expect(chart.appVersion).toBe(pkg.version);
    expect(kustomization.images[0]?.newTag).toBe(chart.appVersion);
  });

  it('documents every value: docs/install.md\'s values table names exactly the keys of values.yaml', () => {
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    // Kubernetes objects passed through as they are: one row each, not one per field.
    const passThrough = new Set(['resources', 'podSecurityContext', 'securityContext', 'affinity', 'nodeSelector', 'podAnnotations', 'podLabels']);
    const keys = Object.entries(values).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v) && !passThrough.has(k) ? Object.keys(v).map((sub) => `${k}.${sub}`) : [k]);
    // The first cell of each row: `a.b` or `a.b`, `.c` (a sibling of a.b).
    const table = readFileSync(join(REPO, 'docs', 'install.md'), 'utf8').split('\n').filter((l) => l.startsWith('| `'));
    const documented = table.flatMap((row) => {
      const names = [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      const parent = names[0]?.includes('.') ? names[0].slice(0, names[0].indexOf('.')) : '';
      return names.map((n) => (n.startsWith('.') ? `${parent}${n}` : n));
    });
    expect(documented.sort()).toEqual(keys.sort());
  });
});
