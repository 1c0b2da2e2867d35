// One pass over one DomainName as plain data, and domainNameStatusFor(pass), pure: the status (target,
// hosted zone, the mapping ledger, Synced, CertificateReady, MappingsReady, DnsReady, Ready,
// Reconciling, Stalled) and the Events. A certificate that is not issued or does not cover the name
// holds Ready (clients cannot connect); pending validation is Reconciling, since ACM gets there by
// itself. DNS never holds Ready: it may be someone else's to change.
import type { DomainName, DomainNameStatus } from '../api/domain-name.js';
import type { DesiredDomainName, MappingShape } from '../model/domain-name.js';
import type { Problem } from '../model/usage-plan.js';
import { describeDomainOperation, ledgerAfter, type DomainOperation, type ObservedDomainName } from '../plan/domain-name-diff.js';
import { setConditions, transitions, type Finding } from './conditions.js';
import type { EventSpec, Failure } from './rest-api-pass.js';
import { awaitingReference, CURRENT, summaryConditions, wasSettled, type Progress } from './summary.js';

export interface DomainNamePass {
  now: Date;
  domain: DomainName;
  stopped?: Failure;
  /** Where the domain lives, once placed. */
  placed?: { accountId: string; region: string };
  desired?: DesiredDomainName;
  problems: Problem[];
  observed?: ObservedDomainName;
  operations: DomainOperation[];
  applied: number;
  executionFailure?: Failure & { operation: string };
  undeclared: MappingShape[];
  /** CertificateReady, MappingsReady and DnsReady, when the pass got far enough to check them. */
  checks: Finding[];
  created?: boolean;
  /** The external-dns DNSEndpoint kept for it ("namespace/name"), if any. */
  dnsEndpoint?: string;
  events: EventSpec[];
  referenceGraceMs: number;
}

/** A RestApi or stage that GitOps tools may apply a moment later: waited for, then Stalled. */
const AWAITED = new Set(['RestApiNotFound', 'StageNotFound']);
/** The RestApi is on its way to creating the stage, ACM to issuing the certificate. */
const PROGRESSING = new Set(['StageNotReady', 'CertificatePendingValidation']);

function progressOf(pass: DomainNamePass): { progress: Progress; recheckInMs?: number } {
  if (pass.stopped) return { progress: pass.stopped.progress };
  if (pass.executionFailure) return { progress: pass.executionFailure.progress };
  const cert = pass.checks.find((c) => c.type === 'CertificateReady');
  if (cert?.status === 'False') {
    const pending = PROGRESSING.has(cert.reason);
    return { progress: { kind: pending ? 'reconciling' : 'stalled', reason: cert.reason, message: cert.message }, ...(pending ? { recheckInMs: 60_000 } : {}) };
  }
  const first = pass.problems[0];
  if (!first) return { progress: CURRENT };
  const message = pass.problems.map((p) => p.message).join(' ');
  if (PROGRESSING.has(first.reason)) return { progress: { kind: 'reconciling', reason: first.reason, message } };
  if (AWAITED.has(first.reason)) return awaitingReference(pass.domain.status?.conditions, first.reason, message, pass.now, pass.referenceGraceMs);
  return { progress: { kind: 'stalled', reason: first.reason, message } };
}

function synced(pass: DomainNamePass): Finding {
  if (pass.stopped) return { type: 'Synced', status: 'False', reason: pass.stopped.reason, message: pass.stopped.message };
  const f = pass.executionFailure;
  if (f) return { type: 'Synced', status: 'False', reason: f.reason, message: `${pass.applied} of ${pass.operations.length} changes applied; stopped at "${f.operation}": ${f.message} The rest is applied on the next attempt; nothing applied so far is undone.` };
  return { type: 'Synced', status: 'True', reason: 'Synced', message: `Domain name ${pass.domain.spec.domainName} and its mappings match the spec.` };
}

export function domainNameStatusFor(pass: DomainNamePass): { status: DomainNameStatus; events: EventSpec[]; recheckInMs?: number } {
  const domain = pass.domain;
  const generation = domain.metadata.generation ?? 0;
  const sync = synced(pass);
  const { progress, recheckInMs } = progressOf(pass);
  const o = pass.observed;
  const target = o?.targetDomainName ? ` Point DNS for ${domain.spec.domainName} at ${o.targetDomainName}${o.hostedZoneId ? ` (alias hosted zone ${o.hostedZoneId})` : ''}.` : '';
  const whenReady = { reason: 'Ready', message: `Domain name ${domain.spec.domainName} serves ${pass.desired?.mappings.length ?? 0} mapping(s).${target}` };
  // MappingsReady False reports the model's problems, which progressOf already weighs: not a blocker twice.
  // DNS (as found, or the DNSEndpoint asked for) is outside API Gateway: reported, never holding Ready.
  const blocking = pass.checks.filter((c) => c.type !== 'DnsReady' && c.type !== 'MappingsReady' && c.type !== 'DnsEndpointReady');
  const findings = [sync, ...pass.checks, ...summaryConditions(progress, [sync, ...blocking], whenReady, generation)];
  // DnsEndpointReady only while a DNSEndpoint is asked for.
  const kept = (domain.status?.conditions ?? []).filter((c) => c.type !== 'DnsEndpointReady' || domain.spec.dnsEndpoint?.enabled === true);
  const conditions = setConditions(kept, findings, generation, pass.now);
  const ledger = ledgerAfter(domain.status?.mappings ?? [], pass.operations.slice(0, pass.applied));
  const { dnsEndpoint: _before, ...previous } = domain.status ?? {};
  const status: DomainNameStatus = {
    ...previous,
    ...pass.placed,
    ...(pass.dnsEndpoint ? { dnsEndpoint: pass.dnsEndpoint } : {}),
    ...(o ? { targetDomainName: o.targetDomainName, hostedZoneId: o.hostedZoneId, domainNameStatus: o.status } : {}),
    ...(pass.created !== undefined ? { created: pass.created } : {}),
    mappings: ledger,
    observedGeneration: generation,
    conditions,
  };
  const events = [...pass.events];
  for (const c of transitions(domain.status?.conditions, conditions)) {
    const bad = (c.type === 'Synced' && c.status === 'False') || (c.type === 'Stalled' && c.status === 'True') || ((c.type === 'DnsReady' || c.type === 'DnsEndpointReady') && c.status === 'False');
    if (bad && !events.some((e) => e.reason === c.reason)) events.push({ type: 'Warning', reason: c.reason, action: 'Reconcile', note: c.message });
  }
  const before = new Set((domain.status?.conditions ?? []).filter((c) => c.type === 'MappingsReady').map((c) => c.message));
  if (pass.undeclared.length > 0 && ![...before].some((m) => pass.undeclared.every((u) => m.includes(`/${u.basePath} to ${u.restApiId}/${u.stage}`)))) {
    events.push({ type: 'Warning', reason: 'UndeclaredMapping', action: 'Reconcile', note: `AWS maps ${pass.undeclared.map((u) => `/${u.basePath} to ${u.restApiId}/${u.stage}`).join(', ')} on ${domain.spec.domainName}; the spec does not declare it and the operator did not create it, so it is left as it is.` });
  }
  return { status, events, ...(recheckInMs !== undefined ? { recheckInMs } : {}) };
}

/** One Event for what a pass changed; a restore of what drifted without a spec change is a Warning. */
export function domainAppliedEvents(domain: DomainName, applied: readonly DomainOperation[]): EventSpec[] {
  if (applied.length === 0) return [];
  const text = `${applied.slice(0, 6).map(describeDomainOperation).join('; ')}${applied.length > 6 ? '; ...' : ''}`;
  if (wasSettled(domain)) return [{ type: 'Warning', reason: 'DriftCorrected', action: 'Reconcile', note: `Domain name ${domain.spec.domainName} differed from the spec without a spec change; restored: ${text}` }];
  return [{ type: 'Normal', reason: 'Updated', action: 'Reconcile', note: `Applied ${applied.length} change(s): ${text}` }];
}
