// Custom domain names end to end with kubectl and the aws CLI: the shipped domain example (one domain,
// two APIs) with an imported ACM certificate, its mappings in API Gateway, the DNS target in status,
// the external-dns DNSEndpoint, DNS in a Route 53 zone of the account found pointing elsewhere and then
// right, a hand-made mapping reported and kept, a certificate for another name refused, a mapping
// removed from the spec removed from AWS, and deletion. LocalStack does not route custom domains on
// its data plane, so routing is checked through the control plane (test/aws-emulator/README.md).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { EXAMPLES } from '../support/examples.js';
import { FIXTURES } from '../support/fixtures.js';
import { healthOf } from '../support/argocd-health.js';
import { objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { run } from '../../scripts/testenv/run.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'domains');
let operator: RunningOperator;
const { apply, get, until, waitFor, condition, events } = objectsIn(kubectl, namespace, () => operator.logs());

beforeAll(async () => {
  await kubectl.ok(['apply', '-f', join(FIXTURES, 'external-dns', 'dnsendpoint-crd.yaml')]);
  operator = await startOperator(['--namespaces', namespace()]);
});
afterAll(async () => {
  await operator?.stop();
});

/** An ACM certificate for `names` imported into the emulator (self-signed: ACM marks imports ISSUED). */
async function importCertificate(names: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cert-'));
  const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`]);
  expect(made.code, made.stderr).toBe(0);
  const out = (await operator.aws(['acm', 'import-certificate', '--certificate', `fileb://${join(dir, 'c.pem')}`, '--private-key', `fileb://${join(dir, 'k.pem')}`])) as { CertificateArn: string };
  return out.CertificateArn;
}

const inNamespace = (text: string) => text.replaceAll('namespace: shop', `namespace: ${namespace()}`);
const example = (file: string) => inNamespace(readFileSync(join(EXAMPLES, file), 'utf8'));
interface DomainStatus { targetDomainName?: string; hostedZoneId?: string; created?: boolean; dnsEndpoint?: string; mappings?: { basePath: string }[] }
interface Mappings { items: { basePath: string; restApiId: string; stage: string }[] }

// CreateDomainName is allowed once every 30 s per account, and two REST APIs are created and deployed first.
describe('a custom domain name for two APIs', { timeout: 240_000 }, () => {
  const host = () => `api.${namespace()}.example.com`;
  const domainYaml = (arn: string, edit: (s: string) => string = (s) => s) =>
    edit(example('domains/20-domainname-shop.yaml').replaceAll('api.shop.example.com', host()).replace(/certificateArn: \S+/, `certificateArn: ${arn}`));
  const mappings = async () => ((await operator.aws(['apigateway', 'get-base-path-mappings', '--domain-name', host()])) as Mappings).items.map((m) => `${m.basePath}:${m.restApiId}:${m.stage}`).sort();
  let arn = '';
  let zone = '';

  it('creates the domain name and maps /shop and /partners to the two stages; status names the DNS target', async () => {
    arn = await importCertificate([host()]);
    zone = ((await operator.aws(['route53', 'create-hosted-zone', '--name', `${namespace()}.example.com`, '--caller-reference', namespace()])) as { HostedZone: { Id: string } }).HostedZone.Id.replace('/hostedzone/', '');
    await operator.aws(['route53', 'change-resource-record-sets', '--hosted-zone-id', zone, '--change-batch', JSON.stringify({ Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: host(), Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'old-lb.example.net' }] } }] })]);
    await apply([example('10-restapi-shop.yaml'), example('20-restpath-health.yaml'), example('domains/10-restapi-partners.yaml'), domainYaml(arn)].join('\n---\n'));
    // The shop's prod stage is Manual: until it is deployed the /shop mapping waits for it (StageNotReady).
    await waitFor('domainname/shop', 'Reconciling', 'True', 'StageNotReady', 60_000);
    await kubectl.ok(['annotate', 'restapi', 'shop', '-n', namespace(), 'restpath.dev/deploy=release-1']);
    const dn = await waitFor<DomainStatus>('domainname/shop', 'Ready', 'True', undefined, 120_000);
    const live = (await operator.aws(['apigateway', 'get-domain-name', '--domain-name', host()])) as { regionalDomainName: string; regionalCertificateArn: string; securityPolicy: string };
    expect(live).toMatchObject({ regionalCertificateArn: arn, securityPolicy: 'TLS_1_2' });
    expect(dn.status?.targetDomainName).toBe(live.regionalDomainName);
    expect(dn.status?.created).toBe(true);
    const shop = (await get<{ id: string }>('restapi/shop')).status!.id;
    const partners = (await get<{ id: string }>('restapi/partners')).status!.id;
    expect(await mappings()).toEqual([`partners:${partners}:prod`, `shop:${shop}:prod`]);
    expect(condition(dn, 'CertificateReady')).toMatchObject({ status: 'True', reason: 'CertificateIssued' });
    expect(condition(dn, 'MappingsReady')?.message).toContain(`https://${host()}/shop -> RestApi shop ${shop}/prod`);
    // The zone is in this account and the record points elsewhere: reported, Ready is not held.
    expect(condition(dn, 'DnsReady')).toMatchObject({ status: 'False', reason: 'DnsNotPointingAtDomain' });
    expect(condition(dn, 'DnsReady')?.message).toContain(`aws route53 list-resource-record-sets --hosted-zone-id ${zone}`);
    const endpoint = JSON.parse(await kubectl.ok(['get', 'dnsendpoint', 'shop', '-n', namespace(), '-o', 'json'])) as { spec: { endpoints: { dnsName: string; recordType: string; targets: string[] }[] } };
    expect(endpoint.spec.endpoints).toEqual([expect.objectContaining({ dnsName: host(), recordType: 'CNAME', targets: [live.regionalDomainName] })]);
    expect(dn.status?.dnsEndpoint).toBe(`${namespace()}/shop`);
    expect((await events('shop')).map((e) => e.reason)).toContain('Created');
    // Argo CD's health check (deploy/argocd/health) shows the wrong DNS record although Ready is True.
    expect(await healthOf('DomainName', dn)).toMatchObject({ status: 'Degraded', message: expect.stringMatching(/^DnsReady=False, DnsNotPointingAtDomain: /) as unknown });
  });

  it('sees DNS fixed, reports a hand-made mapping without removing it, and removes a mapping dropped from the spec', async () => {
    const dn = await get<DomainStatus>('domainname/shop');
    await operator.aws(['route53', 'change-resource-record-sets', '--hosted-zone-id', zone, '--change-batch', JSON.stringify({ Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: host(), Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: dn.status!.targetDomainName! }] } }] })]);
    const partners = (await get<{ id: string }>('restapi/partners')).status!.id;
    await operator.aws(['apigateway', 'create-base-path-mapping', '--domain-name', host(), '--rest-api-id', partners, '--stage', 'prod', '--base-path', 'legacy']);
    await kubectl.ok(['annotate', '--overwrite', '-n', namespace(), 'domainname/shop', `restpath.dev/reconcile-requested-at=${Date.now()}`]);
    await until('DnsReady=True and the hand-made mapping reported', async () => {
      const o = await get<DomainStatus>('domainname/shop');
      return condition(o, 'DnsReady')?.status === 'True' && condition(o, 'MappingsReady')?.message.includes(`AWS also maps /legacy to ${partners}/prod`) ? o : undefined;
    });
    expect((await events('shop')).map((e) => e.reason)).toContain('UndeclaredMapping');

    await apply(domainYaml(arn, (s) => s.replace(/\n\s+- \{ basePath: partners.*\n/, '\n')));
    await until('the /partners mapping removed', async () => ((await mappings()).some((m) => m.startsWith('partners:')) ? undefined : true));
    expect((await mappings()).map((m) => m.split(':')[0])).toEqual(['legacy', 'shop']);
    const after = await waitFor<DomainStatus>('domainname/shop', 'Ready', 'True');
    expect(after.status?.mappings?.map((m) => m.basePath)).toEqual(['shop']);
    expect(await healthOf('DomainName', after)).toMatchObject({ status: 'Healthy' });
  });

  it('refuses a certificate that does not cover the name, with the command to check it', async () => {
    const other = await importCertificate([`www.${namespace()}.example.org`]);
    const name = `other.${namespace()}.example.com`;
    await apply(`apiVersion: apigateway.restpath.dev/v1alpha1
kind: DomainName
metadata: { name: other }
spec:
  domainName: ${name}
  certificateArn: ${other}
  mappings: [{ restApiRef: { name: partners }, stage: prod }]
`);
    // CreateDomainName is allowed once every 30 seconds per account.
    const dn = await waitFor('domainname/other', 'Stalled', 'True', 'CertificateDoesNotCover', 120_000);
    expect(condition(dn, 'Ready')?.status).toBe('False');
    expect(condition(dn, 'CertificateReady')?.message).toContain(`aws acm describe-certificate --certificate-arn ${other} --region us-east-1`);
    // The zone is in this account and holds no record for the name.
    expect(condition(dn, 'DnsReady')).toMatchObject({ status: 'False', reason: 'DnsRecordMissing' });
    expect(await healthOf('DomainName', dn)).toMatchObject({ status: 'Degraded', message: expect.stringMatching(/^CertificateReady=False, CertificateDoesNotCover: /) as unknown });
  });

  it('deletes the domain names it created, with their mappings and the DNSEndpoint', async () => {
    await kubectl.ok(['delete', '-n', namespace(), 'domainname/shop', 'domainname/other', '--timeout=150s']);
    const gone = await operator.aws(['apigateway', 'get-domain-name', '--domain-name', host()]).then(() => false, () => true);
    expect(gone).toBe(true);
    const left = await kubectl(['get', 'dnsendpoint', 'shop', '-n', namespace()]);
    expect(left.stderr).toContain('NotFound');
  });
});
