// Waiting for a started process to become ready: polls a probe, fails at once (with the process's
// last log lines) when the process exits, and fails with a clear message at the deadline. Never hangs.
import { setTimeout as sleep } from 'node:timers/promises';
import { lastLines, type ManagedProcess } from './processes.js';

export async function waitUntilReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (proc.exited()) {
      throw new Error(`${proc.name} ${proc.exitDescription()} before it was ready; last lines of ${proc.logFile}:\n${lastLines(proc.logFile)}`);
    }
    if (await probe().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${proc.name} was not ready within ${timeoutMs / 1000}s; last lines of ${proc.logFile}:\n${lastLines(proc.logFile)}`);
    }
    await sleep(100);
  }
}
