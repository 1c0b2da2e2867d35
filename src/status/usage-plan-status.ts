// One pass over one UsagePlan as plain data, and statusFor(pass), pure: the plan's status (id, keys,
// Synced, Ready, Reconciling, Stalled) and the Events to emit. Parts of the spec that cannot be applied
// yet are named in Ready: a reference that may appear a moment later (a RestApi, a stage, a Secret, a
// method) is waited for, then Stalled; a stage still being created is Reconciling; the rest is Stalled.
import type { UsagePlan, UsagePlanStatus } from '../api/usage-plan.js';
import { OWNER_TAG } from '../model/build.js';
import { API_KEY_NAME_TAG, type DesiredUsagePlan, type Problem } from '../model/usage-plan.js';
import { describeUsagePlanOperation, type ObservedApiKey, type UsagePlanOperation } from '../plan/usage-plan-diff.js';
import { setConditions, transitions, type Finding } from './conditions.js';
import type { EventSpec, Failure } from './rest-api-pass.js';
import { awaitingReference, CURRENT, summaryConditions, wasSettled, type Progress } from './summary.js';

export interface UsagePlanPass {
  now: Date;
  plan: UsagePlan;
  owner: string;
  stopped?: Failure;
  usagePlanId?: string;
  /** Where the plan lives, once placed. */
  placed?: { accountId: string; region: string };
  desired?: DesiredUsagePlan;
  problems: Problem[];
  operations: UsagePlanOperation[];
  applied: number;
  executionFailure?: Failure & { operation: string };
  createdKeys: ReadonlyMap<string, string>;
  /** The keys as observed before the pass. */
  keys: readonly ObservedApiKey[];
  events: EventSpec[];
  referenceGraceMs: number;
  /** A RestApi the plan covers is paused (restpath.dev/paused): its writes to AWS wait, described. */
  paused?: { by: string[]; waiting: string[] };
}

/** References that GitOps tools may apply a moment later: waited for, then Stalled. */
const AWAITED = new Set(['RestApiNotFound', 'StageNotFound', 'SecretNotFound', 'SecretKeyNotFound', 'UnknownMethod']);
/** The RestApi is on its way to creating the stage: the operator gets there by itself. */
const PROGRESSING = new Set(['StageNotReady']);

export function usagePlanProgress(pass: UsagePlanPass): { progress: Progress; recheckInMs?: number } {
  if (pass.stopped) return { progress: pass.stopped.progress };
  if (pass.paused && pass.paused.waiting.length > 0) return { progress: { kind: 'reconciling', reason: 'Paused', message: `${pass.paused.waiting.length} change(s) wait for the pause of RestApi ${pass.paused.by.join(', ')} to end: ${pass.paused.waiting.slice(0, 5).join('; ')}${pass.paused.waiting.length > 5 ? '; ...' : ''}.` } };
  if (pass.executionFailure) return { progress: pass.executionFailure.progress };
  const first = pass.problems[0];
  if (!first) return { progress: CURRENT };
  const message = pass.problems.map((p) => p.message).join(' ');
  if (PROGRESSING.has(first.reason)) return { progress: { kind: 'reconciling', reason: first.reason, message } };
  if (AWAITED.has(first.reason)) return awaitingReference(pass.plan.status?.conditions, first.reason, message, pass.now, pass.referenceGraceMs);
  return { progress: { kind: 'stalled', reason: first.reason, message } };
}

function synced(pass: UsagePlanPass): Finding {
  if (pass.stopped) return { type: 'Synced', status: 'False', reason: pass.stopped.reason, message: pass.stopped.message };
  if (pass.paused) {
    const what = pass.paused.waiting.length === 0 ? 'nothing waits: AWS matches the spec' : `${pass.paused.waiting.length} change(s) wait: ${pass.paused.waiting.slice(0, 5).join('; ')}${pass.paused.waiting.length > 5 ? '; ...' : ''}`;
    return { type: 'Synced', status: 'False', reason: 'Paused', message: `Writes to AWS are paused by the annotation restpath.dev/paused=true on RestApi ${pass.paused.by.join(', ')}; ${what}.` };
  }
  const f = pass.executionFailure;
  if (f) return { type: 'Synced', status: 'False', reason: f.reason, message: `${pass.applied} of ${pass.operations.length} changes applied; stopped at "${f.operation}": ${f.message} The rest is applied on the next attempt; nothing applied so far is undone.` };
  return { type: 'Synced', status: 'True', reason: 'Synced', message: `Usage plan ${pass.usagePlanId ?? ''} matches the spec.` };
}

/** Keys as they are after the pass: a key created now, else the observed key holding the value (or still serving). */
function apiKeys(pass: UsagePlanPass): NonNullable<UsagePlanStatus['apiKeys']> {
  const applied = pass.operations.slice(0, pass.applied);
  return (pass.desired?.keys ?? []).map((k) => {
    const created = pass.createdKeys.get(k.name);
    const mine = pass.keys.filter((o) => o.tags[OWNER_TAG] === pass.owner && o.tags[API_KEY_NAME_TAG] === k.name);
    // The key holding the value; while a rotation is unfinished, the one still in the plan serves.
    const current = created ? undefined : ((k.value ? mine.find((o) => k.value!.equals(o.value)) : undefined) ?? mine.find((o) => o.inPlan) ?? mine[0]);
    const id = created ?? current?.id;
    const updated = !pass.executionFailure || applied.some((op) => op.kind === 'updateApiKey' && op.keyId === id);
    const enabled = created ? k.enabled : current ? (updated ? k.enabled : current.enabled) : undefined;
    return { name: k.name, ...(id ? { id } : {}), ...(enabled !== undefined ? { enabled } : {}) };
  });
}

export function usagePlanStatusFor(pass: UsagePlanPass): { status: UsagePlanStatus; events: EventSpec[]; recheckInMs?: number } {
  const plan = pass.plan;
  const generation = plan.metadata.generation ?? 0;
  const sync = synced(pass);
  const { progress, recheckInMs } = usagePlanProgress(pass);
  const d = pass.desired;
  // Paused with nothing waiting: AWS is what the spec says (Ready, reason Paused), as for a RestApi.
  const idle = pass.paused && pass.paused.waiting.length === 0 && !pass.stopped;
  const whenReady = idle ? { reason: 'Paused', message: sync.message } : { reason: 'Ready', message: `Usage plan ${pass.usagePlanId ?? ''} covers ${d?.plan.apiStages.length ?? 0} stage(s) with ${d?.keys.length ?? 0} API key(s).` };
  const findings = [sync, ...summaryConditions(progress, idle ? [] : [sync], whenReady, generation)];
  const conditions = setConditions(plan.status?.conditions, findings, generation, pass.now);
  const status: UsagePlanStatus = {
    ...plan.status,
    ...(pass.usagePlanId ? { usagePlanId: pass.usagePlanId } : {}),
    ...pass.placed,
    ...(d && !pass.stopped ? { apiKeys: apiKeys(pass) } : {}),
    observedGeneration: generation,
    conditions,
  };
  // One Warning per new reason: Ready repeats the reason of what blocks it.
  const events = [...pass.events];
  for (const c of transitions(plan.status?.conditions, conditions)) {
    const bad = (c.type === 'Synced' && c.status === 'False' && c.reason !== 'Paused') || (c.type === 'Stalled' && c.status === 'True');
    if (bad && !events.some((e) => e.reason === c.reason)) events.push({ type: 'Warning', reason: c.reason, action: 'Reconcile', note: c.message });
  }
  return { status, events, ...(recheckInMs !== undefined ? { recheckInMs } : {}) };
}

/**
 * One Event per kind of change: keys created, rotated, removed; plan settings updated or restored.
 * `driftReported`: the pass already said the plan was re-created, which covers restoring its parts.
 */
export function appliedEvents(plan: UsagePlan, applied: readonly UsagePlanOperation[], driftReported = false): EventSpec[] {
  if (applied.length === 0) return [];
  // Drift: AWS changed although the spec did not and the previous pass had settled everything.
  const drift = wasSettled(plan) && !driftReported;
  const rotated = applied.filter((op) => op.kind === 'createApiKey' && op.replaces);
  const restored = drift ? applied.filter((op) => ['updateUsagePlan', 'tagUsagePlan', 'untagUsagePlan', 'updateApiKey', 'addKeyToPlan'].includes(op.kind)) : [];
  const out: EventSpec[] = rotated.map((op) => ({ type: 'Normal', reason: 'ApiKeyRotated', action: 'Reconcile', note: describeUsagePlanOperation(op) }));
  const rest = applied.filter((op) => !rotated.includes(op) && !restored.includes(op));
  if (rest.length > 0) {
    out.push({ type: 'Normal', reason: 'Updated', action: 'Reconcile', note: `Applied ${rest.length} change(s): ${rest.slice(0, 6).map(describeUsagePlanOperation).join('; ')}${rest.length > 6 ? '; ...' : ''}` });
  }
  if (restored.length > 0) {
    out.push({ type: 'Warning', reason: 'DriftCorrected', action: 'Reconcile', note: `Usage plan or its keys differed from the spec without a spec change; restored: ${restored.map(describeUsagePlanOperation).join('; ')}` });
  }
  return out;
}
