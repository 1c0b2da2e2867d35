// Images for the test node: the pause image built locally (no registry is reachable) and Podman as it
// works on this kind of machine.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runStep } from './run.js';

const REPO = join(import.meta.dirname, '..', '..');
const CACHE_ROOT = process.env.RESTPATH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? tmpdir(), '.cache'), 'restpath-operator');
const PAUSE_IMAGE = 'localhost/restpath-testenv/pause';


/** podman as it works on this kind of machine (scripts/image/podman.sh: runc, cgroupfs, no ulimits). */
export function podman(step: string, args: string[]): Promise<string> {
  const wrapper = join(REPO, 'scripts', 'image', 'podman.sh');
  return existsSync(wrapper) ? runStep(step, 'bash', [wrapper, ...args]) : runStep(step, 'podman', args);
}

/** The pause image as a docker-archive tar, built once per source (static Go binary FROM scratch). */
export async function pauseImageArchive(workDir: string): Promise<{ ref: string; archive: string }> {
  const source = join(REPO, 'scripts', 'testenv', 'pause');
  const hash = createHash('sha256').update(readFileSync(join(source, 'main.go'))).update(readFileSync(join(source, 'go.mod'))).digest('hex').slice(0, 12);
  const ref = `${PAUSE_IMAGE}:${hash}`;
  const archive = join(CACHE_ROOT, 'pause', `pause-${hash}.tar`);
  if (existsSync(archive)) return { ref, archive };
  mkdirSync(join(CACHE_ROOT, 'pause'), { recursive: true });
  const ctx = join(workDir, 'pause-build');
  mkdirSync(ctx, { recursive: true });
  await runStep('building the pause binary', 'go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(ctx, 'pause'), '.'], {
    cwd: source, env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
  });
  writeFileSync(join(ctx, 'Containerfile'), 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n');
  await podman('building the pause image', ['build', '--quiet', '-t', ref, ctx]);
  await podman('saving the pause image', ['save', '--format', 'docker-archive', '-o', `${archive}.tmp`, ref]);
  renameSync(`${archive}.tmp`, archive);
  return { ref, archive };
}
