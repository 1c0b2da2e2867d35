// diff(desired usage plan, observed) -> operations, pure. All changes to the plan's own settings go
// into one UpdateUsagePlan (AWS allows one such call every 20 seconds). API keys change in an order
// that never leaves a window without a working key: new keys are created and put in the plan first,
// and only then are old keys taken out of the plan and deleted.
import { OWNER_TAG } from '../model/build.js';
import { API_KEY_NAME_TAG, stageKey, type ApiStageShape, type DesiredUsagePlan, type ThrottleShape, type UsagePlanShape } from '../model/usage-plan.js';
import type { Sensitive } from '../model/sensitive.js';
import type { StringMap } from '../model/shapes.js';
import type { PatchOperation } from './operations.js';

export interface ObservedUsagePlan {
  id: string;
  plan: UsagePlanShape;
  tags: StringMap;
}

export interface ObservedApiKey {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  value: Sensitive;
  tags: StringMap;
  /** In this usage plan. */
  inPlan: boolean;
}

export type UsagePlanOperation =
  | { kind: 'updateUsagePlan'; patch: PatchOperation[] }
  | { kind: 'tagUsagePlan'; tags: StringMap }
  | { kind: 'untagUsagePlan'; keys: string[] }
  /** Creates the key and adds it to the plan. */
  | { kind: 'createApiKey'; keyName: string; description: string; enabled: boolean; value: Sensitive; tags: StringMap; replaces?: string }
  | { kind: 'addKeyToPlan'; keyId: string; keyName: string }
  | { kind: 'updateApiKey'; keyId: string; keyName: string; patch: PatchOperation[] }
  | { kind: 'removeKeyFromPlan'; keyId: string; keyName: string }
  | { kind: 'deleteApiKey'; keyId: string; keyName: string };

/** For Events and logs: names and ids, never a key's value. */
export function describeUsagePlanOperation(op: UsagePlanOperation): string {
  switch (op.kind) {
    case 'updateUsagePlan':
      return `update usage plan (${op.patch.map((p) => `${p.op} ${p.path}`).join(', ')})`;
    case 'tagUsagePlan':
      return `tag usage plan (${Object.keys(op.tags).join(', ')})`;
    case 'untagUsagePlan':
      return `untag usage plan (${op.keys.join(', ')})`;
    case 'createApiKey':
      return op.replaces ? `rotate API key ${op.keyName} (new key replaces ${op.replaces})` : `create API key ${op.keyName}`;
    case 'addKeyToPlan':
      return `add API key ${op.keyName} (${op.keyId}) to the plan`;
    case 'updateApiKey':
      return `update API key ${op.keyName} (${op.keyId}): ${op.patch.map((p) => `${p.path.slice(1)}=${p.value ?? ''}`).join(', ')}`;
    case 'removeKeyFromPlan':
      return `remove API key ${op.keyName} (${op.keyId}) from the plan`;
    case 'deleteApiKey':
      return `delete API key ${op.keyName} (${op.keyId})`;
  }
}

const num = (n: number) => String(n);

function throttlePatch(prefix: string, want: ThrottleShape | null, have: ThrottleShape | null): PatchOperation[] {
  if (!want) return have ? [{ op: 'remove', path: prefix }] : [];
  const op = have ? 'replace' : 'add';
  const out: PatchOperation[] = [];
  if (have?.rateLimit !== want.rateLimit) out.push({ op, path: `${prefix}/rateLimit`, value: num(want.rateLimit) });
  if (have?.burstLimit !== want.burstLimit) out.push({ op, path: `${prefix}/burstLimit`, value: num(want.burstLimit) });
  return out;
}

/** Per-method throttles of one stage; the key ("/path/METHOD") is written as is, as AWS reads it. */
function methodThrottlePatch(want: ApiStageShape, have: ApiStageShape | undefined): PatchOperation[] {
  const prefix = `/apiStages/${stageKey(want)}/throttle`;
  const out: PatchOperation[] = [];
  for (const [key, limits] of Object.entries(want.throttle)) {
    const current = have?.throttle[key];
    if (current?.rateLimit !== limits.rateLimit) out.push({ op: 'replace', path: `${prefix}/${key}/rateLimit`, value: num(limits.rateLimit) });
    if (current?.burstLimit !== limits.burstLimit) out.push({ op: 'replace', path: `${prefix}/${key}/burstLimit`, value: num(limits.burstLimit) });
  }
  for (const key of Object.keys(have?.throttle ?? {})) {
    if (!(key in want.throttle)) out.push({ op: 'remove', path: `${prefix}/${key}` });
  }
  return out;
}

export function usagePlanPatch(want: UsagePlanShape, have: UsagePlanShape): PatchOperation[] {
  const out: PatchOperation[] = [];
  if (want.name !== have.name) out.push({ op: 'replace', path: '/name', value: want.name });
  if (want.description !== have.description) out.push({ op: 'replace', path: '/description', value: want.description });
  out.push(...throttlePatch('/throttle', want.throttle, have.throttle));
  if (!want.quota) {
    if (have.quota) out.push({ op: 'remove', path: '/quota' });
  } else {
    const op = have.quota ? 'replace' : 'add';
    if (have.quota?.limit !== want.quota.limit) out.push({ op, path: '/quota/limit', value: num(want.quota.limit) });
    if (have.quota?.period !== want.quota.period) out.push({ op, path: '/quota/period', value: want.quota.period });
    if (have.quota?.offset !== want.quota.offset) out.push({ op, path: '/quota/offset', value: num(want.quota.offset) });
  }
  const haveStages = new Map(have.apiStages.map((s) => [stageKey(s), s]));
  const wantKeys = new Set(want.apiStages.map(stageKey));
  for (const s of have.apiStages) {
    if (!wantKeys.has(stageKey(s))) out.push({ op: 'remove', path: '/apiStages', value: stageKey(s) });
  }
  for (const s of want.apiStages) {
    const current = haveStages.get(stageKey(s));
    if (!current) out.push({ op: 'add', path: '/apiStages', value: stageKey(s) });
    out.push(...methodThrottlePatch(s, current));
  }
  return out;
}

/** Keys of this plan's owner: the operator created them, so it may delete them. */
function ownedBy(owner: string) {
  return (k: ObservedApiKey) => k.tags[OWNER_TAG] === owner;
}

function keyPatch(want: { description: string; enabled: boolean; name: string }, have: ObservedApiKey): PatchOperation[] {
  const out: PatchOperation[] = [];
  if (have.name !== want.name) out.push({ op: 'replace', path: '/name', value: want.name });
  if (have.description !== want.description) out.push({ op: 'replace', path: '/description', value: want.description });
  if (have.enabled !== want.enabled) out.push({ op: 'replace', path: '/enabled', value: String(want.enabled) });
  return out;
}

/**
 * The whole plan. `keys` are the API keys the operator can see that matter here: those it created for
 * this plan (by owner tag) and every key in the plan.
 */
export function diffUsagePlan(desired: DesiredUsagePlan, observed: ObservedUsagePlan, keys: readonly ObservedApiKey[]): UsagePlanOperation[] {
  const owner = desired.tags[OWNER_TAG] ?? '';
  const owned = keys.filter(ownedBy(owner));
  const creates: UsagePlanOperation[] = [];
  const adds: UsagePlanOperation[] = [];
  const updates: UsagePlanOperation[] = [];
  const removals: UsagePlanOperation[] = [];
  const keep = new Set<string>();

  for (const want of desired.keys) {
    const candidates = owned.filter((k) => k.tags[API_KEY_NAME_TAG] === want.name);
    // The value decides which key is this one; with the value unknown, whatever exists stays as it is.
    const current = want.value ? candidates.find((k) => want.value!.equals(k.value)) : undefined;
    if (!want.value) {
      for (const k of candidates) keep.add(k.id);
      continue;
    }
    if (current) {
      keep.add(current.id);
      if (!current.inPlan) adds.push({ kind: 'addKeyToPlan', keyId: current.id, keyName: want.name });
      const patch = keyPatch(want, current);
      if (patch.length > 0) updates.push({ kind: 'updateApiKey', keyId: current.id, keyName: want.name, patch });
    } else {
      const replaced = candidates.map((k) => k.id).join(', ');
      creates.push({
        kind: 'createApiKey',
        keyName: want.name,
        description: want.description,
        enabled: want.enabled,
        value: want.value,
        tags: desired.keyTags(want.name),
        ...(replaced ? { replaces: replaced } : {}),
      });
    }
  }
  for (const k of keys) {
    if (keep.has(k.id)) continue;
    const mine = ownedBy(owner)(k);
    const keyName = k.tags[API_KEY_NAME_TAG] ?? k.name;
    if (k.inPlan) removals.push({ kind: 'removeKeyFromPlan', keyId: k.id, keyName });
    if (mine) removals.push({ kind: 'deleteApiKey', keyId: k.id, keyName });
  }

  const planOps: UsagePlanOperation[] = [];
  const patch = usagePlanPatch(desired.plan, observed.plan);
  if (patch.length > 0) planOps.push({ kind: 'updateUsagePlan', patch });
  const tagsToSet = Object.fromEntries(Object.entries(desired.tags).filter(([k, v]) => observed.tags[k] !== v));
  if (Object.keys(tagsToSet).length > 0) planOps.push({ kind: 'tagUsagePlan', tags: tagsToSet });
  const tagsToDrop = Object.keys(observed.tags).filter((k) => !(k in desired.tags)).sort();
  if (tagsToDrop.length > 0) planOps.push({ kind: 'untagUsagePlan', keys: tagsToDrop });

  // The plan's own settings last: AWS allows one UpdateUsagePlan every 20 seconds, and a wait for it
  // should not hold back a key rotation.
  return [...creates, ...adds, ...updates, ...removals, ...planOps];
}
