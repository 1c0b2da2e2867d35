// Installing the operator the way users do (`kubectl apply -k deploy/`) on the test node
// (scripts/testenv/node.ts): the image built from the Dockerfile (scripts/image/build.sh), loaded into
// the node, and a kustomize overlay over deploy/ that changes only what a local cluster needs:
// - the image: the local build, imagePullPolicy Never (nothing is pulled here);
// - KUBERNETES_SERVICE_HOST/PORT: the node's address, where the API server is forwarded (the
//   `kubernetes` Service IP 10.0.0.1 has no kube-proxy behind it on this cluster);
// - AWS_ENDPOINT_URL, AWS_REGION and the emulator account's keys (from a Secret), instead of IRSA.
// Used by test/e2e/pod.test.ts and `make run-cluster`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AwsAccount } from './aws-emulator.js';
import type { TestNode } from './node.js';
import { runStep } from './run.js';

const REPO = join(import.meta.dirname, '..', '..');
export const OPERATOR_NAMESPACE = 'restpath-system';
/** The image name deploy/kustomization.yaml sets (its `images` entry). */
const SHIPPED_IMAGE = 'ghcr.io/restpath/restpath-operator';

/** The operator image: scripts/image/build.sh (podman's layer cache makes a rebuild quick), or $RESTPATH_OPERATOR_IMAGE when set. */
export async function operatorImage(): Promise<string> {
  if (process.env.RESTPATH_OPERATOR_IMAGE) return process.env.RESTPATH_OPERATOR_IMAGE;
  const out = await runStep('building the operator image (scripts/image/build.sh)', 'bash', [join(REPO, 'scripts', 'image', 'build.sh')], { cwd: REPO });
  const ref = out.trim().split('\n').pop()?.replace(/^IMAGE=/, '');
  if (!ref) throw new Error('scripts/image/build.sh printed no image reference');
  return ref;
}

export interface OverlayOptions {
  image: string;
  node: TestNode;
  account: AwsAccount;
  /** Replaces the ClusterRole's rules (a test of what a missing verb does); deploy/'s otherwise. */
  clusterRoleRules?: unknown[];
  /** More environment variables of the operator container (its flags' env forms). */
  env?: Record<string, string>;
}

/** Writes the overlay into `dir` and returns it, for `kubectl apply -k`. */
export function writeOperatorOverlay(dir: string, opts: OverlayOptions): string {
  mkdirSync(dir, { recursive: true });
  const colon = opts.image.lastIndexOf(':');
  const [name, tag] = colon > opts.image.lastIndexOf('/') ? [opts.image.slice(0, colon), opts.image.slice(colon + 1)] : [opts.image, 'latest'];
  const { host, port } = opts.node.apiserverForPods;
  const q = (v: string) => JSON.stringify(v);
  writeFileSync(join(dir, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${OPERATOR_NAMESPACE}
resources:
  - ${relative(dir, join(REPO, 'deploy'))}
  - aws-credentials.yaml
images:
  - { name: ${SHIPPED_IMAGE}, newName: ${name}, newTag: ${q(tag)} }
patches:
  - path: deployment-patch.yaml
${opts.clusterRoleRules ? `  - target: { kind: ClusterRole, name: restpath-operator }
    patch: ${q(JSON.stringify([{ op: 'replace', path: '/rules', value: opts.clusterRoleRules }]))}
` : ''}`);
  writeFileSync(join(dir, 'aws-credentials.yaml'), `apiVersion: v1
kind: Secret
metadata: { name: restpath-operator-aws }
stringData: { accessKeyId: ${q(opts.account.accessKeyId)}, secretAccessKey: ${q(opts.account.secretAccessKey)} }
`);
  writeFileSync(join(dir, 'deployment-patch.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata: { name: restpath-operator }
spec:
  template:
    spec:
      containers:
        - name: operator
          imagePullPolicy: Never
          env:
            - { name: KUBERNETES_SERVICE_HOST, value: ${q(host)} }
            - { name: KUBERNETES_SERVICE_PORT, value: ${q(String(port))} }
            - { name: AWS_ENDPOINT_URL, value: ${q(opts.node.awsEndpointForPods)} }
            - { name: AWS_REGION, value: ${q(opts.account.region)} }
            - { name: AWS_ACCESS_KEY_ID, valueFrom: { secretKeyRef: { name: restpath-operator-aws, key: accessKeyId } } }
            - { name: AWS_SECRET_ACCESS_KEY, valueFrom: { secretKeyRef: { name: restpath-operator-aws, key: secretAccessKey } } }
${Object.entries(opts.env ?? {}).map(([k, v]) => `            - { name: ${k}, value: ${q(v)} }\n`).join('')}`);
  return dir;
}
