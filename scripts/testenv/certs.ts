// Certificates for the local kube-apiserver, made with the openssl CLI: a throw-away CA, a serving
// certificate for 127.0.0.1/localhost, an admin client certificate (group system:masters) and the
// service-account signing key pair.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStep } from './run.js';

export interface ControlPlaneCerts {
  caCert: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function signedCert(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  const ssl = (args: string[]) => runStep(`generating the ${name} certificate`, 'openssl', args, { cwd: dir });
  await ssl(['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  await ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '7', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
}

export async function generateCerts(dir: string): Promise<ControlPlaneCerts> {
  await runStep('generating the test CA', 'openssl', ['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt',
    '-days', '7', '-subj', '/CN=restpath-testenv-ca', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { cwd: dir });
  await signedCert(dir, 'serving', '/CN=kube-apiserver',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' +
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n');
  await signedCert(dir, 'admin', '/O=system:masters/CN=restpath-admin',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  await runStep('generating the service-account key', 'openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt',
    'ec_paramgen_curve:prime256v1', '-out', 'sa.key'], { cwd: dir });
  await runStep('generating the service-account key', 'openssl', ['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], { cwd: dir });
  const at = (f: string) => join(dir, f);
  return {
    caCert: at('ca.crt'),
    servingCert: at('serving.crt'),
    servingKey: at('serving.key'),
    adminCert: at('admin.crt'),
    adminKey: at('admin.key'),
    serviceAccountKey: at('sa.key'),
    serviceAccountPub: at('sa.pub'),
  };
}
