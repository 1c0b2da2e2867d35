// One reconcile of one DomainName: model -> identify (create, or check the owner of what exists; the
// only early write is `created`) -> diff -> execute -> runbook checks (certificate, mappings, DNS) ->
// the external-dns DNSEndpoint when asked for; the pure domainNameStatusFor turns the pass into the
// status and Events, written once.
import type { DomainName } from '../api/domain-name.js';
import type { RestApi } from '../api/rest-api.js';
import { isGone } from '../aws/errors.js';
import { domainFindings, type DomainFacts } from '../diagnose/domain-name.js';
import { kubeErrorText } from '../kube/errors.js';
import { OWNER_TAG } from '../model/build.js';
import { buildDomainName, domainNameOwner, type DesiredDomainName } from '../model/domain-name.js';
import { describeDomainOperation, diffDomainName, type ObservedDomainName } from '../plan/domain-name-diff.js';
import { domainAppliedEvents, domainNameStatusFor, type DomainNamePass } from '../status/domain-name-status.js';
import type { EventSpec } from '../status/rest-api-pass.js';
import type { ControllerContext, Outcome, Trigger } from './context.js';
import { errorPolicy, outcomeOf, STALLED_RECHECK_MS, stalledBy, type Verdict } from './error-policy.js';
import { crossAccountVerdict, place, type Placed } from './placement.js';
import type { Placement } from '../model/placement.js';
import type { DnsEndpointWriter } from './ports.js';
import { adoptionAllowed, failure } from './rest-api-pass.js';
import { domainNameRef, FINALIZER, regarding } from './refs.js';

export interface DomainNameStores {
  getDomainName: (key: string) => DomainName | undefined;
  getRestApi: (key: string) => RestApi | undefined;
}

const deleting = (o: { metadata: { deletionTimestamp?: string } }) => Boolean(o.metadata.deletionTimestamp);
const unreadable = (error: unknown) => ({ unreadable: error instanceof Error ? error.message : String(error) });

export class DomainNameReconciler {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly stores: DomainNameStores,
    private readonly dnsEndpoints: DnsEndpointWriter,
  ) {}

  async reconcile(key: string, trigger: Trigger = 'requested'): Promise<Outcome> {
    const domain = this.stores.getDomainName(key);
    if (!domain) return { kind: 'done' };
    // Its account and region first: nothing is called in AWS for a domain that may not go there.
    const placed = await place(this.ctx, domain, domain.status?.created !== undefined);
    if (!placed.ok) {
      if (deleting(domain) && (domain.spec.deletionPolicy ?? 'Delete') === 'Retain') return this.delete(domain);
      return this.write(this.newPass(domain, { stopped: placed.failure }), undefined, undefined, placed.recheckInMs);
    }
    return new DomainNameReconciler(placed.ctx, this.stores, this.dnsEndpoints).reconcilePlaced(domain, placed, trigger);
  }

  private async reconcilePlaced(domain: DomainName, placed: Placed & { ok: true }, trigger: Trigger): Promise<Outcome> {
    if (deleting(domain)) return this.delete(domain);
    const stored = await this.ctx.writer.addFinalizer(domainNameRef(domain), domain, FINALIZER);
    const crossing = this.crossAccount(stored, placed.placement);
    const { pass, verdict, error } = crossing ? { pass: this.newPass(stored, { stopped: failure(crossing) }), verdict: crossing, error: undefined } : await this.run(stored, trigger === 'requested' ? 0 : this.ctx.settings.diagnosisMaxAgeMs);
    pass.placed = { accountId: placed.accountId, region: placed.placement.region };
    return this.write(pass, verdict, error);
  }

  private async write(pass: DomainNamePass, verdict: Verdict | undefined, error: unknown, recheckInMs?: number): Promise<Outcome> {
    const result = domainNameStatusFor(pass);
    await this.ctx.writer.updateStatus(domainNameRef(pass.domain), pass.domain, result.status);
    for (const e of result.events) await this.event(pass.domain, e);
    if (!verdict && pass.stopped?.progress.kind === 'stalled') return { kind: 'stalled', reason: pass.stopped.reason, message: pass.stopped.message, requeueAfterMs: STALLED_RECHECK_MS };
    return outcomeOf(verdict, error, result.recheckInMs ?? recheckInMs);
  }

  /** A RestApi in another account or region: AWS cannot link it. */
  private crossAccount(domain: DomainName, here: Placement): Verdict | undefined {
    const namespace = domain.metadata.namespace ?? '';
    const names = new Set((domain.spec.mappings ?? []).map((m) => m.restApiRef.name));
    return crossAccountVerdict(this.ctx, { kind: 'DomainName', name: domain.metadata.name, placement: here }, [...names].map((n) => this.stores.getRestApi(`${namespace}/${n}`)));
  }

  private newPass(domain: DomainName, extra: Partial<DomainNamePass> = {}): DomainNamePass {
    return { now: this.ctx.now(), domain, problems: [], operations: [], applied: 0, undeclared: [], checks: [], events: [], referenceGraceMs: this.ctx.settings.referenceGraceMs, ...(domain.status?.created !== undefined ? { created: domain.status.created } : {}), ...(domain.status?.dnsEndpoint ? { dnsEndpoint: domain.status.dnsEndpoint } : {}), ...extra };
  }

  private async run(domain: DomainName, maxAgeMs: number): Promise<{ pass: DomainNamePass; verdict?: Verdict; error?: unknown }> {
    const ctx = this.ctx;
    const namespace = domain.metadata.namespace ?? '';
    const pass = this.newPass(domain);
    const stop = (v: Verdict, error?: unknown) => {
      pass.stopped = failure(v);
      return { pass, verdict: v, ...(error !== undefined ? { error } : {}) };
    };
    const { desired, problems } = buildDomainName(
      { namespace, name: domain.metadata.name, spec: domain.spec, restApi: (n) => this.restApiFacts(namespace, n) },
      { managedBy: ctx.settings.managedBy, defaultTags: ctx.settings.defaultTags },
    );
    pass.desired = desired;
    pass.problems = problems;
    if (domain.spec.adopt && !adoptionAllowed(ctx, namespace)) {
      return stop(stalledBy('AdoptionNotAllowed', `Taking over domain name ${domain.spec.domainName} is not allowed in namespace ${namespace}: the operator's --adopt-namespaces does not list it.`));
    }
    let observed: ObservedDomainName;
    try {
      const found = await this.identify(pass, desired);
      if ('verdict' in found) return stop(found.verdict);
      observed = found.observed;
    } catch (error) {
      return stop(errorPolicy(error, 'Reading or creating the domain name', { operation: 'createDomainName' }), error);
    }
    pass.observed = observed;
    let live;
    try {
      live = await ctx.aws.observeMappings(desired.domain.domainName);
    } catch (error) {
      return stop(errorPolicy(error, 'Reading the base path mappings'), error);
    }
    const diff = diffDomainName(desired, observed, live, domain.status?.mappings ?? []);
    pass.operations = diff.operations;
    pass.undeclared = diff.undeclared;
    const result = await ctx.aws.executeDomainName(desired.domain.domainName, diff.operations);
    pass.applied = result.completed;
    pass.events.push(...domainAppliedEvents(domain, diff.operations.slice(0, result.completed)));
    let verdict: Verdict | undefined;
    if (result.failed) {
      verdict = errorPolicy(result.failed.error, 'Applying the domain name', { operation: result.failed.operation.kind });
      pass.executionFailure = { ...failure(verdict), message: verdict.detail, operation: describeDomainOperation(result.failed.operation) };
    }
    // Read again only when mappings changed: a resync in sync costs no second read.
    const changedMappings = diff.operations.slice(0, result.completed).some((op) => op.kind.endsWith('Mapping'));
    const served = result.failed || !changedMappings ? live : await ctx.aws.observeMappings(desired.domain.domainName).catch(() => live);
    pass.checks = await this.checks(domain, desired, problems, observed, served, diff.undeclared, maxAgeMs);
    await this.writeDnsEndpoint(pass, domain, observed);
    return { pass, ...(verdict ? { verdict, error: result.failed?.error } : {}) };
  }

  /** The domain name as AWS has it: created when missing; someone else's is left alone. */
  private async identify(pass: DomainNamePass, desired: DesiredDomainName): Promise<{ observed: ObservedDomainName } | { verdict: Verdict }> {
    const aws = this.ctx.aws;
    const name = desired.domain.domainName;
    const owner = domainNameOwner(pass.domain.metadata.namespace ?? '', pass.domain.metadata.name);
    let observed = await aws.observeDomainName(name);
    if (!observed) {
      const { created } = await aws.createDomainName(desired);
      observed = await aws.observeDomainName(name);
      if (!observed) throw new Error(`domain name ${name} was created but cannot be read back`);
      if (created) {
        const replacing = pass.domain.status?.created === true;
        // Written at once: only a domain name the operator created is one it may delete.
        pass.domain = await this.ctx.writer.updateStatus(domainNameRef(pass.domain), pass.domain, { ...pass.domain.status, created: true });
        pass.created = true;
        pass.events.push(
          replacing
            ? { type: 'Warning', reason: 'DriftCorrected', action: 'Reconcile', note: `Domain name ${name} was deleted outside the operator; created it again (its DNS target is now ${observed.targetDomainName})` }
            : { type: 'Normal', reason: 'Created', action: 'Reconcile', note: `Created domain name ${name} (${desired.domain.endpointType}); point DNS at ${observed.targetDomainName}` },
        );
        return { observed };
      }
    }
    const tagged = observed.tags[OWNER_TAG];
    if (tagged && tagged !== owner) return { verdict: stalledBy('OwnedByOther', `Domain name ${name} belongs to ${tagged} (tag ${OWNER_TAG}); the operator does not change it.`) };
    if (!tagged && pass.domain.status?.created === undefined) {
      if (!pass.domain.spec.adopt) {
        return { verdict: stalledBy('DomainNameExists', `Domain name ${name} exists in API Gateway and no DomainName owns it (no ${OWNER_TAG} tag). Set spec.adopt: true to take it over (the namespace must be in the operator's --adopt-namespaces); an adopted domain name is never deleted. Check: aws apigateway get-domain-name --domain-name ${name}`) };
      }
      pass.created = false;
      pass.events.push({ type: 'Normal', reason: 'Adopted', action: 'Reconcile', note: `Took over domain name ${name}; it is never deleted by the operator` });
    }
    return { observed };
  }

  private async checks(domain: DomainName, desired: DesiredDomainName, problems: DomainFacts['mappingProblems'], observed: ObservedDomainName, live: DomainFacts['live'], undeclared: DomainFacts['undeclared'], maxAgeMs: number) {
    const aws = this.ctx.aws;
    const [certificate, dns] = await Promise.all([
      aws.certificate(desired.domain.certificateArn, maxAgeMs).then((d) => d.value, unreadable),
      aws.dns(desired.domain.domainName, maxAgeMs).then((d) => d.value, unreadable),
    ]);
    return domainFindings({
      domainName: desired.domain.domainName,
      region: aws.region,
      certificate,
      dns,
      targetDomainName: observed.targetDomainName,
      live,
      undeclared,
      desired,
      mappingProblems: problems,
      dnsEndpointEnabled: domain.spec.dnsEndpoint?.enabled === true,
      now: this.ctx.now(),
    });
  }

  private async writeDnsEndpoint(pass: DomainNamePass, domain: DomainName, observed: ObservedDomainName): Promise<void> {
    const spec = domain.spec.dnsEndpoint;
    try {
      if (spec?.enabled && observed.targetDomainName) {
        const recordTTL = spec.recordTTL ?? 300;
        await this.dnsEndpoints.apply(domain, { dnsName: domain.spec.domainName, target: observed.targetDomainName, recordTTL });
        pass.dnsEndpoint = `${domain.metadata.namespace ?? ''}/${domain.metadata.name}`;
        pass.checks.push({ type: 'DnsEndpointReady', status: 'True', reason: 'DnsEndpointWritten', message: `The external-dns DNSEndpoint ${pass.dnsEndpoint} asks for ${domain.spec.domainName} CNAME ${observed.targetDomainName} (TTL ${recordTTL} s); external-dns with --source=crd writes it into your DNS.` });
      } else if (pass.dnsEndpoint) {
        // Only one the operator wrote (recorded in status) is removed: no Kubernetes call otherwise.
        await this.dnsEndpoints.remove(domain);
        delete pass.dnsEndpoint;
      }
    } catch (error) {
      pass.checks.push({ type: 'DnsEndpointReady', status: 'False', reason: 'DnsEndpointNotWritten', message: `The external-dns DNSEndpoint ${domain.metadata.namespace ?? ''}/${domain.metadata.name} could not be written: ${kubeErrorText(error)}. Is the DNSEndpoint CRD (externaldns.k8s.io/v1alpha1) installed, and may the operator write dnsendpoints?` });
    }
  }

  private restApiFacts(namespace: string, name: string) {
    const api = this.stores.getRestApi(`${namespace}/${name}`);
    if (!api) return undefined;
    return { id: api.status?.id, declaredStages: (api.spec.stages ?? []).map((s) => s.name), readyStages: (api.status?.stages ?? []).map((s) => s.name), methods: new Set<string>() };
  }

  private async delete(domain: DomainName): Promise<Outcome> {
    const aws = this.ctx.aws;
    const name = domain.spec.domainName;
    if ((domain.spec.deletionPolicy ?? 'Delete') === 'Delete') {
      try {
        if (domain.status?.created === true) {
          await aws.deleteDomainName(name);
          await this.event(domain, { type: 'Normal', reason: 'Deleted', action: 'Delete', note: `Deleted domain name ${name} and its base path mappings` });
        } else if (domain.status?.created === false) {
          // Adopted: only the mappings the operator made go.
          const mine = domain.status.mappings ?? [];
          const result = await aws.executeDomainName(name, mine.map((mapping) => ({ kind: 'deleteMapping', mapping })));
          if (result.failed && !isGone(result.failed.error)) throw result.failed.error;
          await this.event(domain, { type: 'Normal', reason: 'Deleted', action: 'Delete', note: `Removed ${mine.length} base path mapping(s) the operator created; the adopted domain name ${name} stays` });
        }
        await this.dnsEndpoints.remove(domain);
      } catch (error) {
        const v = errorPolicy(error, `Deleting domain name ${name}`);
        await this.event(domain, { type: 'Warning', reason: v.reason, action: 'Delete', note: v.message });
        return outcomeOf(v, error);
      }
    }
    await this.ctx.writer.removeFinalizer(domainNameRef(domain), domain, FINALIZER);
    return { kind: 'done' };
  }

  private event(o: DomainName, e: EventSpec): Promise<void> {
    return this.ctx.events.record({ regarding: regarding(o), ...e }).catch((error: unknown) => {
      this.ctx.log.warn({ key: `${o.metadata.namespace ?? ''}/${o.metadata.name}`, kind: o.kind, err: kubeErrorText(error), reason: e.reason }, 'recording an Event failed');
    });
  }
}
