// One pass's retried AWS calls, written into its object's status while they last (status/retrying.ts).
// Written only once AWS has been failing for `afterMs` (a blip that one retry absorbs must not flip a
// Ready object), then at most every `everyMs`. The pass gives the object once its id is recorded
// (start); the reporter's writes are chained, and the pass's final status write uses latest(), so the
// two never race on the resourceVersion.
import type { RetryNotice } from '../aws/retry-notices.js';
import type { Condition } from '../api/common.js';
import { retryingConditions, type RetryTally } from '../status/retrying.js';
import { kubeErrorText } from '../kube/errors.js';
import type { CustomObjectRef, StoredObject } from '../kube/writer.js';
import type { ControllerContext } from './context.js';

interface WithConditions {
  metadata: { generation?: number };
  status?: { conditions?: Condition[] };
}

export interface RetryReporterOptions<T> {
  now: () => Date;
  /** Stores `conditions` as the object's status conditions (everything else kept); returns it as stored. */
  write: (object: T, conditions: Condition[]) => Promise<T>;
  onWriteError: (error: unknown) => void;
  afterMs?: number;
  everyMs?: number;
}

export class RetryReporter<T extends WithConditions> {
  private readonly byCall = new Map<string, number>();
  private last: RetryTally['last'] | undefined;
  private firstAt: number | undefined;
  private writtenAt: number | undefined;
  private object: T | undefined;
  private wrote = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: RetryReporterOptions<T>) {}

  /** The caller's listener (aws/retry-notices.ts). */
  readonly listener = (notice: RetryNotice): void => {
    const call = `${notice.operation} ${notice.error}`;
    this.byCall.set(call, (this.byCall.get(call) ?? 0) + 1);
    this.last = { operation: notice.operation, error: notice.error, network: notice.network };
    this.firstAt ??= this.options.now().getTime();
    this.maybeWrite();
  };

  /** From now on the reporter may write `object` (its id is recorded; no other write of it is in flight). */
  start(object: T): void {
    this.object = object;
    this.maybeWrite();
  }

  /** Waits for a write in flight. */
  settle(): Promise<void> {
    return this.chain;
  }

  /** The object as last stored: the reporter's, when it wrote one after `fallback` was read. */
  latest(fallback: T): T {
    return this.wrote && this.object ? this.object : fallback;
  }

  private maybeWrite(): void {
    const now = this.options.now().getTime();
    if (!this.object || this.firstAt === undefined || !this.last) return;
    if (now - this.firstAt < (this.options.afterMs ?? 5_000)) return;
    if (this.writtenAt !== undefined && now - this.writtenAt < (this.options.everyMs ?? 10_000)) return;
    this.writtenAt = now;
    const tally: RetryTally = { byCall: new Map(this.byCall), last: this.last, forMs: now - this.firstAt };
    this.chain = this.chain.then(async () => {
      const current = this.object!;
      const conditions = retryingConditions(current.status?.conditions, tally, current.metadata.generation ?? 0, this.options.now());
      this.object = await this.options.write(current, conditions);
      this.wrote = true;
    }).catch((error: unknown) => this.options.onWriteError(error));
  }
}

/** A reporter that writes the conditions into `ref`'s status with the context's writer. */
export function retryReporterFor<T extends WithConditions & StoredObject<object>>(ctx: ControllerContext, ref: CustomObjectRef): RetryReporter<T> {
  return new RetryReporter<T>({
    now: () => ctx.now(),
    write: (o, conditions) => ctx.writer.updateStatus(ref, o, { ...o.status, conditions }),
    onWriteError: (error) => ctx.log.warn({ key: `${ref.namespace}/${ref.name}`, err: kubeErrorText(error) }, 'writing the retrying condition failed; the pass goes on'),
  });
}
