// `make run`: builds what is missing, starts a local control plane and the AWS emulator, installs the
// CRDs, runs the operator against both, applies the examples and shows what it made of them.
// Ctrl-C stops every process it started (by pid).
import { join } from 'node:path';
import { startEnvironment } from './testenv/environment.js';
import { installCrds, kubectlFor } from './testenv/kubectl.js';
import { startProcess } from './testenv/processes.js';
import { readdirSync, readFileSync } from 'node:fs';
import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { run } from './testenv/run.js';
import type { AwsSettings } from '../src/aws/clients.js';

/** A self-signed certificate for `name`, made with openssl and imported into ACM (which marks it ISSUED). */
async function importCertificate(name: string, dir: string, aws: Required<Pick<AwsSettings, 'region' | 'endpoint' | 'credentials'>>): Promise<string> {
  const key = join(dir, 'domain-key.pem');
  const cert = join(dir, 'domain-cert.pem');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`]);
  if (made.code !== 0) throw new Error(`openssl: ${made.stderr}`);
  const acm = new ACMClient({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials });
  const out = await acm.send(new ImportCertificateCommand({ Certificate: readFileSync(cert), PrivateKey: readFileSync(key) }));
  return out.CertificateArn ?? '';
}

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

// Every object reports Ready=True once the operator has applied it to AWS (kubectl wait reads the
// same conditions kstatus and Argo CD do).
const waited = await kubectl(['wait', '--for=condition=Ready', 'ra,rp,up', '--all', '-n', 'shop', '--timeout=180s']);
console.log(waited.stdout || waited.stderr);
console.log(await kubectl.ok(['get', 'ra,rp,up', '-n', 'shop']));
const id = (await kubectl.ok(['get', 'restapi', 'shop', '-n', 'shop', '-o', 'jsonpath={.status.id}'])).trim();

// The custom domain for two APIs (deploy/examples/domains/), with a self-signed certificate imported into
// the emulator's ACM for it: applied and shown as the operator sees it.
const certificateArn = await importCertificate('api.shop.example.com', env.runDir, { region: account.region, endpoint: env.aws.endpoint, credentials: account });
const domains = join(repo, 'deploy', 'examples', 'domains');
const domainYaml = readdirSync(domains).sort().map((f) => readFileSync(join(domains, f), 'utf8')).join('\n---\n').replace(/certificateArn: \S+/, `certificateArn: ${certificateArn}`);
console.log(await kubectl.ok(['apply', '-f', '-'], domainYaml));
await kubectl(['wait', '--for=condition=Ready', 'restapi/partners', '-n', 'shop', '--timeout=120s']);
await kubectl(['wait', '--for=condition=Synced', 'domainname/shop', '-n', 'shop', '--timeout=60s']);
console.log(await kubectl.ok(['get', 'domainname', '-n', 'shop']));
console.log(await kubectl.ok(['get', 'restapi', 'shop', '-n', 'shop', '-o', 'jsonpath={range .status.stages[*]}{.name}{"\\t"}{.invokeUrl}{"\\n"}{end}']));
console.log(`All of it is in the AWS emulator now: the REST API, its paths, the IAM execution role of the
checkout path, and the usage plan shop-partners with two API keys (partner-b's value was generated into
the Secret partner-b; it never appears in a log, status or Event).

  export KUBECONFIG=${env.controlPlane.kubeconfig}
  kubectl describe restpath health -n shop
  kubectl describe usageplan partners -n shop
  kubectl describe domainname shop -n shop   # /shop waits for the Manual prod stage:
  kubectl annotate restapi shop -n shop restpath.dev/deploy=1   # deploys it; then the domain serves both
  curl ${env.aws.endpoint}/restapis/${id}/dev/_user_request_/health        # the deployed stage, through ${env.aws.kind}
  AWS_ACCESS_KEY_ID=${account.accessKeyId} AWS_SECRET_ACCESS_KEY=${account.secretAccessKey} \\
    aws --endpoint-url ${env.aws.endpoint} --region ${account.region} apigateway get-resources --rest-api-id ${id}

Press Ctrl-C to stop everything (each process is stopped by its pid).`);
// Runs until interrupted; the process registry stops every started process on SIGINT/SIGTERM.
await new Promise<never>(() => undefined);
