// An HTTP proxy between the SDK and the AWS emulator that behaves like API Gateway's control plane
// under load: per-operation and account-wide token buckets (429 TooManyRequestsException with a
// Retry-After header, as AWS answers) and faults injected by rule (5xx, latency, dropped connections).
// It counts what passed, what it throttled and what it broke. Listens on 127.0.0.1 only; close() stops it.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT_BUCKET, OPERATION_BUCKETS } from '../../src/aws/quotas.js';
import { realClock } from '../../src/util/clock.js';
import { takeBoth, TokenBucket, type BucketSpec } from '../../src/util/token-bucket.js';
import { apiGatewayOperation } from './apigateway-routes.js';

export interface FaultRule {
  /** Operation name (e.g. PutMethod); all API Gateway operations when unset. */
  operation?: string;
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
}

export interface QuotaProxyOptions {
  target: string;
  /** Enforce API Gateway's quotas (default true). */
  quotas?: boolean;
  account?: BucketSpec;
  operations?: Record<string, BucketSpec>;
  faults?: FaultRule[];
}

export interface ProxyCounts {
  passed: Record<string, number>;
  throttled: Record<string, number>;
  faulted: Record<string, number>;
}

const FAULTS: Record<number, { type: string; message: string }> = {
  409: { type: 'ConflictException', message: 'Another resource with the same parent already has this name' },
  429: { type: 'TooManyRequestsException', message: 'Too Many Requests' },
  500: { type: 'InternalFailure', message: 'Internal server error' },
  503: { type: 'ServiceUnavailableException', message: 'Service Unavailable' },
};

/** An error answer in API Gateway's wire shape (X-Amzn-ErrorType header, JSON message). */
function sendFault(res: ServerResponse, status: number, custom?: { type: string; message: string }): void {
  const fault = custom ?? FAULTS[status] ?? { type: 'InternalFailure', message: `injected ${status}` };
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': fault.type, ...(status === 429 && !custom ? { 'retry-after': '1' } : {}) });
  res.end(JSON.stringify({ message: fault.message }));
}

const bump = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);

export class QuotaProxy {
  readonly counts: ProxyCounts = { passed: {}, throttled: {}, faulted: {} };
  faults: FaultRule[];
  private readonly server: Server;
  private readonly account: TokenBucket;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly specs: Record<string, BucketSpec>;
  private readonly target: URL;

  private constructor(private readonly options: QuotaProxyOptions) {
    this.target = new URL(options.target);
    this.faults = options.faults ?? [];
    this.account = new TokenBucket(options.account ?? ACCOUNT_BUCKET, realClock);
    this.specs = { ...OPERATION_BUCKETS, ...options.operations };
    this.server = createServer((req, res) => void this.handle(req, res));
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
    for (const map of Object.values(this.counts) as Record<string, number>[]) for (const k of Object.keys(map)) delete map[k];
  }

  total(kind: keyof ProxyCounts): number {
    return Object.values(this.counts[kind]).reduce((a, b) => a + b, 0);
  }

  /** A token from the operation's bucket and the account's, or how long to wait. */
  private admit(operation: string): number | undefined {
    if (this.options.quotas === false) return undefined;
    const spec = this.specs[operation];
    let own: TokenBucket | undefined;
    if (spec) {
      own = this.buckets.get(operation) ?? new TokenBucket(spec, realClock);
      this.buckets.set(operation, own);
    }
    return takeBoth(own, this.account);
  }

  private matchFault(operation: string): FaultRule | undefined {
    const rule = this.faults.find((f) => f.times > 0 && (f.operation === undefined || f.operation === operation));
    if (rule) rule.times -= 1;
    return rule;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = apiGatewayOperation(req.method ?? 'GET', req.url ?? '/');
    if (operation) {
      const fault = this.matchFault(operation);
      if (fault?.drop) {
        bump(this.counts.faulted, operation);
        req.socket.destroy();
        return;
      }
      if (fault?.status && fault.afterForwarding) {
        bump(this.counts.faulted, operation);
        this.forward(req, res, fault.status);
        return;
      }
      if (fault?.status) {
        bump(this.counts.faulted, operation);
        sendFault(res, fault.status, fault.error);
        return;
      }
      const waitMs = this.admit(operation);
      if (waitMs !== undefined) {
        bump(this.counts.throttled, operation);
        res.writeHead(429, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'TooManyRequestsException',
          'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
        });
        res.end(JSON.stringify({ message: 'Too Many Requests' }));
        return;
      }
      if (fault?.latencyMs) {
        bump(this.counts.faulted, operation);
        await new Promise((r) => setTimeout(r, fault.latencyMs));
      }
      bump(this.counts.passed, operation);
    } else {
      bump(this.counts.passed, 'other');
    }
    this.forward(req, res);
  }

  /** Forwards to the emulator; with `replaceWith`, the emulator's answer is dropped for that fault. */
  private forward(req: IncomingMessage, res: ServerResponse, replaceWith?: number): void {
    const upstream = request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (replaceWith !== undefined) {
          answer.resume();
          answer.on('end', () => sendFault(res, replaceWith));
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }
}
