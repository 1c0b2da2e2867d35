// The reads the runbook checks need beyond the shared snapshot: what each stage's deployment serves
// (cached forever: a deployment never changes), the IAM roles integrations use, VPC links, and the
// usage plans covering the API's stages with their keys and usage. Each read of IAM, VPC-link and
// usage-plan facts says how old a cached answer may be (0: read AWS now, as a pass someone asked for
// does) and returns the fact with when it was read, so a message built on it can say so.
import { GetAccountCommand, GetDeploymentCommand, GetUsageCommand, GetVpcLinkCommand } from '@aws-sdk/client-api-gateway';
import { GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import type { RoleFacts, UsagePlanFacts } from '../diagnose/facts.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients, IamClients } from './clients.js';
import { isGone } from './errors.js';
import { attachedRolePolicies, inlineRolePolicyNames, parsePolicy } from './iam.js';
import { API_GATEWAY_PAGE_SIZE, paginate } from './paginate.js';
import { allApiKeys, allUsagePlans, usagePlanKeys } from './usage-plans.js';
import type { Dated, DiagnosisFacts } from '../controllers/ports.js';
import { FactCache } from './fact-cache.js';

export interface DeploymentFacts {
  createdAt?: string;
  served?: Set<string>;
}

const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export class DiagnoseReads implements DiagnosisFacts {
  private readonly deployments = new Map<string, Promise<DeploymentFacts>>();
  private readonly roles: FactCache<RoleFacts>;
  private readonly plans: FactCache<Map<string, UsagePlanFacts[]> | undefined>;
  private readonly links: FactCache<string | undefined>;
  private readonly accounts: FactCache<{ cloudWatchRoleArn: string }>;

  constructor(
    private readonly caller: AwsCaller,
    private readonly clients: AwsClients,
    private readonly iam: IamClients,
    now: () => number = Date.now,
  ) {
    this.roles = new FactCache(now);
    this.plans = new FactCache(now);
    this.links = new FactCache(now);
    this.accounts = new FactCache(now);
  }

  account(maxAgeMs: number): Promise<Dated<{ cloudWatchRoleArn: string }>> {
    return this.accounts.get('account', maxAgeMs, async () => {
      const a = await this.caller.call('GetAccount', () => this.clients.apigateway.send(new GetAccountCommand({})));
      return { cloudWatchRoleArn: a.cloudwatchRoleArn ?? '' };
    });
  }

  deployment(restApiId: string, deploymentId: string): Promise<DeploymentFacts> {
    const key = `${restApiId}/${deploymentId}`;
    let found = this.deployments.get(key);
    if (!found) {
      found = this.caller
        .call('GetDeployment', () => this.clients.apigateway.send(new GetDeploymentCommand({ restApiId, deploymentId, embed: ['apisummary'] })))
        .then((d) => ({
          ...(d.createdDate ? { createdAt: d.createdDate.toISOString() } : {}),
          // AWS answers apiSummary {path: {method: {...}}}; an emulator that does not leaves it out.
          ...(d.apiSummary ? { served: new Set(Object.entries(d.apiSummary).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${path} ${m}`))) } : {}),
        }));
      found.catch(() => this.deployments.delete(key));
      this.deployments.set(key, found);
    }
    return found;
  }

  /** Forget the usage plans cached for a REST API (a UsagePlan covering it changed). */
  usagePlansChanged(restApiId: string): void {
    this.plans.forget(restApiId);
  }

  role(arn: string, maxAgeMs: number): Promise<Dated<RoleFacts>> {
    return this.roles.get(arn, maxAgeMs, async () => {
      const name = roleName(arn);
      const iam = this.iam.iam;
      const role = await this.caller.call('GetRole', () => iam.send(new GetRoleCommand({ RoleName: name }))).catch((error: unknown) => {
        if (isGone(error)) return undefined;
        throw error;
      });
      if (!role?.Role) return { arn, name, exists: false, policies: [] };
      const policies: RoleFacts['policies'] = [];
      for (const p of await attachedRolePolicies(this.caller, this.iam, name)) {
        const policy = await this.caller.call('GetPolicy', () => iam.send(new GetPolicyCommand({ PolicyArn: p.PolicyArn })));
        const version = await this.caller.call('GetPolicyVersion', () => iam.send(new GetPolicyVersionCommand({ PolicyArn: p.PolicyArn, VersionId: policy.Policy?.DefaultVersionId })));
        policies.push({ source: p.PolicyArn ?? '', document: (parsePolicy(version.PolicyVersion?.Document) ?? {}) });
      }
      for (const policyName of await inlineRolePolicyNames(this.caller, this.iam, name)) {
        const p = await this.caller.call('GetRolePolicy', () => iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName })));
        policies.push({ source: `inline ${policyName}`, document: (parsePolicy(p.PolicyDocument) ?? {}) });
      }
      return { arn, name, exists: true, trustPolicy: (parsePolicy(role.Role.AssumeRolePolicyDocument) ?? {}), policies };
    });
  }

  vpcLinkStatus(id: string, maxAgeMs: number): Promise<Dated<string | undefined>> {
    return this.links.get(id, maxAgeMs, () =>
      this.caller.call('GetVpcLink', () => this.clients.apigateway.send(new GetVpcLinkCommand({ vpcLinkId: id }))).then(
        (l) => l.status ?? 'UNKNOWN',
        (error: unknown) => (isGone(error) ? 'NOT_FOUND' : undefined),
      ),
    );
  }

  /** Usage plans covering each stage of one REST API, keyed by stage; undefined when they could not be read. */
  usagePlans(restApiId: string, today: string, maxAgeMs: number): Promise<Dated<Map<string, UsagePlanFacts[]> | undefined>> {
    return this.plans.get(restApiId, maxAgeMs, async () => {
      const covering = (await allUsagePlans(this.caller, this.clients)).filter((p) => p.apiStages?.some((s) => s.apiId === restApiId));
      const out = new Map<string, UsagePlanFacts[]>();
      if (covering.length === 0) return out;
      const enabled = new Map((await allApiKeys(this.caller, this.clients, false)).map((k) => [k.id ?? '', k.enabled ?? false]));
      for (const p of covering) {
        const keys = await usagePlanKeys(this.caller, this.clients, p.id ?? '');
        const remaining = p.quota ? await this.remaining(p.id ?? '', today) : undefined;
        for (const s of p.apiStages?.filter((x) => x.apiId === restApiId) ?? []) {
          const facts: UsagePlanFacts = {
            id: p.id ?? '',
            name: p.name ?? '',
            methodThrottle: Object.fromEntries(Object.entries(s.throttle ?? {}).map(([k, t]) => [k, { rateLimit: t.rateLimit ?? 0, burstLimit: t.burstLimit ?? 0 }])),
            ...(p.throttle ? { throttle: { rateLimit: p.throttle.rateLimit ?? 0, burstLimit: p.throttle.burstLimit ?? 0 } } : {}),
            ...(p.quota ? { quota: { limit: p.quota.limit ?? 0, period: p.quota.period ?? '' } } : {}),
            keys: keys.map((k) => ({ id: k.id ?? '', name: k.name ?? '', enabled: enabled.get(k.id ?? '') ?? false, ...(remaining?.has(k.id ?? '') ? { remaining: remaining.get(k.id ?? '')! } : {}) })),
          };
          out.set(s.stage ?? '', [...(out.get(s.stage ?? '') ?? []), facts]);
        }
      }
      return out;
    });
  }

  /** Requests left today per key (GetUsage: items {keyId: [[used, remaining], ...]}); undefined when AWS cannot say. */
  private async remaining(usagePlanId: string, today: string): Promise<Map<string, number> | undefined> {
    try {
      const limit = this.clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
      // Pages of keys: each page's `items` is {keyId: days}, so a page is read as its entries.
      const usage = await paginate(this.caller, 'GetUsage', async (position) => {
        const page = await this.clients.apigateway.send(new GetUsageCommand({ usagePlanId, startDate: today, endDate: today, limit, position }));
        return { items: Object.entries(page.items ?? {}), next: page.position };
      });
      return new Map(usage.map(([key, days]) => [key, days.at(-1)?.[1] ?? Number.NaN] as const).filter(([, r]) => Number.isFinite(r)));
    } catch {
      return undefined; // e.g. the emulators answer 501: the quota check is left out, not guessed
    }
  }
}
