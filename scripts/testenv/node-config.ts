// The files a test node's processes read (scripts/testenv/node.ts): containerd's config (version 3,
// containerd 2), the CNI network, the kubelet's configuration and its kubeconfig.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The node's address inside its namespace (the bridge's): where Pods reach the API server and AWS. */
export const NODE_IP = '10.88.0.1';
const POD_SUBNET = '10.88.0.0/24';
export const BRIDGE = 'rp0';
/** Debian's containernetworking-plugins (or the upstream location). */
export const CNI_BIN = ['/usr/lib/cni', '/opt/cni/bin'].find((d) => existsSync(join(d, 'bridge'))) ?? '/usr/lib/cni';

/** containerd 2's configuration (version 3: the CRI plugin split into images, runtime and the gRPC service). */
export function containerdConfig(dir: string, pauseImage: string): string {
  return `version = 3
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.erofs", "io.containerd.snapshotter.v1.blockfile", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "${dir}/containerd/containerd.sock"

[ttrpc]
  address = "${dir}/containerd/containerd.sock.ttrpc"

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/containerd/opt"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    # Imported from the cache, never pulled (no registry is reachable); pinned, so never collected.
    sandbox = "${pauseImage}"

[plugins."io.containerd.cri.v1.runtime"]
  enable_selinux = false
  # Pod network namespaces are mounted under the state dir (in the run folder), not /run/netns.
  netns_mounts_under_state_dir = true
  # Without CAP_SYS_RESOURCE (this sandbox) runc cannot lower a sandbox's oom_score_adj below the
  # caller's: "nsexec: failed to update /proc/self/oom_score_adj: Permission denied".
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "runc"
        Root = "${dir}/containerd/runc"
        # cgroupfs: this host's hybrid cgroup v1 and no systemd. The kubelet reads the driver from here
        # (CRI RuntimeConfig) from 1.37 on, not from its own cgroupDriver.
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["${CNI_BIN}"]
    conf_dir = "${dir}/cni/net.d"
    max_conf_num = 1

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
`;
}

export function cniConfig(dir: string): string {
  return JSON.stringify({
    cniVersion: '0.4.0',
    name: 'restpath-testenv',
    plugins: [{
      type: 'bridge', bridge: BRIDGE, isGateway: true, isDefaultGateway: false, ipMasq: false, hairpinMode: false,
      ipam: { type: 'host-local', ranges: [[{ subnet: POD_SUBNET, gateway: NODE_IP }]], dataDir: join(dir, 'cni', 'ipam') },
    }],
  }, null, 2);
}

export function kubeletConfig(dir: string, caCert: string, port: number): string {
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

export function kubeconfigFor(path: string, server: string, caCert: string, cert: string, key: string): void {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config', 'current-context: node',
    'clusters:', '- name: testenv', '  cluster:', `    server: ${server}`, `    certificate-authority-data: ${b64(caCert)}`,
    'users:', '- name: node', '  user:', `    client-certificate-data: ${b64(cert)}`, `    client-key-data: ${b64(key)}`,
    'contexts:', '- name: node', '  context: { cluster: testenv, user: node }', '',
  ].join('\n'), { mode: 0o600 });
}
