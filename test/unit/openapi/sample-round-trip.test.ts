// Export's round trip on documents no one here wrote: a seeded share of the APIs.guru sample the
// integration tier applies (bench/openapi-sample.ts runs all 200), imported, converged on the
// simulator, exported and planned against the same API: no write. A document past API Gateway's
// 300 resources cannot be made whole; it must say so (an OverLimit note) and is counted apart.
import { describe, expect, it } from 'vitest';
import { importSpec, roundTripOf, sampleSpecs, type RoundTripOutcome } from '../../support/openapi-sample.js';

const SEED = Number(process.env.OPENAPI_SAMPLE_SEED ?? 18);
const SIZE = Number(process.env.OPENAPI_ROUND_TRIP_SIZE ?? 20);

describe(`export round trip on the APIs.guru sample (seed ${SEED}, ${SIZE} documents)`, () => {
  it('every imported document converges, exports and plans to no write', { timeout: 120_000 }, async () => {
    const outcomes: RoundTripOutcome[] = [];
    for (const file of sampleSpecs(SEED, SIZE)) outcomes.push(await roundTripOf(await importSpec(file)));
    const failed = outcomes.filter((o) => o.verdict === 'not-makeable' || o.verdict === 'plan-not-empty');
    expect(failed.map((o) => `${o.spec} ${o.verdict}: ${o.detail.join('; ')}`)).toEqual([]);
    // The sample is not all skipped: most documents carry the promise.
    expect(outcomes.filter((o) => o.verdict === 'plan-empty').length).toBeGreaterThan(SIZE / 2);
  });
});
