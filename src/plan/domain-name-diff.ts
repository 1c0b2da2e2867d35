// diff(desired domain name, observed) -> operations, pure. The domain's own settings go into one
// UpdateDomainName (AWS allows one every 30 seconds). Mappings are compared by base path: a changed
// target is updated in place (no window without a mapping); a mapping AWS has but the spec does not
// is removed only when the ledger says the operator made it, else reported as undeclared. Removals
// come first, because AWS refuses a root mapping next to others (and the reverse).
import type { DesiredDomainName, DomainShape, MappingShape } from '../model/domain-name.js';
import { basePathLabel } from '../model/domain-name.js';
import type { StringMap } from '../model/shapes.js';
import type { PatchOperation } from './operations.js';

export interface ObservedDomainName {
  domain: DomainShape;
  tags: StringMap;
  /** Where DNS must point: regionalDomainName, or distributionDomainName for EDGE. */
  targetDomainName: string;
  hostedZoneId: string;
  status: string;
  statusMessage: string;
}

export type DomainOperation =
  | { kind: 'updateDomainName'; patch: PatchOperation[] }
  | { kind: 'tagDomainName'; tags: StringMap }
  | { kind: 'untagDomainName'; keys: string[] }
  | { kind: 'createMapping'; mapping: MappingShape }
  | { kind: 'updateMapping'; mapping: MappingShape; patch: PatchOperation[] }
  | { kind: 'deleteMapping'; mapping: MappingShape };

export function describeDomainOperation(op: DomainOperation): string {
  switch (op.kind) {
    case 'updateDomainName':
      return `update domain name (${op.patch.map((p) => `${p.op} ${p.path}`).join(', ')})`;
    case 'tagDomainName':
      return `tag domain name (${Object.keys(op.tags).join(', ')})`;
    case 'untagDomainName':
      return `untag domain name (${op.keys.join(', ')})`;
    case 'createMapping':
      return `map ${basePathLabel(op.mapping.basePath)} to ${op.mapping.restApiId}/${op.mapping.stage}`;
    case 'updateMapping':
      return `remap ${basePathLabel(op.mapping.basePath)} to ${op.mapping.restApiId}/${op.mapping.stage}`;
    case 'deleteMapping':
      return `remove mapping ${basePathLabel(op.mapping.basePath)} (${op.mapping.restApiId}/${op.mapping.stage})`;
  }
}

/** The certificate field AWS reads for each endpoint type. */
export function certificateField(endpointType: DomainShape['endpointType']): 'certificateArn' | 'regionalCertificateArn' {
  return endpointType === 'EDGE' ? 'certificateArn' : 'regionalCertificateArn';
}

export function domainPatch(want: DomainShape, have: DomainShape): PatchOperation[] {
  const out: PatchOperation[] = [];
  if (want.certificateArn !== have.certificateArn) out.push({ op: 'replace', path: `/${certificateField(want.endpointType)}`, value: want.certificateArn });
  if (want.securityPolicy !== have.securityPolicy) out.push({ op: 'replace', path: '/securityPolicy', value: want.securityPolicy });
  const wantTls = want.mutualTls ?? { truststoreUri: '', truststoreVersion: '' };
  const haveTls = have.mutualTls ?? { truststoreUri: '', truststoreVersion: '' };
  // AWS turns mutual TLS off when the truststore URI is replaced with an empty one.
  if (wantTls.truststoreUri !== haveTls.truststoreUri) out.push({ op: 'replace', path: '/mutualTlsAuthentication/truststoreUri', value: wantTls.truststoreUri });
  if (want.mutualTls && wantTls.truststoreVersion !== haveTls.truststoreVersion) out.push({ op: 'replace', path: '/mutualTlsAuthentication/truststoreVersion', value: wantTls.truststoreVersion });
  return out;
}

function mappingPatch(want: MappingShape, have: MappingShape): PatchOperation[] {
  const out: PatchOperation[] = [];
  if (want.restApiId !== have.restApiId) out.push({ op: 'replace', path: '/restapiId', value: want.restApiId });
  // A new API has none of the old one's stages: the stage is always sent with a new API.
  if (want.stage !== have.stage || want.restApiId !== have.restApiId) out.push({ op: 'replace', path: '/stage', value: want.stage });
  return out;
}

export interface DomainDiff {
  operations: DomainOperation[];
  /** Mappings in AWS that the spec does not declare and the operator did not make: reported, kept. */
  undeclared: MappingShape[];
}

/** `ledger`: the mappings the operator created (status.mappings); only those may it remove. */
export function diffDomainName(desired: DesiredDomainName, observed: ObservedDomainName, live: readonly MappingShape[], ledger: readonly MappingShape[]): DomainDiff {
  const wanted = new Map(desired.mappings.map((m) => [m.basePath, m]));
  const made = new Set(ledger.map((m) => m.basePath));
  const removals: DomainOperation[] = [];
  const updates: DomainOperation[] = [];
  const undeclared: MappingShape[] = [];
  const seen = new Set<string>();
  for (const have of live) {
    seen.add(have.basePath);
    const want = wanted.get(have.basePath);
    if (want) {
      const patch = mappingPatch(want, have);
      if (patch.length > 0) updates.push({ kind: 'updateMapping', mapping: want, patch });
    } else if (desired.held.has(have.basePath)) continue;
    else if (made.has(have.basePath)) removals.push({ kind: 'deleteMapping', mapping: have });
    else undeclared.push(have);
  }
  const creates: DomainOperation[] = desired.mappings.filter((m) => !seen.has(m.basePath)).map((mapping) => ({ kind: 'createMapping', mapping }));

  const own: DomainOperation[] = [];
  const patch = domainPatch(desired.domain, observed.domain);
  if (patch.length > 0) own.push({ kind: 'updateDomainName', patch });
  const tagsToSet = Object.fromEntries(Object.entries(desired.tags).filter(([k, v]) => observed.tags[k] !== v));
  if (Object.keys(tagsToSet).length > 0) own.push({ kind: 'tagDomainName', tags: tagsToSet });
  const tagsToDrop = Object.keys(observed.tags).filter((k) => !(k in desired.tags)).sort();
  if (tagsToDrop.length > 0) own.push({ kind: 'untagDomainName', keys: tagsToDrop });
  return { operations: [...removals, ...updates, ...creates, ...own], undeclared };
}

/** The ledger after a pass: what it had, plus what was created, less what was removed. */
export function ledgerAfter(ledger: readonly MappingShape[], applied: readonly DomainOperation[]): MappingShape[] {
  const byPath = new Map(ledger.map((m) => [m.basePath, m]));
  for (const op of applied) {
    if (op.kind === 'createMapping' || op.kind === 'updateMapping') {
      if (op.kind === 'createMapping' || byPath.has(op.mapping.basePath)) byPath.set(op.mapping.basePath, op.mapping);
    } else if (op.kind === 'deleteMapping') byPath.delete(op.mapping.basePath);
  }
  return [...byPath.values()].sort((a, b) => a.basePath.localeCompare(b.basePath));
}
