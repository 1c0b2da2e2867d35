// The whole local environment: a real Kubernetes API (etcd + kube-apiserver) and the AWS emulator,
// each on a free 127.0.0.1 port, with every process stopped by its pid when the run ends.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsEmulator, type AwsEmulator } from './aws-emulator.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { reapStaleRuns, stopAll, type ManagedProcess } from './processes.js';

export interface Environment {
  runDir: string;
  controlPlane: ControlPlane;
  aws: AwsEmulator;
  stop: () => Promise<void>;
}

const RUNS_ROOT = join(tmpdir(), 'restpath-testenv');

export async function startEnvironment(opts: { keepRunDir?: boolean } = {}): Promise<Environment> {
  mkdirSync(RUNS_ROOT, { recursive: true });
  // A run that was SIGKILLed could not stop its processes: stop them now, by their recorded pids.
  reapStaleRuns(readdirSync(RUNS_ROOT).map((d) => join(RUNS_ROOT, d)));
  const runDir = mkdtempSync(join(RUNS_ROOT, 'run-'));
  const [controlPlane, aws] = await Promise.allSettled([startControlPlane(runDir), startAwsEmulator(runDir)]);
  // Read at stop time: a chaos test may have restarted the apiserver or the emulator (new pids).
  const processes = (): ManagedProcess[] => [
    ...(controlPlane.status === 'fulfilled' ? controlPlane.value.processes : []),
    ...(aws.status === 'fulfilled' ? [aws.value.process] : []),
  ];
  const stop = async () => {
    await stopAll(processes());
    if (!opts.keepRunDir) rmSync(runDir, { recursive: true, force: true });
  };
  if (controlPlane.status === 'rejected' || aws.status === 'rejected') {
    // Stop whatever did start, and whatever the failed half had started before it failed.
    await stopAll();
    rmSync(runDir, { recursive: true, force: true });
    const reasons = [controlPlane, aws].flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    throw new Error(`starting the test environment failed:\n${reasons.join('\n')}`);
  }
  return { runDir, controlPlane: controlPlane.value, aws: aws.value, stop };
}
