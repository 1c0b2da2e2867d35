// diffUsagePlan(): in-place PATCH operations for the plan, and key changes in an order that never
// leaves a window without a working key. Descriptions (what Events and logs show) never hold a value.
import { describe, expect, it } from 'vitest';
import { Sensitive } from '../../../src/model/sensitive.js';
import { API_KEY_NAME_TAG, type DesiredUsagePlan, type UsagePlanShape } from '../../../src/model/usage-plan.js';
import { describeUsagePlanOperation, diffUsagePlan, usagePlanPatch, type ObservedApiKey, type ObservedUsagePlan } from '../../../src/plan/usage-plan-diff.js';

const OWNER = 'team/UsagePlan/gold';
const tags = { 'restpath.dev/owner': OWNER, 'restpath.dev/managed-by': 'op' };
const shape = (over: Partial<UsagePlanShape> = {}): UsagePlanShape => ({ name: 'gold', description: '', throttle: null, quota: null, apiStages: [], ...over });
const desired = (keys: DesiredUsagePlan['keys'], plan = shape()): DesiredUsagePlan => ({ plan, tags, keys, keyTags: (n) => ({ ...tags, [API_KEY_NAME_TAG]: n }) });
const observed = (plan = shape(), t: Record<string, string> = tags): ObservedUsagePlan => ({ id: 'up1', plan, tags: t });
const key = (id: string, name: string, value: string, over: Partial<ObservedApiKey> = {}): ObservedApiKey => ({
  id, name, description: '', enabled: true, value: new Sensitive(value), tags: { ...tags, [API_KEY_NAME_TAG]: name }, inPlan: true, ...over,
});
const want = (name: string, value: string | undefined, enabled = true) => ({ name, description: '', enabled, value: value === undefined ? undefined : new Sensitive(value) });
const V1 = 'value-one-0123456789abcdef';
const V2 = 'value-two-0123456789abcdef';

describe('usagePlanPatch', () => {
  it('is empty when in sync', () => {
    const s = shape({ throttle: { rateLimit: 1, burstLimit: 2 }, quota: { limit: 3, period: 'DAY', offset: 0 }, apiStages: [{ apiId: 'a', stage: 'p', throttle: { '/x/GET': { rateLimit: 1, burstLimit: 1 } } }] });
    expect(usagePlanPatch(s, structuredClone(s))).toEqual([]);
  });

  it('adds, replaces and removes throttle and quota in place', () => {
    expect(usagePlanPatch(shape({ throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 100, period: 'MONTH', offset: 3 } }), shape())).toEqual([
      { op: 'add', path: '/throttle/rateLimit', value: '5' },
      { op: 'add', path: '/throttle/burstLimit', value: '10' },
      { op: 'add', path: '/quota/limit', value: '100' },
      { op: 'add', path: '/quota/period', value: 'MONTH' },
      { op: 'add', path: '/quota/offset', value: '3' },
    ]);
    expect(usagePlanPatch(shape({ throttle: { rateLimit: 5, burstLimit: 10 } }), shape({ throttle: { rateLimit: 5, burstLimit: 20 }, quota: { limit: 1, period: 'DAY', offset: 0 } }))).toEqual([
      { op: 'replace', path: '/throttle/burstLimit', value: '10' },
      { op: 'remove', path: '/quota' },
    ]);
    expect(usagePlanPatch(shape({ name: 'new', description: 'd' }), shape({ throttle: { rateLimit: 1, burstLimit: 1 } }))).toEqual([
      { op: 'replace', path: '/name', value: 'new' },
      { op: 'replace', path: '/description', value: 'd' },
      { op: 'remove', path: '/throttle' },
    ]);
  });

  it('adds and removes stages by apiId:stage and patches per-method throttles', () => {
    const have = shape({ apiStages: [{ apiId: 'a', stage: 'old', throttle: {} }, { apiId: 'a', stage: 'p', throttle: { '/x/GET': { rateLimit: 1, burstLimit: 1 }, '/y/GET': { rateLimit: 1, burstLimit: 1 } } }] });
    const wantShape = shape({ apiStages: [{ apiId: 'a', stage: 'new', throttle: { '//GET': { rateLimit: 2, burstLimit: 3 } } }, { apiId: 'a', stage: 'p', throttle: { '/x/GET': { rateLimit: 1, burstLimit: 5 } } }] });
    expect(usagePlanPatch(wantShape, have)).toEqual([
      { op: 'remove', path: '/apiStages', value: 'a:old' },
      { op: 'add', path: '/apiStages', value: 'a:new' },
      { op: 'replace', path: '/apiStages/a:new/throttle///GET/rateLimit', value: '2' },
      { op: 'replace', path: '/apiStages/a:new/throttle///GET/burstLimit', value: '3' },
      { op: 'replace', path: '/apiStages/a:p/throttle//x/GET/burstLimit', value: '5' },
      { op: 'remove', path: '/apiStages/a:p/throttle//y/GET' },
    ]);
  });
});

describe('diffUsagePlan: API keys', () => {
  it('creates a missing key (added to the plan as it is created)', () => {
    const ops = diffUsagePlan(desired([want('a', V1)]), observed(), []);
    expect(ops.map(describeUsagePlanOperation)).toEqual(['create API key a']);
    expect(ops[0]).toMatchObject({ kind: 'createApiKey', enabled: true, tags: { [API_KEY_NAME_TAG]: 'a', 'restpath.dev/owner': OWNER } });
  });

  it('does nothing when keys match by value', () => {
    expect(diffUsagePlan(desired([want('a', V1)]), observed(), [key('k1', 'a', V1)])).toEqual([]);
  });

  it('rotates: the new key is created and in the plan before the old one leaves the plan and is deleted', () => {
    const ops = diffUsagePlan(desired([want('a', V2)]), observed(), [key('k1', 'a', V1)]);
    expect(ops.map(describeUsagePlanOperation)).toEqual(['rotate API key a (new key replaces k1)', 'remove API key a (k1) from the plan', 'delete API key a (k1)']);
  });

  it('finishes a rotation a crash interrupted: keeps the key holding the value, puts it in the plan, drops the other', () => {
    const ops = diffUsagePlan(desired([want('a', V2)]), observed(), [key('k1', 'a', V1), key('k2', 'a', V2, { inPlan: false })]);
    expect(ops.map(describeUsagePlanOperation)).toEqual(['add API key a (k2) to the plan', 'remove API key a (k1) from the plan', 'delete API key a (k1)']);
  });

  it('leaves a key whose value cannot be read exactly as it is', () => {
    expect(diffUsagePlan(desired([want('a', undefined)]), observed(), [key('k1', 'a', V1), key('k0', 'a', V2, { inPlan: false })])).toEqual([]);
  });

  it('disables, renames and describes a key in place', () => {
    const ops = diffUsagePlan(desired([{ ...want('a', V1, false), description: 'partner A' }]), observed(), [key('k1', 'old-name', V1, { tags: { ...tags, [API_KEY_NAME_TAG]: 'a' } })]);
    expect(ops).toEqual([{ kind: 'updateApiKey', keyId: 'k1', keyName: 'a', patch: [{ op: 'replace', path: '/name', value: 'a' }, { op: 'replace', path: '/description', value: 'partner A' }, { op: 'replace', path: '/enabled', value: 'false' }] }]);
  });

  it('removes keys dropped from the spec, deleting only those the operator created', () => {
    const foreign = key('f1', 'by-hand', V2, { tags: {} });
    const otherPlans = key('o1', 'x', 'x'.repeat(20), { tags: { 'restpath.dev/owner': 'team/UsagePlan/silver', [API_KEY_NAME_TAG]: 'x' } });
    const ops = diffUsagePlan(desired([]), observed(), [key('k1', 'a', V1), foreign, otherPlans]);
    expect(ops.map(describeUsagePlanOperation)).toEqual([
      'remove API key a (k1) from the plan', 'delete API key a (k1)',
      'remove API key by-hand (f1) from the plan',
      'remove API key x (o1) from the plan',
    ]);
  });

  it('puts plan settings last, after every key change, and restores tags', () => {
    const ops = diffUsagePlan(desired([want('a', V2)], shape({ name: 'renamed' })), observed(shape(), { ...tags, extra: '1' }), [key('k1', 'a', V1)]);
    expect(ops.map((o) => o.kind)).toEqual(['createApiKey', 'removeKeyFromPlan', 'deleteApiKey', 'updateUsagePlan', 'untagUsagePlan']);
  });

  it('never shows a value in a description or in JSON', () => {
    const ops = diffUsagePlan(desired([want('a', V2), want('b', V1, false)]), observed(), [key('k1', 'a', V1), key('k2', 'b', 'b'.repeat(20))]);
    const shown = ops.map(describeUsagePlanOperation).join('\n') + JSON.stringify(ops);
    for (const v of [V1, V2, 'b'.repeat(20)]) expect(shown).not.toContain(v);
  });
});
