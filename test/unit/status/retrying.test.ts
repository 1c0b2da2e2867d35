// What an object says while its pass retries AWS calls: the fault named, Ready False, Reconciling True.
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/api/common.js';
import { retryingConditions, retryingMessage, retryingReason, type RetryTally } from '../../../src/status/retrying.js';

const tally = (last: RetryTally['last'], byCall: [string, number][]): RetryTally => ({ byCall: new Map(byCall), last, forMs: 12_400 });
const at = new Date('2026-12-03T10:00:00Z');

describe('retrying conditions', () => {
  it('name the last fault, the count and the calls retried most', () => {
    const t = tally({ operation: 'PutMethod', error: 'ServiceUnavailableException', network: false }, [['CreateResource TooManyRequestsException', 3], ['PutMethod ServiceUnavailableException', 9]]);
    expect(retryingReason(t)).toBe('AwsRetrying');
    expect(retryingMessage(t)).toBe('AWS answered PutMethod with ServiceUnavailableException; the operator is retrying with backoff and keeps what it has done. 12 call(s) retried in this pass over 12 s: PutMethod ServiceUnavailableException x9, CreateResource TooManyRequestsException x3.');
  });

  it('say AwsUnreachable when the last call got no answer at all', () => {
    const t = tally({ operation: 'GetResources', error: 'ECONNREFUSED', network: true }, [['GetResources ECONNREFUSED', 2]]);
    expect(retryingReason(t)).toBe('AwsUnreachable');
    expect(retryingMessage(t)).toMatch(/^AWS could not be reached \(ECONNREFUSED on GetResources\)/);
  });

  it('set Ready, Reconciling and Stalled and keep every other condition as it was', () => {
    const before: Condition[] = [
      { type: 'Ready', status: 'True', reason: 'Ready', message: 'ok', observedGeneration: 1, lastTransitionTime: '2026-12-01T00:00:00Z' },
      { type: 'Served', status: 'True', reason: 'Served', message: 'served', observedGeneration: 1, lastTransitionTime: '2026-12-01T00:00:00Z' },
    ];
    const after = retryingConditions(before, tally({ operation: 'PutMethod', error: 'InternalFailure', network: false }, [['PutMethod InternalFailure', 1]]), 2, at);
    expect(after.map((c) => [c.type, c.status, c.reason, c.observedGeneration])).toEqual([
      ['Ready', 'False', 'AwsRetrying', 2], ['Served', 'True', 'Served', 1], ['Reconciling', 'True', 'AwsRetrying', 2], ['Stalled', 'False', 'NotStalled', 2],
    ]);
    expect(after[0]?.lastTransitionTime).toBe(at.toISOString());
  });
});
