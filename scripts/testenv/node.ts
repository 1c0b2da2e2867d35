// One real Kubernetes node for the tests that need Pods (test/e2e/pod.test.ts, `make run-cluster`):
// containerd 2 (built from the Go module proxy), runc, the CNI bridge plugin, a kubelet, and the kube-controller-manager and
// kube-scheduler that make Deployments, garbage collection and ServiceAccounts real. Against a control
// plane started with `startControlPlane(runDir, { node: ... })`.
//
// The node lives in a network namespace of its own, made by this run (`unshare --net`): its bridge rp0
// holds the node address 10.88.0.1 and every Pod gets its own namespace and a 10.88.0.x address on it,
// so two replicas can both listen on their port, and nothing is ever sent to an address of the host
// but 127.0.0.1. Pods reach the API server and the AWS emulator at 10.88.0.1:<their 127.0.0.1 port>;
// the apiserver reaches the kubelet at localhost:<kubelet port>. Both directions are carried by
// scripts/testenv/netns-proxy.ts, one process on each side, over Unix sockets (files, so visible from
// both namespaces). containerd and the kubelet enter the namespace with `nsenter --net` (same pid).
//
// What the kubelet and containerd change outside the run folder is undone at stop(), also when the
// process exits on a signal (synchronously, on 'exit'), and by the next run when one was SIGKILLed:
// kernel sysctls the kubelet sets (recorded first, restored), its bind mount of its root dir and every
// Pod mount (all under the run folder: unmounted), the kubepods cgroups, the folders it and containerd
// create on the host (/var/lib/kubelet, /var/log/containers, /run/containerd, /var/lib/cni, ...:
// removed when this run created them; scripts/testenv/node-host.ts). iptables rules go with the
// namespace. One node per machine at a time: a lock file makes a second run wait.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlPlaneBinaries, type ControlPlane } from './control-plane.js';
import { kubeletClientCert } from './node-certs.js';
import { BRIDGE, CNI_BIN, NODE_IP, cniConfig, containerdConfig, kubeconfigFor, kubeletConfig } from './node-config.js';
import { CGROUP_ROOT, HOST_PATHS, acquireLock, readSysctls, reapStaleNodeRuns, undoNode, type NodeState } from './node-host.js';
import { pauseImageArchive, podman } from './node-images.js';
import { freePort } from './ports.js';
import { lastLines, startProcess, type ManagedProcess } from './processes.js';
import { run, runStep } from './run.js';

export { NODE_IP } from './node-config.js';
export { NODE_RUNS_ROOT, newNodeRunDir, reapStaleNodeRuns } from './node-host.js';

/** The node's name; it resolves to 127.0.0.1 everywhere, which is how the apiserver reaches the kubelet. */
export const NODE_NAME = 'localhost';
const REPO = join(import.meta.dirname, '..', '..');

export interface TestNode {
  name: string;
  /** The API server as the node's Pods reach it (KUBERNETES_SERVICE_HOST/PORT). */
  apiserverForPods: { host: string; port: number };
  /** The AWS emulator as the node's Pods reach it. */
  awsEndpointForPods: string;
  containerdSocket: string;
  processes: ManagedProcess[];
  startupMs: { total: number; kubeletToReady: number };
  /** Copies an image from Podman's store into the node's containerd (`podman save` | `ctr import`); returns ms. */
  loadImage: (ref: string) => Promise<number>;
  /** The kubelet's, containerd's, the controller-manager's and the scheduler's last log lines. */
  logs: () => string;
  stop: () => Promise<void>;
}

export interface NodeOptions {
  runDir: string;
  controlPlane: ControlPlane;
  /** http://127.0.0.1:PORT of the AWS emulator, forwarded to the Pods at NODE_IP:PORT. */
  awsEndpoint?: string;
}

// Prerequisites: Debian's runc and CNI plugins (make setup installs them when missing); containerd is
// built (scripts/testenv/build-containerd.sh).

export function missingNodePrerequisites(): string[] {
  const onPath = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
  return [
    ...['runc', 'nsenter', 'unshare', 'ip', 'podman', 'mount', 'umount'].filter((c) => !onPath(c)),
    ...['bridge', 'host-local', 'loopback'].filter((p) => !existsSync(join(CNI_BIN, p))).map((p) => `CNI plugin ${p}`),
    ...(process.getuid?.() === 0 ? [] : ['root (the kubelet and containerd run as root)']),
  ];
}

// ---------------------------------------------------------------------------------------------------

/**
 * Folders of the node binaries, built when missing: the kubelet, kube-controller-manager and
 * kube-scheduler (with the control plane's), and containerd 2 with its runc shim and ctr.
 */
export async function nodeBinaries(): Promise<{ kube: string; containerd: string }> {
  const previous = process.env.BUILD_NODE;
  process.env.BUILD_NODE = '1';
  try {
    const kube = await controlPlaneBinaries();
    const out = await runStep('building containerd (scripts/testenv/build-containerd.sh)', 'bash', [join(REPO, 'scripts', 'testenv', 'build-containerd.sh')]);
    const containerd = out.trim().split('\n').pop();
    if (!containerd) throw new Error('build-containerd.sh printed no binary folder');
    return { kube, containerd };
  } finally {
    if (previous === undefined) delete process.env.BUILD_NODE;
    else process.env.BUILD_NODE = previous;
  }
}

export async function startNode(opts: NodeOptions): Promise<TestNode> {
  const missing = missingNodePrerequisites();
  if (missing.length > 0) {
    throw new Error(`the test node needs ${missing.join(', ')}; on Debian/Ubuntu: sudo apt-get install -y runc containernetworking-plugins podman (make setup does it)`);
  }
  const started = Date.now();
  const { kube: bin, containerd: containerdBin } = await nodeBinaries();
  const cp = opts.controlPlane;
  const dir = join(opts.runDir, 'node');
  for (const d of ['containerd', 'cni/net.d', 'sock', 'pki', 'kubelet', 'pod-logs', 'volume-plugins', 'kcm', 'images']) mkdirSync(join(dir, d), { recursive: true });
  const releaseLock = await acquireLock();
  reapStaleNodeRuns();

  const state: NodeState = {
    owner: process.pid,
    nodeDir: dir,
    sysctls: readSysctls(),
    absentHostPaths: HOST_PATHS.filter((p) => !existsSync(p)),
    absentCgroups: readdirSync(CGROUP_ROOT).map((h) => join(CGROUP_ROOT, h, 'kubepods')).filter((p) => !existsSync(p)),
  };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state, null, 2));
  let undone = false;
  const undo = () => {
    if (undone) return;
    undone = true;
    undoNode(state);
    releaseLock();
  };
  process.on('exit', undo);

  const processes: ManagedProcess[] = [];
  const stopAllProcesses = async () => {
    await Promise.all([...processes].reverse().map((p) => p.stop()));
  };
  try {
    const apiPort = Number(new URL(cp.server).port);
    const awsPort = opts.awsEndpoint ? Number(new URL(opts.awsEndpoint).port) : undefined;
    const kubeletPort = await freePort();
    const sock = (n: string) => join(dir, 'sock', `${n}.sock`);
    const proxy = join(REPO, 'scripts', 'testenv', 'netns-proxy.ts');

    // Inside: the namespace itself (unshare --net execs the proxy, which holds it), API and AWS in, kubelet out.
    const inner = startProcess({
      name: 'node-netns-proxy', command: 'unshare', runDir: dir,
      args: ['--net', '--', process.execPath, proxy, `--ready=${join(dir, 'inner.ready')}`,
        `tcp:0.0.0.0:${apiPort}=unix:${sock('apiserver')}`,
        ...(awsPort ? [`tcp:0.0.0.0:${awsPort}=unix:${sock('aws')}`] : []),
        `unix:${sock('kubelet')}=tcp:127.0.0.1:${kubeletPort}`],
    });
    processes.push(inner);
    const outer = startProcess({
      name: 'host-proxy', command: process.execPath, runDir: dir,
      args: [proxy, `--ready=${join(dir, 'outer.ready')}`,
        `unix:${sock('apiserver')}=tcp:127.0.0.1:${apiPort}`,
        ...(awsPort ? [`unix:${sock('aws')}=tcp:127.0.0.1:${awsPort}`] : []),
        `tcp:127.0.0.1:${kubeletPort}=unix:${sock('kubelet')}`],
    });
    processes.push(outer);
    await waitFor('the netns proxies', [inner, outer], () => Promise.resolve(existsSync(join(dir, 'inner.ready')) && existsSync(join(dir, 'outer.ready'))), 20_000);
    const netns = `--net=/proc/${inner.pid}/ns/net`;
    const inNs = (args: string[]) => runStep(`ip ${args.join(' ')} (node namespace)`, 'nsenter', [netns, '--', 'ip', ...args]);
    await inNs(['link', 'set', 'lo', 'up']);
    await inNs(['link', 'add', BRIDGE, 'type', 'bridge']);
    await inNs(['addr', 'add', `${NODE_IP}/24`, 'dev', BRIDGE]);
    await inNs(['link', 'set', BRIDGE, 'up']);

    // containerd, in the namespace; the pause image from the cache.
    const pause = await pauseImageArchive(dir);
    writeFileSync(join(dir, 'containerd', 'config.toml'), containerdConfig(dir, pause.ref));
    writeFileSync(join(dir, 'cni', 'net.d', '10-restpath.conflist'), cniConfig(dir));
    const containerdSocket = join(dir, 'containerd', 'containerd.sock');
    // containerd starts its shim (containerd-shim-runc-v2) from PATH: ours first.
    const containerd = startProcess({
      name: 'containerd', command: 'nsenter', runDir: dir,
      args: [netns, '--', join(containerdBin, 'containerd'), '--config', join(dir, 'containerd', 'config.toml')],
      env: { ...process.env, PATH: `${containerdBin}:${process.env.PATH ?? ''}` },
    });
    processes.push(containerd);
    const ctr = (args: string[]) => run(join(containerdBin, 'ctr'), ['--address', containerdSocket, '--namespace', 'k8s.io', ...args]);
    await waitFor('containerd', [containerd], async () => (await ctr(['version'])).code === 0, 30_000);
    await runStep('importing the pause image', join(containerdBin, 'ctr'), ['--address', containerdSocket, '--namespace', 'k8s.io', 'images', 'import', pause.archive]);

    // The kubelet, in the namespace.
    const certs = await kubeletClientCert(cp.certDir, NODE_NAME);
    const caCert = join(cp.certDir, 'ca.crt');
    kubeconfigFor(join(dir, 'kubelet.kubeconfig'), cp.server, caCert, certs.cert, certs.key);
    writeFileSync(join(dir, 'kubelet', 'config.yaml'), kubeletConfig(dir, caCert, kubeletPort));
    // Pods resolve nothing: a resolver on their own loopback, which refuses at once.
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
    const kubeletStarted = Date.now();
    const kubelet = startProcess({
      name: 'kubelet', command: 'nsenter', runDir: dir,
      args: [netns, '--', join(bin, 'kubelet'), `--config=${join(dir, 'kubelet', 'config.yaml')}`, `--kubeconfig=${join(dir, 'kubelet.kubeconfig')}`,
        `--root-dir=${join(dir, 'kubelet', 'root')}`, `--cert-dir=${join(dir, 'kubelet', 'pki')}`, `--hostname-override=${NODE_NAME}`,
        `--node-ip=${NODE_IP}`, '--v=1'],
    });
    processes.push(kubelet);

    // The controller-manager and the scheduler, on the host, with the admin kubeconfig.
    const kc = cp.kubeconfig;
    const controllerManager = startProcess({
      name: 'kube-controller-manager', command: join(bin, 'kube-controller-manager'), runDir: dir,
      args: [`--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`, '--secure-port=0',
        '--leader-elect=false', `--service-account-private-key-file=${join(cp.certDir, 'sa.key')}`, `--root-ca-file=${caCert}`,
        '--use-service-account-credentials=true', '--controllers=*', `--flex-volume-plugin-dir=${join(dir, 'volume-plugins')}`, `--cert-dir=${join(dir, 'kcm')}`, '--v=1'],
    });
    processes.push(controllerManager);
    const scheduler = startProcess({
      name: 'kube-scheduler', command: join(bin, 'kube-scheduler'), runDir: dir,
      args: [`--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`, '--secure-port=0', '--leader-elect=false', '--v=1'],
    });
    processes.push(scheduler);

    const kubectl = (args: string[]) => run(cp.kubectl, args, { env: { ...process.env, KUBECONFIG: cp.kubeconfig } });
    await waitFor('the node to be Ready', [containerd, kubelet, controllerManager, scheduler, inner, outer], async () => {
      const r = await kubectl(['get', 'node', NODE_NAME, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.spec.taints}']);
      const sa = await kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name']);
      return r.code === 0 && r.stdout.startsWith('True ') && !r.stdout.includes('not-ready') && sa.code === 0;
    }, 120_000);
    const kubeletToReady = Date.now() - kubeletStarted;

    const logs = () => [kubelet, containerd, controllerManager, scheduler].map((p) => `--- ${p.name} (${p.exitDescription()}):\n${lastLines(p.logFile, 15)}`).join('\n');
    const stop = async () => {
      if (undone) return;
      // No new Pods, then every Pod stopped by the kubelet (its sandbox and network torn down), then
      // the processes, then what they left on the host.
      await Promise.all([controllerManager.stop(), scheduler.stop()]);
      if (!kubelet.exited() && !containerd.exited()) {
        await kubectl(['delete', 'pods', '--all', '--all-namespaces', '--force', '--grace-period=0', '--wait=false']);
        for (let i = 0; i < 60; i++) {
          const tasks = await ctr(['tasks', 'ls', '-q']);
          if (tasks.code !== 0 || tasks.stdout.trim() === '') break;
          await sleep(500);
        }
      }
      await stopAllProcesses();
      undo();
      process.removeListener('exit', undo);
    };
    return {
      name: NODE_NAME,
      apiserverForPods: { host: NODE_IP, port: apiPort },
      awsEndpointForPods: awsPort ? `http://${NODE_IP}:${awsPort}` : '',
      containerdSocket,
      processes,
      startupMs: { total: Date.now() - started, kubeletToReady },
      loadImage: async (ref: string) => {
        const t = Date.now();
        const archive = join(dir, 'images', `${ref.replace(/[^a-zA-Z0-9.-]/g, '_')}.tar`);
        await podman(`podman save ${ref}`, ['save', '--format', 'docker-archive', '-o', archive, ref]);
        await runStep(`importing ${ref} into the node's containerd`, join(containerdBin, 'ctr'), ['--address', containerdSocket, '--namespace', 'k8s.io', 'images', 'import', archive]);
        rmSync(archive, { force: true });
        return Date.now() - t;
      },
      logs,
      stop,
    };
  } catch (err) {
    await stopAllProcesses().catch(() => undefined);
    undo();
    process.removeListener('exit', undo);
    throw err;
  }
}

/** Polls `probe` until true; fails at once when one of `procs` exits (with its last lines), or at the deadline. */
async function waitFor(what: string, procs: ManagedProcess[], probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const dead = procs.find((p) => p.exited());
    if (dead) throw new Error(`${dead.name} ${dead.exitDescription()} while waiting for ${what}; last lines of ${dead.logFile}:\n${lastLines(dead.logFile)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`waiting for ${what} timed out after ${timeoutMs / 1000}s;\n${procs.map((p) => `--- ${p.name}:\n${lastLines(p.logFile, 12)}`).join('\n')}`);
    }
    await sleep(500);
  }
}
