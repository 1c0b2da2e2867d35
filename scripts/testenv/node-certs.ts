// Certificates a real node needs beyond scripts/testenv/certs.ts, signed by the same throw-away CA with
// the openssl CLI: the kubelet's client certificate (system:node:<name>, group system:nodes, what the
// Node authorizer expects) and a serving certificate that is also valid for the address Pods use.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStep } from './run.js';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function signed(dir: string, name: string, subject: string, extensions: string): Promise<{ cert: string; key: string }> {
  const ssl = (args: string[]) => runStep(`generating the ${name} certificate`, 'openssl', args, { cwd: dir });
  await ssl(['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  await ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '7', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/** Replaces serving.crt/serving.key in `dir` by one also valid for `ips` (before the apiserver starts). */
export async function reissueServingCert(dir: string, ips: string[]): Promise<void> {
  const sans = ['IP:127.0.0.1', ...ips.map((ip) => `IP:${ip}`), 'DNS:localhost', 'DNS:kubernetes.default.svc'];
  await signed(dir, 'serving', '/CN=kube-apiserver',
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans.join(',')}\n`);
}

/** The kubelet's client certificate for node `nodeName`. */
export function kubeletClientCert(dir: string, nodeName: string): Promise<{ cert: string; key: string }> {
  return signed(dir, 'kubelet', `/O=system:nodes/CN=system:node:${nodeName}`,
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
}
