// The local AWS emulator (API Gateway, IAM, STS) on 127.0.0.1. LocalStack's open-source core is the
// default: it implements API Gateway far more faithfully than moto and can invoke deployed stages
// (docs/adr/0001-aws-emulator.md has the measured comparison). RESTPATH_AWS_EMULATOR=moto switches.
// Each emulator runs from a project-local virtualenv built from a pinned requirements file.
import { createHash, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { startProcess, type ManagedProcess } from './processes.js';
import { run, runStep } from './run.js';
import { waitUntilReady } from './wait.js';

export type EmulatorKind = 'localstack' | 'moto';
export const EMULATOR_KINDS: readonly EmulatorKind[] = ['localstack', 'moto'];

export interface AwsAccount {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  region: string;
}

export interface AwsEmulator {
  kind: EmulatorKind;
  endpoint: string;
  process: ManagedProcess;
  startupMs: number;
  /** Credentials for a clean AWS state: a fresh account (LocalStack) or a reset (moto). */
  freshAccount: () => Promise<AwsAccount>;
  /**
   * Kills the emulator (SIGKILL: a crash, not a shutdown) and starts it again on the same port, with
   * every account's state gone: to a client, everything was deleted out of band. Replaces `process`;
   * resolves when it is healthy again, with the milliseconds it was away.
   */
  restart: () => Promise<number>;
}

const REPO = join(import.meta.dirname, '..', '..');
export const DEFAULT_REGION = 'us-east-1';

export function emulatorKind(value = process.env.RESTPATH_AWS_EMULATOR): EmulatorKind {
  const kind = (value ?? 'localstack') as EmulatorKind;
  if (!EMULATOR_KINDS.includes(kind)) {
    throw new Error(`RESTPATH_AWS_EMULATOR must be one of ${EMULATOR_KINDS.join(', ')}, not "${value}"`);
  }
  return kind;
}

/** Creates .venv/<kind> from test/aws-emulator/requirements-<kind>.txt, again only when that file changes. */
export async function ensureEmulatorVenv(kind: EmulatorKind): Promise<string> {
  const requirements = join(REPO, 'test', 'aws-emulator', `requirements-${kind}.txt`);
  const venv = join(REPO, '.venv', kind);
  const stamp = join(venv, '.requirements.sha256');
  const digest = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return venv;
  const python = process.env.PYTHON ?? 'python3';
  await runStep(`creating the ${kind} virtualenv`, python, ['-m', 'venv', '--clear', venv]);
  await runStep(`installing ${kind} from PyPI (${requirements})`, join(venv, 'bin', 'pip'), [
    'install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', requirements,
  ]);
  writeFileSync(stamp, digest);
  return venv;
}

const TEST_SECRET = 'test';

async function startLocalStack(venv: string, runDir: string, port: number): Promise<{ proc: ManagedProcess; ms: number }> {
  const home = join(runDir, 'localstack');
  mkdirSync(join(home, 'tmp'), { recursive: true });
  const proc = startProcess({
    name: 'localstack',
    command: join(venv, 'bin', 'python'),
    args: ['-m', 'localstack.runtime.main'],
    runDir,
    env: {
      PATH: `${join(venv, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME,
      TMPDIR: join(home, 'tmp'),
      FILESYSTEM_ROOT: join(home, 'fs'),
      LOCALSTACK_VOLUME_DIR: join(home, 'volume'),
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
      SERVICES: 'apigateway,iam,sts,acm,route53',
      EAGER_SERVICE_LOADING: '1',
      DNS_ADDRESS: '0',
      DISABLE_EVENTS: '1',
      SKIP_SSL_CERT_DOWNLOAD: '1',
      LOCALSTACK_HOST: `127.0.0.1:${port}`,
    },
  });
  const ms = await waitUntilReady(proc, async () => {
    const res = await fetch(`http://127.0.0.1:${port}/_localstack/health`);
    if (!res.ok) return false;
    const health = (await res.json()) as { services?: Record<string, string> };
    return ['apigateway', 'iam', 'sts', 'acm', 'route53'].every((s) => health.services?.[s] === 'running');
  }, 90_000);
  return { proc, ms };
}

async function startMoto(venv: string, runDir: string, port: number): Promise<{ proc: ManagedProcess; ms: number }> {
  const proc = startProcess({
    name: 'moto',
    command: join(venv, 'bin', 'moto_server'),
    args: ['-H', '127.0.0.1', '-p', String(port)],
    runDir,
    // Without this moto knows no AWS managed policies (AWSLambdaRole and friends).
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  const ms = await waitUntilReady(proc, async () => (await fetch(`http://127.0.0.1:${port}/moto-api/reset`, { method: 'POST' })).ok, 60_000);
  return { proc, ms };
}

/**
 * Credentials for a clean AWS state. LocalStack takes a 12-digit access key id as the account id, so
 * a new random one is a new, empty account (test files cannot see each other's state). moto maps every
 * access key to 123456789012, so a clean state needs a global reset (tests on moto run one file at a time).
 */
export async function freshAccount(kind: EmulatorKind, endpoint: string): Promise<AwsAccount> {
  if (kind === 'localstack') {
    const accountId = String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999));
    return { accessKeyId: accountId, secretAccessKey: TEST_SECRET, accountId, region: DEFAULT_REGION };
  }
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`resetting moto failed: HTTP ${res.status}`);
  return { accessKeyId: 'testing', secretAccessKey: TEST_SECRET, accountId: '123456789012', region: DEFAULT_REGION };
}

/** The `aws` CLI: the machine's, or one installed from PyPI into .venv/awscli when there is none. */
export async function ensureAwsCli(): Promise<string> {
  const onPath = await run('sh', ['-c', 'command -v aws']);
  if (onPath.code === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  const venv = join(REPO, '.venv', 'awscli');
  const cli = join(venv, 'bin', 'aws');
  if (existsSync(cli)) return cli;
  const python = process.env.PYTHON ?? 'python3';
  await runStep('creating the awscli virtualenv', python, ['-m', 'venv', '--clear', venv]);
  await runStep('installing the aws CLI from PyPI', join(venv, 'bin', 'pip'), ['install', '--quiet', '--no-input', 'awscli==1.45.11']);
  return cli;
}

export async function startAwsEmulator(runDir: string, kind = emulatorKind()): Promise<AwsEmulator> {
  const venv = await ensureEmulatorVenv(kind);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const launch = () => (kind === 'localstack' ? startLocalStack(venv, runDir, port) : startMoto(venv, runDir, port));
  const { proc, ms } = await launch();
  const emulator: AwsEmulator = {
    kind, endpoint, process: proc, startupMs: ms, freshAccount: () => freshAccount(kind, endpoint),
    restart: async () => {
      const killed = Date.now();
      process.kill(emulator.process.pid, 'SIGKILL');
      await emulator.process.stop(); // waits for the exit and forgets the pid
      emulator.process = (await launch()).proc;
      return Date.now() - killed;
    },
  };
  return emulator;
}
