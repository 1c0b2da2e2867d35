// API Gateway's "Resources per API" quota, before anything is written: RestPaths admitted oldest
// first while their segments fit, a RestPath that does not fit held back whole with the counts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDesired } from '../../../src/model/build.js';
import { withinResourceLimit } from '../../../src/model/resource-limit.js';
import { pathPrefixes } from '../../../src/model/shapes.js';
import { NAMESPACE, OPTIONS, restPath, restPaths } from '../../support/arbitraries.js';

const mock = { httpMethod: 'GET' as const, integration: { type: 'MOCK' as const } };
const day = (d: number) => `2026-01-${String(d).padStart(2, '0')}T00:00:00Z`;

describe('resources per REST API', () => {
  it('299 one-segment paths and the root are exactly the default 300; the 300th path is held back with the counts, the rest applied', () => {
    const paths = Array.from({ length: 300 }, (_, i) => restPath(`p${i}`, { path: `/r${i}`, methods: [mock] }, day(i === 299 ? 2 : 1)));
    const desired = buildDesired({ namespace: NAMESPACE, name: 'shop', spec: {} }, paths, OPTIONS);
    expect(desired.resources).toHaveLength(299);
    expect(desired.methods).toHaveLength(299);
    expect(desired.refused.map(({ message: _m, ...r }) => r)).toEqual([{ path: '/r299', httpMethod: 'GET', owner: 'shop/p299', reason: 'ResourceLimitReached' }]);
    expect(desired.refused[0]!.message).toContain("the REST API would have 301 resources with this path (it has 300, the root and older RestPaths' included; this path adds 1); API Gateway allows 300 per REST API");
  });

  it('the oldest win, whatever order they are listed in; shared segments count once; --resources-per-api raises the limit', () => {
    const deep = restPath('deep', { path: '/a/b/c', methods: [mock] }, day(1)); // 3 resources
    const sibling = restPath('sibling', { path: '/a/b/d', methods: [mock] }, day(2)); // adds 1
    const newer = restPath('newer', { path: '/x/y', methods: [mock] }, day(3)); // adds 2
    const at = (limit: number, ps = [newer, sibling, deep]) => withinResourceLimit(ps, limit);
    expect(at(5).admitted.map((p) => p.name)).toEqual(['deep', 'sibling']);
    expect(at(5).over).toEqual([{ path: newer, adds: 2, used: 5 }]);
    expect(at(7).over).toEqual([]);
    // Held back whole: a newer one that does fit is still admitted after it.
    const small = restPath('small', { path: '/a/e', methods: [mock] }, day(4));
    expect(at(6, [small, newer, sibling, deep]).admitted.map((p) => p.name)).toEqual(['deep', 'sibling', 'small']);
    const desired = buildDesired({ namespace: NAMESPACE, name: 'shop', spec: {} }, [deep, newer], { ...OPTIONS, resourcesPerApi: 6 });
    expect(desired.refused).toEqual([]);
  });

  it('property: what is admitted never needs more than the limit, and no held-back path would have fitted', () => {
    fc.assert(
      fc.property(restPaths, fc.integer({ min: 1, max: 12 }), (paths, limit) => {
        const { admitted, over } = withinResourceLimit(paths, limit);
        const used = new Set(['/', ...admitted.flatMap((p) => pathPrefixes(p.spec.path))]);
        expect(used.size).toBeLessThanOrEqual(limit);
        expect(admitted.length + over.length).toBe(paths.length);
        for (const o of over) expect(o.used + o.adds).toBeGreaterThan(limit);
        const desired = buildDesired({ namespace: NAMESPACE, name: 'shop', spec: {} }, paths, { ...OPTIONS, resourcesPerApi: limit });
        expect(desired.resources.length + 1).toBeLessThanOrEqual(limit);
      }),
    );
  });
});
