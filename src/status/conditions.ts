// Status conditions, pure: merging new findings into the conditions an object has. lastTransitionTime
// moves only when a condition's status changes; every condition written carries the generation it
// describes. Ready, Reconciling and Stalled are derived in summary.ts.
import type { Condition } from '../api/common.js';

export type ConditionStatus = Condition['status'];

export interface Finding {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export function setConditions(existing: readonly Condition[] | undefined, findings: readonly Finding[], generation: number, now: Date): Condition[] {
  const out = [...(existing ?? [])];
  for (const f of findings) {
    const at = out.findIndex((c) => c.type === f.type);
    const before = at >= 0 ? out[at] : undefined;
    const next: Condition = {
      type: f.type,
      status: f.status,
      reason: f.reason,
      message: f.message,
      observedGeneration: generation,
      lastTransitionTime: before && before.status === f.status ? before.lastTransitionTime : now.toISOString(),
    };
    if (at >= 0) out[at] = next;
    else out.push(next);
  }
  return out;
}

/** Conditions whose status changed between two lists: what deserves an Event. */
export function transitions(before: readonly Condition[] | undefined, after: readonly Condition[]): Condition[] {
  return after.filter((c) => {
    const old = before?.find((b) => b.type === c.type);
    return !old || old.status !== c.status || old.reason !== c.reason;
  });
}
