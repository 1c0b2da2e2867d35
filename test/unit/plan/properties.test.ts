// The plan's defining properties, over random valid manifests and random starting points:
// running diff(d, o) on o yields d; diff(d, d) is empty; nothing that is neither desired nor in the
// ledger is ever deleted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/plan/diff.js';
import { ledgerOf } from '../../../src/plan/ledger.js';
import { simulate } from '../../../src/plan/simulate.js';
import { methodKey } from '../../../src/model/shapes.js';
import type { DesiredApi, ObservedApi } from '../../../src/model/state.js';
import { EMPTY_LEDGER } from '../../../src/model/state.js';
import { apiSpec, desiredOf, emptyApi, restPaths } from '../../support/arbitraries.js';

/** The part of an observed API the desired state speaks about must equal it. */
function expectRealizes(observed: ObservedApi, desired: DesiredApi): void {
  expect(observed.settings).toEqual(desired.settings);
  for (const [k, v] of Object.entries(desired.tags)) expect(observed.tags[k]).toBe(v);
  const paths = new Set(observed.resources.map((r) => r.path));
  for (const r of desired.resources) expect(paths.has(r.path), r.path).toBe(true);
  const methods = new Map(observed.methods.map((m) => [methodKey(m.path, m.httpMethod), m.shape]));
  for (const m of desired.methods) expect(methods.get(methodKey(m.path, m.httpMethod))).toEqual(m.shape);
  for (const [type, r] of Object.entries(desired.gatewayResponses)) expect(observed.gatewayResponses[type]).toEqual(r);
}

const desiredApis = fc.tuple(restPaths, apiSpec).map(([paths, spec]) => desiredOf(paths, spec));

describe('plan properties', () => {
  it('from an empty API, running the plan yields the desired state, and then the plan is empty', () => {
    fc.assert(
      fc.property(desiredApis, (d) => {
        const after = simulate(emptyApi(), diff(d, emptyApi(), EMPTY_LEDGER));
        expectRealizes(after, d);
        expect(diff(d, after, ledgerOf(d))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('from any earlier desired state, running the plan yields the new one (one pass converges)', () => {
    fc.assert(
      fc.property(desiredApis, desiredApis, (before, d) => {
        const observed = simulate(emptyApi(), diff(before, emptyApi(), EMPTY_LEDGER));
        const plan = diff(d, observed, ledgerOf(before));
        const after = simulate(observed, plan);
        expectRealizes(after, d);
        expect(diff(d, after, ledgerOf(before))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never deletes what is neither desired nor in the ledger (someone else\'s methods and segments)', () => {
    fc.assert(
      fc.property(desiredApis, desiredApis, (foreign, d) => {
        // Everything in AWS was made by someone else: the ledger is empty.
        const observed = simulate(emptyApi(), diff(foreign, emptyApi(), EMPTY_LEDGER));
        const plan = diff(d, observed, EMPTY_LEDGER);
        expect(plan.filter((op) => op.kind === 'deleteMethod' || op.kind === 'deleteResource' || op.kind === 'deleteGatewayResponse')).toEqual([]);
        const after = simulate(observed, plan);
        for (const m of observed.methods) {
          expect(after.methods.some((x) => x.path === m.path && x.httpMethod === m.httpMethod)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('removes everything it owned when nothing is desired any more, and only that', () => {
    fc.assert(
      fc.property(desiredApis, (before) => {
        const observed = simulate(emptyApi(), diff(before, emptyApi(), EMPTY_LEDGER));
        const nothing = desiredOf([]);
        const after = simulate(observed, diff(nothing, observed, ledgerOf(before)));
        expect(after.methods).toEqual([]);
        expect(after.resources).toEqual([]);
        expect(after.gatewayResponses).toEqual({});
      }),
      { numRuns: 200 },
    );
  });
});
