// Background processes the environment starts, each remembered by pid and stopped by that pid:
// at stop(), on SIGINT/SIGTERM, and on exit. A pid file per process lets the next run stop what a
// run killed with SIGKILL left behind (see reapStale).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  exited: () => boolean;
  exitDescription: () => string;
  stop: () => Promise<void>;
}

const running = new Map<number, ManagedProcess>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const killAllNow = () => {
    for (const pid of running.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllNow();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export function lastLines(file: string, count = 25): string {
  if (!existsSync(file)) return '(no output)';
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  runDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function startProcess(opts: StartOptions): ManagedProcess {
  installExitHandlers();
  const logFile = join(opts.runDir, `${opts.name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd ?? opts.runDir,
    env: opts.env ?? process.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`starting ${opts.name} failed: ${opts.command} could not be spawned`);
  const pid = child.pid;
  let exitInfo: string | undefined;
  child.on('exit', (code, signal) => {
    exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
    running.delete(pid);
  });
  child.on('error', (err) => {
    exitInfo = `failed to start: ${err.message}`;
    running.delete(pid);
  });
  const pidFile = join(opts.runDir, `${opts.name}.pid`);
  // pid, command and the pid of this (owning) Node process: see reapStale.
  writeFileSync(pidFile, `${pid} ${process.pid} ${opts.command}\n`);
  const proc: ManagedProcess = {
    name: opts.name,
    pid,
    logFile,
    exited: () => exitInfo !== undefined,
    exitDescription: () => exitInfo ?? 'running',
    stop: async () => {
      if (exitInfo === undefined) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        for (let i = 0; i < 100 && exitInfo === undefined; i++) await sleep(50);
        if (exitInfo === undefined) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
          for (let i = 0; i < 40 && exitInfo === undefined; i++) await sleep(50);
        }
      }
      running.delete(pid);
      rmSync(pidFile, { force: true });
    },
  };
  running.set(pid, proc);
  return proc;
}

/**
 * Stops what earlier runs left behind when they were SIGKILLed and could not clean up, and removes
 * their folders. A run folder is stale when the Node process that owned it is gone (a live run, for
 * example another vitest project, is left alone). Each `*.pid` file names a pid, its owner and its
 * command; the pid is killed only while /proc still shows that command, so a recycled pid is never hit.
 */
export function reapStaleRuns(runDirs: string[]): number {
  let reaped = 0;
  for (const dir of runDirs) {
    if (!existsSync(dir)) continue;
    const pidFiles = readdirSync(dir).filter((f) => f.endsWith('.pid'));
    const records = pidFiles.map((f) => readFileSync(join(dir, f), 'utf8').trim().split(' '));
    if (records.some(([, owner]) => isAlive(Number(owner)))) continue;
    for (const [pidText, , command] of records) {
      const pid = Number(pidText);
      if (pid > 0 && command && readCmdline(pid).includes(command)) {
        try {
          process.kill(pid, 'SIGKILL');
          reaped += 1;
        } catch {
          /* gone meanwhile */
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return reaped;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Stops the given processes (default: every process this Node process started), by pid. */
export async function stopAll(processes: ManagedProcess[] = [...running.values()]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
}
