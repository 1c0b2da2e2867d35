// `make run`: builds what is missing, starts a local control plane and the AWS emulator, installs the
// CRDs, runs the operator against both, applies the examples and shows what it made of them.
// Ctrl-C stops every process it started (by pid).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from './testenv/environment.js';
import { installCrds, kubectlFor } from './testenv/kubectl.js';
import { startProcess } from './testenv/processes.js';

const repo = join(import.meta.dirname, '..');
const started = Date.now();
console.log('Starting the local control plane (etcd + kube-apiserver) and the AWS emulator...');
const env = await startEnvironment();
const kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
await installCrds(kubectl, join(repo, 'crds'));
const account = await env.aws.freshAccount();
const operator = startProcess({
  name: 'operator',
  // One process (node with tsx's loader), so the pid recorded is the operator's own: a wrapper would
  // leave its child running when killed.
  command: process.execPath,
  args: ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts'), 'controller', '--kubeconfig', env.controlPlane.kubeconfig,
    '--aws-endpoint', env.aws.endpoint, '--region', account.region, '--health-port', '0'],
  runDir: env.runDir,
  cwd: repo,
  env: { ...process.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey },
});
console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)}s; the operator runs as pid ${operator.pid} (log: ${operator.logFile}).\n`);
console.log(await kubectl.ok(['apply', '-f', join(repo, 'deploy', 'examples')]));

const apiId = async () => (await kubectl.ok(['get', 'restapi', 'shop', '-n', 'shop', '-o', 'jsonpath={.status.stages[?(@.name=="dev")].deploymentId}'])).trim();
for (let i = 0; i < 120 && !(await apiId()); i++) await sleep(500);
await sleep(1000);
console.log(await kubectl.ok(['get', 'ra,rp,up', '-n', 'shop']));
const id = (await kubectl.ok(['get', 'restapi', 'shop', '-n', 'shop', '-o', 'jsonpath={.status.id}'])).trim();
console.log(await kubectl.ok(['get', 'restapi', 'shop', '-n', 'shop', '-o', 'jsonpath={range .status.stages[*]}{.name}{"\\t"}{.invokeUrl}{"\\n"}{end}']));
console.log(`Everything above except UsagePlan partners (its reconciler arrives with the UsagePlan issue) is in the
AWS emulator now, including the IAM execution role of the checkout path.

  export KUBECONFIG=${env.controlPlane.kubeconfig}
  kubectl describe restpath health -n shop
  curl ${env.aws.endpoint}/restapis/${id}/dev/_user_request_/health        # the deployed stage, through ${env.aws.kind}
  AWS_ACCESS_KEY_ID=${account.accessKeyId} AWS_SECRET_ACCESS_KEY=${account.secretAccessKey} \\
    aws --endpoint-url ${env.aws.endpoint} --region ${account.region} apigateway get-resources --rest-api-id ${id}

Press Ctrl-C to stop everything (each process is stopped by its pid).`);
// Runs until interrupted; the process registry stops every started process on SIGINT/SIGTERM.
await new Promise<never>(() => undefined);
