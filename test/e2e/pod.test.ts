// The operator as users install it: its image, `kubectl apply -k deploy/`, two replicas as Pods on a
// real node (kubelet + containerd, scripts/testenv/node.ts) with the kube-controller-manager and the
// scheduler, under the ServiceAccount and RBAC that deploy/ ships. This file starts a cluster of its own
// (the shared one of the e2e tier has no node) and the AWS emulator the Pods talk to.
//
// The overlay a test needs on top of deploy/ (generated in the run folder) changes only what a local
// cluster must: the image (the local build, never pulled), where the API server and AWS are (the node's
// address: the Service IP 10.0.0.1 has no kube-proxy behind it here, and there is no real AWS), and AWS
// credentials for the emulator account (IRSA in production). Everything else is deploy/ as shipped.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsAccount } from '../../scripts/testenv/aws-emulator.js';
import { startNodeEnvironment, type NodeEnvironment } from '../../scripts/testenv/node-environment.js';
import type { Kubectl } from '../../scripts/testenv/kubectl.js';
import { operatorImage, writeOperatorOverlay } from '../../scripts/testenv/operator-install.js';
import { minimumSeconds } from '../../src/aws/quotas.js';
import { burstDocs, burstProblems, METHODS, PATHS, untilPartlyApplied } from '../support/chaos-burst.js';
import { shippedExampleObjects, withoutGroup } from '../support/examples.js';
import { FIXTURES } from '../support/fixtures.js';
import { mockPathYaml, objectsIn, type KubeObject } from '../support/objects.js';
import { holderPod, NS, podCluster, SELECTOR, shippedRules } from '../support/pod-cluster.js';
import { never, until } from '../support/until.js';

const REPO = join(import.meta.dirname, '..', '..');
const SA_USER = `system:serviceaccount:${NS}:restpath-operator`;
const LEASE_SECONDS = 15; // the operator's leaseDurationSeconds (src/kube/leader-election.ts)
/** Negative checks watch for this long: two liveness periods (10 s each) and a bit. */
const TWO_LIVENESS_PERIODS_MS = 21_000;
/** Long enough for the garbage collector to act (it took ~0.3 s) if the finalizer did not hold. */
const FINALIZER_HOLDS_WINDOW_MS = 3_000;

let env: NodeEnvironment;
let account: AwsAccount;
let image = '';
let overlay = '';
const timings: Record<string, number> = {};

const kubectl = (args: string[], input?: string) => env.kubectl(args, input);
const ok = (args: string[], input?: string) => env.kubectl.ok(args, input);
// kubectl of this file's cluster (started in beforeAll), for the shared helpers.
const lazyKubectl: Kubectl = Object.assign(kubectl, { ok });
const shop = objectsIn(lazyKubectl, () => 'shop', () => operatorLogs());

const { operatorPods, lease, operatorLogs, diagnostics, followLogs, aws, rolledOut } = podCluster(() => env, () => account);
let newLeader = '';

// Per-operation creates: the leader is deleted while a third of the burst is in AWS, which one
// PutRestApi (bulk create, test/e2e/bulk-create.test.ts) would leave no time for.
const OPERATOR_ENV = { BULK_CREATE: 'false' };

beforeAll(async () => {
  let t = Date.now();
  const [started, built] = await Promise.all([startNodeEnvironment(), operatorImage()]);
  env = started;
  image = built;
  timings.environmentAndImage = Date.now() - t;
  timings.node = env.startupMs.node;
  timings.imageLoad = await env.node.loadImage(image);
  account = await env.aws.freshAccount();
  overlay = writeOperatorOverlay(join(env.runDir, 'overlay'), { image, node: env.node, account, env: OPERATOR_ENV });
  t = Date.now();
  await ok(['apply', '-k', overlay]);
  await rolledOut();
  timings.install = Date.now() - t;
}, 20 * 60_000);

afterAll(async () => {
  console.log(`[pod e2e] ${image}; ms: ${JSON.stringify(timings)}`);
  await env?.stop();
}, 120_000);

describe('the operator as a Deployment on a real node', () => {
  it('runs on a node of the Kubernetes version under test: its kubelet is the API server\'s version, on containerd 2, cgroup v1', async () => {
    const version = JSON.parse(await ok(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } };
    const nodes = JSON.parse(await ok(['get', 'nodes', '-o', 'json'])) as { items: { status: { nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string } } }[] };
    expect(nodes.items).toHaveLength(1);
    const info = nodes.items[0]!.status.nodeInfo;
    expect(info.kubeletVersion).toBe(version.serverVersion.gitVersion);
    expect(info.containerRuntimeVersion).toMatch(/^containerd:\/\/v?2\./);
    console.log(`[pod e2e] node: kubelet ${info.kubeletVersion}, ${info.containerRuntimeVersion}`);
  });

  it('runs two replicas, Running and Ready (readiness and liveness probes pass), from the local image', async () => {
    const pods = await operatorPods();
    expect(pods.map((p) => p.status.phase)).toEqual(['Running', 'Running']);
    for (const pod of pods) {
      const c = pod.spec.containers[0];
      expect(c?.image).toBe(image);
      expect(c?.imagePullPolicy).toBe('Never');
      expect(c?.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(c?.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(pod.status.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
      expect(pod.status.podIP).toMatch(/^10\.88\.0\.\d+$/);
    }
    // For two liveness periods (10 s each): no restart, no failed liveness probe. (Readiness fails until
    // the caches are synced, as it should: those Unhealthy Events are the readiness gate working.)
    await never('a restart or a failed liveness probe', async () => {
      const restarts = (await operatorPods()).reduce((n, pod) => n + (pod.status.containerStatuses?.[0]?.restartCount ?? 0), 0);
      const unhealthy = JSON.parse(await ok(['get', 'events', '-n', NS, '--field-selector', 'reason=Unhealthy', '-o', 'json'])) as { items: { message: string }[] };
      const liveness = unhealthy.items.map((e) => e.message).filter((m) => !m.startsWith('Readiness probe failed'));
      return restarts > 0 || liveness.length > 0 ? { restarts, liveness } : undefined;
    }, TWO_LIVENESS_PERIODS_MS);
  }, 60_000);

  it('runs as the ServiceAccount of deploy/ with the projected, Pod-bound token (kube-api-access volume)', async () => {
    for (const pod of await operatorPods()) {
      expect(pod.spec.serviceAccountName).toBe('restpath-operator');
      const volume = pod.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
      expect(volume?.projected?.sources.find((s) => s.serviceAccountToken)?.serviceAccountToken).toMatchObject({ path: 'token', expirationSeconds: 3607 });
      expect(volume?.projected?.sources.find((s) => s.configMap)?.configMap?.name).toBe('kube-root-ca.crt');
      expect(pod.spec.containers[0]?.volumeMounts).toContainEqual({ name: volume?.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
      // The token the process reads: issued for this ServiceAccount and bound to this Pod, with an expiry.
      const script = "const t=require('fs').readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/token','utf8');console.log(Buffer.from(t.split('.')[1],'base64url').toString())";
      const claims = JSON.parse(await ok(['exec', '-n', NS, pod.metadata.name, '--', '/nodejs/bin/node', '-e', script])) as { sub: string; exp: number; iat: number; 'kubernetes.io': { pod?: { name: string } } };
      expect(claims.sub).toBe(SA_USER);
      expect(claims['kubernetes.io'].pod?.name).toBe(pod.metadata.name);
      expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(3600);
    }
  }, 60_000);

  it('elects one leader: the Lease names one replica, the other stands by', async () => {
    const pods = (await operatorPods()).map((p) => p.metadata.name);
    const spec = await until('a Lease holder', async () => (await lease()).holderIdentity, 60_000);
    expect(pods).toContain(holderPod(spec));
    expect((await lease()).leaseDurationSeconds).toBe(LEASE_SECONDS);
    for (const pod of pods) {
      const log = await ok(['logs', '-n', NS, pod]);
      expect(log.includes('became the leader'), `${pod}:\n${log}`).toBe(pod === holderPod(spec));
      expect(log).toContain('caches synced');
    }
  }, 60_000);

  it('hands over within the lease duration when the leader Pod is deleted; the change applied right after (the examples) is not lost', async () => {
    const before = holderPod((await lease()).holderIdentity);
    expect(before).toBeTruthy();
    const leaderLog = followLogs(before!);
    await until('the leader log followed', () => Promise.resolve(leaderLog.text() ? true : undefined), 10_000);
    const t0 = Date.now();
    await ok(['delete', 'pod', before!, '-n', NS, '--wait=false']);
    // A change right after the delete, while the old leader shuts down: the examples.
    await ok(['apply', '-f', join(REPO, 'deploy', 'examples')]);
    const after = await until('a new leader', async () => {
      const h = holderPod((await lease()).holderIdentity);
      return h && h !== before ? h : undefined;
    }, LEASE_SECONDS * 1000 + 20_000);
    const handoverMs = Date.now() - t0;
    timings.leaderHandover = handoverMs;
    // The old leader's last lines (for the message below) arrive until its log stream ends with it.
    await until('the old leader log ended', () => Promise.resolve(leaderLog.ended() ? true : undefined), 30_000).catch(() => undefined);
    leaderLog.stop();
    expect(handoverMs, `the deleted leader ${before!} logged (from just before its deletion):\n${leaderLog.text()}`).toBeLessThan(LEASE_SECONDS * 1000);
    expect((await operatorPods()).map((p) => p.metadata.name)).toContain(after);
    newLeader = after;
    await rolledOut();
  }, 120_000);

  it('makes the shipped examples Ready (reconciled by the new leader)', async () => {
    const names = (await ok(['get', 'ra,rp,up', '-n', 'shop', '-o', 'name'])).split('\n').filter(Boolean);
    expect(withoutGroup(names)).toEqual(shippedExampleObjects());
    for (const o of names) await shop.waitFor(o, 'Ready', 'True', undefined, 180_000).catch(async (e: Error) => { throw new Error(`${e.message}\n${await diagnostics()}`); });
    const api = await shop.get<{ id: string }>('restapi/shop');
    const apis = (await aws(['apigateway', 'get-rest-apis'])) as { items: { id: string; name: string }[] };
    expect(apis.items.find((a) => a.id === api.status?.id)?.name).toBe('shop-api');
    const generated = await shop.get('secret/partner-b');
    const plan = await shop.get('usageplan/partners');
    expect(generated.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'UsagePlan', name: 'partners', uid: plan.metadata.uid })]);
    const log = await ok(['logs', '-n', NS, newLeader]);
    expect(log).toContain('"key":"shop/shop"');
    expect(log).toContain('"key":"usageplan:shop/partners"');
  }, 240_000);

  it('deleting the leader Pod mid-burst (100 RestPaths x 3 methods and a UsagePlan) loses nothing and duplicates nothing', async () => {
    await ok(['create', 'namespace', 'burst']);
    const burst = objectsIn(lazyKubectl, () => 'burst', () => operatorLogs());
    const docs = burstDocs(`burst-${randomBytes(16).toString('hex')}`);
    await burst.apply([docs.api, ...docs.paths, docs.plan].join('\n---\n'));
    await untilPartlyApplied(burst, aws, PATHS / 3); // mid-burst
    const leader = holderPod((await lease()).holderIdentity);
    const t0 = Date.now();
    await ok(['delete', 'pod', leader!, '-n', NS, '--wait=false']);
    let last: string[] = [];
    await burst.until('the burst Ready and AWS exactly its manifests', async () => {
      last = await burstProblems(lazyKubectl, 'burst', aws, 'burst/');
      return last.length === 0 ? true : undefined;
    }, LEASE_SECONDS * 1000 + 2 * minimumSeconds(PATHS, 1 + 2 * METHODS.length) * 1000 + 10_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${last.join('\n')}\n${await diagnostics()}`);
    });
    timings.burstAfterLeaderDeleted = Date.now() - t0;
    expect(holderPod((await lease()).holderIdentity)).not.toBe(leader);
    await rolledOut();
    // Neither replica restarted its container: the deleted one was replaced, not crash-looping.
    expect((await operatorPods()).flatMap((p) => p.status.containerStatuses ?? []).map((c) => c.restartCount)).toEqual([0, 0]);
  }, 300_000);

  it('has exactly the permissions deploy/rbac.yaml grants, and a verb removed from it fails the operator', async () => {
    const rendered = await ok(['kustomize', join(REPO, 'deploy')]);
    const clusterRules = shippedRules(rendered, 'ClusterRole');
    const leaseRules = shippedRules(rendered, 'Role');
    // kubectl auth can-i as the ServiceAccount; `resource` may name a subresource (restapis/status).
    const canI = async (verb: string, resource: string, namespace?: string) => {
      const [res, sub] = resource.split('/');
      const r = await kubectl(['auth', 'can-i', verb, res!, ...(sub ? [`--subresource=${sub}`] : []), `--as=${SA_USER}`, ...(namespace ? ['-n', namespace] : ['--all-namespaces'])]);
      return r.stdout.trim() || r.stderr.trim();
    };
    const allVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
    // can-i resolves a resource through discovery: external-dns's DNSEndpoint CRD (a reduced copy) must be there.
    await ok(['apply', '-f', join(FIXTURES, 'external-dns', 'dnsendpoint-crd.yaml')]);
    await ok(['wait', '--for=condition=Established', '--timeout=30s', 'crd/dnsendpoints.externaldns.k8s.io']);
    for (const rule of clusterRules) {
      for (const res of rule.resources) {
        const [base, sub] = res.split('/');
        const resource = `${base}${rule.apiGroups[0] ? `.${rule.apiGroups[0]}` : ''}${sub ? `/${sub}` : ''}`;
        for (const verb of allVerbs) expect(`${verb} ${resource}: ${await canI(verb, resource)}`).toBe(`${verb} ${resource}: ${rule.verbs.includes(verb) ? 'yes' : 'no'}`);
      }
    }
    for (const verb of allVerbs) {
      const granted = leaseRules.some((r) => r.verbs.includes(verb));
      expect(`${verb} leases in ${NS}: ${await canI(verb, 'leases.coordination.k8s.io', NS)}`).toBe(`${verb} leases in ${NS}: ${granted ? 'yes' : 'no'}`);
      expect(`${verb} leases in shop: ${await canI(verb, 'leases.coordination.k8s.io', 'shop')}`).toBe(`${verb} leases in shop: no`);
    }
    // Events about a cluster-scoped object (an AwsAccount) go into default.
    expect(`create events in default: ${await canI('create', 'events.events.k8s.io', 'default')}`).toBe('create events in default: yes');
    for (const [verb, resource] of [['get', 'configmaps'], ['create', 'pods'], ['get', 'deployments.apps'], ['update', 'restapis.apigateway.restpath.dev']] as const) {
      expect(`${verb} ${resource}: ${await canI(verb, resource)}`).toBe(`${verb} ${resource}: no`);
    }

    // The same install without `create` on Secrets: a new generated key cannot be written, and the
    // operator says so with the API server's Forbidden for its ServiceAccount.
    const withoutCreate = clusterRules.map((r) => (r.resources.includes('secrets') ? { ...r, verbs: r.verbs.filter((v) => v !== 'create') } : r));
    await ok(['apply', '-k', writeOperatorOverlay(join(env.runDir, 'overlay-no-secret-create'), { image, node: env.node, account, env: OPERATOR_ENV, clusterRoleRules: withoutCreate })]);
    await until('create secrets denied', async () => ((await canI('create', 'secrets', 'shop')) === 'no' ? true : undefined), 30_000);
    await ok(['patch', 'usageplan', 'partners', '-n', 'shop', '--type=json', '-p',
      JSON.stringify([{ op: 'add', path: '/spec/apiKeys/-', value: { name: 'partner-c', generateInto: { secretName: 'partner-c' } } }])]);
    // The API server's words, as the operator logs them (inside the escaped response body).
    const forbidden = `secrets is forbidden: User "${SA_USER}" cannot create resource "secrets"`;
    const said = await until('the Forbidden in the leader log', async () => {
      const holder = holderPod((await lease()).holderIdentity);
      const log = holder ? (await kubectl(['logs', '-n', NS, holder])).stdout : '';
      return log.split('\n').find((l) => l.replaceAll('\\', '').includes(forbidden));
    }, 60_000).catch(async (e: Error) => { throw new Error(`${e.message}\n${await diagnostics()}`); });
    expect(said).toContain('"key":"usageplan:shop/partners"');
    const plan = await shop.get('usageplan/partners');
    const readyNow = shop.condition(plan, 'Ready')?.status === 'True' && plan.status?.observedGeneration === plan.metadata.generation;
    expect(readyNow, 'the plan must not be Ready for the generation that needs the new key').toBe(false);
    expect((await kubectl(['get', 'secret', 'partner-c', '-n', 'shop'])).code).not.toBe(0);

    // deploy/ as shipped again: the key is generated, the plan Ready.
    await ok(['apply', '-k', overlay]);
    await shop.waitFor('usageplan/partners', 'Ready', 'True', undefined, 120_000);
    expect((await shop.get('secret/partner-c')).metadata.ownerReferences?.[0]?.name).toBe('partners');
  }, 300_000);

  it('completes kubectl rollout restart with no gap in leadership longer than the lease, and reconciles a change made during it', async () => {
    const renewals: { at: number; holder: string }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const spec = await lease().catch(() => undefined);
        if (spec?.renewTime && spec.holderIdentity && renewals.at(-1)?.at !== Date.parse(spec.renewTime)) renewals.push({ at: Date.parse(spec.renewTime), holder: spec.holderIdentity });
        await sleep(250); // the sampling interval of the Lease, not a synchronization
      }
    })();
    const oldPods = (await operatorPods()).map((p) => p.metadata.name);
    const t0 = Date.now();
    await ok(['rollout', 'restart', 'deployment/restpath-operator', '-n', NS]);
    await shop.apply(mockPathYaml('restarted', 'shop', '/restarted'));
    await rolledOut();
    timings.rolloutRestart = Date.now() - t0;
    const newPods = (await operatorPods()).map((p) => p.metadata.name);
    expect(newPods).toHaveLength(2);
    expect(newPods.filter((p) => oldPods.includes(p))).toEqual([]);
    // The old leader may finish a reconcile after its SIGTERM (one waiting for the UpdateUsagePlan
    // quota takes up to 20 s), renewing the Lease meanwhile; then a new Pod holds it.
    await until('a Pod of the new ReplicaSet leading', async () => (newPods.includes(holderPod((await lease()).holderIdentity) ?? '') ? true : undefined), 60_000);
    timings.rolloutRestartToNewLeader = Date.now() - t0;
    await shop.waitFor('restpath/restarted', 'Ready', 'True', undefined, 90_000);
    // One more renewal by the new leader closes the last gap measured.
    const readyAt = Date.now();
    await until('a renewal by a new Pod after Ready', () => Promise.resolve(renewals.some((r) => r.at >= readyAt - 1000 && newPods.includes(holderPod(r.holder) ?? '')) ? true : undefined), LEASE_SECONDS * 1000);
    sampling = false;
    await sampler;
    const gaps = renewals.slice(1).map((r, i) => r.at - renewals[i]!.at);
    timings.longestLeaseGap = Math.max(...gaps);
    expect(Math.max(...gaps), JSON.stringify(renewals)).toBeLessThan(LEASE_SECONDS * 1000);
    expect(new Set(renewals.map((r) => holderPod(r.holder))).size).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('lets the garbage collector delete the generated key Secret through its ownerReference, with the operator scaled to 0', async () => {
    const plan = await shop.get('usageplan/partners');
    const secret = await shop.get('secret/partner-b');
    expect(secret.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'UsagePlan', name: 'partners', uid: plan.metadata.uid })]);
    await ok(['scale', 'deployment/restpath-operator', '-n', NS, '--replicas=0']);
    await ok(['wait', '--for=delete', 'pod', '-l', SELECTOR, '-n', NS, '--timeout=90s']);
    await ok(['delete', 'usageplan', 'partners', '-n', 'shop', '--wait=false']);
    // Nobody removes the operator's finalizer now: the plan stays, so does its Secret (a bounded negative check).
    await never('the plan or its Secret gone while the finalizer holds', async () => ((await kubectl(['get', 'usageplan', 'partners', '-n', 'shop'])).code !== 0 || (await kubectl(['get', 'secret', 'partner-b', '-n', 'shop'])).code !== 0 ? true : undefined), FINALIZER_HOLDS_WINDOW_MS);
    const terminating = await shop.get('usageplan/partners') as KubeObject & { metadata: { deletionTimestamp?: string; finalizers?: string[] } };
    expect(terminating.metadata.deletionTimestamp).toBeTruthy();
    expect(terminating.metadata.finalizers?.length).toBeGreaterThan(0);
    expect((await kubectl(['get', 'secret', 'partner-b', '-n', 'shop'])).code).toBe(0);
    // A user removes the finalizer of the uninstalled operator: the plan goes, and the garbage collector
    // deletes what it owned. The Secret the user made (partner-a) has no owner and stays.
    const t0 = Date.now();
    await ok(['patch', 'usageplan', 'partners', '-n', 'shop', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await until('partner-b deleted by the garbage collector', async () => ((await kubectl(['get', 'secret', 'partner-b', '-n', 'shop'])).code !== 0 ? true : undefined), 60_000);
    await until('partner-c deleted by the garbage collector', async () => ((await kubectl(['get', 'secret', 'partner-c', '-n', 'shop'])).code !== 0 ? true : undefined), 60_000);
    timings.garbageCollection = Date.now() - t0;
    expect((await kubectl(['get', 'secret', 'partner-a', '-n', 'shop'])).code).toBe(0);
  }, 180_000);
});
