// `make run`: builds what is missing, starts a local Kubernetes control plane and the AWS emulator,
// installs the CRDs, applies the examples and shows them. Ctrl-C stops every process it started.
import { join } from 'node:path';
import { startEnvironment } from './testenv/environment.js';
import { installCrds, kubectlFor } from './testenv/kubectl.js';

const repo = join(import.meta.dirname, '..');
const started = Date.now();
console.log('Starting the local control plane (etcd + kube-apiserver) and the AWS emulator...');
const env = await startEnvironment();
const kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
await installCrds(kubectl, join(repo, 'crds'));
console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)}s.\n`);
console.log(await kubectl.ok(['apply', '-f', join(repo, 'deploy', 'examples')]));
console.log(await kubectl.ok(['get', 'ra,rp,up', '--all-namespaces']));

const account = await env.aws.freshAccount();
console.log(`
The operator itself is not part of this yet (it arrives with the controller issue), so the objects
above are stored and validated by the API server but not yet reconciled into AWS.

  export KUBECONFIG=${env.controlPlane.kubeconfig}
  kubectl get restpaths -A            # or: kubectl get restpath,restapi,usageplan -A
  aws --endpoint-url ${env.aws.endpoint} --region ${account.region} apigateway get-rest-apis   # ${env.aws.kind}
      (with AWS_ACCESS_KEY_ID=${account.accessKeyId} AWS_SECRET_ACCESS_KEY=${account.secretAccessKey})

Press Ctrl-C to stop everything (each process is stopped by its pid).`);
// Runs until interrupted; the process registry stops every started process on SIGINT/SIGTERM.
await new Promise<never>(() => undefined);
