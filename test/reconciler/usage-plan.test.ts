// The UsagePlan reconciler driven directly: the real reconcile code over the in-memory AWS and the
// recording writer. Generated and brought-in key values (never in a status, an Event or a call's
// arguments), rotation without a window with no working key, interrupted rotations, disabling a key,
// references waited for then Stalled, quotas, drift, OwnedByOther, and deletion with Delete/Retain.
import type { V1Secret } from '@kubernetes/client-node';
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import type { UsagePlan } from '../../src/api/usage-plan.js';
import { secretValue } from '../../src/kube/secrets.js';
import { OWNER_TAG } from '../../src/model/build.js';
import { API_KEY_NAME_TAG } from '../../src/model/usage-plan.js';
import { AwsFault } from '../support/memory-aws.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { generated, keyFrom, restApi, secret, usagePlan } from './objects.js';

const V1 = 'partner-b-value-one-0123456789abcdef';
const V2 = 'partner-b-value-two-0123456789abcdef';
const unavailable = () => new AwsFault('ServiceUnavailableException', 'try later', { httpStatusCode: 503 });
const limit = () => new AwsFault('LimitExceededException', 'Limit exceeded');

const state = (w: ReconcilerWorld, name = 'partners') =>
  ['Synced', 'Ready', 'Reconciling', 'Stalled'].map((t) => `${t}=${w.condition('usageplans', name, t)?.status}/${w.condition('usageplans', name, t)?.reason}`).join(' ');
const READY = 'Synced=True/Synced Ready=True/Ready Reconciling=False/Reconciled Stalled=False/NotStalled';

/** A world with the shop RestApi applied. */
function planWorld(settings: ConstructorParameters<typeof ReconcilerWorld>[0] = {}): ReconcilerWorld {
  const w = new ReconcilerWorld(settings);
  w.apply(restApi('shop'));
  return w;
}

const addSecret = (w: ReconcilerWorld, s: V1Secret) => w.secrets.set(`default/${s.metadata!.name!}`, s);
const plan = (w: ReconcilerWorld, name = 'partners') => w.get<UsagePlan>('usageplans', name)!;
const planId = (w: ReconcilerWorld, name = 'partners') => plan(w, name).status!.usagePlanId!;
/** The keys in the AWS plan, by value (revealed: only the test looks). */
const valuesInPlan = (w: ReconcilerWorld, id = planId(w)) => [...w.aws.plans.get(id)!.keys].map((k) => w.aws.keys.get(k)!.value.reveal()).sort();

/** After every call the in-memory AWS gets (i.e. after every prefix of a pass's operations): how many keys the plan holds. */
function keysInPlanAtEveryStep(w: ReconcilerWorld, id: string): number[] {
  const sizes: number[] = [];
  const aws = w.aws as unknown as { call: (what: string, record?: boolean) => void };
  const call = aws.call.bind(w.aws);
  aws.call = (what, record = true) => {
    if (record) sizes.push(w.aws.plans.get(id)?.keys.size ?? 0);
    call(what, record);
  };
  return sizes;
}

describe('UsagePlan reconciler: generated keys', () => {
  it('writes the Secret before AWS sees the value, puts the key in the plan and reads Ready; the value is in no status, Event or call argument', async () => {
    const w = planWorld();
    w.apply(usagePlan('partners', { apiKeys: [generated('a', 'partner-a')] }));
    await w.reconcileApi('shop');
    const apiId = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    const inSecretWhenSent: boolean[] = [];
    const execute = w.aws.executeUsagePlan.bind(w.aws);
    const executed = vi.spyOn(w.aws, 'executeUsagePlan').mockImplementation((id, ops) => {
      for (const op of ops) if (op.kind === 'createApiKey') inSecretWhenSent.push(op.value.equals(secretValue(w.secrets.get('default/partner-a'), 'apiKey')));
      return execute(id, ops);
    });
    const spies = (['ensureUsagePlan', 'observeUsagePlan', 'ownedApiKeys', 'deleteApiKey', 'deleteUsagePlan'] as const).map((m) => vi.spyOn(w.aws, m));
    w.writes.length = 0;

    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });

    expect(inSecretWhenSent).toEqual([true]);
    const value = secretValue(w.secrets.get('default/partner-a'), 'apiKey')!.reveal();
    expect(value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(w.secrets.get('default/partner-a')?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'UsagePlan', name: 'partners', uid: 'uid-partners', controller: true })]);
    const p = plan(w);
    const key = [...w.aws.keys.values()][0]!;
    expect(key.value.reveal()).toBe(value);
    expect(key.tags).toMatchObject({ [OWNER_TAG]: 'default/UsagePlan/partners', [API_KEY_NAME_TAG]: 'a' });
    expect([...w.aws.plans.get(p.status!.usagePlanId!)!.keys]).toEqual([key.id]);
    expect(w.aws.plans.get(p.status!.usagePlanId!)!.shape.apiStages).toEqual([{ apiId, stage: 'dev', throttle: {} }]);
    expect(p.status?.apiKeys).toEqual([{ name: 'a', id: key.id, enabled: true }]);
    expect(state(w)).toBe(READY);
    expect(p.status?.observedGeneration).toBe(1);
    // The id at once after the create, then one status write for the pass.
    expect(w.writes.map((x) => `${x.plural}/${x.what}`)).toEqual(['usageplans/addFinalizer', 'usageplans/status', 'usageplans/status']);
    expect(w.events.filter((e) => e.regarding.kind === 'UsagePlan').map((e) => e.reason)).toEqual(['SecretGenerated', 'Created', 'Updated']);
    expect(w.warnings()).toEqual([]);

    // The value travels wrapped: nothing a person or a log can read holds it.
    const statuses = [...w.objects.values()].map((o) => o.status);
    const args = [executed.mock.calls, ...spies.map((s) => s.mock.calls)];
    expect(JSON.stringify(args)).toContain('"value":"[redacted]"');
    for (const seen of [statuses, w.events, args, w.aws.calls]) {
      expect(JSON.stringify(seen)).not.toContain(value);
      expect(inspect(seen, { depth: null })).not.toContain(value);
    }
    expect(w.events.map((e) => e.note).join('\n')).not.toContain(value);
  });

  it('a second pass reuses the generated value: nothing is generated, created or written again', async () => {
    const w = planWorld();
    w.apply(usagePlan('partners', { apiKeys: [generated('a', 'partner-a')] }));
    await w.reconcileApi('shop');
    await w.reconcilePlan('partners');
    const value = secretValue(w.secrets.get('default/partner-a'), 'apiKey')!.reveal();
    const events = w.events.length;
    const writes = w.writes.length;
    w.aws.calls.length = 0;
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(secretValue(w.secrets.get('default/partner-a'), 'apiKey')!.reveal()).toBe(value);
    expect(w.aws.calls).toEqual(['observeUsagePlan']);
    expect(w.events.length).toBe(events);
    expect(w.writes.length).toBe(writes);
    expect(state(w)).toBe(READY);
  });
});

describe('UsagePlan reconciler: bring-your-own values and rotation', () => {
  async function byo(): Promise<{ w: ReconcilerWorld; oldKey: string }> {
    const w = planWorld();
    addSecret(w, secret('partner-b', { apiKey: V1 }));
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b')] }));
    await w.reconcileApi('shop');
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(valuesInPlan(w)).toEqual([V1]);
    expect(state(w)).toBe(READY);
    const oldKey = plan(w).status!.apiKeys![0]!.id!;
    addSecret(w, secret('partner-b', { apiKey: V2 }));
    w.aws.calls.length = 0;
    w.events.length = 0;
    return { w, oldKey };
  }

  it('a changed Secret value rotates the key: the new key is in the plan before the old one leaves, and the plan is never without a key', async () => {
    const { w, oldKey } = await byo();
    const sizes = keysInPlanAtEveryStep(w, planId(w));
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    const ops = w.aws.calls.filter((c) => ['createApiKey', 'addKeyToPlan', 'removeKeyFromPlan', 'deleteApiKey'].includes(c));
    expect(ops).toEqual(['createApiKey', 'removeKeyFromPlan', 'deleteApiKey']);
    // Keys in the plan before each call: observeUsagePlan, createApiKey, removeKeyFromPlan, deleteApiKey.
    expect(sizes).toEqual([1, 1, 2, 1]);
    expect(valuesInPlan(w)).toEqual([V2]);
    expect(w.aws.keys.has(oldKey)).toBe(false);
    const newKey = plan(w).status!.apiKeys![0]!;
    expect(newKey).toEqual({ name: 'b', id: expect.not.stringMatching(oldKey) as string, enabled: true });
    expect(w.events.map((e) => `${e.type}/${e.reason}`)).toEqual(['Normal/ApiKeyRotated', 'Normal/Updated']);
    expect(w.events[0]?.note).toBe(`rotate API key b (new key replaces ${oldKey})`);
    expect(state(w)).toBe(READY);
  });

  for (const [at, inPlan] of [
    ['createApiKey', [V1]],
    ['removeKeyFromPlan', [V1, V2]],
    ['deleteApiKey', [V2]],
  ] as const) {
    it(`a rotation stopped at ${at} leaves a working key in the plan and finishes on the next pass`, async () => {
      const { w, oldKey } = await byo();
      w.aws.fail(at, unavailable());
      expect((await w.reconcilePlan('partners')).kind).toBe('retry');
      expect(valuesInPlan(w)).toEqual(inPlan);
      // status.apiKeys names the key that serves: the old one until the new one exists.
      const serving = [...w.aws.plans.get(planId(w))!.keys].at(-1);
      expect(plan(w).status?.apiKeys?.[0]?.id).toBe(at === 'createApiKey' ? oldKey : serving);
      expect(state(w)).toMatch(/^Synced=False\/ServiceUnavailableException Ready=False\/ServiceUnavailableException Reconciling=True\/ServiceUnavailableException Stalled=False/);
      expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
      expect(valuesInPlan(w)).toEqual([V2]);
      expect([...w.aws.keys.values()].map((k) => k.value.reveal())).toEqual([V2]);
      expect(w.aws.keys.has(oldKey)).toBe(false);
      expect(state(w)).toBe(READY);
    });
  }

  it('a rotation interrupted before the old key is deleted says how far it got, and the next pass only deletes the old key', async () => {
    const { w, oldKey } = await byo();
    w.aws.fail('deleteApiKey', unavailable());
    const outcome = await w.reconcilePlan('partners');
    expect(outcome.kind).toBe('retry');
    expect(w.condition('usageplans', 'partners', 'Synced')).toMatchObject({
      status: 'False',
      reason: 'ServiceUnavailableException',
      message: expect.stringMatching(new RegExp(`^2 of 3 changes applied; stopped at "delete API key b \\(${oldKey}\\)": try later`)) as string,
    });
    expect(w.condition('usageplans', 'partners', 'Reconciling')).toMatchObject({ status: 'True', reason: 'ServiceUnavailableException' });
    expect(w.condition('usageplans', 'partners', 'Stalled')?.status).toBe('False');
    // The status names the key that serves now: the new one.
    const newId = plan(w).status!.apiKeys![0]!.id!;
    expect(newId).not.toBe(oldKey);
    expect(w.aws.keys.get(newId)?.value.reveal()).toBe(V2);
    expect(w.events.map((e) => `${e.type}/${e.reason}`)).toEqual(['Normal/ApiKeyRotated', 'Normal/Updated', 'Warning/ServiceUnavailableException']);
    w.aws.calls.length = 0;
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(w.aws.calls).toEqual(['observeUsagePlan', 'deleteApiKey']);
    expect(w.aws.keys.has(oldKey)).toBe(false);
    expect(plan(w).status?.apiKeys).toEqual([{ name: 'b', id: newId, enabled: true }]);
    expect(state(w)).toBe(READY);
  });

  it('disabling a key patches it in place: same id, no new key', async () => {
    const w = planWorld();
    addSecret(w, secret('partner-b', { apiKey: V1 }));
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b')] }));
    await w.reconcileApi('shop');
    await w.reconcilePlan('partners');
    const id = plan(w).status!.apiKeys![0]!.id!;
    w.aws.calls.length = 0;
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b', 'apiKey', { enabled: false })] }));
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(w.aws.calls).toEqual(['observeUsagePlan', 'updateApiKey']);
    expect(w.aws.keys.get(id)?.enabled).toBe(false);
    expect(valuesInPlan(w)).toEqual([V1]);
    expect(plan(w).status).toMatchObject({ observedGeneration: 2, apiKeys: [{ name: 'b', id, enabled: false }] });
    expect(state(w)).toBe(READY);
  });
});

describe('UsagePlan reconciler: references waited for', () => {
  it('a missing Secret is Reconciling during the grace, then Stalled with one Warning; applied late, the key converges', async () => {
    const w = planWorld({ referenceGraceMs: 60_000 });
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b')] }));
    await w.reconcileApi('shop');
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done', requeueAfterMs: 60_000 });
    expect(state(w)).toBe('Synced=True/Synced Ready=False/SecretNotFound Reconciling=True/SecretNotFound Stalled=False/NotStalled');
    expect(w.condition('usageplans', 'partners', 'Ready')?.message).toContain('Secret default/partner-b does not exist');
    expect(w.aws.keys.size).toBe(0);
    expect(plan(w).status?.apiKeys).toEqual([{ name: 'b' }]);
    expect(w.warnings()).toEqual([]);

    w.advance(30_000);
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done', requeueAfterMs: 30_000 });
    expect(w.warnings()).toEqual([]);

    w.advance(31_000);
    await w.reconcilePlan('partners');
    expect(state(w)).toBe('Synced=True/Synced Ready=False/SecretNotFound Reconciling=False/Reconciled Stalled=True/SecretNotFound');
    expect(w.warnings().map((e) => e.reason)).toEqual(['SecretNotFound']);
    await w.reconcilePlan('partners');
    expect(w.warnings().map((e) => e.reason)).toEqual(['SecretNotFound']);

    addSecret(w, secret('partner-b', { apiKey: V1 }));
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(valuesInPlan(w)).toEqual([V1]);
    expect(state(w)).toBe(READY);
  });

  it('a stage the RestApi does not declare is Reconciling during the grace, then Stalled (StageNotFound)', async () => {
    const w = planWorld({ referenceGraceMs: 60_000 });
    w.apply(usagePlan('partners', { apiStages: [{ restApiRef: { name: 'shop' }, stage: 'prod' }] }));
    await w.reconcileApi('shop');
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done', requeueAfterMs: 60_000 });
    expect(state(w)).toContain('Ready=False/StageNotFound Reconciling=True/StageNotFound Stalled=False/NotStalled');
    expect(w.condition('usageplans', 'partners', 'Ready')?.message).toContain('RestApi shop declares no stage prod (its stages: dev)');
    expect(w.warnings()).toEqual([]);
    w.advance(61_000);
    await w.reconcilePlan('partners');
    expect(state(w)).toContain('Reconciling=False/Reconciled Stalled=True/StageNotFound');
    expect(w.warnings().map((e) => e.reason)).toEqual(['StageNotFound']);
    // The RestApi gets the stage after all.
    w.apply(restApi('shop', { stages: [{ name: 'dev', deployment: 'Automatic' }, { name: 'prod', deployment: 'Automatic' }] }));
    await w.reconcileApi('shop');
    await w.reconcilePlan('partners');
    expect(state(w)).toBe(READY);
    expect(w.aws.plans.get(planId(w))!.shape.apiStages.map((s) => s.stage)).toEqual(['prod']);
  });

  it('a stage declared but not created yet is Reconciling with no grace limit (StageNotReady), and joins the plan once created', async () => {
    const w = planWorld({ referenceGraceMs: 60_000 });
    w.apply(usagePlan('partners'));
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(state(w)).toBe('Synced=True/Synced Ready=False/StageNotReady Reconciling=True/StageNotReady Stalled=False/NotStalled');
    w.advance(10 * 60_000);
    await w.reconcilePlan('partners');
    expect(state(w)).toBe('Synced=True/Synced Ready=False/StageNotReady Reconciling=True/StageNotReady Stalled=False/NotStalled');
    expect(w.warnings()).toEqual([]);
    expect(w.aws.plans.get(planId(w))!.shape.apiStages).toEqual([]);
    await w.reconcileApi('shop');
    await w.reconcilePlan('partners');
    expect(state(w)).toBe(READY);
    expect(w.aws.plans.get(planId(w))!.shape.apiStages).toEqual([{ apiId: w.get<RestApi>('restapis', 'shop')!.status!.id!, stage: 'dev', throttle: {} }]);
  });
});

describe('UsagePlan reconciler: quotas, drift and ownership', () => {
  it('the API key quota reached is Stalled (ApiKeyLimitReached), one Warning, looked at again in 5 minutes', async () => {
    const w = planWorld();
    addSecret(w, secret('partner-b', { apiKey: V1 }));
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b')] }));
    await w.reconcileApi('shop');
    w.aws.fail('createApiKey', limit());
    const outcome = await w.reconcilePlan('partners');
    expect(outcome).toMatchObject({ kind: 'stalled', reason: 'ApiKeyLimitReached', requeueAfterMs: 5 * 60_000 });
    expect(state(w)).toBe('Synced=False/ApiKeyLimitReached Ready=False/ApiKeyLimitReached Reconciling=False/Reconciled Stalled=True/ApiKeyLimitReached');
    expect(w.condition('usageplans', 'partners', 'Stalled')?.message).toContain('at most 10,000 API keys per Region');
    expect(w.warnings().map((e) => e.reason)).toEqual(['ApiKeyLimitReached']);
    expect(w.aws.keys.size).toBe(0);
    // Someone deleted unused keys: the recheck converges.
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(state(w)).toBe(READY);
  });

  it('the usage plan quota reached on the first create is Stalled (UsagePlanLimitReached) with no id recorded', async () => {
    const w = planWorld();
    w.apply(usagePlan('partners'));
    await w.reconcileApi('shop');
    w.aws.fail('createUsagePlan', limit());
    const outcome = await w.reconcilePlan('partners');
    expect(outcome).toMatchObject({ kind: 'stalled', reason: 'UsagePlanLimitReached', requeueAfterMs: 5 * 60_000 });
    expect(state(w)).toBe('Synced=False/UsagePlanLimitReached Ready=False/UsagePlanLimitReached Reconciling=False/Reconciled Stalled=True/UsagePlanLimitReached');
    expect(w.condition('usageplans', 'partners', 'Stalled')?.message).toContain('at most 300 usage plans per Region');
    expect(plan(w).status?.usagePlanId).toBeUndefined();
    expect(w.aws.plans.size).toBe(0);
    expect(w.warnings().map((e) => e.reason)).toEqual(['UsagePlanLimitReached']);
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(state(w)).toBe(READY);
  });

  it('a value already used by a key the plan does not own is Stalled (ApiKeyValueInUse); nothing is taken over', async () => {
    const w = planWorld();
    w.aws.keys.set('keyforeign', { id: 'keyforeign', name: 'foreign', description: '', enabled: true, value: secretValue(secret('x', { v: V1 }), 'v')!, tags: {} });
    addSecret(w, secret('partner-b', { apiKey: V1 }));
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b')] }));
    await w.reconcileApi('shop');
    expect(await w.reconcilePlan('partners')).toMatchObject({ kind: 'stalled', reason: 'ApiKeyValueInUse' });
    expect(state(w)).toBe('Synced=False/ApiKeyValueInUse Ready=False/ApiKeyValueInUse Reconciling=False/Reconciled Stalled=True/ApiKeyValueInUse');
    expect(w.condition('usageplans', 'partners', 'Stalled')?.message).toContain('already used by API key keyforeign');
    expect([...w.aws.plans.get(planId(w))!.keys]).toEqual([]);
    expect([...w.aws.keys.keys()]).toEqual(['keyforeign']);
  });

  it('a plan deleted outside the operator is recreated, with its keys, the new id in status and a DriftCorrected Warning', async () => {
    const w = planWorld();
    addSecret(w, secret('partner-b', { apiKey: V1 }));
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b')] }));
    await w.reconcileApi('shop');
    await w.reconcilePlan('partners');
    const before = planId(w);
    const keyId = plan(w).status!.apiKeys![0]!.id!;
    w.aws.plans.delete(before);
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    const after = planId(w);
    expect(after).not.toBe(before);
    expect([...w.aws.plans.keys()]).toEqual([after]);
    expect([...w.aws.plans.get(after)!.keys]).toEqual([keyId]);
    expect(plan(w).status?.apiKeys).toEqual([{ name: 'b', id: keyId, enabled: true }]);
    const drift = w.warnings().filter((e) => e.reason === 'DriftCorrected');
    expect(drift.map((e) => e.note)).toEqual([`Usage plan ${before} was deleted outside the operator; created ${after} in its place`]);
    expect(state(w)).toBe(READY);
  });

  it('a plan whose owner tag names another object is Stalled (OwnedByOther) and left alone', async () => {
    const w = planWorld();
    addSecret(w, secret('partner-b', { apiKey: V1 }));
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b')] }));
    await w.reconcileApi('shop');
    await w.reconcilePlan('partners');
    const id = planId(w);
    w.aws.plans.get(id)!.tags[OWNER_TAG] = 'other/UsagePlan/thief';
    addSecret(w, secret('partner-b', { apiKey: V2 }));
    w.aws.calls.length = 0;
    const outcome = await w.reconcilePlan('partners');
    expect(outcome).toMatchObject({ kind: 'stalled', reason: 'OwnedByOther' });
    expect(state(w)).toContain('Stalled=True/OwnedByOther');
    expect(w.condition('usageplans', 'partners', 'Stalled')?.message).toContain('belongs to other/UsagePlan/thief');
    expect(w.aws.calls).toEqual(['observeUsagePlan']);
    expect(valuesInPlan(w, id)).toEqual([V1]);
    expect(w.aws.plans.get(id)!.tags[OWNER_TAG]).toBe('other/UsagePlan/thief');
  });
});

describe('UsagePlan reconciler: deletion', () => {
  async function twoKeys(deletionPolicy?: 'Delete' | 'Retain'): Promise<ReconcilerWorld> {
    const w = planWorld();
    addSecret(w, secret('partner-b', { apiKey: V1 }));
    w.apply(usagePlan('partners', { apiKeys: [generated('a', 'partner-a'), keyFrom('b', 'partner-b')], ...(deletionPolicy ? { deletionPolicy } : {}) }));
    await w.reconcileApi('shop');
    await w.reconcilePlan('partners');
    expect(state(w)).toBe(READY);
    expect(w.aws.keys.size).toBe(2);
    return w;
  }

  it('Delete removes the plan, the keys it owns and the generated Secret, not the Secret the user brought', async () => {
    const w = await twoKeys();
    const id = planId(w);
    // A key someone else put in the plan is not the operator's to delete.
    w.aws.keys.set('keyforeign', { id: 'keyforeign', name: 'foreign', description: '', enabled: true, value: secretValue(secret('x', { v: V2 }), 'v')!, tags: {} });
    w.aws.plans.get(id)!.keys.add('keyforeign');
    w.delete('usageplans', 'partners');
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(w.aws.plans.size).toBe(0);
    expect([...w.aws.keys.keys()]).toEqual(['keyforeign']);
    expect(w.secrets.has('default/partner-a')).toBe(false);
    expect(w.secrets.has('default/partner-b')).toBe(true);
    expect(w.get('usageplans', 'partners')).toBeUndefined();
    expect(w.events.at(-1)).toMatchObject({ reason: 'Deleted', note: `Deleted usage plan ${id} and 2 API key(s)` });
  });

  it('Retain leaves AWS alone and lets the object go', async () => {
    const w = await twoKeys('Retain');
    const id = planId(w);
    w.aws.calls.length = 0;
    w.delete('usageplans', 'partners');
    expect(await w.reconcilePlan('partners')).toEqual({ kind: 'done' });
    expect(w.aws.calls).toEqual([]);
    expect([...w.aws.plans.keys()]).toEqual([id]);
    expect(w.aws.keys.size).toBe(2);
    // The generated Secret is not deleted by the operator (its ownerReference is Kubernetes' business).
    expect(w.secrets.has('default/partner-a')).toBe(true);
    expect(w.get('usageplans', 'partners')).toBeUndefined();
  });
});

describe('a pause on the RestApi holds the plan too', () => {
  it("a key disabled by hand while the RestApi is paused stays disabled; both objects list the plan's waiting change; unpausing restores it", async () => {
    const w = planWorld();
    addSecret(w, secret('partner-b', { apiKey: V1 }));
    w.apply(usagePlan('partners', { apiKeys: [keyFrom('b', 'partner-b')] }));
    await w.reconcileApi('shop');
    await w.reconcilePlan('partners');
    await w.reconcilePlan('partners');
    expect(state(w)).toBe(READY);
    const keyId = plan(w).status!.apiKeys![0]!.id!;
    w.apply(restApi('shop', {}, { 'restpath.dev/paused': 'true' }));
    w.aws.keys.get(keyId)!.enabled = false;
    await w.reconcilePlan('partners');
    expect(w.aws.keys.get(keyId)!.enabled).toBe(false);
    expect(state(w)).toBe('Synced=False/Paused Ready=False/Paused Reconciling=True/Paused Stalled=False/NotStalled');
    expect(w.condition('usageplans', 'partners', 'Synced')?.message).toContain(`1 change(s) wait: update API key b (${keyId}): enabled=true`);
    await w.reconcileApi('shop');
    expect(w.condition('restapis', 'shop', 'Synced')?.message).toContain('1 write(s) wait: changes to UsagePlan partners (see its Synced condition)');
    w.apply(restApi('shop'));
    await w.reconcilePlan('partners');
    expect(w.aws.keys.get(keyId)!.enabled).toBe(true);
    expect(state(w)).toBe(READY);
    // The pass that restores it finishes what the pause held (not settled before), so Updated, not drift.
    expect(w.events.at(-1)).toMatchObject({ type: 'Normal', reason: 'Updated', note: `Applied 1 change(s): update API key b (${keyId}): enabled=true` });
    expect(w.warnings()).toEqual([]);
  });
});
