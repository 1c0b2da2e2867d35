// Status conditions, pure: merging new findings into the conditions an object has. lastTransitionTime
// moves only when a condition's status changes; every condition written carries the generation it
// describes. Ready summarizes the others (kstatus: Ready=True only when every check is True).
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

/** Ready from the other findings: the first one that is not True explains why not. */
export function readyFrom(findings: readonly Finding[], whenReady: { reason: string; message: string }): Finding {
  const blocking = findings.find((f) => f.status === 'False') ?? findings.find((f) => f.status === 'Unknown');
  return blocking
    ? { type: 'Ready', status: blocking.status, reason: blocking.reason, message: blocking.message }
    : { type: 'Ready', status: 'True', ...whenReady };
}

/** Conditions whose status changed between two lists: what deserves an Event. */
export function transitions(before: readonly Condition[] | undefined, after: readonly Condition[]): Condition[] {
  return after.filter((c) => {
    const old = before?.find((b) => b.type === c.type);
    return !old || old.status !== c.status || old.reason !== c.reason;
  });
}
