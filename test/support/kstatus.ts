// kstatus as the tools built on it see our objects: sigs.k8s.io/cli-utils' status.Compute (kpt,
// Flux's health checks, `cli-utils apply --wait`), run by the real Go code in test/kstatus over
// `kubectl get -o json` output. scripts/testenv/build-kstatus.sh builds it once into the binary cache.
import { join } from 'node:path';
import { runStep } from '../../scripts/testenv/run.js';

const REPO = join(import.meta.dirname, '..', '..');

export type KstatusStatus = 'InProgress' | 'Current' | 'Failed' | 'Terminating' | 'NotFound' | 'Unknown';

export interface KstatusResult {
  kind: string;
  namespace: string;
  name: string;
  status: KstatusStatus;
  message: string;
}

let binary: Promise<string> | undefined;

/** The kstatus binary: built by the script on first use (cheap when cached), its path read from its last line. */
export function kstatusBinary(): Promise<string> {
  binary ??= runStep('building kstatus (scripts/testenv/build-kstatus.sh)', 'bash', [join(REPO, 'scripts', 'testenv', 'build-kstatus.sh')]).then(
    (out) => {
      const path = out.trim().split('\n').pop();
      if (!path) throw new Error('build-kstatus.sh printed no binary path');
      return path;
    },
  );
  // A failed build is not cached: the next call tries again and shows go's error again.
  binary.catch(() => (binary = undefined));
  return binary;
}

/** kstatus of every object in `kubectl get -o json` output (one object or a List), in order. */
export async function kstatus(kubectlJson: string): Promise<KstatusResult[]> {
  const out = await runStep('kstatus', await kstatusBinary(), [], { input: kubectlJson });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as KstatusResult);
}

/** kstatus of one object, read with `kubectl get <kind> <name> -n <namespace> -o json`. */
export async function kstatusOf(
  kubectl: (args: string[]) => Promise<string>,
  kind: string,
  name: string,
  namespace: string,
): Promise<KstatusResult> {
  const [result] = await kstatus(await kubectl(['get', kind, name, '-n', namespace, '-o', 'json']));
  if (!result) throw new Error(`kstatus printed nothing for ${kind} ${namespace}/${name}`);
  return result;
}
