// Which queue keys this operator Deployment works on when a label selector splits the cluster into
// shards (--selector; each shard has its own Lease). The caches hold every object of the watched
// namespaces, whatever its labels, so the decision never depends on what a shard happens to see:
//   a RestApi key       the RestApi's labels; without a RestApi, its first RestPath's (by name);
//                       a RestPath follows its RestApi, so the ownership ledger always sees all of
//                       an API's paths and never deletes the methods of paths "it cannot see";
//   a restApiId key     its first RestPath's labels (all its paths go with it);
//   other kinds         their own labels.
import type { KubeMeta } from '../kube/informer.js';
import { matchesSelector, type Selector } from '../model/label-selector.js';
import { AWS_ACCOUNT_KEY_PREFIX, DOMAIN_NAME_KEY_PREFIX, EXTERNAL_KEY_PREFIX, USAGE_PLAN_KEY_PREFIX } from './refs.js';

export interface ShardStores {
  getRestApi: (key: string) => KubeMeta | undefined;
  restPathsOf: (namespace: string, name: string) => KubeMeta[];
  getUsagePlan: (key: string) => KubeMeta | undefined;
  getDomainName: (key: string) => KubeMeta | undefined;
  getAwsAccount: (name: string) => KubeMeta | undefined;
}

export class Shard {
  constructor(
    private readonly selector: Selector | undefined,
    private readonly stores: ShardStores,
  ) {}

  private has(o: KubeMeta | undefined): boolean {
    return o !== undefined && matchesSelector(this.selector ?? {}, o.metadata?.labels);
  }

  /** Whether this shard reconciles `key`; always, without a selector. */
  owns(key: string): boolean {
    if (!this.selector) return true;
    const s = this.stores;
    if (key.startsWith(USAGE_PLAN_KEY_PREFIX)) return this.has(s.getUsagePlan(key.slice(USAGE_PLAN_KEY_PREFIX.length)));
    if (key.startsWith(DOMAIN_NAME_KEY_PREFIX)) return this.has(s.getDomainName(key.slice(DOMAIN_NAME_KEY_PREFIX.length)));
    if (key.startsWith(AWS_ACCOUNT_KEY_PREFIX)) return this.has(s.getAwsAccount(key.slice(AWS_ACCOUNT_KEY_PREFIX.length)));
    const [namespace = '', name = ''] = key.split('/');
    const api = name.startsWith(EXTERNAL_KEY_PREFIX) ? undefined : s.getRestApi(key);
    if (api) return this.has(api);
    const first = s.restPathsOf(namespace, name).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
    return this.has(first);
  }
}
