// The reconciler tier's world: the objects a cluster would hold (kept the way the API server keeps
// them: generation moves on spec changes, status only through the writer, deletion waits for
// finalizers), a recording writer and Event sink over them, and the in-memory AWS. Tests drive the
// real RestApiReconciler and UsagePlanReconciler with it, no processes involved.
import type { V1Secret } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { Condition } from '../../src/api/common.js';
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import type { UsagePlan } from '../../src/api/usage-plan.js';
import type { DomainName } from '../../src/api/domain-name.js';
import { DomainNameReconciler } from '../../src/controllers/domain-name-reconciler.js';
import type { DnsRecord } from '../../src/controllers/ports.js';
import type { ControllerContext, Outcome, OperatorSettings, Trigger } from '../../src/controllers/context.js';
import type { EventSink, ObjectWriter } from '../../src/controllers/ports.js';
import { pathBelongsTo } from '../../src/controllers/refs.js';
import { RestApiReconciler } from '../../src/controllers/rest-api-reconciler.js';
import { UsagePlanReconciler } from '../../src/controllers/usage-plan-reconciler.js';
import type { EventInput } from '../../src/kube/events.js';
import { isOwnedBy, type SecretWriter } from '../../src/kube/secrets.js';
import type { CustomObjectRef, StoredObject } from '../../src/kube/writer.js';
import { MemoryAws } from './memory-aws.js';
import { MemoryTargets } from './memory-targets.js';
import type { AwsAccount } from '../../src/api/aws-account.js';
import { AwsAccountReconciler } from '../../src/controllers/aws-account-reconciler.js';

type Kind = 'restapis' | 'restpaths' | 'usageplans' | 'domainnames' | 'awsaccounts';
type AnyObject = RestApi | RestPath | UsagePlan | DomainName | AwsAccount;

export interface Write {
  plural: string;
  name: string;
  what: 'status' | 'addFinalizer' | 'removeFinalizer';
}

export class ReconcilerWorld implements ObjectWriter, EventSink {
  readonly aws: MemoryAws;
  /** Every account and region; `aws` is the operator's own identity in its default region. */
  readonly targets: MemoryTargets;
  /** Namespaces' labels (AwsAccounts' namespaceSelectors read them); 'default' has none. */
  readonly namespaces = new Map<string, Record<string, string>>([['default', {}]]);
  readonly awsAccounts: AwsAccountReconciler;
  readonly objects = new Map<string, AnyObject>();
  readonly secrets = new Map<string, V1Secret>();
  readonly events: EventInput[] = [];
  readonly writes: Write[] = [];
  now = new Date('2026-06-01T00:00:00Z');
  private version = 0;
  readonly ctx: ControllerContext;
  readonly restApis: RestApiReconciler;
  readonly usagePlans: UsagePlanReconciler;
  readonly domainNames: DomainNameReconciler;
  /** The external-dns DNSEndpoints the operator keeps, by "namespace/name". */
  readonly dnsEndpoints = new Map<string, DnsRecord>();
  /** Set: every DNSEndpoint write fails with it (no CRD, no RBAC). */
  dnsEndpointFailure: Error | undefined;

  constructor(settings: Partial<OperatorSettings> = {}) {
    this.aws = new MemoryAws(() => this.now);
    this.targets = new MemoryTargets(this.aws, () => this.now);
    this.ctx = {
      aws: this.aws,
      facts: this.aws.facts(),
      targets: this.targets,
      placement: {
        awsAccount: (name) => this.objects.get(`awsaccounts//${name}`) as AwsAccount | undefined,
        namespaceLabels: (namespace) => this.namespaces.get(namespace),
        defaultRegion: this.aws.region,
      },
      writer: this,
      events: this,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      settings: { managedBy: 'restpath-operator', defaultTags: {}, adoptNamespaces: [], diagnosisMaxAgeMs: 300_000, referenceGraceMs: 120_000, ...settings },
      now: () => this.now,
    };
    const list = <T extends AnyObject>(plural: Kind) => [...this.objects.entries()].filter(([k]) => k.startsWith(`${plural}/`)).map(([, o]) => o as T);
    const stores = {
      getRestApi: (key: string) => this.objects.get(`restapis/${key}`) as RestApi | undefined,
      restPathsOf: (namespace: string, name: string) => list<RestPath>('restpaths').filter((p) => pathBelongsTo(p, namespace, name)),
      usagePlansIn: (namespace: string) => list<UsagePlan>('usageplans').filter((p) => p.metadata.namespace === namespace),
    };
    this.restApis = new RestApiReconciler(this.ctx, stores);
    this.awsAccounts = new AwsAccountReconciler(this.ctx, (name) => this.objects.get(`awsaccounts//${name}`) as AwsAccount | undefined);
    // What kube/secrets.ts's SecretWriter does: create the Secret owned by the plan, or set one key in
    // an existing one; delete only a Secret the plan owns.
    const secretWriter: Pick<SecretWriter, 'write' | 'deleteOwned'> = {
      write: async (namespace, name, key, value, owner, existing) => {
        const data = { ...existing?.data, [key]: Buffer.from(value.reveal()).toString('base64') };
        this.secrets.set(`${namespace}/${name}`, existing ? { ...existing, data } : { apiVersion: 'v1', kind: 'Secret', metadata: { namespace, name, ownerReferences: [owner] }, data });
      },
      deleteOwned: async (namespace, name, ownerUid, existing) => {
        if (existing && isOwnedBy(existing, ownerUid)) this.secrets.delete(`${namespace}/${name}`);
      },
    };
    this.usagePlans = new UsagePlanReconciler(
      this.ctx,
      { ...stores, getUsagePlan: (key) => this.objects.get(`usageplans/${key}`) as UsagePlan | undefined, secret: (ns, name) => this.secrets.get(`${ns}/${name}`) },
      secretWriter as SecretWriter,
    );
    const key = (o: DomainName) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
    this.domainNames = new DomainNameReconciler(
      this.ctx,
      { getRestApi: stores.getRestApi, getDomainName: (k) => this.objects.get(`domainnames/${k}`) as DomainName | undefined },
      {
        apply: async (o, record) => {
          if (this.dnsEndpointFailure) throw this.dnsEndpointFailure;
          this.dnsEndpoints.set(key(o), record);
        },
        remove: async (o) => void this.dnsEndpoints.delete(key(o)),
      },
    );
  }

  private static plural(o: AnyObject): Kind {
    return o.kind === 'RestApi' ? 'restapis' : o.kind === 'RestPath' ? 'restpaths' : o.kind === 'DomainName' ? 'domainnames' : o.kind === 'AwsAccount' ? 'awsaccounts' : 'usageplans';
  }

  /** Cluster-scoped objects (AwsAccounts) are kept under an empty namespace. */
  private static namespaceOf(o: AnyObject): string {
    return o.kind === 'AwsAccount' ? '' : (o.metadata.namespace ?? 'default');
  }

  /** kubectl apply: a new object gets generation 1; a spec change moves the generation. */
  apply<T extends AnyObject>(o: T): T {
    const key = `${ReconcilerWorld.plural(o)}/${ReconcilerWorld.namespaceOf(o)}/${o.metadata.name}`;
    const before = this.objects.get(key);
    const generation = !before ? 1 : isDeepStrictEqual(before.spec, o.spec) ? (before.metadata.generation ?? 1) : (before.metadata.generation ?? 1) + 1;
    const stored = {
      ...o,
      metadata: { ...before?.metadata, ...o.metadata, annotations: o.metadata.annotations ?? {}, ...(o.kind === 'AwsAccount' ? {} : { namespace: o.metadata.namespace ?? 'default' }), generation, uid: before?.metadata.uid ?? `uid-${o.metadata.name}`, creationTimestamp: before?.metadata.creationTimestamp ?? this.now.toISOString(), resourceVersion: String((this.version += 1)) },
      ...(before?.status ? { status: before.status } : {}),
    } as T;
    this.objects.set(key, stored);
    return stored;
  }

  /** kubectl delete: held by finalizers until the operator removes them. */
  delete(kind: Kind, name: string, namespace = 'default'): void {
    const key = `${kind}/${namespace}/${name}`;
    const o = this.objects.get(key);
    if (!o) return;
    if ((o.metadata.finalizers ?? []).length === 0) this.objects.delete(key);
    else this.objects.set(key, { ...o, metadata: { ...o.metadata, deletionTimestamp: this.now.toISOString() } });
  }

  get<T extends AnyObject>(kind: Kind, name: string, namespace = 'default'): T | undefined {
    return this.objects.get(`${kind}/${namespace}/${name}`) as T | undefined;
  }

  condition(kind: Kind, name: string, type: string, namespace = 'default'): Condition | undefined {
    return this.get(kind, name, namespace)?.status?.conditions?.find((c) => c.type === type);
  }

  reconcileApi(name: string, trigger: Trigger = 'requested', namespace = 'default'): Promise<Outcome> {
    return this.restApis.reconcile(`${namespace}/${name}`, trigger);
  }

  reconcilePlan(name: string, namespace = 'default'): Promise<Outcome> {
    return this.usagePlans.reconcile(`${namespace}/${name}`);
  }

  reconcileDomain(name: string, trigger: Trigger = 'requested', namespace = 'default'): Promise<Outcome> {
    return this.domainNames.reconcile(`${namespace}/${name}`, trigger);
  }

  reconcileAccount(name: string): Promise<Outcome> {
    return this.awsAccounts.reconcile(name);
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  // ObjectWriter: what the API server does with the operator's writes.
  async updateStatus<T extends StoredObject<object>>(ref: CustomObjectRef, read: T, next: NonNullable<T['status']>): Promise<T> {
    if (isDeepStrictEqual(read.status ?? {}, next)) return read;
    return this.store(ref, read, 'status', (o) => ({ ...o, status: next }));
  }

  async addFinalizer<T extends StoredObject<unknown>>(ref: CustomObjectRef, read: T, finalizer: string): Promise<T> {
    if ((read.metadata.finalizers ?? []).includes(finalizer)) return read;
    return this.store(ref, read, 'addFinalizer', (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [...(o.metadata.finalizers ?? []), finalizer] } }));
  }

  async removeFinalizer<T extends StoredObject<unknown>>(ref: CustomObjectRef, read: T, finalizer: string): Promise<T> {
    if (!(read.metadata.finalizers ?? []).includes(finalizer)) return read;
    return this.store(ref, read, 'removeFinalizer', (o) => ({ ...o, metadata: { ...o.metadata, finalizers: (o.metadata.finalizers ?? []).filter((f) => f !== finalizer) } }));
  }

  private store<T>(ref: CustomObjectRef, read: T, what: Write['what'], change: (o: AnyObject) => AnyObject): T {
    const key = `${ref.plural}/${ref.namespace}/${ref.name}`;
    const current = this.objects.get(key);
    if (!current) return read;
    if (current.metadata.resourceVersion !== (read as AnyObject).metadata.resourceVersion) {
      throw Object.assign(new Error('the object has been modified'), { code: 409, body: {} });
    }
    this.writes.push({ plural: ref.plural, name: ref.name, what });
    const next = change(current);
    next.metadata = { ...next.metadata, resourceVersion: String((this.version += 1)) };
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) this.objects.delete(key);
    else this.objects.set(key, next);
    return next as T;
  }

  // EventSink
  async record(event: EventInput): Promise<void> {
    this.events.push(event);
  }

  warnings(): EventInput[] {
    return this.events.filter((e) => e.type === 'Warning');
  }
}
