// What the reconcilers need from the outside world, as interfaces: AWS (API Gateway and IAM), the
// Kubernetes writer, the Event sink and the diagnosis facts. Production passes the real adapters
// (aws/ports.ts, kube/writer.ts); the reconciler tests pass an in-memory AWS built on the simulator and
// a recording writer, so the very same reconcile code runs in both.
import type { ObservedApi } from '../model/state.js';
import type { ApiSettings, StringMap } from '../model/shapes.js';
import type { DesiredUsagePlan } from '../model/usage-plan.js';
import type { Operation, PatchOperation } from '../plan/operations.js';
import type { CanaryShape, ObservedStage, StageShape } from '../plan/stages.js';
import type { ClientCertificateFacts } from '../plan/client-certificates.js';
import type { DesiredRole, ObservedRole, RoleChange } from '../plan/role-diff.js';
import type { ObservedApiKey, UsagePlanOperation } from '../plan/usage-plan-diff.js';
import type { DesiredDomainName, MappingShape } from '../model/domain-name.js';
import type { DomainName } from '../api/domain-name.js';
import type { DomainOperation, ObservedDomainName } from '../plan/domain-name-diff.js';
import type { CertificateFacts, DnsFacts } from '../diagnose/domain-name.js';
import type { DomainExecution } from '../aws/domain-names.js';
// Result shapes are the AWS adapter's; the in-memory AWS of the tests gives the same.
import type { ExecutionResult } from '../aws/execute.js';
import type { Reuse } from '../aws/observe.js';
import type { EnsuredRestApi } from '../aws/rest-api.js';
import type { UsagePlanExecution, UsagePlanSnapshot } from '../aws/usage-plans.js';

export type { DomainExecution, ExecutionResult, UsagePlanExecution, UsagePlanSnapshot };
import type { RoleFacts, UsagePlanFacts } from '../diagnose/facts.js';
import type { CustomObjectRef, StoredObject } from '../kube/writer.js';
import type { AwsAccount, AwsAccountSpec } from '../api/aws-account.js';
import type { Placement } from '../model/placement.js';
import type { SessionInfo } from '../aws/role-session.js';
import type { EventInput } from '../kube/events.js';

export interface RestApiAws {
  readonly region: string;
  accountId(): Promise<string>;
  /** Found by its owner tag (a create whose answer was lost) or created; a created one comes with its snapshot (nothing in it yet: no read needed). */
  ensureRestApi(settings: ApiSettings, tags: StringMap): Promise<EnsuredRestApi>;
  deleteRestApi(restApiId: string): Promise<void>;
  /** `reuse`: parts taken from an earlier snapshot instead of read (the read-back after a bulk create). */
  observeApi(restApiId: string, reuse?: Reuse): Promise<ObservedApi>;
  executePlan(observed: ObservedApi, plan: Operation[]): Promise<ExecutionResult>;
  observeStages(restApiId: string): Promise<ObservedStage[]>;
  /** Creates the stage (with `deploymentId`) when `observed` is undefined, else sends `patch`. */
  writeStage(restApiId: string, observed: ObservedStage | undefined, want: StageShape, patch: PatchOperation[], deploymentId?: string): Promise<void>;
  /** A deployment; with `canary`, made into that stage's canary (which it creates, the stage keeping its own deployment). */
  createDeployment(restApiId: string, description: string, canary?: { stageName: string; settings: CanaryShape }): Promise<string>;
  /** AWS WAF: protect the stage with `webAclArn` (replacing nothing: disassociate first), or remove its web ACL. */
  associateWebAcl(restApiId: string, stage: string, webAclArn: string): Promise<void>;
  disassociateWebAcl(restApiId: string, stage: string): Promise<void>;
  /** The account's client certificates whose owner tag is `owner`. */
  ownedClientCertificates(owner: string): Promise<ClientCertificateFacts[]>;
  generateClientCertificate(description: string, tags: Record<string, string>): Promise<ClientCertificateFacts>;
  describeClientCertificate(id: string, description: string): Promise<void>;
  /** One already gone counts as deleted. */
  deleteClientCertificate(id: string): Promise<void>;
  observeRole(name: string): Promise<ObservedRole | undefined>;
  /** Carries the changes out; returns the role's ARN. */
  changeRole(want: DesiredRole, changes: RoleChange[]): Promise<string>;
  deleteRole(name: string): Promise<void>;
}

export interface DomainNameAws {
  /** undefined: no such domain name in API Gateway. */
  observeDomainName(domainName: string): Promise<ObservedDomainName | undefined>;
  observeMappings(domainName: string): Promise<MappingShape[]>;
  /** `created: false`: it exists already (whose it is, the owner tag says). */
  createDomainName(desired: DesiredDomainName): Promise<{ created: boolean }>;
  executeDomainName(domainName: string, plan: readonly DomainOperation[]): Promise<DomainExecution>;
  deleteDomainName(domainName: string): Promise<void>;
  /** undefined: ACM has no such certificate. Cached like the other diagnosis facts. */
  certificate(arn: string, maxAgeMs: number): Promise<Dated<CertificateFacts | undefined>>;
  dns(domainName: string, maxAgeMs: number): Promise<Dated<DnsFacts>>;
}

/** One CNAME external-dns should keep: dnsName -> target. */
export interface DnsRecord {
  dnsName: string;
  target: string;
  recordTTL: number;
}

/** The external-dns DNSEndpoint of a DomainName (kube/dns-endpoints.ts). */
export interface DnsEndpointWriter {
  apply(owner: DomainName, record: DnsRecord): Promise<void>;
  /** Removes it if the operator wrote one; none is fine. */
  remove(owner: DomainName): Promise<void>;
}

export interface UsagePlanAws {
  ensureUsagePlan(desired: DesiredUsagePlan): Promise<{ id: string; created: boolean }>;
  observeUsagePlan(usagePlanId: string, owner: string): Promise<UsagePlanSnapshot>;
  executeUsagePlan(usagePlanId: string, plan: UsagePlanOperation[]): Promise<UsagePlanExecution>;
  ownedApiKeys(owner: string): Promise<ObservedApiKey[]>;
  deleteApiKey(keyId: string): Promise<void>;
  deleteUsagePlan(usagePlanId: string): Promise<void>;
}

/** Facts for the runbook checks; `maxAgeMs` 0 reads AWS now, else a read younger than that may be reused. */
/** AWS as seen from one account and region: what a placed object's reconcile works with. */
export interface AwsTarget {
  aws: RestApiAws & UsagePlanAws & DomainNameAws;
  facts: DiagnosisFacts;
}

/**
 * Every account and region the operator works in, each with its own credentials, rate limits and
 * caches. `at` throws AssumeRoleError (aws/role-session.ts) when an AwsAccount's role cannot be assumed.
 */
export interface AwsTargets {
  at(placement: Placement): Promise<AwsTarget>;
  /** The account's session (assumed now unless valid credentials are kept): what its status shows. */
  session(name: string, spec: AwsAccountSpec): Promise<SessionInfo>;
}

/** What placement reads from the cluster: AwsAccounts and namespaces' labels (informer caches). */
export interface PlacementDirectory {
  awsAccount(name: string): AwsAccount | undefined;
  /** undefined: no such namespace in the cache (yet). */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  /** The operator's --region: where objects without accountRef and region go. */
  defaultRegion: string;
}

export interface DiagnosisFacts {
  deployment(restApiId: string, deploymentId: string): Promise<{ createdAt?: string; served?: Set<string> }>;
  role(arn: string, maxAgeMs: number): Promise<Dated<RoleFacts>>;
  vpcLinkStatus(id: string, maxAgeMs: number): Promise<Dated<string | undefined>>;
  usagePlans(restApiId: string, today: string, maxAgeMs: number): Promise<Dated<Map<string, UsagePlanFacts[]> | undefined>>;
  /** Forget what is cached for a REST API's usage plans (a UsagePlan covering it changed). */
  usagePlansChanged(restApiId: string): void;
  /** The API Gateway account settings of this region: the CloudWatch role execution logs need ('' none). */
  account(maxAgeMs: number): Promise<Dated<{ cloudWatchRoleArn: string }>>;
}

/** A fact and when it was read from AWS (epoch ms). */
export interface Dated<T> {
  value: T;
  readAt: number;
}

export interface ObjectWriter {
  updateStatus<T extends StoredObject<object>>(ref: CustomObjectRef, read: T, next: NonNullable<T['status']>): Promise<T>;
  addFinalizer<T extends StoredObject<unknown>>(ref: CustomObjectRef, read: T, finalizer: string): Promise<T>;
  removeFinalizer<T extends StoredObject<unknown>>(ref: CustomObjectRef, read: T, finalizer: string): Promise<T>;
}

export interface EventSink {
  record(event: EventInput): Promise<void>;
}

/** What a pass measures for /metrics (observability/metrics.ts implements it); numbers only. */
export interface ReconcileMetrics {
  /** A stage now serves changes it did not: the oldest of them was made `seconds` ago. */
  served(deployment: 'Automatic' | 'Manual', seconds: number): void;
}

