// The test harness stops what it starts, by pid, and cleans up after runs that were killed.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reapStaleRuns, startProcess } from '../../../scripts/testenv/processes.js';
import { waitUntilReady } from '../../../scripts/testenv/wait.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('managed processes', () => {
  it('stops a started process by its pid and removes its pid file', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'proc-test-'));
    const proc = startProcess({ name: 'sleeper', command: 'sleep', args: ['60'], runDir });
    expect(alive(proc.pid)).toBe(true);
    expect(readFileSync(join(runDir, 'sleeper.pid'), 'utf8')).toContain(`${proc.pid} ${process.pid} sleep`);
    await proc.stop();
    expect(alive(proc.pid)).toBe(false);
    expect(existsSync(join(runDir, 'sleeper.pid'))).toBe(false);
  });

  it('fails fast, with the log, when a process exits before it is ready', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'proc-test-'));
    const proc = startProcess({ name: 'crasher', command: 'sh', args: ['-c', 'echo "port already in use" >&2; exit 3'], runDir });
    await expect(waitUntilReady(proc, () => Promise.resolve(false), 30_000)).rejects.toThrow(
      /crasher exited with code 3 before it was ready[\s\S]*port already in use/,
    );
  });

  it('reaps processes of a run whose owner died, and leaves live runs alone', async () => {
    const staleRun = mkdtempSync(join(tmpdir(), 'proc-test-'));
    const liveRun = mkdtempSync(join(tmpdir(), 'proc-test-'));
    const orphan = spawn('sleep', ['61'], { stdio: 'ignore', detached: true });
    const orphanExited = new Promise((r) => orphan.on('exit', r));
    const kept = spawn('sleep', ['62'], { stdio: 'ignore', detached: true });
    const deadOwner = spawn('true');
    await new Promise((r) => deadOwner.on('exit', r));
    writeFileSync(join(staleRun, 'sleeper.pid'), `${orphan.pid} ${deadOwner.pid} sleep\n`);
    writeFileSync(join(liveRun, 'sleeper.pid'), `${kept.pid} ${process.pid} sleep\n`);

    expect(reapStaleRuns([staleRun, liveRun])).toBe(1);
    // Reaped by its pid: the orphan exits (the test's timeout bounds the wait).
    await orphanExited;
    expect(alive(orphan.pid!)).toBe(false);
    expect(existsSync(staleRun)).toBe(false);
    expect(alive(kept.pid!)).toBe(true);
    kept.kill('SIGKILL');
  });
});
