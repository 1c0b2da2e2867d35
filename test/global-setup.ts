// Starts the real test environment once per vitest run (per project) and hands tests what they need
// through vitest's provide/inject. Teardown stops every process by pid, also after failures.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startEnvironment, type Environment } from '../scripts/testenv/environment.js';
import { installCrds, kubectlFor } from '../scripts/testenv/kubectl.js';
import { ensureAwsCli } from '../scripts/testenv/aws-emulator.js';
import { join } from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    kubectlBinary: string;
    awsEndpoint: string;
    awsEmulator: 'localstack' | 'moto';
    awsCli: string;
  }
}

let env: Environment | undefined;

export async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  env = await startEnvironment();
  const kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
  await installCrds(kubectl, join(import.meta.dirname, '..', 'crds'));
  project.provide('kubeconfig', env.controlPlane.kubeconfig);
  project.provide('kubectlBinary', env.controlPlane.kubectl);
  project.provide('awsEndpoint', env.aws.endpoint);
  project.provide('awsEmulator', env.aws.kind);
  project.provide('awsCli', await ensureAwsCli());
  console.log(
    `[testenv] kube-apiserver ${env.controlPlane.server} (etcd ${env.controlPlane.startupMs.etcd} ms, ` +
      `apiserver ${env.controlPlane.startupMs.apiserver} ms), ${env.aws.kind} ${env.aws.endpoint} ` +
      `(${env.aws.startupMs} ms); ready in ${Date.now() - started} ms`,
  );
}

export async function teardown(): Promise<void> {
  await env?.stop();
}
