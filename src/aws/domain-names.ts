// Custom domain names in API Gateway, their base path mappings, and the facts their runbook reads:
// the ACM certificate (in its own region: us-east-1 for EDGE) and the Route 53 records of the name
// where the hosted zone is in this account. Tags are read with GetTags, the way TagResource writes them.
import {
  CreateBasePathMappingCommand,
  CreateDomainNameCommand,
  DeleteBasePathMappingCommand,
  DeleteDomainNameCommand,
  GetBasePathMappingsCommand,
  GetDomainNameCommand,
  GetTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateBasePathMappingCommand,
  UpdateDomainNameCommand,
  type DomainName as AwsDomainName,
} from '@aws-sdk/client-api-gateway';
import type { ACMClient} from '@aws-sdk/client-acm';
import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import type { Route53Client } from '@aws-sdk/client-route-53';
import { ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { CertificateFacts, DnsFacts } from '../diagnose/domain-name.js';
import type { DesiredDomainName, DomainShape, MappingShape } from '../model/domain-name.js';
import type { DomainOperation, ObservedDomainName } from '../plan/domain-name-diff.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients } from './clients.js';
import { alreadyExists, isGone } from './errors.js';
import { API_GATEWAY_PAGE_SIZE, paginate } from './paginate.js';

/** ACM clients per region (a certificate lives in one) and the one Route 53 client (global). */
export interface DomainClients {
  acm: (region: string) => ACMClient;
  route53: Route53Client;
}

/** AWS answers the root mapping's base path as "(none)". */
const ROOT = '(none)';

export function domainNameArn(region: string, domainName: string): string {
  return `arn:aws:apigateway:${region}::/domainnames/${domainName}`;
}

export function domainShape(d: AwsDomainName): DomainShape {
  const endpointType = d.endpointConfiguration?.types?.[0] === 'EDGE' ? 'EDGE' : 'REGIONAL';
  const tls = d.mutualTlsAuthentication;
  return {
    domainName: d.domainName ?? '',
    endpointType,
    certificateArn: (endpointType === 'EDGE' ? d.certificateArn : d.regionalCertificateArn) ?? '',
    securityPolicy: d.securityPolicy === 'TLS_1_0' ? 'TLS_1_0' : 'TLS_1_2',
    mutualTls: tls?.truststoreUri ? { truststoreUri: tls.truststoreUri, truststoreVersion: tls.truststoreVersion ?? '' } : null,
  };
}

export async function observeDomainName(caller: AwsCaller, clients: AwsClients, domainName: string): Promise<ObservedDomainName | undefined> {
  const api = clients.apigateway;
  let d: AwsDomainName;
  try {
    d = await caller.call('GetDomainName', () => api.send(new GetDomainNameCommand({ domainName })));
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
  const shape = domainShape(d);
  const tags = await caller.call('GetTags', () => api.send(new GetTagsCommand({ resourceArn: domainNameArn(clients.region, domainName) })));
  const edge = shape.endpointType === 'EDGE';
  return {
    domain: shape,
    tags: tags.tags ?? {},
    targetDomainName: (edge ? d.distributionDomainName : d.regionalDomainName) ?? '',
    hostedZoneId: (edge ? d.distributionHostedZoneId : d.regionalHostedZoneId) ?? '',
    status: d.domainNameStatus ?? '',
    statusMessage: d.domainNameStatusMessage ?? '',
  };
}

export async function observeMappings(caller: AwsCaller, clients: AwsClients, domainName: string): Promise<MappingShape[]> {
  const items = await paginate(caller, 'GetBasePathMappings', async (position) => {
    const page = await clients.apigateway.send(new GetBasePathMappingsCommand({ domainName, limit: API_GATEWAY_PAGE_SIZE, ...(position ? { position } : {}) }));
    return { items: page.items, next: page.position };
  }).catch((error: unknown) => {
    if (isGone(error)) return [];
    throw error;
  });
  return items
    .map((m) => ({ basePath: m.basePath === ROOT ? '' : (m.basePath ?? ''), restApiId: m.restApiId ?? '', stage: m.stage ?? '' }))
    .sort((a, b) => a.basePath.localeCompare(b.basePath));
}

/** Creates the domain name; `created: false` when it exists already (its owner is checked next). */
export async function createDomainName(caller: AwsCaller, clients: AwsClients, desired: DesiredDomainName): Promise<{ created: boolean }> {
  const d = desired.domain;
  const edge = d.endpointType === 'EDGE';
  try {
    await caller.call('CreateDomainName', () =>
      clients.apigateway.send(
        new CreateDomainNameCommand({
          domainName: d.domainName,
          endpointConfiguration: { types: [d.endpointType] },
          ...(edge ? { certificateArn: d.certificateArn } : { regionalCertificateArn: d.certificateArn }),
          securityPolicy: d.securityPolicy,
          ...(d.mutualTls ? { mutualTlsAuthentication: { truststoreUri: d.mutualTls.truststoreUri, ...(d.mutualTls.truststoreVersion ? { truststoreVersion: d.mutualTls.truststoreVersion } : {}) } } : {}),
          tags: desired.tags,
        }),
      ),
    );
    return { created: true };
  } catch (error) {
    if (alreadyExists(error)) return { created: false };
    throw error;
  }
}

export interface DomainExecution {
  completed: number;
  failed?: { operation: DomainOperation; error: unknown };
}

export async function executeDomainName(caller: AwsCaller, clients: AwsClients, domainName: string, plan: readonly DomainOperation[]): Promise<DomainExecution> {
  const api = clients.apigateway;
  const resourceArn = domainNameArn(clients.region, domainName);
  let completed = 0;
  for (const op of plan) {
    try {
      switch (op.kind) {
        case 'updateDomainName':
          await caller.call('UpdateDomainName', () => api.send(new UpdateDomainNameCommand({ domainName, patchOperations: op.patch })));
          break;
        case 'tagDomainName':
          await caller.call('TagResource', () => api.send(new TagResourceCommand({ resourceArn, tags: op.tags })));
          break;
        case 'untagDomainName':
          await caller.call('UntagResource', () => api.send(new UntagResourceCommand({ resourceArn, tagKeys: op.keys })));
          break;
        case 'createMapping':
          await caller.call('CreateBasePathMapping', () =>
            api.send(new CreateBasePathMappingCommand({ domainName, restApiId: op.mapping.restApiId, stage: op.mapping.stage, ...(op.mapping.basePath ? { basePath: op.mapping.basePath } : {}) })),
          );
          break;
        case 'updateMapping':
          await caller.call('UpdateBasePathMapping', () => api.send(new UpdateBasePathMappingCommand({ domainName, basePath: op.mapping.basePath || ROOT, patchOperations: op.patch })));
          break;
        case 'deleteMapping':
          await caller.call('DeleteBasePathMapping', () => api.send(new DeleteBasePathMappingCommand({ domainName, basePath: op.mapping.basePath || ROOT }))).catch((e: unknown) => {
            if (!isGone(e)) throw e;
          });
          break;
      }
    } catch (error) {
      return { completed, failed: { operation: op, error } };
    }
    completed += 1;
  }
  return { completed };
}

/** Deletes the domain name (AWS removes its mappings with it); gone already is fine. */
export async function deleteDomainName(caller: AwsCaller, clients: AwsClients, domainName: string): Promise<void> {
  await caller.call('DeleteDomainName', () => clients.apigateway.send(new DeleteDomainNameCommand({ domainName }))).catch((e: unknown) => {
    if (!isGone(e)) throw e;
  });
}

export async function readCertificate(caller: AwsCaller, clients: DomainClients, arn: string): Promise<CertificateFacts | undefined> {
  const region = arn.split(':')[3] ?? '';
  try {
    const out = await caller.call('DescribeCertificate', () => clients.acm(region).send(new DescribeCertificateCommand({ CertificateArn: arn })));
    const c = out.Certificate;
    return {
      arn,
      status: c?.Status ?? 'UNKNOWN',
      domainName: c?.DomainName ?? '',
      subjectAlternativeNames: c?.SubjectAlternativeNames ?? [],
      ...(c?.NotAfter ? { notAfter: c.NotAfter.toISOString() } : {}),
    };
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

const withDot = (n: string) => (n.endsWith('.') ? n : `${n}.`);

/**
 * The public hosted zone of this account that holds the name (the longest suffix that is a zone),
 * and the name's A, AAAA and CNAME records in it. One ListHostedZonesByName per suffix tried.
 */
export async function readDns(caller: AwsCaller, clients: DomainClients, domainName: string): Promise<DnsFacts> {
  const labels = domainName.replace(/^\*\./, '').split('.');
  for (let i = 0; i < labels.length - 1; i += 1) {
    const suffix = withDot(labels.slice(i).join('.'));
    const out = await caller.call('ListHostedZonesByName', () => clients.route53.send(new ListHostedZonesByNameCommand({ DNSName: suffix, MaxItems: 1 })));
    const zone = out.HostedZones?.[0];
    if (!zone || zone.Name?.toLowerCase() !== suffix.toLowerCase() || zone.Config?.PrivateZone) continue;
    const id = (zone.Id ?? '').replace(/^\/hostedzone\//, '');
    // Route 53 writes a leading * as \052.
    const recordName = withDot(domainName.replace(/^\*\./, '\\052.'));
    const sets = await caller.call('ListResourceRecordSets', () => clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id, StartRecordName: recordName, MaxItems: 10 })));
    const records = (sets.ResourceRecordSets ?? [])
      .filter((r) => r.Name?.toLowerCase() === recordName.toLowerCase())
      .map((r) => ({ type: r.Type ?? '', targets: r.AliasTarget?.DNSName ? [r.AliasTarget.DNSName] : (r.ResourceRecords ?? []).map((v) => v.Value ?? '') }));
    return { zone: { id, name: zone.Name ?? suffix }, records };
  }
  return { records: [] };
}
