// The whole local environment: a real Kubernetes API (etcd + kube-apiserver) and the AWS emulator,
// each on a free 127.0.0.1 port, with every process stopped by its pid when the run ends.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsEmulator, type AwsEmulator } from './aws-emulator.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { reapStale, stopAll } from './processes.js';

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
  const previousRuns = readdirSync(RUNS_ROOT).map((d) => join(RUNS_ROOT, d));
  reapStale(previousRuns);
  for (const dir of previousRuns) rmSync(dir, { recursive: true, force: true });
  const runDir = mkdtempSync(join(RUNS_ROOT, 'run-'));
  const stop = async () => {
    await stopAll();
    if (!opts.keepRunDir) rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const [controlPlane, aws] = await Promise.all([startControlPlane(runDir), startAwsEmulator(runDir)]);
    return { runDir, controlPlane, aws, stop };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
