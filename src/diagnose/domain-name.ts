// The runbook for a custom domain name, pure: is its certificate issued and does it cover the name
// (CertificateReady), which base paths reach which stage and what every other one answers
// (MappingsReady), and does DNS point at the domain's target where the hosted zone is in this account
// (DnsReady; it never holds Ready back: DNS may be someone else's, and external-dns may lag).
import { basePathLabel, type DesiredDomainName, type MappingShape } from '../model/domain-name.js';
import type { Problem as ModelProblem } from '../model/usage-plan.js';
import { CLIENT, findingFrom, type Problem } from './findings.js';

export interface CertificateFacts {
  arn: string;
  /** ACM's status: ISSUED, PENDING_VALIDATION, EXPIRED, REVOKED, FAILED, INACTIVE, VALIDATION_TIMED_OUT. */
  status: string;
  domainName: string;
  subjectAlternativeNames: string[];
  /** ISO time, when ACM says. */
  notAfter?: string;
}

/** One record set for the domain name: a CNAME's value, or an alias record's target. */
export interface DnsRecordFacts {
  type: string;
  targets: string[];
}

export interface DnsFacts {
  /** The public hosted zone in this account that holds the name; undefined: none does. */
  zone?: { id: string; name: string };
  records: DnsRecordFacts[];
}

export interface DomainFacts {
  domainName: string;
  region: string;
  /** undefined: ACM has no such certificate; 'unreadable': the read was refused. */
  certificate: CertificateFacts | undefined | { unreadable: string };
  dns: DnsFacts | { unreadable: string };
  targetDomainName: string;
  live: readonly MappingShape[];
  undeclared: readonly MappingShape[];
  desired: DesiredDomainName;
  /** The model's problems with mappings (a RestApi or stage missing). */
  mappingProblems: readonly ModelProblem[];
  dnsEndpointEnabled: boolean;
  now: Date;
}

export type DomainConditionType = 'CertificateReady' | 'MappingsReady' | 'DnsReady';

/** Whether a certificate name (maybe a wildcard) covers a host name: *.example.com covers one label. */
export function covers(certName: string, host: string): boolean {
  const name = certName.toLowerCase();
  const h = host.toLowerCase();
  if (name === h) return true;
  if (!name.startsWith('*.')) return false;
  const rest = h.slice(h.indexOf('.') + 1);
  return h.includes('.') && rest === name.slice(2) && !h.slice(0, h.indexOf('.')).includes('*');
}

const certRegion = (arn: string) => arn.split(':')[3] ?? '';

export function certificateFinding(f: DomainFacts): { type: DomainConditionType; status: 'True' | 'False' | 'Unknown'; reason: string; message: string } {
  const arn = f.desired.domain.certificateArn;
  const command = `aws acm describe-certificate --certificate-arn ${arn} --region ${certRegion(arn)} --query 'Certificate.[Status,DomainName,SubjectAlternativeNames]'`;
  const c = f.certificate;
  const problems: Problem[] = [];
  if (c === undefined) {
    problems.push({ reason: 'CertificateNotFound', what: `ACM has no certificate ${arn} in ${certRegion(arn)}: API Gateway cannot serve TLS for ${f.domainName}, so clients cannot connect.`, command });
  } else if ('unreadable' in c) {
    problems.push({ reason: 'CertificateNotReadable', what: `The operator could not read certificate ${arn} (${c.unreadable}); whether it is issued and covers ${f.domainName} is not known. The operator's role needs acm:DescribeCertificate.`, command, undecided: true });
  } else {
    if (c.status !== 'ISSUED') {
      const why = c.status === 'PENDING_VALIDATION' ? 'ACM is waiting for its DNS or email validation' : `its status is ${c.status}`;
      problems.push({ reason: c.status === 'PENDING_VALIDATION' ? 'CertificatePendingValidation' : 'CertificateNotIssued', what: `Certificate ${arn} is not issued (${why}): API Gateway serves ${f.domainName} only with an issued certificate, so clients get TLS handshake errors.`, command });
    }
    const names = [...new Set([c.domainName, ...c.subjectAlternativeNames])];
    if (!names.some((n) => covers(n, f.domainName))) {
      problems.push({ reason: 'CertificateDoesNotCover', what: `Certificate ${arn} is for ${names.join(', ')}, not ${f.domainName}: clients reject the server's certificate (curl: "no alternative certificate subject name matches").`, command });
    }
  }
  const expires = c && !('unreadable' in c) && c.notAfter ? ` It expires ${c.notAfter}.` : '';
  return findingFrom('CertificateReady', problems, { reason: 'CertificateIssued', message: `Certificate ${arn} is issued and covers ${f.domainName}.${expires}` });
}

function route(f: DomainFacts, m: MappingShape): string {
  const name = f.desired.apiNames.get(m.restApiId);
  return `https://${f.domainName}${basePathLabel(m.basePath)} -> ${name ? `RestApi ${name} ` : ''}${m.restApiId}/${m.stage}`;
}

export function mappingsFinding(f: DomainFacts): { type: DomainConditionType; status: 'True' | 'False' | 'Unknown'; reason: string; message: string } {
  const listCommand = `aws apigateway get-base-path-mappings --domain-name ${f.domainName}`;
  const problems: Problem[] = f.mappingProblems.map((p) => ({ reason: p.reason, what: p.message, command: listCommand }));
  const serving = f.live.filter((m) => !f.undeclared.includes(m));
  if (f.desired.mappings.length === 0 && f.desired.held.size === 0 && f.live.length === 0) {
    problems.push({ reason: 'NoMappings', what: `${f.domainName} maps no base path to any stage: every request to https://${f.domainName}/ gets ${CLIENT.forbidden}. Add mappings to the spec.`, command: listCommand });
  }
  const others = f.live.some((m) => m.basePath === '') ? '' : ` Requests to any other base path get ${CLIENT.forbidden}.`;
  const extra =
    f.undeclared.length > 0
      ? ` AWS also maps ${f.undeclared.map((m) => `${basePathLabel(m.basePath)} to ${m.restApiId}/${m.stage}`).join(', ')}, which the spec does not declare and the operator did not create: left as it is (remove it with aws apigateway delete-base-path-mapping --domain-name ${f.domainName} --base-path ${f.undeclared[0]!.basePath || '(none)'}).`
      : '';
  const ok = { reason: 'MappingsServing', message: `${serving.map((m) => route(f, m)).join('; ') || 'no mapping'}.${others}${extra}` };
  const finding = findingFrom('MappingsReady', problems, ok);
  return finding.status === 'True' ? finding : { ...finding, message: `${finding.message}${extra}` };
}

const dnsName = (n: string) => n.toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '').replace(/^\\052/, '*');

export function dnsFinding(f: DomainFacts): { type: DomainConditionType; status: 'True' | 'False' | 'Unknown'; reason: string; message: string } {
  const target = f.targetDomainName;
  const external = f.dnsEndpointEnabled ? ' The DNSEndpoint the operator writes asks external-dns for it; if this stays, check that external-dns runs with --source=crd.' : '';
  const dig = `dig +short CNAME ${f.domainName}`;
  if ('unreadable' in f.dns) {
    return findingFrom('DnsReady', [{ reason: 'DnsNotReadable', what: `The operator could not read Route 53 (${f.dns.unreadable}); whether ${f.domainName} points at ${target} is not known.`, command: dig, undecided: true }], { reason: '', message: '' });
  }
  const zone = f.dns.zone;
  if (!zone) {
    return findingFrom('DnsReady', [{ reason: 'DnsZoneNotInAccount', what: `No public Route 53 hosted zone in this account holds ${f.domainName}, so the operator cannot check its DNS: it must be a CNAME (or alias) to ${target}.`, command: dig, undecided: true }], { reason: '', message: '' });
  }
  const command = `aws route53 list-resource-record-sets --hosted-zone-id ${zone.id} --query "ResourceRecordSets[?Name=='${f.domainName}.']"`;
  const pointing = f.dns.records.filter((r) => ['A', 'AAAA', 'CNAME'].includes(r.type));
  if (pointing.length === 0) {
    return findingFrom('DnsReady', [{ reason: 'DnsRecordMissing', what: `Hosted zone ${zone.name} (${zone.id}) has no CNAME or alias record for ${f.domainName}: clients cannot resolve it. Point it at ${target}.${external}`, command }], { reason: '', message: '' });
  }
  const wrong = pointing.filter((r) => !r.targets.some((t) => dnsName(t) === dnsName(target)));
  if (wrong.length > 0) {
    const at = wrong.map((r) => `${r.type} -> ${r.targets.join(', ') || '(no value)'}`).join('; ');
    return findingFrom('DnsReady', [{ reason: 'DnsNotPointingAtDomain', what: `${f.domainName} points elsewhere (${at}), not at ${target}: clients reach another server, not this domain's APIs (typically TLS errors or 403/404 from it).${external}`, command }], { reason: '', message: '' });
  }
  return findingFrom('DnsReady', [], { reason: 'DnsPointsAtDomain', message: `${f.domainName} points at ${target} (hosted zone ${zone.name}).` });
}

export function domainFindings(f: DomainFacts) {
  return [certificateFinding(f), mappingsFinding(f), dnsFinding(f)];
}
