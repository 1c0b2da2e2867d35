// Label selectors as Kubernetes matches them: kubectl's syntax parsed into requirements, and the
// requirements matched against labels (NotIn and != also match an object without the label).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeSelector, matchesSelector, parseSelector } from '../../../src/model/label-selector.js';

describe('parseSelector and matchesSelector', () => {
  it.each([
    ['', {}, true],
    ['team=a', { team: 'a' }, true],
    ['team=a', { team: 'b' }, false],
    ['team=a', {}, false],
    ['team==a', { team: 'a' }, true],
    ['team!=a', { team: 'b' }, true],
    ['team!=a', {}, true],
    ['team!=a', { team: 'a' }, false],
    ['env in (prod, stage)', { env: 'stage' }, true],
    ['env in (prod,stage)', { env: 'dev' }, false],
    ['env notin (prod,stage)', { env: 'dev' }, true],
    ['env notin (prod,stage)', {}, true],
    ['legacy', { legacy: '' }, true],
    ['legacy', {}, false],
    ['!legacy', {}, true],
    ['!legacy', { legacy: 'true' }, false],
    ['restpath.dev/shard=a,env in (prod),!legacy', { 'restpath.dev/shard': 'a', env: 'prod' }, true],
    ['restpath.dev/shard=a,env in (prod),!legacy', { 'restpath.dev/shard': 'a', env: 'prod', legacy: 'x' }, false],
  ])('%s on %j: %s', (text, labels, expected) => {
    expect(matchesSelector(parseSelector(text), labels)).toBe(expected);
  });

  it.each([
    ['team=a,', 'empty requirement'],
    ['team in prod', 'cannot parse'],
    ['team>3', 'cannot parse'],
    ['-bad=a', 'invalid label key'],
    ['team=a b', 'cannot parse'],
    ['team=-x', 'invalid label value'],
  ])('refuses %s with a message naming the problem', (text, message) => {
    expect(() => parseSelector(text)).toThrow(message);
  });

  it('matches an AwsAccount-style selector: matchLabels and expressions must all hold', () => {
    const selector = { matchLabels: { team: 'payments' }, matchExpressions: [{ key: 'environment', operator: 'NotIn' as const, values: ['sandbox'] }] };
    expect(matchesSelector(selector, { team: 'payments', environment: 'prod' })).toBe(true);
    expect(matchesSelector(selector, { team: 'payments', environment: 'sandbox' })).toBe(false);
    expect(matchesSelector(selector, { environment: 'prod' })).toBe(false);
    expect(matchesSelector({}, undefined)).toBe(true);
  });

  it('describes a selector back in kubectl syntax, and that parses to the same matches', () => {
    const key = fc.constantFrom('team', 'env', 'restpath.dev/shard');
    const value = fc.constantFrom('a', 'b', 'prod');
    const requirement = fc.oneof(
      fc.record({ key, operator: fc.constant('In' as const), values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
      fc.record({ key, operator: fc.constant('NotIn' as const), values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
      fc.record({ key, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
    );
    const labels = fc.dictionary(key, value);
    fc.assert(
      fc.property(fc.array(requirement, { minLength: 1, maxLength: 4 }), labels, (matchExpressions, l) => {
        const selector = { matchExpressions };
        expect(matchesSelector(parseSelector(describeSelector(selector)), l)).toBe(matchesSelector(selector, l));
      }),
    );
  });
});
