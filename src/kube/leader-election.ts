// Leader election on a coordination.k8s.io/v1 Lease, so several replicas can run and exactly one
// reconciles. The leader renews every retryPeriod; if it cannot renew within renewDeadline it stops
// leading (the caller exits and restarts as a candidate). A candidate takes the lease over once its
// holder has not renewed it for leaseDuration. Writes carry the resourceVersion read, so two
// candidates racing for one lease cannot both win. stop() releases the lease for a fast hand-over.
// Time comes from options.now and waits from options.sleep (Date.now and a timer by default), so
// tests can drive the expiry and renew-deadline decisions with a clock of their own.
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { decide, heldBy, type LeaseState } from './lease.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  onError?: (error: unknown) => void;
  /** The clock for every timing decision (lease expired? renew deadline passed?) and for the times written to the Lease. */
  now?: () => number;
  /** Waits retryPeriodMs between attempts; must settle when signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What one attempt to hold the lease means for leadership: true held it, false saw another holder, 'unknown' failed. */
export type Attempt = boolean | 'unknown';

/**
 * Leadership after an attempt, pure: a candidate that held the lease leads (and has renewed now); a
 * leader stops at once when another holds the lease, or when it has not renewed for longer than
 * renewDeadlineMs (by the same clock); otherwise nothing changes.
 */
export function leadershipAfter(
  attempt: Attempt,
  state: { leading: boolean; lastRenewMs: number },
  nowMs: number,
  renewDeadlineMs: number,
): { leading: boolean; lastRenewMs: number } {
  if (attempt === true) return { leading: true, lastRenewMs: nowMs };
  if (state.leading && (attempt === false || nowMs - state.lastRenewMs > renewDeadlineMs)) return { ...state, leading: false };
  return state;
}

const timerSleep = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, undefined, { signal }).catch(() => undefined);

function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? Number((error).code) : undefined;
}

function stateOf(lease: V1Lease | undefined): LeaseState | undefined {
  if (!lease?.spec) return undefined;
  const s = lease.spec;
  return {
    ...(s.holderIdentity ? { holderIdentity: s.holderIdentity } : {}),
    ...(s.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: s.leaseDurationSeconds } : {}),
    ...(s.renewTime ? { renewTime: new Date(s.renewTime) } : {}),
    ...(s.acquireTime ? { acquireTime: new Date(s.acquireTime) } : {}),
    ...(s.leaseTransitions !== undefined ? { leaseTransitions: s.leaseTransitions } : {}),
  };
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private leading = false;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(kc: KubeConfig, private readonly options: LeaderElectionOptions) {
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.leaseDurationSeconds = options.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? timerSleep;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): this {
    this.running ??= this.run();
    return this;
  }

  /** Stops; a leader releases the lease so another replica can take over at once. */
  async stop(release = true): Promise<void> {
    this.abort.abort();
    await this.running;
    if (this.leading) {
      this.leading = false;
      if (release) await this.release().catch((e: unknown) => this.options.onError?.(e));
      this.options.onStoppedLeading();
    }
  }

  /** Simulates a crash: stops renewing without releasing (tests of hand-over use it). */
  async abandon(): Promise<void> {
    await this.stop(false);
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.options.name, namespace: this.options.namespace });
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  private body(state: LeaseState, resourceVersion?: string): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.options.name, namespace: this.options.namespace, ...(resourceVersion ? { resourceVersion } : {}) },
      spec: {
        holderIdentity: state.holderIdentity ?? '',
        leaseDurationSeconds: state.leaseDurationSeconds ?? this.leaseDurationSeconds,
        ...(state.acquireTime ? { acquireTime: new V1MicroTime(state.acquireTime.getTime()) } : {}),
        ...(state.renewTime ? { renewTime: new V1MicroTime(state.renewTime.getTime()) } : {}),
        leaseTransitions: state.leaseTransitions ?? 0,
      },
    };
  }

  /** One attempt to hold the lease; true when this candidate holds it afterwards. */
  private async tryHold(): Promise<boolean> {
    const lease = await this.read();
    const now = new Date(this.now());
    const state = stateOf(lease);
    const decision = decide(state, this.options.identity, now);
    if (decision === 'wait') return false;
    const next = heldBy(this.options.identity, state, now, this.leaseDurationSeconds);
    try {
      if (decision === 'create') {
        await this.api.createNamespacedLease({ namespace: this.options.namespace, body: this.body(next) });
      } else {
        await this.api.replaceNamespacedLease({ name: this.options.name, namespace: this.options.namespace, body: this.body(next, lease?.metadata?.resourceVersion) });
      }
      return true;
    } catch (error) {
      // 409: another candidate wrote first; it holds the lease now.
      if (statusCode(error) === 409) return false;
      throw error;
    }
  }

  private async release(): Promise<void> {
    const lease = await this.read();
    if (lease?.spec?.holderIdentity !== this.options.identity) return;
    await this.api.replaceNamespacedLease({
      name: this.options.name,
      namespace: this.options.namespace,
      body: this.body({ ...stateOf(lease), holderIdentity: '', leaseDurationSeconds: 1 }, lease.metadata?.resourceVersion),
    });
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let lastRenewMs = 0;
    while (!signal.aborted) {
      let held: Attempt = 'unknown';
      try {
        held = await this.tryHold();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (signal.aborted) break;
      const wasLeading = this.leading;
      ({ leading: this.leading, lastRenewMs } = leadershipAfter(held, { leading: wasLeading, lastRenewMs }, this.now(), this.renewDeadlineMs));
      if (this.leading && !wasLeading) this.options.onStartedLeading();
      // Someone else holds the lease now, or we could not renew in time: stop at once.
      if (!this.leading && wasLeading) this.options.onStoppedLeading();
      await this.sleep(this.retryPeriodMs, signal);
    }
  }
}
