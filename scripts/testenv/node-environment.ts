// A cluster with a real node: the control plane started for a node (ServiceAccount admission, Node
// authorization, kubelet access), the AWS emulator, and one node (scripts/testenv/node.ts) whose Pods
// reach both. For test/e2e/pod.test.ts and `make run-cluster`; every other tier uses environment.ts.
import { rmSync } from 'node:fs';
import { startAwsEmulator, type AwsEmulator } from './aws-emulator.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { kubectlFor, type Kubectl } from './kubectl.js';
import { NODE_IP, newNodeRunDir, reapStaleNodeRuns, startNode, type TestNode } from './node.js';
import { stopAll, type ManagedProcess } from './processes.js';

export interface NodeEnvironment {
  runDir: string;
  controlPlane: ControlPlane;
  aws: AwsEmulator;
  node: TestNode;
  kubectl: Kubectl;
  startupMs: { controlPlaneAndAws: number; node: number };
  stop: () => Promise<void>;
}

export async function startNodeEnvironment(opts: { keepRunDir?: boolean } = {}): Promise<NodeEnvironment> {
  reapStaleNodeRuns();
  const runDir = newNodeRunDir();
  const started = Date.now();
  const [controlPlane, aws] = await Promise.allSettled([
    startControlPlane(runDir, { node: { servingIps: [NODE_IP] } }),
    startAwsEmulator(runDir),
  ]);
  const processes: ManagedProcess[] = [
    ...(controlPlane.status === 'fulfilled' ? controlPlane.value.processes : []),
    ...(aws.status === 'fulfilled' ? [aws.value.process] : []),
  ];
  const fail = async (reasons: string[]) => {
    await stopAll(processes);
    rmSync(runDir, { recursive: true, force: true });
    throw new Error(`starting the node environment failed:\n${reasons.join('\n')}`);
  };
  if (controlPlane.status === 'rejected' || aws.status === 'rejected') {
    return fail([controlPlane, aws].flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])));
  }
  const controlPlaneAndAws = Date.now() - started;
  let node: TestNode;
  try {
    node = await startNode({ runDir, controlPlane: controlPlane.value, awsEndpoint: aws.value.endpoint });
  } catch (err) {
    return fail([String(err)]);
  }
  const stop = async () => {
    await node.stop();
    await stopAll(processes);
    if (!opts.keepRunDir) rmSync(runDir, { recursive: true, force: true });
  };
  return {
    runDir,
    controlPlane: controlPlane.value,
    aws: aws.value,
    node,
    kubectl: kubectlFor(controlPlane.value.kubectl, controlPlane.value.kubeconfig),
    startupMs: { controlPlaneAndAws, node: node.startupMs.total },
    stop,
  };
}
