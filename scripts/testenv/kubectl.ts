// kubectl exactly as a user runs it, pointed at the local control plane.
import { run, runStep, type RunResult } from './run.js';

export interface Kubectl {
  (args: string[], input?: string): Promise<RunResult>;
  /** Runs kubectl and throws (with its output) when it fails. */
  ok: (args: string[], input?: string) => Promise<string>;
}

export function kubectlFor(binary: string, kubeconfig: string): Kubectl {
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const call = (args: string[], input?: string) => run(binary, args, { env, input });
  return Object.assign(call, {
    ok: (args: string[], input?: string) => runStep(`kubectl ${args.join(' ')}`, binary, args, { env, input }),
  });
}

/** Installs the CRDs from crds/ (a kustomization) and waits until the API server serves them. */
export async function installCrds(kubectl: Kubectl, crdDir: string): Promise<void> {
  const applied = await kubectl.ok(['apply', '--server-side', '--field-manager=restpath-testenv', '-k', crdDir, '-o', 'name']);
  const names = applied.split('\n').filter((n) => n.startsWith('customresourcedefinition'));
  await kubectl.ok(['wait', '--for=condition=Established', '--timeout=60s', ...names]);
}
