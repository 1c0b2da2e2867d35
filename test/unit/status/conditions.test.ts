import { describe, expect, it } from 'vitest';
import { setConditions, transitions, type Finding } from '../../../src/status/conditions.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00Z');
const synced = (status: Finding['status'], reason = status === 'True' ? 'Synced' : 'AwsError'): Finding => ({ type: 'Synced', status, reason, message: `${reason} message` });

describe('conditions', () => {
  it('keeps lastTransitionTime while the status stays, moves it when the status changes', () => {
    const first = setConditions([], [synced('True')], 1, t0);
    expect(first).toEqual([{ type: 'Synced', status: 'True', reason: 'Synced', message: 'Synced message', observedGeneration: 1, lastTransitionTime: t0.toISOString() }]);
    const same = setConditions(first, [{ ...synced('True'), message: 'still fine' }], 2, t1);
    expect(same[0]).toMatchObject({ lastTransitionTime: t0.toISOString(), observedGeneration: 2, message: 'still fine' });
    const changed = setConditions(same, [synced('False')], 2, t1);
    expect(changed[0]).toMatchObject({ status: 'False', reason: 'AwsError', lastTransitionTime: t1.toISOString() });
  });

  it('leaves conditions it is not told about as they are, and appends new ones', () => {
    const existing = setConditions([], [synced('True')], 1, t0);
    const out = setConditions(existing, [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'ok' }], 1, t1);
    expect(out.map((c) => c.type)).toEqual(['Synced', 'Ready']);
    expect(out[0]).toEqual(existing[0]);
  });

  it('reports transitions (status or reason changed) for Events, not repeats', () => {
    const before = setConditions([], [synced('True')], 1, t0);
    expect(transitions(before, setConditions(before, [synced('True')], 2, t1))).toEqual([]);
    expect(transitions(before, setConditions(before, [synced('False')], 2, t1)).map((c) => c.reason)).toEqual(['AwsError']);
    expect(transitions(undefined, before).map((c) => c.type)).toEqual(['Synced']);
  });
});
