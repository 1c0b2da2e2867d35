// The informer caches the manager reconciles from: the four namespaced kinds and Secrets in each
// watched namespace (all of them, whatever their labels: a shard decides what it works on, see
// shard.ts), and, cluster-wide, AwsAccounts and Namespaces (whose labels say who may use an account).
import type { KubeConfig, V1Namespace, V1Secret } from '@kubernetes/client-node';
import type { AwsAccount } from '../api/aws-account.js';
import type { DomainName } from '../api/domain-name.js';
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { UsagePlan } from '../api/usage-plan.js';
import { Informer, withoutBookkeeping, type KubeMeta } from '../kube/informer.js';
import { kubeSource } from '../kube/kube-source.js';
import { API_VERSION, pathBelongsTo } from './refs.js';

export class ObjectCaches {
  readonly restApis: Informer<RestApi>[];
  readonly restPaths: Informer<RestPath>[];
  readonly usagePlans: Informer<UsagePlan>[];
  readonly domainNames: Informer<DomainName>[];
  /** For API key values (valueFrom) and the ones the operator generates (generateInto). */
  readonly secrets: Informer<V1Secret>[];
  readonly awsAccounts: Informer<AwsAccount>;
  readonly namespaces: Informer<V1Namespace>;

  /** `namespaces`: those watched; all when empty. */
  constructor(kc: KubeConfig, namespaces: readonly string[], onError: (kind: string) => (error: unknown, retryInMs: number) => void) {
    const scopes = namespaces.length > 0 ? namespaces : [undefined];
    const informer = <T extends KubeMeta>(kind: string, plural: string, apiVersion: string, namespace: string | undefined) =>
      new Informer<T>(kubeSource<T>(kc, { apiVersion, kind, plural, ...(namespace ? { namespace } : {}) }), { onError: onError(kind), transform: withoutBookkeeping });
    this.restApis = scopes.map((ns) => informer<RestApi>('RestApi', 'restapis', API_VERSION, ns));
    this.restPaths = scopes.map((ns) => informer<RestPath>('RestPath', 'restpaths', API_VERSION, ns));
    this.usagePlans = scopes.map((ns) => informer<UsagePlan>('UsagePlan', 'usageplans', API_VERSION, ns));
    this.domainNames = scopes.map((ns) => informer<DomainName>('DomainName', 'domainnames', API_VERSION, ns));
    this.secrets = scopes.map((ns) => informer<V1Secret>('Secret', 'secrets', 'v1', ns));
    this.awsAccounts = informer<AwsAccount>('AwsAccount', 'awsaccounts', API_VERSION, undefined);
    this.namespaces = informer<V1Namespace>('Namespace', 'namespaces', 'v1', undefined);
  }

  all(): { start: () => unknown; stop: () => Promise<void>; synced: Promise<void> }[] {
    return [...this.restApis, ...this.restPaths, ...this.usagePlans, ...this.domainNames, ...this.secrets, this.awsAccounts, this.namespaces];
  }

  getRestApi = (key: string): RestApi | undefined => this.restApis.map((i) => i.get(key)).find(Boolean);
  getUsagePlan = (key: string): UsagePlan | undefined => this.usagePlans.map((i) => i.get(key)).find(Boolean);
  getDomainName = (key: string): DomainName | undefined => this.domainNames.map((i) => i.get(key)).find(Boolean);
  getAwsAccount = (name: string): AwsAccount | undefined => this.awsAccounts.get(name);
  secret = (namespace: string, name: string): V1Secret | undefined => this.secrets.map((i) => i.get(`${namespace}/${name}`)).find(Boolean);
  restPathsOf = (namespace: string, name: string): RestPath[] => this.restPaths.flatMap((i) => i.list()).filter((p) => pathBelongsTo(p, namespace, name));
  usagePlansIn = (namespace: string): UsagePlan[] => this.plans().filter((p) => p.metadata.namespace === namespace);

  /** A namespace's labels; undefined while the namespace is not in the cache. */
  namespaceLabels = (namespace: string): Record<string, string> | undefined => {
    const ns = this.namespaces.get(namespace);
    return ns ? (ns.metadata?.labels ?? {}) : undefined;
  };

  plans(): UsagePlan[] {
    return this.usagePlans.flatMap((i) => i.list());
  }

  cached(): { restApis: RestApi[]; restPaths: RestPath[]; usagePlans: UsagePlan[]; domainNames: DomainName[]; awsAccounts: AwsAccount[] } {
    return { restApis: this.restApis.flatMap((i) => i.list()), restPaths: this.restPaths.flatMap((i) => i.list()), usagePlans: this.plans(), domainNames: this.domainNames.flatMap((i) => i.list()), awsAccounts: this.awsAccounts.list() };
  }
}
