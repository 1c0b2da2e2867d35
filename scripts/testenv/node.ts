// One real Kubernetes node for the tests that need Pods (test/e2e/pod.test.ts, `make run-cluster`):
// containerd (Debian's), runc, the CNI bridge plugin, a kubelet, and the kube-controller-manager and
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
// removed when this run created them). iptables rules go with the namespace. One node per machine at
// a time: a lock file makes a second run wait.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlPlaneBinaries, type ControlPlane } from './control-plane.js';
import { kubeletClientCert } from './node-certs.js';
import { freePort } from './ports.js';
import { isAlive, lastLines, startProcess, type ManagedProcess } from './processes.js';
import { run, runStep } from './run.js';

/** The node's name; it resolves to 127.0.0.1 everywhere, which is how the apiserver reaches the kubelet. */
export const NODE_NAME = 'localhost';
/** The node's address inside its namespace (the bridge's): where Pods reach the API server and AWS. */
export const NODE_IP = '10.88.0.1';
const POD_SUBNET = '10.88.0.0/24';
const BRIDGE = 'rp0';
const PAUSE_IMAGE = 'localhost/restpath-testenv/pause';

const REPO = join(import.meta.dirname, '..', '..');
const CACHE_ROOT = process.env.RESTPATH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? tmpdir(), '.cache'), 'restpath-operator');
const LOCK_FILE = join(tmpdir(), 'restpath-testenv-node.lock');
/** Run folders of the node environments; not under restpath-testenv, whose reaper cannot unmount. */
export const NODE_RUNS_ROOT = join(tmpdir(), 'restpath-node');

/** Kernel settings the kubelet changes at start (container manager's kernel tunables). */
const SYSCTLS = ['vm/overcommit_memory', 'vm/panic_on_oom', 'kernel/panic', 'kernel/panic_on_oops', 'kernel/keys/root_maxkeys', 'kernel/keys/root_maxbytes'];
/**
 * Host paths the kubelet, containerd and the CNI library create whatever their configured dirs; each is
 * removed when it was absent before. /var/lib/cni is shared with Podman's CNI networks: only the CNI
 * result cache the node made goes, and the folder itself only when that leaves it empty. (Pod network
 * namespaces are mounted under the run folder, so /run/netns is not touched.)
 */
const HOST_PATHS = ['/var/lib/kubelet', '/var/log/containers', '/var/log/pods', '/usr/libexec/kubernetes', '/run/containerd',
  '/var/lib/cni/results', '/var/lib/cni', '/run/xtables.lock', '/etc/kubernetes', '/var/lib/containerd'];
const SHARED_HOST_PATHS = ['/var/lib/cni'];
const CGROUP_ROOT = '/sys/fs/cgroup';

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

interface NodeState {
  owner: number;
  nodeDir: string;
  sysctls: Record<string, string>;
  absentHostPaths: string[];
  absentCgroups: string[];
}

// ---------------------------------------------------------------------------------------------------
// Prerequisites: Debian's containerd, runc and CNI plugins (make setup installs them when missing).

const CNI_BIN = ['/usr/lib/cni', '/opt/cni/bin'].find((d) => existsSync(join(d, 'bridge'))) ?? '/usr/lib/cni';

export function missingNodePrerequisites(): string[] {
  const onPath = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
  return [
    ...['containerd', 'ctr', 'runc', 'nsenter', 'unshare', 'ip', 'podman', 'mount', 'umount'].filter((c) => !onPath(c)),
    ...['bridge', 'host-local', 'loopback'].filter((p) => !existsSync(join(CNI_BIN, p))).map((p) => `CNI plugin ${p}`),
    ...(process.getuid?.() === 0 ? [] : ['root (the kubelet and containerd run as root)']),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Undoing what a node changed on the host: synchronous, so it also runs on 'exit'.

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function readSysctls(): Record<string, string> {
  return Object.fromEntries(SYSCTLS.filter((k) => existsSync(`/proc/sys/${k}`)).map((k) => [k, readFileSync(`/proc/sys/${k}`, 'utf8').trim()]));
}

function kubepodsCgroups(): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  return readdirSync(CGROUP_ROOT).map((h) => join(CGROUP_ROOT, h, 'kubepods')).filter((p) => existsSync(p));
}

function cgroupTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: { name: string; isDirectory: () => boolean }[] = [];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return; // removed meanwhile (the kubelet removes a Pod's cgroups as it goes)
    }
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
    out.push(d);
  };
  walk(dir);
  return out; // children before parents
}

function pidsIn(cgroups: string[]): number[] {
  const pids = new Set<number>();
  for (const root of cgroups) {
    for (const d of cgroupTree(root)) {
      try {
        for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (Number(p) > 0) pids.add(Number(p));
      } catch {
        /* removed meanwhile */
      }
    }
  }
  return [...pids];
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Processes whose command line names `dir` (containerd's shims name its socket; everything started there names its files). */
function pidsNaming(dir: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => pid !== process.pid && cmdline(pid).includes(dir));
}

function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function mountsUnder(dir: string): string[] {
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => unescape(l.split(' ')[4] ?? ''))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Undoes a node's changes to the host, given what was recorded before it started: kills what still
 * runs in its cgroups or names its folder (by pid), unmounts everything under its folder, removes the
 * cgroups and host folders it created and restores the sysctls. Idempotent.
 */
function undoNode(state: NodeState): void {
  // Each step on its own: one that fails (a process or folder vanishing meanwhile) must not keep the
  // others from running; this also runs inside an 'exit' handler, where a throw would end it.
  const step = (what: string, f: () => void) => {
    try {
      f();
    } catch (err) {
      console.error(`[testenv] undoing the node: ${what} failed: ${(err as Error).message}`);
    }
  };
  step('stopping its processes', () => stopNodeProcesses(state));
  step('unmounting', () => {
    for (const m of mountsUnder(state.nodeDir)) {
      if (spawnSync('umount', [m]).status !== 0) spawnSync('umount', ['-l', m]);
    }
  });
  step('removing cgroups', () => removeCgroups(state));
  step('restoring sysctls', () => restoreSysctls(state));
  step('removing host folders', () => {
    for (const p of state.absentHostPaths) {
      if (SHARED_HOST_PATHS.includes(p)) {
        if (existsSync(p) && readdirSync(p).length === 0) rmdirSync(p);
        continue;
      }
      for (const m of mountsUnder(p)) spawnSync('umount', ['-l', m]);
      rmSync(p, { recursive: true, force: true });
    }
  });
}

function stopNodeProcesses(state: NodeState): void {
  const createdCgroups = kubepodsCgroups().filter((c) => state.absentCgroups.includes(c));
  for (let i = 0; i < 50; i++) {
    const pids = [...pidsIn(createdCgroups), ...pidsNaming(state.nodeDir)];
    if (pids.length === 0) break;
    killPids(pids);
    sleepSync(100);
  }
}

function removeCgroups(state: NodeState): void {
  const createdCgroups = kubepodsCgroups().filter((c) => state.absentCgroups.includes(c));
  for (const c of createdCgroups) {
    for (const d of cgroupTree(c)) {
      for (let i = 0; i < 20; i++) {
        try {
          rmdirSync(d);
          break;
        } catch {
          sleepSync(50); // the last task of a cgroup takes a moment to leave it
        }
      }
    }
  }
}

function restoreSysctls(state: NodeState): void {
  for (const [key, value] of Object.entries(state.sysctls)) {
    try {
      if (readFileSync(`/proc/sys/${key}`, 'utf8').trim() !== value) writeFileSync(`/proc/sys/${key}`, value);
    } catch {
      /* not settable here */
    }
  }
}

/** Stops and undoes node runs whose owning process is gone (SIGKILLed: nothing could clean up). */
export function reapStaleNodeRuns(): void {
  if (!existsSync(NODE_RUNS_ROOT)) return;
  for (const name of readdirSync(NODE_RUNS_ROOT)) {
    const dir = join(NODE_RUNS_ROOT, name);
    const ownerFile = join(dir, 'owner');
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) : 0;
    if (isAlive(owner)) continue;
    if (existsSync(ownerFile) || statSync(dir).mtimeMs < Date.now() - 60_000) {
      killPids(pidsNaming(dir));
      const stateFile = join(dir, 'node', 'state.json');
      if (existsSync(stateFile)) undoNode(JSON.parse(readFileSync(stateFile, 'utf8')) as NodeState);
      for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m]);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** A new run folder under NODE_RUNS_ROOT, owned by this process. */
export function newNodeRunDir(): string {
  mkdirSync(NODE_RUNS_ROOT, { recursive: true });
  const dir = join(NODE_RUNS_ROOT, `run-${Date.now().toString(36)}-${process.pid}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'owner'), `${process.pid}\n`);
  return dir;
}

async function acquireLock(): Promise<() => void> {
  const started = Date.now();
  let said = false;
  for (;;) {
    try {
      const fd = openSync(LOCK_FILE, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        if (existsSync(LOCK_FILE) && readFileSync(LOCK_FILE, 'utf8').trim() === String(process.pid)) rmSync(LOCK_FILE, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(LOCK_FILE, 'utf8').trim() || 0);
      if (!isAlive(holder)) {
        rmSync(LOCK_FILE, { force: true });
        continue;
      }
      if (!said) {
        console.log(`[testenv] another run (pid ${holder}) has the machine's test node; waiting for it (${LOCK_FILE})`);
        said = true;
      }
      if (Date.now() - started > 20 * 60_000) throw new Error(`the test node is still held by pid ${holder} after 20 minutes (${LOCK_FILE})`);
      await sleep(1000);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Configuration files.

function containerdConfig(dir: string, pauseImage: string): string {
  return `version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "${dir}/containerd/containerd.sock"

[ttrpc]
  address = "${dir}/containerd/containerd.sock.ttrpc"

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${pauseImage}"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  # Pod network namespaces are mounted under the state dir (in the run folder), not /run/netns.
  netns_mounts_under_state_dir = true
  # Without CAP_SYS_RESOURCE (this sandbox) runc cannot lower a sandbox's oom_score_adj below the
  # caller's: "nsexec: failed to update /proc/self/oom_score_adj: Permission denied".
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "runc"
        Root = "${dir}/containerd/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_BIN}"
    conf_dir = "${dir}/cni/net.d"
    max_conf_num = 1
`;
}

function cniConfig(dir: string): string {
  return JSON.stringify({
    cniVersion: '0.4.0',
    name: 'restpath-testenv',
    plugins: [{
      type: 'bridge', bridge: BRIDGE, isGateway: true, isDefaultGateway: false, ipMasq: false, hairpinMode: false,
      ipam: { type: 'host-local', ranges: [[{ subnet: POD_SUBNET, gateway: NODE_IP }]], dataDir: join(dir, 'cni', 'ipam') },
    }],
  }, null, 2);
}

function kubeletConfig(dir: string, caCert: string, port: number): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1 (this host's hybrid hierarchy), no systemd: cgroupfs; newer kubelets refuse v1 unless told.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://${dir}/containerd/containerd.sock
address: 127.0.0.1
port: ${port}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: ${caCert} }
authorization:
  mode: Webhook
registerNode: true
podLogsDir: ${dir}/pod-logs
volumePluginDir: ${dir}/volume-plugins
resolvConf: ${dir}/resolv.conf
# A developer machine's disk is often fuller than a node's: no eviction, no image garbage collection
# (the operator image is imported, not pullable).
evictionHard: { memory.available: 50Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
`;
}

function kubeconfigFor(path: string, server: string, caCert: string, cert: string, key: string): void {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config', 'current-context: node',
    'clusters:', '- name: testenv', '  cluster:', `    server: ${server}`, `    certificate-authority-data: ${b64(caCert)}`,
    'users:', '- name: node', '  user:', `    client-certificate-data: ${b64(cert)}`, `    client-key-data: ${b64(key)}`,
    'contexts:', '- name: node', '  context: { cluster: testenv, user: node }', '',
  ].join('\n'), { mode: 0o600 });
}

// ---------------------------------------------------------------------------------------------------
// Images.

/** podman as it works on this kind of machine (scripts/image/podman.sh: runc, cgroupfs, no ulimits). */
function podman(step: string, args: string[]): Promise<string> {
  const wrapper = join(REPO, 'scripts', 'image', 'podman.sh');
  return existsSync(wrapper) ? runStep(step, 'bash', [wrapper, ...args]) : runStep(step, 'podman', args);
}

/** The pause image as a docker-archive tar, built once per source (static Go binary FROM scratch). */
async function pauseImageArchive(workDir: string): Promise<{ ref: string; archive: string }> {
  const source = join(REPO, 'scripts', 'testenv', 'pause');
  const hash = createHash('sha256').update(readFileSync(join(source, 'main.go'))).update(readFileSync(join(source, 'go.mod'))).digest('hex').slice(0, 12);
  const ref = `${PAUSE_IMAGE}:${hash}`;
  const archive = join(CACHE_ROOT, 'pause', `pause-${hash}.tar`);
  if (existsSync(archive)) return { ref, archive };
  mkdirSync(join(CACHE_ROOT, 'pause'), { recursive: true });
  const ctx = join(workDir, 'pause-build');
  mkdirSync(ctx, { recursive: true });
  await runStep('building the pause binary', 'go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(ctx, 'pause'), '.'], {
    cwd: source, env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
  });
  writeFileSync(join(ctx, 'Containerfile'), 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n');
  await podman('building the pause image', ['build', '--quiet', '-t', ref, ctx]);
  await podman('saving the pause image', ['save', '--format', 'docker-archive', '-o', `${archive}.tmp`, ref]);
  renameSync(`${archive}.tmp`, archive);
  return { ref, archive };
}

// ---------------------------------------------------------------------------------------------------

/** Folder of the node binaries (kubelet, kube-controller-manager, kube-scheduler), built when missing. */
export async function nodeBinaries(): Promise<string> {
  const previous = process.env.BUILD_NODE;
  process.env.BUILD_NODE = '1';
  try {
    return await controlPlaneBinaries();
  } finally {
    if (previous === undefined) delete process.env.BUILD_NODE;
    else process.env.BUILD_NODE = previous;
  }
}

export async function startNode(opts: NodeOptions): Promise<TestNode> {
  const missing = missingNodePrerequisites();
  if (missing.length > 0) {
    throw new Error(`the test node needs ${missing.join(', ')}; on Debian/Ubuntu: sudo apt-get install -y containerd runc containernetworking-plugins podman (make setup does it)`);
  }
  const started = Date.now();
  const bin = await nodeBinaries();
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
    const containerd = startProcess({ name: 'containerd', command: 'nsenter', runDir: dir, args: [netns, '--', 'containerd', '--config', join(dir, 'containerd', 'config.toml')] });
    processes.push(containerd);
    const ctr = (args: string[]) => run('ctr', ['--address', containerdSocket, '--namespace', 'k8s.io', ...args]);
    await waitFor('containerd', [containerd], async () => (await ctr(['version'])).code === 0, 30_000);
    await runStep('importing the pause image', 'ctr', ['--address', containerdSocket, '--namespace', 'k8s.io', 'images', 'import', pause.archive]);

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
        await runStep(`importing ${ref} into the node's containerd`, 'ctr', ['--address', containerdSocket, '--namespace', 'k8s.io', 'images', 'import', archive]);
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
