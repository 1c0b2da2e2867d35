// buildUsagePlan(): what can be applied goes into the desired plan; what cannot is named, never dropped.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { UsagePlanSpec } from '../../../src/api/usage-plan.js';
import { Sensitive } from '../../../src/model/sensitive.js';
import { API_KEY_NAME_TAG, buildUsagePlan, parseThrottleKey, type KeyValue, type RestApiFacts } from '../../../src/model/usage-plan.js';

const shop: RestApiFacts = { id: 'abcdefghij', declaredStages: ['prod', 'dev', 'qa'], readyStages: ['prod', 'dev'], methods: new Set(['/orders GET', '/orders/{id} GET', '/ GET']) };
const build = (spec: UsagePlanSpec, keyValues = new Map<string, KeyValue>(), apis: Record<string, RestApiFacts> = { shop }) =>
  buildUsagePlan({ namespace: 'team', name: 'gold', spec, restApi: (n) => apis[n], keyValues }, { managedBy: 'restpath-operator', defaultTags: { env: 'test', team: 'x' } });

describe('buildUsagePlan', () => {
  it('fills AWS defaults, names the plan after the object and tags it with its owner', () => {
    const { desired, problems } = build({ throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 5, period: 'WEEK' }, tags: { team: 'shop' } });
    expect(problems).toEqual([]);
    expect(desired.plan).toEqual({ name: 'team-gold', description: '', throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 5, period: 'WEEK', offset: 0 }, apiStages: [] });
    expect(desired.tags).toEqual({ env: 'test', team: 'shop', 'restpath.dev/managed-by': 'restpath-operator', 'restpath.dev/owner': 'team/UsagePlan/gold' });
    expect(desired.keyTags('a')).toMatchObject({ [API_KEY_NAME_TAG]: 'a', 'restpath.dev/owner': 'team/UsagePlan/gold' });
  });

  it('resolves stages to REST API ids and keeps per-method throttles the RestPaths declare', () => {
    const { desired, problems } = build({
      apiStages: [
        { restApiRef: { name: 'shop' }, stage: 'prod', methodThrottle: { '/orders/GET': { rateLimit: 1, burstLimit: 2 }, '//GET': { rateLimit: 3, burstLimit: 4 }, '/orders/{id}/*': { rateLimit: 5, burstLimit: 6 } } },
        { restApiRef: { name: 'shop' }, stage: 'dev' },
      ],
    });
    expect(problems).toEqual([]);
    expect(desired.plan.apiStages).toEqual([
      { apiId: 'abcdefghij', stage: 'dev', throttle: {} },
      { apiId: 'abcdefghij', stage: 'prod', throttle: { '/orders/GET': { rateLimit: 1, burstLimit: 2 }, '//GET': { rateLimit: 3, burstLimit: 4 }, '/orders/{id}/*': { rateLimit: 5, burstLimit: 6 } } },
    ]);
  });

  it.each([
    [{ name: 'shop', namespace: 'other' }, 'prod', 'CrossNamespaceReference', 'RestApi other/shop is in another namespace'],
    [{ name: 'nope' }, 'prod', 'RestApiNotFound', 'RestApi nope does not exist in namespace team'],
    [{ name: 'shop' }, 'gamma', 'StageNotFound', 'RestApi shop declares no stage gamma (its stages: prod, dev, qa)'],
    [{ name: 'shop' }, 'qa', 'StageNotReady', 'stage qa of RestApi shop is not created in API Gateway yet'],
  ])('leaves out a stage it cannot resolve and says why: %o %s -> %s', (restApiRef, stage, reason, text) => {
    const { desired, problems } = build({ apiStages: [{ restApiRef, stage }] });
    expect(desired.plan.apiStages).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.reason).toBe(reason);
    expect(problems[0]?.message).toContain(text);
  });

  it('applies the known per-method throttles and names the unknown ones', () => {
    const { desired, problems } = build({ apiStages: [{ restApiRef: { name: 'shop' }, stage: 'prod', methodThrottle: { '/orders/GET': { rateLimit: 1, burstLimit: 1 }, '/orders/POST': { rateLimit: 1, burstLimit: 1 }, '/x/GET': { rateLimit: 1, burstLimit: 1 } } }] });
    expect(Object.keys(desired.plan.apiStages[0]!.throttle)).toEqual(['/orders/GET']);
    expect(problems).toEqual([{ reason: 'UnknownMethod', message: 'apiStages shop/prod: methodThrottle /orders/POST, /x/GET name methods that no RestPath of RestApi shop declares; they are not applied.' }]);
  });

  it('carries key values wrapped, leaves a key whose value is unknown as it is, and refuses short values', () => {
    const values = new Map<string, KeyValue>([
      ['a', { value: new Sensitive('a'.repeat(20)) }],
      ['b', { reason: 'SecretNotFound', message: 'Secret team/b does not exist' }],
      ['c', { value: new Sensitive('short') }],
    ]);
    const { desired, problems } = build({ apiKeys: [{ name: 'a', valueFrom: { secretKeyRef: { name: 'a', key: 'k' } } }, { name: 'b', enabled: false, valueFrom: { secretKeyRef: { name: 'b', key: 'k' } } }, { name: 'c', generateInto: { secretName: 'c' } }] }, values);
    expect(desired.keys.map((k) => [k.name, k.enabled, k.value?.reveal()])).toEqual([['a', true, 'a'.repeat(20)], ['b', false, undefined], ['c', true, undefined]]);
    expect(problems.map((p) => p.reason)).toEqual(['SecretNotFound', 'ApiKeyValueTooShort']);
    expect(problems[1]?.message).not.toContain('short');
  });

  it('parses throttle keys, the root included', () => {
    expect(parseThrottleKey('/orders/{id}/GET')).toEqual({ path: '/orders/{id}', httpMethod: 'GET' });
    expect(parseThrottleKey('//GET')).toEqual({ path: '/', httpMethod: 'GET' });
  });
});

describe('Sensitive', () => {
  it('prints as [redacted] through String, JSON, template literals and the inspector', () => {
    const s = new Sensitive('super-secret-value-1234');
    const shown = [String(s), JSON.stringify({ s }), `${s.toString()}`, inspect({ nested: { s } }), inspect(s)].join(' ');
    expect(shown).not.toContain('super-secret');
    expect(shown).toContain('[redacted]');
    expect(s.reveal()).toBe('super-secret-value-1234');
    expect(s.equals(new Sensitive('super-secret-value-1234'))).toBe(true);
    expect(s.equals(new Sensitive('other'))).toBe(false);
  });
});
