// The reporter writes only once AWS has failed for a while, then at most every everyMs, never before
// the pass gave it the object, and hands the pass the object as it last stored it.
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/api/common.js';
import { RetryReporter } from '../../../src/controllers/retry-reporter.js';

interface Obj {
  metadata: { generation: number; resourceVersion: string };
  status?: { conditions?: Condition[] };
}

function world() {
  let t = 0;
  const writes: Obj[] = [];
  const reporter = new RetryReporter<Obj>({
    now: () => new Date(t),
    write: (o, conditions) => {
      const stored = { metadata: { ...o.metadata, resourceVersion: String(Number(o.metadata.resourceVersion) + 1) }, status: { ...o.status, conditions } };
      writes.push(stored);
      return Promise.resolve(stored);
    },
    onWriteError: () => undefined,
    afterMs: 5_000,
    everyMs: 10_000,
  });
  const fail = (atMs: number) => {
    t = atMs;
    reporter.listener({ operation: 'PutMethod', error: 'InternalFailure', kind: 'transient', network: false });
  };
  return { reporter, writes, fail };
}
const obj: Obj = { metadata: { generation: 3, resourceVersion: '7' } };

describe('RetryReporter', () => {
  it('ignores a blip, writes once AWS has failed for 5 s, then at most every 10 s', async () => {
    const { reporter, writes, fail } = world();
    reporter.start(obj);
    fail(0);
    fail(4_000);
    await reporter.settle();
    expect(writes).toHaveLength(0);
    fail(5_000);
    fail(9_000);
    await reporter.settle();
    expect(writes).toHaveLength(1);
    expect(writes[0]?.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain('3 call(s) retried in this pass over 5 s');
    fail(15_000);
    await reporter.settle();
    expect(writes.map((w) => w.metadata.resourceVersion)).toEqual(['8', '9']);
    expect(reporter.latest(obj).metadata.resourceVersion).toBe('9');
  });

  it('writes nothing until the pass gives the object, and hands back what the pass read when it wrote nothing', async () => {
    const { reporter, writes, fail } = world();
    fail(0);
    fail(6_000);
    await reporter.settle();
    expect(writes).toHaveLength(0);
    expect(reporter.latest(obj)).toBe(obj);
    reporter.start(obj);
    await reporter.settle();
    expect(writes).toHaveLength(1);
  });
});
