// An HTTP proxy between the SDK and the AWS emulator that behaves like API Gateway's control plane
// under load: per-operation and account-wide token buckets (429 TooManyRequestsException with a
// Retry-After header, as AWS answers) and faults injected by rule (5xx, latency, dropped connections).
// The buckets are per (account, region) as AWS's quotas are: the caller is read from the SigV4
// signature, an assumed-role key's account from the AssumeRole answer that passed through
// (sigv4-account.ts). It does what the emulator does not: refuses AssumeRole of a role (AccessDenied)
// and expires a role's sessions (ExpiredToken). It counts what passed, what it throttled and what it
// broke, in all and per account. Listens on 127.0.0.1 only; close() stops it.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT_BUCKET, OPERATION_BUCKETS } from '../../src/aws/quotas.js';
import { realClock } from '../../src/util/clock.js';
import { takeBoth, TokenBucket, type BucketSpec } from '../../src/util/token-bucket.js';
import { sendAssumeRoleDenied, sendExpiredToken, sendFault, sendJsonError } from './aws-error-answers.js';
import { classify, readBody, type Call } from './proxy-calls.js';
import { SessionRegistry } from './sigv4-account.js';

export interface FaultRule {
  /** Operation name (e.g. PutMethod, AssumeRole, or an IAM action such as CreateRole); all API Gateway operations when unset. */
  operation?: string;
  /**
   * Only requests of this account (an assumed-role key's are its role's account; an AssumeRole is the
   * account of the role it assumes); any when unset.
   */
  account?: string;
  /** How many matching requests to break (then the rule is spent). */
  times: number;
  /** Answer with this status (500, 503, 429 ...) instead of forwarding. */
  status?: number;
  /** Close the connection without an answer, before forwarding. */
  drop?: boolean;
  /** Forward, but only after this delay. */
  latencyMs?: number;
  /**
   * With `status`: forward the request first, drop the emulator's answer and send `status` instead:
   * "the call succeeded but its answer was lost". With 409 this is what AWS answers a retried create;
   * the emulators never answer 409 (test/aws-emulator/README.md), so the proxy does.
   */
  afterForwarding?: boolean;
  /** With `status`: answer with this error type and message (no Retry-After) instead of the usual one. */
  error?: { type: string; message: string };
  /**
   * Break only this share (0..1) of the matching requests, drawn from the proxy's seeded generator
   * (`seed`), so a chaos run can be replayed; the others pass untouched and do not spend `times`.
   */
  rate?: number;
}

export interface QuotaProxyOptions {
  target: string;
  /** Enforce API Gateway's quotas (default true). */
  quotas?: boolean;
  /** The account-wide bucket, for each (account, region). */
  account?: BucketSpec;
  /** Operation buckets on top of API Gateway's (src/aws/quotas.ts), for each (account, region). */
  operations?: Record<string, BucketSpec>;
  faults?: FaultRule[];
  /** Seed of the generator `rate` rules draw from (default 1). */
  seed?: number;
}

/** mulberry32: a small seeded generator; the same seed gives the same faults in the same order. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ProxyCounts {
  passed: Record<string, number>;
  throttled: Record<string, number>;
  faulted: Record<string, number>;
}

/** The quota buckets of one (account, region). */
interface Quota {
  account: TokenBucket;
  operations: Map<string, TokenBucket>;
}

const emptyCounts = (): ProxyCounts => ({ passed: {}, throttled: {}, faulted: {} });
const bump = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);

export class QuotaProxy {
  /** All requests, by operation ('other' for what is neither API Gateway, IAM nor AssumeRole). */
  readonly counts: ProxyCounts = emptyCounts();
  faults: FaultRule[];
  private readonly byAccount = new Map<string, ProxyCounts>();
  private readonly server: Server;
  private readonly quotas = new Map<string, Quota>();
  private readonly specs: Record<string, BucketSpec>;
  private readonly target: URL;
  private readonly sessions = new SessionRegistry();
  /** Denied role ARN -> the AccessDenied message (undefined: the default one). */
  private readonly denied = new Map<string, string | undefined>();
  private readonly random: () => number;

  private constructor(private readonly options: QuotaProxyOptions) {
    this.target = new URL(options.target);
    this.faults = options.faults ?? [];
    this.random = seeded(options.seed ?? 1);
    this.specs = { ...OPERATION_BUCKETS, ...options.operations };
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
  }

  static async start(options: QuotaProxyOptions): Promise<QuotaProxy> {
    const proxy = new QuotaProxy(options);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  resetCounts(): void {
    for (const counts of [this.counts, ...this.byAccount.values()]) {
      for (const map of Object.values(counts) as Record<string, number>[]) for (const k of Object.keys(map)) delete map[k];
    }
  }

  total(kind: keyof ProxyCounts): number {
    return Object.values(this.counts[kind]).reduce((a, b) => a + b, 0);
  }

  /**
   * What passed, was throttled and was faulted for one account (a 12-digit id; an assumed-role key's
   * requests count for its role's account, an AssumeRole for the account of the role it assumes;
   * 'unknown' for unsigned requests). Live: later requests show.
   */
  countsByAccount(account: string): ProxyCounts {
    let counts = this.byAccount.get(account);
    if (!counts) this.byAccount.set(account, (counts = emptyCounts()));
    return counts;
  }

  /** The account the proxy attributes an access key to (see SessionRegistry.accountOf). */
  accountOf(accessKeyId: string): string {
    return this.sessions.accountOf(accessKeyId);
  }

  /**
   * From now on, AssumeRole of `roleArn` answers 403 AccessDenied in STS's XML shape, with `message` or
   * "User: arn:aws:iam::CALLER:user/operator is not authorized to perform: sts:AssumeRole on resource: ROLE".
   * Keys already issued for the role keep working (as in AWS: a trust policy change does not revoke them).
   */
  denyAssumeRole(roleArn: string, message?: string): void {
    this.denied.set(roleArn, message);
  }

  /** Undoes denyAssumeRole: AssumeRole of `roleArn` reaches the emulator again. */
  allowAssumeRole(roleArn: string): void {
    this.denied.delete(roleArn);
  }

  /**
   * Expires every access key issued so far (through this proxy) for `roleArn`: any later request signed
   * with one answers 403 ExpiredTokenException (API Gateway, JSON) or ExpiredToken (STS, IAM, XML).
   * Keys from a later AssumeRole work. Returns how many keys it expired.
   */
  expireSessions(roleArn: string): number {
    return this.sessions.expire(roleArn);
  }

  private count(kind: keyof ProxyCounts, call: Call): void {
    const operation = call.operation ?? 'other';
    bump(this.counts[kind], operation);
    bump(this.countsByAccount(call.account)[kind], operation);
  }

  /** A token from the operation's bucket and the account's (of the caller's account and region), or how long to wait. */
  private admit(call: Call, operation: string): number | undefined {
    if (this.options.quotas === false) return undefined;
    let quota = this.quotas.get(call.caller.bucket);
    if (!quota) {
      quota = { account: new TokenBucket(this.options.account ?? ACCOUNT_BUCKET, realClock), operations: new Map() };
      this.quotas.set(call.caller.bucket, quota);
    }
    const spec = this.specs[operation];
    let own: TokenBucket | undefined;
    if (spec) {
      own = quota.operations.get(operation) ?? new TokenBucket(spec, realClock);
      quota.operations.set(operation, own);
    }
    return takeBoth(own, quota.account);
  }

  private matchFault(call: Call, operation: string): FaultRule | undefined {
    const rule = this.faults.find(
      (f) =>
        f.times > 0 &&
        (f.operation === undefined ? operation !== 'AssumeRole' && call.service !== 'iam' : f.operation === operation) &&
        (f.account === undefined || f.account === call.account) &&
        (f.rate === undefined || this.random() < f.rate),
    );
    if (rule) rule.times -= 1;
    return rule;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = await classify(req, this.sessions);
    const { operation, service } = call;
    // AWS authenticates before it throttles or serves.
    const key = call.caller.signature?.accessKeyId;
    if (key && this.sessions.isExpired(key)) {
      this.count('faulted', call);
      sendExpiredToken(res, service);
      return;
    }
    if (operation === 'AssumeRole' && this.denied.has(call.roleArn ?? '')) {
      this.count('faulted', call);
      sendAssumeRoleDenied(res, call.caller.account, call.roleArn ?? '', this.denied.get(call.roleArn ?? ''));
      return;
    }
    if (operation === undefined) {
      this.count('passed', call);
      this.forward(req, res, call);
      return;
    }
    const fault = this.matchFault(call, operation);
    if (fault?.drop || fault?.status) {
      this.count('faulted', call);
      if (fault.afterForwarding) this.forward(req, res, call, fault.drop ? 'drop' : { status: fault.status ?? 500, ...(fault.error ? { error: fault.error } : {}) });
      else if (fault.drop) req.socket.destroy();
      else sendFault(res, fault.status ?? 500, service, fault.error);
      return;
    }
    // STS and IAM have quotas of their own, far above what tests reach: only API Gateway's are enforced.
    const waitMs = operation === 'AssumeRole' || call.service === 'iam' ? undefined : this.admit(call, operation);
    if (waitMs !== undefined) {
      this.count('throttled', call);
      sendJsonError(res, 429, { type: 'TooManyRequestsException', message: 'Too Many Requests' }, { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });
      return;
    }
    if (fault?.latencyMs) {
      this.count('faulted', call);
      await new Promise((r) => setTimeout(r, fault.latencyMs));
    }
    this.count('passed', call);
    this.forward(req, res, call);
  }

  /**
   * Forwards to the emulator; with `replaceWith`, the emulator's answer is dropped for that fault (an
   * error answer, or 'drop': the connection closed with no answer). When the emulator cannot be
   * reached the caller's connection is closed too, as when AWS itself is unreachable. An
   * AssumeRole answer is read whole first, so the key it issues is known before the caller can use it.
   */
  private forward(req: IncomingMessage, res: ServerResponse, call: Call, replaceWith?: 'drop' | { status: number; error?: { type: string; message: string } }): void {
    const upstream = request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (replaceWith !== undefined) {
          answer.resume();
          answer.on('end', () => (replaceWith === 'drop' ? req.socket.destroy() : sendFault(res, replaceWith.status, call.service, replaceWith.error)));
          return;
        }
        if (call.operation === 'AssumeRole') {
          void readBody(answer).then((body) => {
            const encoding = answer.headers['content-encoding'];
            if (answer.statusCode === 200 && (!encoding || encoding === 'identity')) this.sessions.learn(call.roleArn ?? '', body.toString('utf8'));
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(body);
          }, () => res.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    if (call.body) upstream.end(call.body);
    else req.pipe(upstream);
  }
}
