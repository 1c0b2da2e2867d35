// The operator's Deployment on the node environment, as pod.test.ts reads it through kubectl and the
// aws CLI: its Pods, the Lease and its holder, logs (also followed from a Pod being deleted),
// diagnostics for a failure message, the rollout, and the RBAC rules deploy/ ships.
import { spawn } from 'node:child_process';
import { inject } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { AwsAccount } from '../../scripts/testenv/aws-emulator.js';
import type { NodeEnvironment } from '../../scripts/testenv/node-environment.js';
import { run } from '../../scripts/testenv/run.js';

export const NS = 'restpath-system';
export const SELECTOR = 'app.kubernetes.io/name=restpath-operator';

export interface PodJson {
  metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: {
    serviceAccountName: string;
    volumes?: { name: string; projected?: { sources: { serviceAccountToken?: { path: string; expirationSeconds?: number }; configMap?: { name: string } }[] } }[];
    containers: { name: string; image: string; imagePullPolicy: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
      livenessProbe?: { httpGet?: { path: string } }; readinessProbe?: { httpGet?: { path: string } } }[];
  };
  status: { phase: string; podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { ready: boolean; restartCount: number; imageID: string }[] };
}

export interface LeaseJson {
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; leaseTransitions?: number };
}

/** The Pod the Lease names (identity = `<hostname>-<6 hex>`, the hostname being the Pod's name). */
export const holderPod = (holder: string | undefined) => holder?.replace(/-[0-9a-f]{6}$/, '');

/** The rules deploy/ grants, as kustomize renders them. */
export function shippedRules(rendered: string, kind: 'ClusterRole' | 'Role'): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const docs = parseAllDocuments(rendered).map((d) => d.toJS() as { kind: string; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] });
  return docs.find((d) => d.kind === kind)?.rules ?? [];
}

/** Readers of the operator's Deployment in `env()` (started later, in beforeAll), AWS as `account()`. */
export function podCluster(env: () => NodeEnvironment, account: () => AwsAccount) {
  const kubectl = (args: string[], input?: string) => env().kubectl(args, input);
  const ok = (args: string[], input?: string) => env().kubectl.ok(args, input);
  let lastLogs = '';
  const refreshLogs = async (): Promise<string> => {
    const r = await kubectl(['logs', '-n', NS, '-l', SELECTOR, '--prefix', '--tail=60', '--all-containers']);
    lastLogs = `${r.stdout}${r.stderr}`;
    return lastLogs;
  };
  const diagnostics = async (): Promise<string> => {
    const pods = await kubectl(['get', 'pods', '-A', '-o', 'wide']);
    const events = await kubectl(['get', 'events', '-n', NS, '--sort-by=.lastTimestamp']);
    return `pods:\n${pods.stdout}${pods.stderr}\nevents in ${NS}:\n${events.stdout}\noperator logs:\n${await refreshLogs()}\nnode:\n${env().node.logs()}`;
  };
  return {
    operatorPods: async (): Promise<PodJson[]> => {
      const out = JSON.parse(await ok(['get', 'pods', '-n', NS, '-l', SELECTOR, '-o', 'json'])) as { items: PodJson[] };
      return out.items.filter((p) => !p.metadata.deletionTimestamp);
    },
    lease: async (): Promise<LeaseJson['spec']> => (JSON.parse(await ok(['get', 'lease', 'restpath-operator', '-n', NS, '-o', 'json'])) as LeaseJson).spec,
    /** The operator's log as last read (refreshLogs, diagnostics). */
    operatorLogs: () => lastLogs,
    refreshLogs,
    diagnostics,
    /** Follows a Pod's log from now on (kubectl logs -f, stopped by its pid), so a Pod being deleted can still tell what it did. */
    followLogs: (pod: string): { text: () => string; ended: () => boolean; stop: () => void } => {
      let text = '';
      const child = spawn(env().controlPlane.kubectl, ['logs', '-f', '-n', NS, pod, '--timestamps'], { env: { ...process.env, KUBECONFIG: env().controlPlane.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      return { text: () => text, ended: () => child.exitCode !== null, stop: () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid) };
    },
    /** The aws CLI against the node environment's emulator, as `account()`. */
    aws: async (args: string[]): Promise<unknown> => {
      const a = account();
      const result = await run(inject('awsCli'), ['--endpoint-url', env().aws.endpoint, '--region', a.region, '--output', 'json', ...args], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: a.accessKeyId, AWS_SECRET_ACCESS_KEY: a.secretAccessKey, AWS_MAX_ATTEMPTS: '1' },
      });
      if (result.code !== 0) throw new Error(`aws ${args.join(' ')} failed: ${result.stderr}`);
      return JSON.parse(result.stdout || 'null') as unknown;
    },
    rolledOut: async (timeoutS = 180): Promise<void> => {
      const r = await kubectl(['rollout', 'status', 'deployment/restpath-operator', '-n', NS, `--timeout=${timeoutS}s`]);
      if (r.code !== 0) throw new Error(`rollout did not complete: ${r.stdout}${r.stderr}\n${await diagnostics()}`);
    },
  };
}
