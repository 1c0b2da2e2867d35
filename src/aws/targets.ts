// Every account and region the operator works in. Each (account, region) has its own SDK clients, its
// own rate limiter (API Gateway's quotas are per account and region, so a burst in one team's account
// never waits on another's buckets), its own fact caches, and metrics labelled with both. An AwsAccount's
// clients take their credentials from its RoleSession; the operator's own identity is the SDK's chain.
import type { AwsAccountSpec } from '../api/aws-account.js';
import type { AwsTarget, AwsTargets } from '../controllers/ports.js';
import type { Placement } from '../model/placement.js';
import { AwsCaller, type RetryPolicy } from './caller.js';
import { createAwsClients, createDomainClients, createIamClients, type AwsClients, type AwsSettings, type IamClients } from './clients.js';
import { DiagnoseReads } from './diagnose-reads.js';
import type { CallMetrics } from './metrics.js';
import { awsPorts } from './ports.js';
import { RateLimiter } from './rate-limiter.js';
import { RoleSession, type SessionInfo } from './role-session.js';

/** The raw pieces of a target, for the CLI's reads (the reconcilers use the ports). */
export interface AwsConnection {
  caller: AwsCaller;
  clients: AwsClients;
  iam: IamClients;
  accountId: () => Promise<string>;
}

export interface AwsTargetOptions {
  /** The operator's default region and, for tests, endpoint and static credentials of its own identity. */
  home: AwsSettings;
  metrics?: CallMetrics;
  retry?: Partial<RetryPolicy>;
  /** Items per page of list reads (tests page with 2). */
  pageSize?: number;
  now?: () => number;
}

/** What an AwsAccount's credentials depend on: a change to any of these is a new session. */
const sessionKey = (name: string, s: AwsAccountSpec) =>
  JSON.stringify([name, s.roleArn, s.externalId ?? '', s.sessionName ?? '', s.sessionDurationSeconds ?? 0, Object.entries(s.sessionTags ?? {}).sort()]);

export class AwsTargetRegistry implements AwsTargets {
  private readonly sessions = new Map<string, RoleSession>();
  private readonly targets = new Map<string, AwsTarget & { connection: AwsConnection }>();
  /** By account id and region: two AwsAccounts for one account share its quotas. */
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly now: () => number;
  /** The operator's own identity in its default region. */
  readonly home: AwsTarget;

  constructor(private readonly options: AwsTargetOptions) {
    this.now = options.now ?? Date.now;
    this.home = this.own(options.home.region);
  }

  at(placement: Placement): Promise<AwsTarget> {
    const account = placement.account;
    if (!account) return Promise.resolve(this.own(placement.region));
    const session = this.sessionFor(account.name, account.spec);
    // Credentials first: a role that cannot be assumed fails here, before any API Gateway call.
    return session.info().then(() => this.assumed(session, placement.region));
  }

  /** The caller and clients of `placement` (its role assumed first), for the CLI. */
  async connection(placement: Placement): Promise<AwsConnection> {
    await this.at(placement);
    const account = placement.account;
    const key = account ? `${sessionKey(account.name, account.spec)}/${placement.region}` : `default/${placement.region}`;
    return this.targets.get(key)!.connection;
  }

  session(name: string, spec: AwsAccountSpec): Promise<SessionInfo> {
    return this.sessionFor(name, spec).info();
  }

  private limiter(accountId: string, region: string): RateLimiter {
    const key = `${accountId}/${region}`;
    let limiter = this.limiters.get(key);
    if (!limiter) this.limiters.set(key, (limiter = new RateLimiter()));
    return limiter;
  }

  private caller(account: string, accountId: string, region: string, renewCredentials?: () => void): AwsCaller {
    this.options.metrics?.opened?.({ account, region });
    return new AwsCaller({
      limiter: this.limiter(accountId, region),
      where: { account, region },
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
      ...(this.options.retry ? { retry: this.options.retry } : {}),
      ...(renewCredentials ? { renewCredentials } : {}),
    });
  }

  private own(region: string): AwsTarget & { connection: AwsConnection } {
    const key = `default/${region}`;
    let target = this.targets.get(key);
    if (!target) {
      const settings = { ...this.options.home, region };
      // The operator's own account id is looked up on first use; its quotas are keyed 'default'.
      target = this.assemble(this.caller('default', 'default', region), settings, undefined);
      this.targets.set(key, target);
    }
    return target;
  }

  private sessionFor(name: string, spec: AwsAccountSpec): RoleSession {
    const key = sessionKey(name, spec);
    let session = this.sessions.get(key);
    if (!session) {
      // AssumeRole is made with the operator's own identity, through a caller of its own (STS's quotas are not API Gateway's).
      const home = this.options.home;
      const stsCaller = new AwsCaller({ where: { account: name, region: home.region }, ...(this.options.metrics ? { metrics: this.options.metrics } : {}), ...(this.options.retry ? { retry: this.options.retry } : {}) });
      session = new RoleSession(stsCaller, createIamClients(home).sts, name, spec, this.now);
      this.forget(name);
      this.sessions.set(key, session);
    }
    return session;
  }

  /** An AwsAccount's spec changed: its old session and clients go. */
  private forget(name: string): void {
    for (const [key, old] of this.sessions) {
      if (old.accountName !== name) continue;
      this.sessions.delete(key);
      for (const t of [...this.targets.keys()]) if (t.startsWith(`${key}/`)) this.targets.delete(t);
    }
  }

  private assumed(session: RoleSession, region: string): AwsTarget & { connection: AwsConnection } {
    const key = `${sessionKey(session.accountName, session.spec)}/${region}`;
    let target = this.targets.get(key);
    if (!target) {
      const settings: AwsSettings = { ...this.options.home, region, credentials: session.provider };
      const caller = this.caller(session.accountName, session.spec.accountId, region, () => session.invalidate());
      target = this.assemble(caller, settings, session.spec.accountId);
      this.targets.set(key, target);
    }
    return target;
  }

  private assemble(caller: AwsCaller, settings: AwsSettings, accountId: string | undefined): AwsTarget & { connection: AwsConnection } {
    const clients = { ...createAwsClients(settings), ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}) };
    const iam = { ...createIamClients(settings), ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}) };
    const aws = awsPorts(caller, clients, iam, createDomainClients(settings), this.now, accountId);
    return { aws, facts: new DiagnoseReads(caller, clients, iam, this.now), connection: { caller, clients, iam, accountId: () => aws.accountId() } };
  }
}
