// Ready, Reconciling and Stalled (kstatus: Reconciling=True InProgress, Stalled=True Failed, else
// Ready False InProgress / True Current), as a table; and the grace a missing reference gets.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/status/conditions.js';
import { awaitingReference, CURRENT, summaryConditions, type Progress } from '../../../src/status/summary.js';

const check = (status: Finding['status'], reason: string): Finding => ({ type: 'IntegrationReady', status, reason, message: `${reason} message` });
const ok = { reason: 'Ready', message: 'applied' };
const short = (fs: Finding[]) => fs.map((f) => `${f.type}=${f.status}/${f.reason}`).join(' ');

describe('summary conditions', () => {
  const table: { name: string; progress: Progress; checks: Finding[]; want: string }[] = [
    { name: 'all checks pass', progress: CURRENT, checks: [check('True', 'IntegrationsValid')], want: 'Ready=True/Ready Reconciling=False/Reconciled Stalled=False/NotStalled' },
    { name: 'a check fails with nothing left to do: Stalled with its reason', progress: CURRENT, checks: [check('True', 'Synced'), check('False', 'UndefinedStageVariable')], want: 'Ready=False/UndefinedStageVariable Reconciling=False/Reconciled Stalled=True/UndefinedStageVariable' },
    { name: 'an undecided check does not hold Ready back', progress: CURRENT, checks: [check('Unknown', 'PolicyConditionsNotEvaluated')], want: 'Ready=True/Ready Reconciling=False/Reconciled Stalled=False/NotStalled' },
    { name: 'in progress wins over a failing check', progress: { kind: 'reconciling', reason: 'TooManyRequestsException', message: 'm' }, checks: [check('False', 'IntegrationMissing')], want: 'Ready=False/TooManyRequestsException Reconciling=True/TooManyRequestsException Stalled=False/NotStalled' },
    { name: 'stalled', progress: { kind: 'stalled', reason: 'Conflict', message: 'm' }, checks: [], want: 'Ready=False/Conflict Reconciling=False/Reconciled Stalled=True/Conflict' },
  ];
  for (const t of table) {
    it(t.name, () => {
      expect(short(summaryConditions(t.progress, t.checks, ok, 3))).toBe(t.want);
    });
  }
});

describe('a missing reference', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  it('is Reconciling for the grace, counted from when the object started reconciling, then Stalled', () => {
    expect(awaitingReference(undefined, 'RestApiNotFound', 'm', t0, 60_000)).toEqual({ progress: { kind: 'reconciling', reason: 'RestApiNotFound', message: 'm' }, recheckInMs: 60_000 });
    const reconciling = [{ type: 'Reconciling', status: 'True' as const, reason: 'RestApiNotFound', message: 'm', lastTransitionTime: t0.toISOString() }];
    expect(awaitingReference(reconciling, 'RestApiNotFound', 'm', new Date(t0.getTime() + 45_000), 60_000).recheckInMs).toBe(15_000);
    expect(awaitingReference(reconciling, 'RestApiNotFound', 'm', new Date(t0.getTime() + 60_000), 60_000).progress.kind).toBe('stalled');
  });
  it('stays Stalled once Stalled for that reason', () => {
    const stalled = [{ type: 'Stalled', status: 'True' as const, reason: 'SecretNotFound', message: 'm', lastTransitionTime: t0.toISOString() }];
    expect(awaitingReference(stalled, 'SecretNotFound', 'm', t0, 60_000).progress.kind).toBe('stalled');
  });
});
