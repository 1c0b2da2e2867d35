// Custom domain names for the in-memory AWS, with AWS's documented behaviour where the emulator has
// none (test/aws-emulator/README.md): create-time tags kept, UpdateDomainName applied, 409 for a second
// mapping at one base path, 400 for a root mapping next to others, and the certificates (ACM) and DNS
// records (Route 53) the runbook reads.
import type { Dated, DomainExecution, DomainNameAws } from '../../src/controllers/ports.js';
import type { CertificateFacts, DnsFacts } from '../../src/diagnose/domain-name.js';
import type { DesiredDomainName, MappingShape } from '../../src/model/domain-name.js';
import type { DomainOperation, ObservedDomainName } from '../../src/plan/domain-name-diff.js';
import type { PatchOperation } from '../../src/plan/operations.js';
import { AwsFault } from './memory-aws.js';

export class MemoryDomains implements DomainNameAws {
  readonly domains = new Map<string, ObservedDomainName>();
  readonly mappings = new Map<string, MappingShape[]>();
  readonly certificates = new Map<string, CertificateFacts>();
  /** Route 53 in this account: records by name; a name absent from `zones` has no zone here. */
  readonly zones = new Map<string, { id: string; records: Map<string, { type: string; targets: string[] }[]> }>();
  private counter = 0;

  constructor(
    private readonly call: (what: string) => void,
    private readonly now: () => number,
  ) {}

  async observeDomainName(name: string): Promise<ObservedDomainName | undefined> {
    this.call('observeDomainName');
    const d = this.domains.get(name);
    return d && structuredClone(d);
  }

  async observeMappings(name: string): Promise<MappingShape[]> {
    this.call('observeMappings');
    return [...(this.mappings.get(name) ?? [])].sort((a, b) => a.basePath.localeCompare(b.basePath));
  }

  async createDomainName(desired: DesiredDomainName): Promise<{ created: boolean }> {
    this.call('createDomainName');
    const name = desired.domain.domainName;
    if (this.domains.has(name)) return { created: false };
    const target = `d-${(this.counter += 1).toString(36).padStart(10, '0')}.execute-api.us-east-1.amazonaws.com`;
    this.domains.set(name, { domain: structuredClone(desired.domain), tags: { ...desired.tags }, targetDomainName: target, hostedZoneId: 'Z1UJRXOUMOOFQ8', status: 'AVAILABLE', statusMessage: '' });
    return { created: true };
  }

  private patchDomain(d: ObservedDomainName, patch: readonly PatchOperation[]): void {
    for (const p of patch) {
      if (p.path === '/regionalCertificateArn' || p.path === '/certificateArn') d.domain.certificateArn = p.value ?? '';
      else if (p.path === '/securityPolicy') d.domain.securityPolicy = p.value === 'TLS_1_0' ? 'TLS_1_0' : 'TLS_1_2';
      else if (p.path === '/mutualTlsAuthentication/truststoreUri') d.domain.mutualTls = p.value ? { truststoreUri: p.value, truststoreVersion: d.domain.mutualTls?.truststoreVersion ?? '' } : null;
      else if (p.path === '/mutualTlsAuthentication/truststoreVersion' && d.domain.mutualTls) d.domain.mutualTls.truststoreVersion = p.value ?? '';
      else throw new AwsFault('BadRequestException', `Invalid patch path ${p.path}`);
    }
  }

  private apply(name: string, op: DomainOperation): void {
    const d = this.domains.get(name);
    if (!d) throw new AwsFault('NotFoundException', 'Invalid domain name identifier specified', { httpStatusCode: 404 });
    const list = this.mappings.get(name) ?? [];
    this.mappings.set(name, list);
    const at = (basePath: string) => list.findIndex((m) => m.basePath === basePath);
    switch (op.kind) {
      case 'updateDomainName':
        return this.patchDomain(d, op.patch);
      case 'tagDomainName':
        return void Object.assign(d.tags, op.tags);
      case 'untagDomainName':
        for (const k of op.keys) delete d.tags[k];
        return;
      case 'createMapping':
        if (at(op.mapping.basePath) >= 0) throw new AwsFault('ConflictException', 'Base path already exists for this domain name', { httpStatusCode: 409 });
        if (list.length > 0 && (op.mapping.basePath === '' || list.some((m) => m.basePath === ''))) throw new AwsFault('BadRequestException', 'Only one base path mapping is allowed if the base path is empty.');
        list.push({ ...op.mapping });
        return;
      case 'updateMapping':
        if (at(op.mapping.basePath) < 0) throw new AwsFault('NotFoundException', 'Invalid base path mapping identifier specified', { httpStatusCode: 404 });
        list[at(op.mapping.basePath)] = { ...op.mapping };
        return;
      case 'deleteMapping':
        if (at(op.mapping.basePath) >= 0) list.splice(at(op.mapping.basePath), 1);
        return;
    }
  }

  async executeDomainName(name: string, plan: readonly DomainOperation[]): Promise<DomainExecution> {
    let completed = 0;
    for (const op of plan) {
      try {
        this.call(op.kind);
        this.apply(name, op);
      } catch (error) {
        return { completed, failed: { operation: op, error } };
      }
      completed += 1;
    }
    return { completed };
  }

  async deleteDomainName(name: string): Promise<void> {
    this.call('deleteDomainName');
    this.domains.delete(name);
    this.mappings.delete(name);
  }

  async certificate(arn: string): Promise<Dated<CertificateFacts | undefined>> {
    this.call('certificate');
    const c = this.certificates.get(arn);
    return { value: c && structuredClone(c), readAt: this.now() };
  }

  async dns(name: string): Promise<Dated<DnsFacts>> {
    this.call('dns');
    const labels = name.split('.');
    for (let i = 0; i < labels.length - 1; i += 1) {
      const zoneName = labels.slice(i).join('.');
      const zone = this.zones.get(zoneName);
      if (zone) return { value: { zone: { id: zone.id, name: `${zoneName}.` }, records: structuredClone(zone.records.get(name) ?? []) }, readAt: this.now() };
    }
    return { value: { records: [] }, readAt: this.now() };
  }
}
