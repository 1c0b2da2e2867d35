// Runs the reconcilers: informers feed a work queue keyed by REST API (a RestPath event queues its
// RestApi's key, so all work on one API is serialized and shares one AWS snapshot), debounced so a
// burst of edits becomes one reconcile and one deployment; a periodic resync catches drift in AWS;
// N workers run different APIs in parallel; with leader election only the leader works.
import type { KubeConfig } from '@kubernetes/client-node';
import { PAUSE_ANNOTATION, type RestApi } from '../api/rest-api.js';
import type { UsagePlan } from '../api/usage-plan.js';
import type { DomainName } from '../api/domain-name.js';
import { KubeDnsEndpoints } from '../kube/dns-endpoints.js';
import { kubeErrorText } from '../kube/errors.js';
import { objectKey } from '../kube/informer.js';
import { LeaderElector } from '../kube/leader-election.js';
import { SecretWriter } from '../kube/secrets.js';
import { SpecChangeFilter } from '../kube/spec-changes.js';
import { WorkQueue } from '../kube/work-queue.js';
import type { Selector } from '../model/label-selector.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import { AwsAccountReconciler } from './aws-account-reconciler.js';
import { ObjectCaches } from './caches.js';
import type { ControllerContext, Outcome, Trigger } from './context.js';
import { DomainNameReconciler } from './domain-name-reconciler.js';
import { accountOf, apiKeyOfPath, AWS_ACCOUNT_KEY_PREFIX, DOMAIN_NAME_KEY_PREFIX, restApisOfDomain, restApisOfPlan, secretsOfPlan, USAGE_PLAN_KEY_PREFIX } from './refs.js';
import { RestApiReconciler } from './rest-api-reconciler.js';
import { Shard } from './shard.js';
import { UsagePlanReconciler } from './usage-plan-reconciler.js';

export interface ManagerOptions {
  kc: KubeConfig;
  /** Watch only these namespaces; all when empty. */
  namespaces: string[];
  /** A shard: only objects with these labels (a RestPath goes with its RestApi; see shard.ts). */
  selector?: Selector;
  /** The operator's --region: where objects without accountRef and region go. */
  defaultRegion: string;
  concurrency: number;
  resyncMs: number;
  /** Events within this window coalesce into one reconcile (and one deployment). */
  debounceMs: number;
  leaderElection?: { namespace: string; name: string; identity: string; leaseDurationSeconds?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  onLostLeadership?: () => void;
  metrics?: OperatorMetrics;
}

export class Manager {
  readonly queue: WorkQueue;
  private readonly filter = new SpecChangeFilter();
  private readonly caches: ObjectCaches;
  private readonly reconciler: RestApiReconciler;
  private readonly planReconciler: UsagePlanReconciler;
  private readonly domainReconciler: DomainNameReconciler;
  private readonly accountReconciler: AwsAccountReconciler;
  private readonly shard: Shard;
  private readonly ctx: ControllerContext;
  /** Keys queued because someone changed an object (not the resync): their pass reads facts fresh. */
  private readonly requested = new Set<string>();
  private elector: LeaderElector | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private workers: Promise<void>[] = [];
  private working = false;
  private stopping = false;
  reconciles = 0;

  constructor(
    base: Omit<ControllerContext, 'placement'>,
    private readonly options: ManagerOptions,
  ) {
    const c = (this.caches = new ObjectCaches(options.kc, options.namespaces, (kind) => (error, retryInMs) => base.log.warn({ kind, err: kubeErrorText(error), retryInMs }, 'watch failed; restarting')));
    const ctx: ControllerContext = { ...base, placement: { awsAccount: c.getAwsAccount, namespaceLabels: c.namespaceLabels, defaultRegion: options.defaultRegion } };
    this.ctx = ctx;
    this.queue = new WorkQueue({ onTaken: (ms) => options.metrics?.queueWait(ms) });
    for (const i of c.restApis) {
      i.on((e) => {
        if (this.filter.changed('RestApi', e.type, e.object)) this.enqueue(objectKey(e.object));
        // Plans resolve stages through the RestApi's status (its id and the stages that exist) and wait
        // while it is paused: only those matter to them, not its other annotations or its spec.
        const { namespace = '', name } = e.object.metadata;
        const forPlans = [e.object.status?.id, (e.object.status?.stages ?? []).map((s) => s.name), e.object.metadata.annotations?.[PAUSE_ANNOTATION] === 'true'];
        if (this.filter.changed('RestApi-for-plans', e.type, { metadata: { namespace, name } }, forPlans)) {
          this.enqueuePlansOf(namespace, name);
          this.enqueueDomainsOf(namespace, name);
        }
      });
    }
    for (const i of c.restPaths) {
      i.on((e) => {
        if (!this.filter.changed('RestPath', e.type, e.object)) return;
        const key = apiKeyOfPath(e.object);
        if (key) this.enqueue(key);
        // Plans check their per-method throttles against the methods RestPaths declare.
        if (e.object.spec.restApiRef) this.enqueuePlansOf(e.object.metadata.namespace ?? '', e.object.spec.restApiRef.name);
      });
    }
    for (const i of c.usagePlans) i.on((e) => this.filter.changed('UsagePlan', e.type, e.object) && this.enqueue(USAGE_PLAN_KEY_PREFIX + objectKey(e.object)));
    for (const i of c.domainNames) i.on((e) => this.filter.changed('DomainName', e.type, e.object) && this.enqueue(DOMAIN_NAME_KEY_PREFIX + objectKey(e.object)));
    for (const i of c.secrets) {
      i.on((e) => {
        const ns = e.object.metadata?.namespace ?? '';
        const name = e.object.metadata?.name ?? '';
        for (const plan of c.plans().filter((p) => p.metadata.namespace === ns && secretsOfPlan(p).includes(name))) this.enqueue(USAGE_PLAN_KEY_PREFIX + objectKey(plan));
      });
    }
    c.awsAccounts.on((e) => {
      const name = e.object.metadata.name;
      if (this.filter.changed('AwsAccount', e.type, e.object)) this.enqueue(AWS_ACCOUNT_KEY_PREFIX + name);
      // Its objects follow its spec, and look again when it becomes Ready (a role restored).
      const ready = e.object.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
      if (this.filter.changed('AwsAccount-for-objects', e.type, { metadata: { name } }, [e.object.spec, ready])) this.enqueueUsersOf((o) => accountOf(o) === name);
    });
    c.namespaces.on((e) => {
      const ns = e.object.metadata?.name ?? '';
      if (this.filter.changed('Namespace', e.type, { metadata: { name: ns } }, e.object.metadata?.labels ?? {})) this.enqueueUsersOf((o) => o.metadata.namespace === ns && accountOf(o) !== undefined);
    });
    this.reconciler = new RestApiReconciler(ctx, c);
    this.accountReconciler = new AwsAccountReconciler(ctx, c.getAwsAccount);
    this.shard = new Shard(options.selector, c);
    this.domainReconciler = new DomainNameReconciler(ctx, c, new KubeDnsEndpoints(options.kc));
    this.planReconciler = new UsagePlanReconciler(ctx, c, new SecretWriter(options.kc, ctx.settings.managedBy), (namespace, restApiIds, facts) => {
      // A UsagePlan change forgets its APIs' usage-plan facts and re-diagnoses them.
      for (const id of restApiIds) facts.usagePlansChanged(id);
      for (const api of c.cached().restApis.filter((a) => a.metadata.namespace === namespace && a.status?.id && restApiIds.includes(a.status.id))) this.enqueue(objectKey(api));
    });
  }

  private enqueuePlansOf(namespace: string, restApiName: string): void {
    for (const plan of this.caches.plans().filter((p) => p.metadata.namespace === namespace && restApisOfPlan(p).includes(restApiName))) {
      this.enqueue(USAGE_PLAN_KEY_PREFIX + objectKey(plan));
    }
  }

  private enqueueDomainsOf(namespace: string, restApiName: string): void {
    for (const d of this.caches.cached().domainNames.filter((x) => x.metadata.namespace === namespace && restApisOfDomain(x).includes(restApiName))) {
      this.enqueue(DOMAIN_NAME_KEY_PREFIX + objectKey(d));
    }
  }

  /** RestApis, UsagePlans and DomainNames for which `which` holds (those placed by an account or namespace). */
  private enqueueUsersOf(which: (o: RestApi | UsagePlan | DomainName) => boolean): void {
    const c = this.caches.cached();
    for (const o of c.restApis.filter(which)) this.enqueue(objectKey(o));
    for (const o of c.usagePlans.filter(which)) this.enqueue(USAGE_PLAN_KEY_PREFIX + objectKey(o));
    for (const o of c.domainNames.filter(which)) this.enqueue(DOMAIN_NAME_KEY_PREFIX + objectKey(o));
  }

  private enqueueAccountOf(key: string): void {
    const c = this.caches;
    const o = key.startsWith(USAGE_PLAN_KEY_PREFIX) ? c.getUsagePlan(key.slice(USAGE_PLAN_KEY_PREFIX.length)) : key.startsWith(DOMAIN_NAME_KEY_PREFIX) ? c.getDomainName(key.slice(DOMAIN_NAME_KEY_PREFIX.length)) : c.getRestApi(key);
    const account = o ? accountOf(o) : undefined;
    if (account) this.queue.add(AWS_ACCOUNT_KEY_PREFIX + account);
  }

  /** A change someone made: reconciled after the debounce, with fresh diagnosis facts. */
  private enqueue(key: string): void {
    if (!this.shard.owns(key)) return;
    this.requested.add(key);
    this.queue.addAfter(key, this.options.debounceMs);
  }

  /** Every key the stores know: RestApis and the APIs RestPaths point at. */
  private allKeys(): string[] {
    const c = this.caches.cached();
    const keys = new Set(c.restApis.map(objectKey));
    for (const p of c.restPaths) {
      const key = apiKeyOfPath(p);
      if (key) keys.add(key);
    }
    for (const p of c.usagePlans) keys.add(USAGE_PLAN_KEY_PREFIX + objectKey(p));
    for (const d of c.domainNames) keys.add(DOMAIN_NAME_KEY_PREFIX + objectKey(d));
    for (const a of c.awsAccounts) keys.add(AWS_ACCOUNT_KEY_PREFIX + objectKey(a));
    return [...keys].filter((key) => this.shard.owns(key));
  }

  get synced(): Promise<void> {
    return Promise.all(this.informers().map((i) => i.synced)).then(() => undefined);
  }

  private informers(): { start: () => unknown; stop: () => Promise<void>; synced: Promise<void> }[] {
    return this.caches.all();
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.working;
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  /** The objects in the caches, for the gauges computed at scrape time (observability/objects.ts). */
  cached(): ReturnType<ObjectCaches['cached']> {
    return this.caches.cached();
  }

  async start(): Promise<void> {
    for (const i of this.informers()) i.start();
    await this.synced;
    this.resyncTimer = setInterval(() => {
      for (const key of this.allKeys()) this.queue.add(key);
    }, this.options.resyncMs);
    this.resyncTimer.unref();
    const le = this.options.leaderElection;
    if (!le) return this.startWorking();
    this.elector = new LeaderElector(this.options.kc, {
      ...le,
      onStartedLeading: () => {
        this.ctx.log.info({ identity: le.identity }, 'became the leader');
        this.startWorking();
      },
      onStoppedLeading: () => {
        // Released by stop() on a shutdown: the process is exiting cleanly, nothing was lost.
        if (this.stopping) return;
        this.ctx.log.warn({ identity: le.identity }, 'lost the leadership');
        this.options.onLostLeadership?.();
      },
      onError: (error) => this.ctx.log.warn({ err: kubeErrorText(error) }, 'leader election'),
    }).start();
  }

  private startWorking(): void {
    if (this.working) return;
    this.working = true;
    for (const key of this.allKeys()) this.queue.add(key);
    this.workers = Array.from({ length: this.options.concurrency }, () => this.work());
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      // Its labels may have moved it to another shard since it was queued: that shard has it now.
      if (!this.shard.owns(key)) {
        this.requested.delete(key);
        this.queue.forget(key);
        this.queue.done(key);
        continue;
      }
      const log = this.ctx.log;
      const started = Date.now();
      let outcome: Outcome;
      try {
        const trigger: Trigger = this.requested.delete(key) ? 'requested' : 'resync';
        if (key.startsWith(AWS_ACCOUNT_KEY_PREFIX)) outcome = await this.accountReconciler.reconcile(key.slice(AWS_ACCOUNT_KEY_PREFIX.length));
        else if (key.startsWith(USAGE_PLAN_KEY_PREFIX)) outcome = await this.planReconciler.reconcile(key.slice(USAGE_PLAN_KEY_PREFIX.length));
        else if (key.startsWith(DOMAIN_NAME_KEY_PREFIX)) outcome = await this.domainReconciler.reconcile(key.slice(DOMAIN_NAME_KEY_PREFIX.length), trigger);
        else outcome = await this.reconciler.reconcile(key, trigger);
      } catch (error) {
        outcome = { kind: 'retry', error };
      }
      this.reconciles += 1;
      const ms = Date.now() - started;
      const kind = key.startsWith(USAGE_PLAN_KEY_PREFIX) ? 'UsagePlan' : key.startsWith(DOMAIN_NAME_KEY_PREFIX) ? 'DomainName' : key.startsWith(AWS_ACCOUNT_KEY_PREFIX) ? 'AwsAccount' : 'RestApi';
      this.options.metrics?.reconciled(kind, outcome.kind, ms);
      if (outcome.kind === 'retry') {
        const delay = this.queue.addRateLimited(key);
        log.warn({ key, ms, err: (outcome.error as Error)?.message, retryInMs: delay }, 'reconcile failed; will retry');
      } else {
        this.queue.forget(key);
        if (outcome.kind === 'done' && outcome.requeueAfterMs) this.queue.addAfter(key, outcome.requeueAfterMs);
        if (outcome.kind === 'stalled') this.queue.addAfter(key, outcome.requeueAfterMs);
        // Its account's status should say so too (and it looks again every 30 s until the role is back).
        if (outcome.kind === 'stalled' && outcome.reason === 'AssumeRoleFailed') this.enqueueAccountOf(key);
        log.info({ key, ms, outcome: outcome.kind, ...(outcome.kind === 'stalled' ? { reason: outcome.reason } : {}) }, 'reconciled');
      }
      this.queue.done(key);
    }
  }

  /**
   * Stops taking work, lets running reconciles finish for at most `graceMs`, then releases the lease.
   * A reconcile can wait far longer than a lease lasts (AWS allows one UpdateUsagePlan per 20 s), and
   * holding the lease for it would leave the API without a leader; cutting it short is safe because
   * every reconcile converges when run again (the process exits right after).
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.queue.shutDown();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(this.workers), grace]);
    clearTimeout(timer);
    await this.elector?.stop();
    await Promise.all(this.informers().map((i) => i.stop()));
  }
}
