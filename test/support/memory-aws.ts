// An in-memory AWS for the reconciler tier, built on the project's own simulator: REST APIs change
// exactly as plan/simulate.ts says (test/integration/simulator-agreement.test.ts shows the simulator
// agrees with the emulator), stages, deployments, roles, usage plans and API keys are plain maps.
// Faults are injected per operation ("fail the next createMethod with this error"), and every call is
// recorded so tests can count them.
import type { EnsuredRestApi } from '../../src/aws/rest-api.js';
import type { Reuse } from '../../src/aws/observe.js';
import type { DiagnosisFacts, ExecutionResult, RestApiAws, UsagePlanAws, UsagePlanExecution, UsagePlanSnapshot } from '../../src/controllers/ports.js';
import { ApiKeyValueInUseError } from '../../src/aws/usage-plans.js';
import { OWNER_TAG } from '../../src/model/build.js';
import type { ApiSettings, StringMap } from '../../src/model/shapes.js';
import { freshAccess, type ObservedApi } from '../../src/model/state.js';
import type { DesiredUsagePlan, UsagePlanShape } from '../../src/model/usage-plan.js';
import type { Operation } from '../../src/plan/operations.js';
import type { DesiredRole, ObservedRole, RoleChange } from '../../src/plan/role-diff.js';
import { simulate } from '../../src/plan/simulate.js';
import type { ObservedStage } from '../../src/plan/stages.js';
import type { ObservedApiKey, UsagePlanOperation } from '../../src/plan/usage-plan-diff.js';
import { applyUsagePlanPatch } from './usage-plan-patch.js';
import { MemoryDomains } from './memory-domains.js';
import { MemoryStages } from './memory-stages.js';
import { memoryFacts } from './memory-facts.js';
import { MemoryClientCertificates } from './memory-client-certificates.js';
import type { DomainNameAws } from '../../src/controllers/ports.js';

export class AwsFault extends Error {
  constructor(override readonly name: string, message: string, readonly $metadata: { httpStatusCode: number } = { httpStatusCode: 400 }) {
    super(message);
  }
}

export class MemoryAws implements RestApiAws, UsagePlanAws, DomainNameAws {
  readonly region: string;
  readonly account: string;
  readonly apis = new Map<string, ObservedApi>();
  readonly roles = new Map<string, ObservedRole & { tags: StringMap }>();
  readonly plans = new Map<string, { shape: UsagePlanShape; tags: StringMap; keys: Set<string> }>();
  readonly keys = new Map<string, Omit<ObservedApiKey, 'inPlan'>>();
  /** The plans executePlan was given, in order. */
  readonly executedPlans: Operation[][] = [];
  /** Every call, in order: the port method or the plan operation's kind. */
  readonly calls: string[] = [];
  /** The account's CloudWatch role for execution logs ('' none), as GetAccount reports it. */
  cloudWatchRoleArn = 'arn:aws:iam::123456789012:role/apigateway-cloudwatch';
  private readonly faults: { what: string; error: Error; times: number }[] = [];
  private counter = 0;

  /** Custom domain names, their mappings, certificates and DNS (memory-domains.ts). */
  readonly domains: MemoryDomains;
  /** Client certificates (memory-client-certificates.ts). */
  readonly clientCertificates: MemoryClientCertificates;

  /** `where`: the account and region this memory is (each of MemoryTargets' has its own). */
  constructor(private readonly clock: () => Date = () => new Date('2026-06-01T00:00:00Z'), where: { region: string; account: string } = { region: 'us-east-1', account: '123456789012' }) {
    this.region = where.region;
    this.account = where.account;
    this.domains = new MemoryDomains((what) => this.call(what), () => this.clock().getTime());
    this.clientCertificates = new MemoryClientCertificates((what) => this.call(what), () => this.clock().getTime(), OWNER_TAG);
    this.stageStore = new MemoryStages((what) => this.call(what), (id) => this.api(id), (prefix) => this.id(prefix), this.clock);
  }

  /** Stages and deployments by REST API id (memory-stages.ts). */
  readonly stageStore: MemoryStages;
  get stages(): Map<string, Map<string, ObservedStage>> {
    return this.stageStore.stages;
  }
  get deployments(): MemoryStages['deployments'] {
    return this.stageStore.deployments;
  }
  observeStages: RestApiAws['observeStages'] = (id) => this.stageStore.observeStages(id);
  writeStage: RestApiAws['writeStage'] = (id, observed, want, patch, deploymentId) => this.stageStore.writeStage(id, observed, want, patch, deploymentId);
  createDeployment: RestApiAws['createDeployment'] = (id, description, canary) => this.stageStore.createDeployment(id, description, canary);
  associateWebAcl: RestApiAws['associateWebAcl'] = (id, stage, arn) => this.stageStore.associateWebAcl(id, stage, arn);
  disassociateWebAcl: RestApiAws['disassociateWebAcl'] = (id, stage) => this.stageStore.disassociateWebAcl(id, stage);

  ownedClientCertificates: RestApiAws['ownedClientCertificates'] = (owner) => this.clientCertificates.ownedClientCertificates(owner);
  generateClientCertificate: RestApiAws['generateClientCertificate'] = (description, tags) => this.clientCertificates.generateClientCertificate(description, tags);
  describeClientCertificate: RestApiAws['describeClientCertificate'] = (id, description) => this.clientCertificates.describeClientCertificate(id, description);
  deleteClientCertificate: RestApiAws['deleteClientCertificate'] = (id) => this.clientCertificates.deleteClientCertificate(id);

  observeDomainName: DomainNameAws['observeDomainName'] = (name) => this.domains.observeDomainName(name);
  observeMappings: DomainNameAws['observeMappings'] = (name) => this.domains.observeMappings(name);
  createDomainName: DomainNameAws['createDomainName'] = (desired) => this.domains.createDomainName(desired);
  executeDomainName: DomainNameAws['executeDomainName'] = (name, plan) => this.domains.executeDomainName(name, plan);
  deleteDomainName: DomainNameAws['deleteDomainName'] = (name) => this.domains.deleteDomainName(name);
  certificate: DomainNameAws['certificate'] = (arn) => this.domains.certificate(arn);
  dns: DomainNameAws['dns'] = (name) => this.domains.dns(name);

  /** The next `times` calls of `what` (a port method or a plan operation kind) fail with `error`. */
  fail(what: string, error: Error, times = 1): void {
    this.faults.push({ what, error, times });
  }

  private id(prefix: string): string {
    return `${prefix}${(this.counter += 1).toString(36).padStart(8, '0')}`;
  }

  /** `record`: false for lookups the real adapter caches (accountId); faults still apply. */
  private call(what: string, record = true): void {
    if (record) this.calls.push(what);
    const fault = this.faults.find((f) => f.what === what && f.times > 0);
    if (fault) {
      fault.times -= 1;
      throw fault.error;
    }
  }

  private api(id: string): ObservedApi {
    const api = this.apis.get(id);
    if (!api) throw new AwsFault('NotFoundException', `Invalid REST API identifier specified ${this.account}:${id}`, { httpStatusCode: 404 });
    return api;
  }

  /** Not recorded in `calls`: the real adapter asks STS once per process (or knows an AwsAccount's). */
  async accountId(): Promise<string> {
    this.call('accountId', false);
    return this.account;
  }

  async ensureRestApi(settings: ApiSettings, tags: StringMap): Promise<EnsuredRestApi> {
    this.call('ensureRestApi');
    const existing = [...this.apis.values()].find((a) => a.tags[OWNER_TAG] === tags[OWNER_TAG]);
    if (existing) return { id: existing.id, rootResourceId: existing.rootResourceId, created: false };
    const id = this.id('api').slice(0, 10);
    const api: ObservedApi = { id, rootResourceId: this.id('root'), settings: structuredClone(settings), tags: { ...tags }, resources: [], methods: [], gatewayResponses: {}, ...freshAccess() };
    this.apis.set(id, api);
    return { id, rootResourceId: api.rootResourceId, created: true, fresh: structuredClone(api) };
  }

  async deleteRestApi(id: string): Promise<void> {
    this.call('deleteRestApi');
    this.apis.delete(id);
    this.stages.delete(id);
  }

  /** A read-back that reuses parts reads them all the same here: the memory holds one truth. */
  async observeApi(id: string, reuse?: Reuse): Promise<ObservedApi> {
    this.call(reuse ? 'readBackApi' : 'observeApi');
    return structuredClone(this.api(id));
  }

  async executePlan(observed: ObservedApi, plan: Operation[]): Promise<ExecutionResult> {
    this.call('executePlan');
    this.executedPlans.push(plan);
    let state = this.api(observed.id);
    let completed = 0;
    for (const op of plan) {
      try {
        this.call(op.kind);
      } catch (error) {
        return { completed, total: plan.length, failed: { operation: op, error }, resourceIds: ids(state) };
      }
      state = this.withOwnIds(state, simulate(state, [op]));
      this.apis.set(observed.id, state);
      completed += 1;
    }
    return { completed, total: plan.length, resourceIds: ids(state) };
  }

  /** The simulator numbers new resources per call; give them ids unique in this AWS. */
  private withOwnIds(before: ObservedApi, after: ObservedApi): ObservedApi {
    const known = new Set(before.resources.map((r) => r.id));
    const renamed = new Map(after.resources.filter((r) => !known.has(r.id)).map((r) => [r.id, this.id('res')]));
    const rename = (id: string) => renamed.get(id) ?? id;
    return { ...after, resources: after.resources.map((r) => ({ ...r, id: rename(r.id), parentId: rename(r.parentId) })) };
  }

  async observeRole(name: string): Promise<ObservedRole | undefined> {
    this.call('observeRole');
    const r = this.roles.get(name);
    return r && structuredClone({ arn: r.arn, trustPolicy: r.trustPolicy, managedPolicyArns: [...r.managedPolicyArns].sort(), inlinePolicy: r.inlinePolicy, owner: r.tags[OWNER_TAG] });
  }

  async changeRole(want: DesiredRole, changes: RoleChange[]): Promise<string> {
    for (const c of changes) {
      this.call(c.kind);
      const role = this.roles.get(want.name) ?? { arn: `arn:aws:iam::${this.account}:role/restpath/${want.name}`, trustPolicy: want.trustPolicy, managedPolicyArns: [], inlinePolicy: undefined, owner: want.tags[OWNER_TAG], tags: want.tags };
      if (c.kind === 'updateTrustPolicy') role.trustPolicy = want.trustPolicy;
      if (c.kind === 'attachPolicy') role.managedPolicyArns.push(c.policyArn);
      if (c.kind === 'detachPolicy') role.managedPolicyArns = role.managedPolicyArns.filter((a) => a !== c.policyArn);
      if (c.kind === 'putInlinePolicy') role.inlinePolicy = want.inlinePolicy;
      if (c.kind === 'deleteInlinePolicy') role.inlinePolicy = undefined;
      this.roles.set(want.name, role);
    }
    return this.roles.get(want.name)!.arn;
  }

  async deleteRole(name: string): Promise<void> {
    this.call('deleteRole');
    this.roles.delete(name);
  }

  async ensureUsagePlan(desired: DesiredUsagePlan): Promise<{ id: string; created: boolean }> {
    this.call('createUsagePlan');
    const existing = [...this.plans.entries()].find(([, p]) => p.tags[OWNER_TAG] === desired.tags[OWNER_TAG]);
    if (existing) return { id: existing[0], created: false };
    const id = this.id('up');
    this.plans.set(id, { shape: structuredClone(desired.plan), tags: { ...desired.tags }, keys: new Set() });
    return { id, created: true };
  }

  async observeUsagePlan(id: string, owner: string): Promise<UsagePlanSnapshot> {
    this.call('observeUsagePlan');
    const plan = this.plans.get(id);
    if (!plan) throw new AwsFault('NotFoundException', `Invalid Usage Plan ID specified`, { httpStatusCode: 404 });
    const keys = [...this.keys.values()].filter((k) => plan.keys.has(k.id) || k.tags[OWNER_TAG] === owner).map((k) => ({ ...k, inPlan: plan.keys.has(k.id) }));
    return { plan: { id, plan: structuredClone(plan.shape), tags: { ...plan.tags } }, keys };
  }

  async executeUsagePlan(id: string, ops: UsagePlanOperation[]): Promise<UsagePlanExecution> {
    const plan = this.plans.get(id)!;
    const createdKeys = new Map<string, string>();
    let completed = 0;
    for (const op of ops) {
      try {
        this.call(op.kind);
        this.applyUsagePlanOperation(plan, op, createdKeys);
      } catch (error) {
        return { completed, total: ops.length, failed: { operation: op, error }, createdKeys };
      }
      completed += 1;
    }
    return { completed, total: ops.length, createdKeys };
  }

  private applyUsagePlanOperation(plan: { shape: UsagePlanShape; tags: StringMap; keys: Set<string> }, op: UsagePlanOperation, created: Map<string, string>): void {
    switch (op.kind) {
      case 'updateUsagePlan':
        plan.shape = applyUsagePlanPatch(plan.shape, op.patch);
        return;
      case 'tagUsagePlan':
        Object.assign(plan.tags, op.tags);
        return;
      case 'untagUsagePlan':
        for (const k of op.keys) delete plan.tags[k];
        return;
      case 'createApiKey': {
        // Values are unique in an account. As the adapter does with CreateApiKey's 409: a key with this
        // value and this owner's tag is the answer of a create that was lost; anyone else's is refused.
        const same = [...this.keys.values()].find((k) => k.value.equals(op.value));
        if (same && same.tags[OWNER_TAG] !== op.tags[OWNER_TAG]) throw new ApiKeyValueInUseError(op.keyName, same.id);
        const id = same?.id ?? this.id('key');
        if (!same) this.keys.set(id, { id, name: op.keyName, description: op.description, enabled: op.enabled, value: op.value, tags: { ...op.tags } });
        plan.keys.add(id);
        created.set(op.keyName, id);
        return;
      }
      case 'addKeyToPlan':
        plan.keys.add(op.keyId);
        return;
      case 'updateApiKey': {
        const key = this.keys.get(op.keyId)!;
        for (const p of op.patch) {
          if (p.path === '/enabled') key.enabled = p.value === 'true';
          if (p.path === '/name') key.name = p.value ?? '';
          if (p.path === '/description') key.description = p.value ?? '';
        }
        return;
      }
      case 'removeKeyFromPlan':
        plan.keys.delete(op.keyId);
        return;
      case 'deleteApiKey':
        this.keys.delete(op.keyId);
        for (const p of this.plans.values()) p.keys.delete(op.keyId);
    }
  }

  async ownedApiKeys(owner: string): Promise<ObservedApiKey[]> {
    this.call('ownedApiKeys');
    return [...this.keys.values()].filter((k) => k.tags[OWNER_TAG] === owner).map((k) => ({ ...k, inPlan: false }));
  }

  async deleteApiKey(id: string): Promise<void> {
    this.call('deleteApiKey');
    this.keys.delete(id);
    for (const p of this.plans.values()) p.keys.delete(id);
  }

  async deleteUsagePlan(id: string): Promise<void> {
    this.call('deleteUsagePlan');
    this.plans.delete(id);
  }

  /** The diagnosis facts this AWS would give (memory-facts.ts). */
  facts(): DiagnosisFacts {
    return memoryFacts(this, () => this.clock().getTime());
  }
}

function ids(api: ObservedApi): Map<string, string> {
  return new Map(api.resources.map((r) => [r.path, r.id]));
}
