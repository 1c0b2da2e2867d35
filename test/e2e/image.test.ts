// The operator image: built by scripts/image/build.sh from the Dockerfile (on the local stand-ins for
// its two base images), then run with Podman the way a Pod runs it: as user 65532 with a read-only root
// filesystem (--read-only-tmpfs=false: no writable /tmp, /run or /var/tmp either, as with a Pod's
// readOnlyRootFilesystem and no emptyDir). Every container started here is removed by name.
// The first build on a machine takes a minute or two (the Debian rootfs, the stand-ins, npm ci in the
// build stage); later ones reuse the caches and take seconds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { until } from '../support/until.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/testenv/ports.js';
import { run, runStep, type RunResult } from '../../scripts/testenv/run.js';

const REPO = join(import.meta.dirname, '..', '..');
const PODMAN = join(REPO, 'scripts', 'image', 'podman.sh'); // runc, cgroupfs, the project's containers.conf
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

const podman = (args: string[]): Promise<RunResult> => run('bash', [PODMAN, ...args]);
const podmanOk = (args: string[]): Promise<string> => runStep(`podman ${args.slice(0, 2).join(' ')}`, 'bash', [PODMAN, ...args]);

let image = '';
let buildBase = '';
const started: string[] = [];
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'restpath-image-test-'));
  dirs.push(dir);
  return dir;
};
/** A container name of this run's own: afterAll removes every one, also after a failure or a timeout mid-run. */
const containerName = (what: string) => {
  const name = `restpath-image-test-${what}-${process.pid}-${randomBytes(3).toString('hex')}`;
  started.push(name);
  return name;
};
/** How a Pod with runAsUser 65532 and readOnlyRootFilesystem runs the image; no network unless asked. */
const asPod = ['--read-only', '--read-only-tmpfs=false', '--user', '65532'];
/** `podman run --rm` as a Pod would (and named, so afterAll can remove it if the run is cut short). */
const runOnce = (opts: string[], args: string[], from = () => image) => podman(['run', '--rm', '--name', containerName('once'), ...opts, from(), ...args]);
const runImage = (args: string[]) => runOnce([...asPod, '--network', 'none'], args);
const logsOf = async (name: string) => { const r = await podman(['logs', name]); return `${r.stdout}${r.stderr}`; };
const stillRunning = async (name: string) => (await podman(['inspect', '--format', '{{.State.Status}}', name])).stdout.trim() === 'running';
/** Polls `probe` (a failure counts as "not yet") until it holds; fails with the container's log when it times out or the container exits. */
async function untilLogged(name: string, what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const outcome = await until(what, async () => ((await probe().catch(() => false)) ? 'held' : (await stillRunning(name)) ? undefined : 'the container exited'), timeoutMs).catch(() => `not within ${timeoutMs / 1000}s`);
  if (outcome !== 'held') throw new Error(`${what}: ${outcome}; container ${name} logged:\n${(await logsOf(name)).split('\n').slice(-30).join('\n')}`);
}
const nodeInImage = (script: string) => runOnce([...asPod, '--network', 'none', '--entrypoint', '/nodejs/bin/node'], ['-e', script]);

beforeAll(async () => {
  const t0 = Date.now();
  const out = await runStep('building the image (scripts/image/build.sh)', 'bash', [join(REPO, 'scripts', 'image', 'build.sh')], { cwd: REPO });
  const vars = Object.fromEntries(out.trim().split('\n').filter((l) => l.includes('=')).map((l) => l.split('=', 2) as [string, string]));
  image = vars.IMAGE ?? '';
  buildBase = vars.NODE_IMAGE ?? '';
  expect(image).not.toBe('');
  expect(buildBase).not.toBe('');
  const size = Number(await podmanOk(['image', 'inspect', '--format', '{{.Size}}', image]));
  console.log(`[image] ${image}: ${size} bytes (${(size / 1024 / 1024).toFixed(1)} MiB); build.sh took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, 20 * 60_000);

afterAll(async () => {
  if (started.length > 0) await podman(['rm', '--force', '--ignore', '--time', '0', ...started]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the operator image', () => {
  it('runs as the non-root user 65532 by default', async () => {
    const user = (await podmanOk(['image', 'inspect', '--format', '{{.Config.User}}', image])).trim();
    expect(['65532', 'nonroot', '65532:65532']).toContain(user);
    // without --user: the image's own USER, resolved through its /etc/passwd
    const ids = await runOnce(['--read-only', '--network', 'none', '--entrypoint', '/nodejs/bin/node'], ['-e', 'console.log(process.getuid(), process.getgid())']);
    expect(ids.stderr).toBe('');
    expect(ids.stdout.trim()).toBe('65532 65532');
  });

  it('`restpath-operator version` and `--help` work', async () => {
    const version = await runImage(['version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(new RegExp(`^restpath-operator ${pkg.version.replaceAll('.', '\\.')} .*node v26\\.`));
    const help = await runImage(['--help']);
    expect(help.code, help.stderr).toBe(0);
    for (const command of ['controller', 'version', 'crds', 'diagnose', 'plan']) expect(help.stdout).toContain(command);
    const crds = await runImage(['crds']);
    expect(crds.code, crds.stderr).toBe(0);
    expect(crds.stdout).toContain('kind: CustomResourceDefinition');
  });

  it('has no shell', async () => {
    const sh = await runOnce([...asPod, '--network', 'none', '--entrypoint', '/bin/sh'], ['-c', 'true']);
    expect(sh.code).not.toBe(0);
    expect(sh.stderr).toMatch(/\/bin\/sh.*no such file or directory/);
    const found = await nodeInImage(
      "const fs = require('node:fs'); console.log(JSON.stringify(['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/sh', '/bin/busybox', '/usr/bin/env'].filter((p) => fs.existsSync(p))))",
    );
    expect(found.stderr).toBe('');
    expect(JSON.parse(found.stdout)).toEqual([]);
  });

  it('ships the bundle of production dependencies only: no node_modules, no dev dependency, their licenses', async () => {
    // 1. /app holds the bundle, the list of the packages in it and their licenses; nothing else (no
    //    node_modules, no package.json, no sources).
    const listing = await nodeInImage("console.log(JSON.stringify(require('node:fs').readdirSync('/app').sort()))");
    expect(listing.stderr).toBe('');
    expect(JSON.parse(listing.stdout)).toEqual(['restpath-operator.licenses.txt', 'restpath-operator.mjs', 'restpath-operator.packages.json']);
    const shipped = JSON.parse((await nodeInImage("process.stdout.write(require('node:fs').readFileSync('/app/restpath-operator.packages.json', 'utf8'))")).stdout) as string[];
    // 2. Every bundled package is in the lockfile's production closure, as npm computes it for the
    //    checkout (the same package-lock.json the image's `npm ci` installed from)...
    interface Tree { version?: string; dependencies?: Record<string, Tree> }
    const closure = new Set<string>();
    const walk = (deps: Record<string, Tree> = {}) => {
      for (const [name, t] of Object.entries(deps)) {
        closure.add(`${name}@${t.version}`);
        walk(t.dependencies);
      }
    };
    walk((JSON.parse(await runStep('npm ls --omit=dev on the checkout', 'npm', ['ls', '--omit=dev', '--all', '--json'], { cwd: REPO })) as Tree).dependencies);
    expect(shipped.length).toBeGreaterThan(10);
    expect(shipped.filter((p) => !closure.has(p))).toEqual([]);
    // ...so no devDependency is in it, unless production needs it too (@types/node under client-node).
    const names = new Set(shipped.map((p) => p.slice(0, p.lastIndexOf('@'))));
    const prodNames = new Set([...closure].map((p) => p.slice(0, p.lastIndexOf('@'))));
    const devOnly = Object.keys(pkg.devDependencies).filter((name) => !prodNames.has(name));
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'vitest', 'esbuild', 'tsx']));
    for (const name of devOnly) expect(names.has(name), name).toBe(false);
    // The operator's own direct dependencies are all in it (client-node, the AWS SDK clients, pino...).
    for (const name of Object.keys(pkg.dependencies)) expect(names.has(name), name).toBe(true);
    // 3. One license section per bundled package.
    const licenses = (await nodeInImage("process.stdout.write(require('node:fs').readFileSync('/app/restpath-operator.licenses.txt', 'utf8'))")).stdout;
    for (const p of shipped) expect(licenses).toContain(`\n${p}\n`);
  });

  it('`controller` with a read-only root filesystem: against nothing it reports the unreachable API server and keeps serving /healthz', async () => {
    const kubeconfig = join(tempDir(), 'kubeconfig');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: nowhere',
      'clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'users: [{name: nobody, user: {token: bogus}}]',
      'contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]',
    ].join('\n'), { mode: 0o644 });
    const name = containerName('nowhere');
    await podmanOk(['run', '-d', '--name', name, ...asPod, '--network', 'none', '-v', `${kubeconfig}:/etc/restpath/kubeconfig:ro`,
      '-e', 'AWS_ACCESS_KEY_ID=none', '-e', 'AWS_SECRET_ACCESS_KEY=none',
      image, 'controller', '--kubeconfig', '/etc/restpath/kubeconfig', '--aws-endpoint', 'http://127.0.0.1:2', '--health-port', '8081']);
    await untilLogged(name, 'the controller logs the refused connection to the API server', async () => (await logsOf(name)).includes('ECONNREFUSED 127.0.0.1:1'), 30_000);
    const state = (await podmanOk(['inspect', '--format', '{{.State.Status}}', name])).trim();
    const text = await logsOf(name);
    expect(state, text).toBe('running'); // it retries, it does not crash
    expect(text).toContain('"msg":"starting"');
    expect(text).not.toMatch(/EROFS|read-only file system|Uncaught|UnhandledPromiseRejection/i);
    // /healthz answers, /readyz does not (no caches synced): asked from inside, with the image's node
    const probe = (path: string) =>
      podman(['exec', name, '/nodejs/bin/node', '-e', `fetch('http://127.0.0.1:8081${path}').then((r) => console.log(r.status))`]);
    expect((await probe('/healthz')).stdout.trim()).toBe('200');
    expect((await probe('/readyz')).stdout.trim()).toBe('503');
    await podmanOk(['rm', '-f', '--time', '0', name]);
  });

  it('`controller` with a read-only root filesystem: against the test control plane it syncs its caches and turns ready', async () => {
    const port = await freePort();
    const name = containerName('cluster');
    // The admin kubeconfig is private to root (0600); user 65532 reads a copy, as a Pod reads a Secret
    // mounted for it.
    const kubeconfig = join(tempDir(), 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(inject('kubeconfig')), { mode: 0o644 });
    // host networking: the test control plane and the emulator listen on the host's 127.0.0.1. One
    // namespace nobody uses, so the container reconciles nothing of the other tests.
    await podmanOk(['run', '-d', '--name', name, ...asPod, '--network', 'host', '-v', `${kubeconfig}:/etc/restpath/kubeconfig:ro`,
      '-e', 'AWS_ACCESS_KEY_ID=none', '-e', 'AWS_SECRET_ACCESS_KEY=none',
      image, 'controller', '--kubeconfig', '/etc/restpath/kubeconfig', '--aws-endpoint', inject('awsEndpoint'),
      '--namespaces', `image-test-${process.pid}`, '--health-port', String(port)]);
    await untilLogged(name, '/readyz 200 from the controller in the image', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 60_000);
    const text = await logsOf(name);
    expect(text).toContain('caches synced; reconciling');
    expect(text).not.toMatch(/EROFS|read-only file system|"level":50/i);
    expect((await podmanOk(['inspect', '--format', '{{.State.Status}}', name])).trim()).toBe('running');
    await podmanOk(['rm', '-f', '--time', '0', name]);
  }, 120_000);
});
