// The operator as users run it: `restpath-operator controller` in its own process, pointed at the
// test control plane and the AWS emulator with a fresh account; stopped by its pid.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { freshAccount, type AwsAccount } from '../../scripts/testenv/aws-emulator.js';
import { lastLines, startProcess, type ManagedProcess } from '../../scripts/testenv/processes.js';
import { run, type RunResult } from '../../scripts/testenv/run.js';
import { awsCli } from './aws.js';

const REPO = join(import.meta.dirname, '..', '..');

export interface RunningOperator {
  account: AwsAccount;
  process: ManagedProcess;
  logs: () => string;
  /** The aws CLI against the emulator, in the operator's account; parsed JSON output. */
  aws: (args: string[]) => Promise<unknown>;
  stop: () => Promise<void>;
}

/**
 * Starts the operator; pass `account` to run a second replica against the same AWS account,
 * `endpoint` to put something (the quota proxy) between it and the emulator, and `kubeconfig` for a
 * control plane of the test's own (the chaos tests restart theirs).
 */
export async function startOperator(extraArgs: string[] = [], sharedAccount?: AwsAccount, endpoint = inject('awsEndpoint'), kubeconfig = inject('kubeconfig')): Promise<RunningOperator> {
  const account = sharedAccount ?? (await freshAccount(inject('awsEmulator'), inject('awsEndpoint')));
  const runDir = mkdtempSync(join(tmpdir(), 'restpath-operator-'));
  const proc = startProcess({
    name: 'operator',
    // One process (node with tsx's loader), so the pid recorded is the operator's own: a wrapper would
    // leave its child running when killed.
    command: process.execPath,
    args: ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), 'controller', '--kubeconfig', kubeconfig, '--aws-endpoint', endpoint,
      '--region', account.region, '--debounce', '300ms', ...(extraArgs.includes('--health-port') ? [] : ['--health-port', '0']), ...extraArgs],
    runDir,
    cwd: REPO,
    env: { ...process.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey },
  });
  return { account, process: proc, logs: () => lastLines(proc.logFile, 40), aws: awsCli(account), stop: () => proc.stop() };
}

/** `restpath-operator <args>` as a user runs it from a laptop: the test cluster's kubeconfig, the emulator, `account`'s credentials. */
export async function operatorCli(account: AwsAccount, args: string[], input?: string): Promise<RunResult> {
  const result = await run(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), ...args, '--kubeconfig', inject('kubeconfig'), '--aws-endpoint', inject('awsEndpoint'), '--region', account.region], {
    cwd: REPO,
    env: { ...process.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey, AWS_MAX_ATTEMPTS: '1' },
    ...(input !== undefined ? { input } : {}),
  });
  return result;
}
