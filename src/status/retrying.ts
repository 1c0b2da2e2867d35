// What an object says while its pass waits out AWS errors (5xx, throttling, dropped connections, AWS
// unreachable). A pass under such faults can take minutes; without this the object would show the
// previous pass's verdict, or nothing at all on a first apply, for all that time. Pure: the tally of
// retried calls in, the conditions out.
import type { Condition } from '../api/common.js';
import { setConditions } from './conditions.js';

export interface RetryTally {
  /** Retried calls so far in this pass, by "Operation ErrorName". */
  byCall: ReadonlyMap<string, number>;
  /** The latest one. */
  last: { operation: string; error: string; network: boolean };
  /** Milliseconds since the first retried call of the pass. */
  forMs: number;
}

const NETWORK_REASON = 'AwsUnreachable';
const ANSWER_REASON = 'AwsRetrying';

/** AwsUnreachable when the latest failure got no answer at all, else AwsRetrying. */
export function retryingReason(tally: RetryTally): string {
  return tally.last.network ? NETWORK_REASON : ANSWER_REASON;
}

export function retryingMessage(tally: RetryTally): string {
  const total = [...tally.byCall.values()].reduce((a, b) => a + b, 0);
  const byCall = [...tally.byCall.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([call, n]) => `${call} x${n}`).join(', ');
  const what = tally.last.network ? `AWS could not be reached (${tally.last.error} on ${tally.last.operation})` : `AWS answered ${tally.last.operation} with ${tally.last.error}`;
  return `${what}; the operator is retrying with backoff and keeps what it has done. ${total} call(s) retried in this pass over ${Math.round(tally.forMs / 1000)} s: ${byCall}.`;
}

/** Ready False and Reconciling True with the fault named; every other condition as it was. */
export function retryingConditions(existing: readonly Condition[] | undefined, tally: RetryTally, generation: number, now: Date): Condition[] {
  const reason = retryingReason(tally);
  const message = retryingMessage(tally);
  return setConditions(existing, [
    { type: 'Ready', status: 'False', reason, message },
    { type: 'Reconciling', status: 'True', reason, message },
    { type: 'Stalled', status: 'False', reason: 'NotStalled', message: 'Nothing keeps the operator from the spec.' },
  ], generation, now);
}
