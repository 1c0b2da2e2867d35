// A real Kubernetes control plane on 127.0.0.1, started the way controller-runtime's envtest does
// it: etcd plus kube-apiserver with generated certificates and an admin kubeconfig. No scheduler or
// controller-manager: the operator needs only the API.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { generateCerts, type ControlPlaneCerts } from './certs.js';
import { reissueServingCert } from './node-certs.js';
import { freePort } from './ports.js';
import { startProcess, type ManagedProcess } from './processes.js';
import { runStep } from './run.js';
import { waitUntilReady } from './wait.js';

export interface ControlPlane {
  kubeconfig: string;
  server: string;
  /** The CA, serving, admin and service-account keys (scripts/testenv/certs.ts). */
  certDir: string;
  kubectl: string;
  /** kube-apiserver first, then etcd; a restart replaces the apiserver's entry in place. */
  processes: ManagedProcess[];
  startupMs: { etcd: number; apiserver: number };
  /**
   * Stops kube-apiserver (SIGTERM, as a rolling upgrade does) and starts it again with the same flags
   * on the same port over the same etcd, for the chaos tests: clients' watches break and must resume.
   * Resolves when /readyz answers again, with the milliseconds the API was away.
   */
  restartApiserver: () => Promise<number>;
}

const REPO = join(import.meta.dirname, '..', '..');

/** Builds (first run) or finds (cached) kube-apiserver, etcd and kubectl; returns their folder. */
export async function controlPlaneBinaries(): Promise<string> {
  const out = await runStep('building the control plane (scripts/testenv/build-control-plane.sh)', 'bash', [
    join(REPO, 'scripts', 'testenv', 'build-control-plane.sh'),
  ]);
  const dir = out.trim().split('\n').pop();
  if (!dir) throw new Error('build-control-plane.sh printed no binary folder');
  return dir;
}

async function startEtcd(bin: string, runDir: string): Promise<{ proc: ManagedProcess; url: string; ms: number }> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const proc = startProcess({
    name: 'etcd',
    command: join(bin, 'etcd'),
    runDir,
    args: [
      '--name=default', `--data-dir=${join(runDir, 'etcd-data')}`,
      `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=default=${peer}`,
      '--unsafe-no-fsync=true', '--log-level=warn',
    ],
  });
  const ms = await waitUntilReady(proc, async () => (await fetch(`${url}/health`)).ok, 30_000);
  return { proc, url, ms };
}

function httpsOk(url: string, certs: ControlPlaneCerts): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, {
      ca: readFileSync(certs.caCert),
      cert: readFileSync(certs.adminCert),
      key: readFileSync(certs.adminKey),
      timeout: 2000,
    }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function writeKubeconfig(path: string, server: string, certs: ControlPlaneCerts): void {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config', 'current-context: restpath-testenv',
    'clusters:', '- name: restpath-testenv', '  cluster:', `    server: ${server}`,
    `    certificate-authority-data: ${b64(certs.caCert)}`,
    'users:', '- name: restpath-admin', '  user:',
    `    client-certificate-data: ${b64(certs.adminCert)}`, `    client-key-data: ${b64(certs.adminKey)}`,
    'contexts:', '- name: restpath-testenv', '  context:', '    cluster: restpath-testenv', '    user: restpath-admin',
    '    namespace: default', '',
  ].join('\n'), { mode: 0o600 });
}

export interface ControlPlaneOptions {
  /**
   * For a real node (scripts/testenv/node.ts), opt-in: ServiceAccount admission stays on (Pods get the
   * projected kube-api-access token), Node,RBAC authorization, the apiserver reaches kubelets by their
   * Hostname address with the admin client certificate, and the serving certificate is also valid for
   * `servingIps` (where the node's Pods reach the API). Without it the flags are what every tier uses.
   */
  node?: { servingIps: string[] };
}

export async function startControlPlane(runDir: string, options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const bin = await controlPlaneBinaries();
  const certDir = join(runDir, 'pki');
  mkdirSync(certDir, { recursive: true });
  const certs = await generateCerts(certDir);
  if (options.node) await reissueServingCert(certDir, options.node.servingIps);
  const nodeFlags = options.node
    ? ['--authorization-mode=Node,RBAC', `--kubelet-client-certificate=${certs.adminCert}`, `--kubelet-client-key=${certs.adminKey}`,
        '--kubelet-preferred-address-types=Hostname,InternalIP']
    : ['--authorization-mode=RBAC', '--disable-admission-plugins=ServiceAccount'];
  const etcd = await startEtcd(bin, runDir);
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const launch = () => startProcess({
    name: 'kube-apiserver',
    command: join(bin, 'kube-apiserver'),
    runDir,
    args: [
      `--etcd-servers=${etcd.url}`, `--cert-dir=${certDir}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
      `--tls-cert-file=${certs.servingCert}`, `--tls-private-key-file=${certs.servingKey}`,
      `--client-ca-file=${certs.caCert}`,
      `--service-account-key-file=${certs.serviceAccountPub}`,
      `--service-account-signing-key-file=${certs.serviceAccountKey}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      '--service-cluster-ip-range=10.0.0.0/24', ...nodeFlags, '--allow-privileged=true',
      '--endpoint-reconciler-type=none', '--v=1',
    ],
  });
  const ready = (proc: ManagedProcess) => waitUntilReady(proc, () => httpsOk(`${server}/readyz`, certs), 90_000);
  const processes = [launch(), etcd.proc];
  const apiMs = await ready(processes[0]!);
  const restartApiserver = async () => {
    const stopped = Date.now();
    await processes[0]!.stop();
    processes[0] = launch();
    await ready(processes[0]);
    return Date.now() - stopped;
  };
  const kubeconfig = join(runDir, 'kubeconfig');
  writeKubeconfig(kubeconfig, server, certs);
  return {
    kubeconfig,
    server,
    certDir,
    kubectl: join(bin, 'kubectl'),
    processes,
    startupMs: { etcd: etcd.ms, apiserver: apiMs },
    restartApiserver,
  };
}
