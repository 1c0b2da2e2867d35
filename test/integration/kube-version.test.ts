// The tiers run against the Kubernetes release they were asked for: the default of
// scripts/testenv/build-control-plane.sh, or KUBE_VERSION (the compatibility tier, `make test-compat`).
// Without this a build-cache mix-up would silently test another version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testKubectl } from '../support/cluster.js';

const script = readFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'testenv', 'build-control-plane.sh'), 'utf8');
const defaultVersion = /^KUBE_VERSION="\$\{KUBE_VERSION:-(v[0-9.]+)\}"/m.exec(script)?.[1];

describe('the Kubernetes version under test', () => {
  it('is the one this run asked for, for the server and for kubectl (within one minor)', async () => {
    const wanted = process.env.KUBE_VERSION ?? defaultVersion;
    expect(wanted, 'the default KUBE_VERSION line of build-control-plane.sh').toMatch(/^v1\.\d+\.\d+$/);
    const kubectl = testKubectl();
    const version = JSON.parse(await kubectl.ok(['version', '-o', 'json'])) as {
      clientVersion: { gitVersion: string; minor: string };
      serverVersion: { gitVersion: string; minor: string };
    };
    expect(version.serverVersion.gitVersion).toBe(wanted);
    const minor = (v: string) => Number(v.split('.')[1]);
    expect(Math.abs(minor(version.clientVersion.gitVersion) - minor(wanted!))).toBeLessThanOrEqual(1);
    console.log(`[kube-version] server ${version.serverVersion.gitVersion}, kubectl ${version.clientVersion.gitVersion}`);
  });
});
