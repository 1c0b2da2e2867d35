// What integration and e2e tests use to talk to the real API server: kubectl, as users run it,
// and a namespace of their own per test file.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { kubectlFor, type Kubectl } from '../../scripts/testenv/kubectl.js';

export function testKubectl(): Kubectl {
  return kubectlFor(inject('kubectlBinary'), inject('kubeconfig'));
}

/** Creates a namespace named after the test file with a random suffix; returns its name. */
export async function freshNamespace(kubectl: Kubectl, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl.ok(['create', 'namespace', name]);
  return name;
}

export async function deleteNamespace(kubectl: Kubectl, name: string): Promise<void> {
  await kubectl.ok(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
}

/** A namespace of this test file's own, created before its tests and deleted after; call the result for its name. */
export function useFreshNamespace(kubectl: Kubectl, prefix: string): () => string {
  let name = '';
  beforeAll(async () => {
    name = await freshNamespace(kubectl, prefix);
  });
  afterAll(async () => {
    await deleteNamespace(kubectl, name);
  });
  return () => name;
}
