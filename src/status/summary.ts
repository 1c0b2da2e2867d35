// The three summary conditions every kind carries, with kstatus's meaning (ADR 0007):
//   Reconciling=True  the operator is working towards the spec (first pass, retrying, waiting for
//                     something it will get by itself: a RestApi applied a moment later, a role);
//   Stalled=True      it cannot get there without someone changing something (a conflict, an object
//                     owned by another, a request AWS refuses, a reference still missing after a grace);
//   Ready             the summary GitOps tools and `kubectl wait` read: True when neither of the above
//                     holds and no check that blocks clients is False.
// kstatus reads Reconciling/Stalled (InProgress / Failed, else Current); Argo CD and kubectl read Ready.
import type { Condition } from '../api/common.js';
import type { Finding } from './conditions.js';

/** Where the operator stands with an object's spec. */
export type Progress =
  | { kind: 'current' }
  | { kind: 'reconciling'; reason: string; message: string }
  | { kind: 'stalled'; reason: string; message: string };

export const CURRENT: Progress = { kind: 'current' };

/**
 * Ready, Reconciling and Stalled from the progress and the checks that hold Ready back when False.
 * kstatus reads Ready too (False: InProgress), so a check that fails while the operator has nothing
 * left to do makes the object Stalled with that check's reason: only a person can fix what clients
 * hit, and a pipeline should fail with the reason rather than wait for its timeout.
 */
export function summaryConditions(progress: Progress, checks: readonly Finding[], whenReady: { reason: string; message: string }, generation: number): Finding[] {
  const failing = checks.find((f) => f.status === 'False');
  const effective: Progress = progress.kind === 'current' && failing ? { kind: 'stalled', reason: failing.reason, message: failing.message } : progress;
  const ready: Finding = effective.kind === 'current' ? { type: 'Ready', status: 'True', ...whenReady } : { type: 'Ready', status: 'False', reason: effective.reason, message: effective.message };
  return [
    ready,
    effective.kind === 'reconciling'
      ? { type: 'Reconciling', status: 'True', reason: effective.reason, message: effective.message }
      : { type: 'Reconciling', status: 'False', reason: 'Reconciled', message: `Generation ${generation} is reconciled; nothing is in progress.` },
    effective.kind === 'stalled'
      ? { type: 'Stalled', status: 'True', reason: effective.reason, message: effective.message }
      : { type: 'Stalled', status: 'False', reason: 'NotStalled', message: 'Nothing keeps the operator from the spec.' },
  ];
}

/**
 * A reference that does not exist yet (a RestApi, a stage, a Secret, a method): GitOps tools often apply
 * it a moment later in the same sync, so it is Reconciling for `graceMs` after the object started
 * reconciling, then Stalled. Returns the progress and, while in grace, when to look again.
 */
export function awaitingReference(existing: readonly Condition[] | undefined, reason: string, message: string, now: Date, graceMs: number): { progress: Progress; recheckInMs?: number } {
  const reconciling = existing?.find((c) => c.type === 'Reconciling' && c.status === 'True');
  const stalled = existing?.find((c) => c.type === 'Stalled' && c.status === 'True' && c.reason === reason);
  if (stalled) return { progress: { kind: 'stalled', reason, message } };
  const since = reconciling ? Date.parse(reconciling.lastTransitionTime) : now.getTime();
  const left = since + graceMs - now.getTime();
  if (left <= 0) return { progress: { kind: 'stalled', reason, message } };
  return { progress: { kind: 'reconciling', reason, message }, recheckInMs: left };
}

/**
 * Whether the previous pass left the object settled: its generation observed, in sync with AWS and
 * nothing in progress. Only then is a change found in AWS drift (someone changed AWS); otherwise it
 * is the operator finishing what it had started (a retry, a stage that appeared, a pause that ended).
 */
export function wasSettled(o: { metadata: { generation?: number }; status?: { observedGeneration?: number; conditions?: readonly Condition[] } }): boolean {
  const is = (type: string, status: string) => o.status?.conditions?.some((c) => c.type === type && c.status === status) ?? false;
  return o.status?.observedGeneration === (o.metadata.generation ?? 0) && is('Synced', 'True') && !is('Reconciling', 'True');
}
