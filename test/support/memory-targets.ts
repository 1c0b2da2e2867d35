// The reconciler tier's accounts and regions: one MemoryAws per (account, region), the operator's own
// identity being the world's home MemoryAws, and AwsAccount roles that can be refused (a trust policy
// changed, the role deleted) to show what objects then say. Records every assume.
import type { AwsAccountSpec } from '../../src/api/aws-account.js';
import { AssumeRoleError, assumeRoleCommand, type SessionInfo } from '../../src/aws/role-session.js';
import type { AwsTarget, AwsTargets } from '../../src/controllers/ports.js';
import type { Placement } from '../../src/model/placement.js';
import { MemoryAws } from './memory-aws.js';

export class MemoryTargets implements AwsTargets {
  private readonly memories = new Map<string, AwsTarget & { aws: MemoryAws }>();
  /** AwsAccount names, one per AssumeRole. */
  readonly assumed: string[] = [];
  /** Role ARNs whose AssumeRole AWS refuses, with AWS's message. */
  readonly refused = new Map<string, string>();

  constructor(
    readonly home: MemoryAws,
    private readonly clock: () => Date,
  ) {
    this.memories.set(`${home.account}/${home.region}`, { aws: home, facts: home.facts() });
  }

  /** The memory of `accountId` in `region` (made on first use). */
  memory(accountId: string, region: string): MemoryAws {
    return this.target(accountId, region).aws;
  }

  private target(accountId: string, region: string): AwsTarget & { aws: MemoryAws } {
    const key = `${accountId}/${region}`;
    let t = this.memories.get(key);
    if (!t) {
      const aws = new MemoryAws(this.clock, { account: accountId, region });
      this.memories.set(key, (t = { aws, facts: aws.facts() }));
    }
    return t;
  }

  async at(placement: Placement): Promise<AwsTarget> {
    if (!placement.account) return this.target(this.home.account, placement.region);
    await this.session(placement.account.name, placement.account.spec);
    return this.target(placement.account.spec.accountId, placement.region);
  }

  async session(name: string, spec: AwsAccountSpec): Promise<SessionInfo> {
    this.assumed.push(name);
    const refusal = this.refused.get(spec.roleArn);
    if (refusal) throw new AssumeRoleError(name, 'AccessDenied', refusal, assumeRoleCommand(name, spec), spec.roleArn);
    const role = spec.roleArn.slice(spec.roleArn.lastIndexOf('/') + 1);
    return { assumedRoleArn: `arn:aws:sts::${spec.accountId}:assumed-role/${role}/${spec.sessionName ?? 'restpath-operator'}`, expiresAt: new Date(this.clock().getTime() + 3_600_000) };
  }
}
