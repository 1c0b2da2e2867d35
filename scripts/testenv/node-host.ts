// What a test node (scripts/testenv/node.ts) changes on the host, recorded before it starts and undone
// at stop(), on 'exit' (synchronously), and by the next run when one was SIGKILLed; and the lock that
// keeps one node per machine.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './processes.js';

const LOCK_FILE = join(tmpdir(), 'restpath-testenv-node.lock');
/** Run folders of the node environments; not under restpath-testenv, whose reaper cannot unmount. */
export const NODE_RUNS_ROOT = join(tmpdir(), 'restpath-node');

/** Kernel settings the kubelet changes at start (container manager's kernel tunables). */
const SYSCTLS = ['vm/overcommit_memory', 'vm/panic_on_oom', 'kernel/panic', 'kernel/panic_on_oops', 'kernel/keys/root_maxkeys', 'kernel/keys/root_maxbytes'];
/**
 * Host paths the kubelet, containerd and the CNI library create whatever their configured dirs; each is
 * removed when it was absent before. /var/lib/cni is shared with Podman's CNI networks: only the CNI
 * result cache the node made goes, and the folder itself only when that leaves it empty. (Pod network
 * namespaces are mounted under the run folder, so /run/netns is not touched.)
 */
export const HOST_PATHS = ['/var/lib/kubelet', '/var/log/containers', '/var/log/pods', '/usr/libexec/kubernetes', '/run/containerd',
  '/var/lib/cni/results', '/var/lib/cni', '/run/xtables.lock', '/etc/kubernetes', '/var/lib/containerd'];
const SHARED_HOST_PATHS = ['/var/lib/cni'];
export const CGROUP_ROOT = '/sys/fs/cgroup';

export interface NodeState {
  owner: number;
  nodeDir: string;
  sysctls: Record<string, string>;
  absentHostPaths: string[];
  absentCgroups: string[];
}


const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function readSysctls(): Record<string, string> {
  return Object.fromEntries(SYSCTLS.filter((k) => existsSync(`/proc/sys/${k}`)).map((k) => [k, readFileSync(`/proc/sys/${k}`, 'utf8').trim()]));
}

function kubepodsCgroups(): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  return readdirSync(CGROUP_ROOT).map((h) => join(CGROUP_ROOT, h, 'kubepods')).filter((p) => existsSync(p));
}

function cgroupTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: { name: string; isDirectory: () => boolean }[] = [];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return; // removed meanwhile (the kubelet removes a Pod's cgroups as it goes)
    }
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
    out.push(d);
  };
  walk(dir);
  return out; // children before parents
}

function pidsIn(cgroups: string[]): number[] {
  const pids = new Set<number>();
  for (const root of cgroups) {
    for (const d of cgroupTree(root)) {
      try {
        for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (Number(p) > 0) pids.add(Number(p));
      } catch {
        /* removed meanwhile */
      }
    }
  }
  return [...pids];
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Processes whose command line names `dir` (containerd's shims name its socket; everything started there names its files). */
function pidsNaming(dir: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => pid !== process.pid && cmdline(pid).includes(dir));
}

function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function mountsUnder(dir: string): string[] {
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => unescape(l.split(' ')[4] ?? ''))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Undoes a node's changes to the host, given what was recorded before it started: kills what still
 * runs in its cgroups or names its folder (by pid), unmounts everything under its folder, removes the
 * cgroups and host folders it created and restores the sysctls. Idempotent.
 */
export function undoNode(state: NodeState): void {
  // Each step on its own: one that fails (a process or folder vanishing meanwhile) must not keep the
  // others from running; this also runs inside an 'exit' handler, where a throw would end it.
  const step = (what: string, f: () => void) => {
    try {
      f();
    } catch (err) {
      console.error(`[testenv] undoing the node: ${what} failed: ${(err as Error).message}`);
    }
  };
  step('stopping its processes', () => stopNodeProcesses(state));
  step('unmounting', () => {
    for (const m of mountsUnder(state.nodeDir)) {
      if (spawnSync('umount', [m]).status !== 0) spawnSync('umount', ['-l', m]);
    }
  });
  step('removing cgroups', () => removeCgroups(state));
  step('restoring sysctls', () => restoreSysctls(state));
  step('removing host folders', () => {
    for (const p of state.absentHostPaths) {
      if (SHARED_HOST_PATHS.includes(p)) {
        if (existsSync(p) && readdirSync(p).length === 0) rmdirSync(p);
        continue;
      }
      for (const m of mountsUnder(p)) spawnSync('umount', ['-l', m]);
      rmSync(p, { recursive: true, force: true });
    }
  });
}

function stopNodeProcesses(state: NodeState): void {
  const createdCgroups = kubepodsCgroups().filter((c) => state.absentCgroups.includes(c));
  for (let i = 0; i < 50; i++) {
    const pids = [...pidsIn(createdCgroups), ...pidsNaming(state.nodeDir)];
    if (pids.length === 0) break;
    killPids(pids);
    sleepSync(100);
  }
}

function removeCgroups(state: NodeState): void {
  const createdCgroups = kubepodsCgroups().filter((c) => state.absentCgroups.includes(c));
  for (const c of createdCgroups) {
    for (const d of cgroupTree(c)) {
      for (let i = 0; i < 20; i++) {
        try {
          rmdirSync(d);
          break;
        } catch {
          sleepSync(50); // the last task of a cgroup takes a moment to leave it
        }
      }
    }
  }
}

function restoreSysctls(state: NodeState): void {
  for (const [key, value] of Object.entries(state.sysctls)) {
    try {
      if (readFileSync(`/proc/sys/${key}`, 'utf8').trim() !== value) writeFileSync(`/proc/sys/${key}`, value);
    } catch {
      /* not settable here */
    }
  }
}

/** Stops and undoes node runs whose owning process is gone (SIGKILLed: nothing could clean up). */
export function reapStaleNodeRuns(): void {
  if (!existsSync(NODE_RUNS_ROOT)) return;
  for (const name of readdirSync(NODE_RUNS_ROOT)) {
    const dir = join(NODE_RUNS_ROOT, name);
    const ownerFile = join(dir, 'owner');
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) : 0;
    if (isAlive(owner)) continue;
    if (existsSync(ownerFile) || statSync(dir).mtimeMs < Date.now() - 60_000) {
      killPids(pidsNaming(dir));
      const stateFile = join(dir, 'node', 'state.json');
      if (existsSync(stateFile)) undoNode(JSON.parse(readFileSync(stateFile, 'utf8')) as NodeState);
      for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m]);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** A new run folder under NODE_RUNS_ROOT, owned by this process. */
export function newNodeRunDir(): string {
  mkdirSync(NODE_RUNS_ROOT, { recursive: true });
  const dir = join(NODE_RUNS_ROOT, `run-${Date.now().toString(36)}-${process.pid}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'owner'), `${process.pid}\n`);
  return dir;
}

export async function acquireLock(): Promise<() => void> {
  const started = Date.now();
  let said = false;
  for (;;) {
    try {
      const fd = openSync(LOCK_FILE, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        if (existsSync(LOCK_FILE) && readFileSync(LOCK_FILE, 'utf8').trim() === String(process.pid)) rmSync(LOCK_FILE, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(LOCK_FILE, 'utf8').trim() || 0);
      if (!isAlive(holder)) {
        rmSync(LOCK_FILE, { force: true });
        continue;
      }
      if (!said) {
        console.log(`[testenv] another run (pid ${holder}) has the machine's test node; waiting for it (${LOCK_FILE})`);
        said = true;
      }
      if (Date.now() - started > 20 * 60_000) throw new Error(`the test node is still held by pid ${holder} after 20 minutes (${LOCK_FILE})`);
      await sleep(1000);
    }
  }
}
