// `make run-cluster`: the operator as Pods, the way users install it. Starts a control plane, one real
// node (kubelet + containerd, scripts/testenv/node.ts) with the controller-manager and the scheduler,
// and the AWS emulator; builds the operator image from the Dockerfile and loads it into the node;
// `kubectl apply -k` deploy/ through a small overlay (local image, the node's address for the API
// server and AWS, emulator credentials: scripts/testenv/operator-install.ts); applies the examples and
// shows what to look at. Ctrl-C stops every process by its pid and undoes what the node changed.
// `make run` is the fast path without a node (the operator as a local process).
import { join } from 'node:path';
import { startNodeEnvironment } from './testenv/node-environment.js';
import { OPERATOR_NAMESPACE, operatorImage, writeOperatorOverlay } from './testenv/operator-install.js';

const repo = join(import.meta.dirname, '..');
const started = Date.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
console.log('Starting a control plane, a node (containerd + kubelet) and the AWS emulator, and building the operator image...');
// The listeners already there (tsx's: it SIGKILLs a child that does not report a signal) stay.
const ownListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
const [env, image] = await Promise.all([startNodeEnvironment(), operatorImage()]);

// From here on Ctrl-C (or SIGTERM) stops the cluster the orderly way: Pods first, then the processes,
// then what the node changed on the host. Another Ctrl-C a moment later exits at once (the exit hooks
// still kill every process by pid and undo the node's changes); the copies of one Ctrl-C that npx and
// tsx pass on within the same second do not count.
let stoppingSince = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // processes.ts's handler (SIGKILL everything, exit) gives way to the orderly stop below.
  for (const l of process.listeners(signal)) if (!ownListeners[signal].includes(l)) process.removeListener(signal, l);
  process.on(signal, () => {
    if (stoppingSince) {
      if (Date.now() - stoppingSince > 1000) process.exit(130);
      return;
    }
    stoppingSince = Date.now();
    console.log('\nStopping (Pods, node, control plane, emulator)...');
    void env.stop().then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
}

const { kubectl } = env;
const loadMs = await env.node.loadImage(image);
const account = await env.aws.freshAccount();
const overlay = writeOperatorOverlay(join(env.runDir, 'overlay'), { image, node: env.node, account });
console.log(`Cluster up in ${seconds(env.startupMs.controlPlaneAndAws + env.startupMs.node)} (node ${seconds(env.startupMs.node)}); ${image} loaded into the node in ${seconds(loadMs)}.\n`);
console.log(`kubectl apply -k ${overlay}   (deploy/ + the local image, API server and AWS addresses)`);
console.log(await kubectl.ok(['apply', '-k', overlay]));
const rollout = await kubectl(['rollout', 'status', 'deployment/restpath-operator', '-n', OPERATOR_NAMESPACE, '--timeout=180s']);
console.log(rollout.stdout || rollout.stderr);
console.log(await kubectl.ok(['apply', '-f', join(repo, 'deploy', 'examples')]));
const waited = await kubectl(['wait', '--for=condition=Ready', 'ra,rp,up', '--all', '-n', 'shop', '--timeout=180s']);
console.log(waited.stdout || waited.stderr);
console.log(await kubectl.ok(['get', 'pods', '-n', OPERATOR_NAMESPACE, '-o', 'wide']));
console.log(await kubectl.ok(['get', 'lease', 'restpath-operator', '-n', OPERATOR_NAMESPACE]));
console.log(await kubectl.ok(['get', 'ra,rp,up', '-n', 'shop']));
console.log(`Ready in ${seconds(Date.now() - started)}. Two replicas run as Pods on node ${env.node.name}; the Lease names the leader.

  export KUBECONFIG=${env.controlPlane.kubeconfig}
  kubectl get pods -n ${OPERATOR_NAMESPACE} -o wide
  kubectl logs -n ${OPERATOR_NAMESPACE} -l app.kubernetes.io/name=restpath-operator --prefix -f
  kubectl get lease restpath-operator -n ${OPERATOR_NAMESPACE} -o jsonpath='{.spec.holderIdentity}'
  kubectl delete pod -n ${OPERATOR_NAMESPACE} <the leader>        # the other replica takes over
  kubectl rollout restart deployment/restpath-operator -n ${OPERATOR_NAMESPACE}
  kubectl describe usageplan partners -n shop
  AWS_ACCESS_KEY_ID=${account.accessKeyId} AWS_SECRET_ACCESS_KEY=${account.secretAccessKey} \\
    aws --endpoint-url ${env.aws.endpoint} --region ${account.region} apigateway get-rest-apis

Node logs (kubelet, containerd, controller-manager, scheduler): ${join(env.runDir, 'node')}
Press Ctrl-C to stop everything.`);
await new Promise<never>(() => undefined);
