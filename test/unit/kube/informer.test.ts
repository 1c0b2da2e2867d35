// The informer's state machine against a scripted source: resume from the last version after a
// close, relist after 410 Gone (reporting what changed meanwhile), back off and recover after errors.
import { describe, expect, it } from 'vitest';
import { Informer, withoutBookkeeping, type InformerSource, type WatchEnd, type WatchEventType } from '../../../src/kube/informer.js';

interface Obj {
  metadata: { name: string; namespace: string; resourceVersion: string };
}
const obj = (name: string, rv: string): Obj => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });

type Step =
  | { list: Obj[]; rv: string }
  | { listError: string }
  | { watchFrom: string; events: [WatchEventType | 'BOOKMARK', Obj][]; end: WatchEnd };

/** A source that plays the steps in order and records what the informer asked for. */
function scripted(steps: Step[]): { source: InformerSource<Obj>; asked: string[]; done: Promise<void> } {
  const asked: string[] = [];
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const next = () => {
    const step = steps.shift();
    if (!step) finish();
    return step;
  };
  const hang = (signal: AbortSignal) => new Promise<WatchEnd>((r) => signal.addEventListener('abort', () => r({ kind: 'closed' })));
  return {
    asked,
    done,
    source: {
      list: async () => {
        asked.push('list');
        const step = next();
        if (!step) return new Promise(() => undefined);
        if ('listError' in step) throw new Error(step.listError);
        if (!('list' in step)) throw new Error(`expected a list step, got ${JSON.stringify(step)}`);
        return { items: step.list, resourceVersion: step.rv };
      },
      watch: async (rv, onEvent, signal) => {
        asked.push(`watch@${rv}`);
        const step = next();
        if (!step) return hang(signal);
        if (!('watchFrom' in step)) throw new Error(`expected a watch step, got ${JSON.stringify(step)}`);
        for (const [type, o] of step.events) onEvent(type, o);
        return step.end;
      },
    },
  };
}

describe('Informer', () => {
  it('lists, then watches from the list version and resumes from the last event after a close', async () => {
    const { source, asked, done } = scripted([
      { list: [obj('a', '1')], rv: '10' },
      { watchFrom: '10', events: [['ADDED', obj('b', '11')], ['BOOKMARK', obj('', '15')]], end: { kind: 'closed' } },
      { watchFrom: '15', events: [['MODIFIED', obj('a', '16')], ['DELETED', obj('b', '17')]], end: { kind: 'closed' } },
    ]);
    const events: string[] = [];
    const informer = new Informer(source).on((e) => events.push(`${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`)).start();
    await informer.synced;
    await done;
    await informer.stop();
    expect(asked).toEqual(['list', 'watch@10', 'watch@15', 'watch@17']);
    expect(events).toEqual(['ADDED a@1', 'ADDED b@11', 'MODIFIED a@16', 'DELETED b@17']);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a']);
  });

  it('relists after 410 Gone and reports what happened while it could not watch', async () => {
    const { source, asked, done } = scripted([
      { list: [obj('a', '1'), obj('b', '2')], rv: '10' },
      { watchFrom: '10', events: [], end: { kind: 'expired' } },
      { list: [obj('a', '30'), obj('c', '31')], rv: '40' },
    ]);
    const events: string[] = [];
    const informer = new Informer(source).on((e) => events.push(`${e.type} ${e.object.metadata.name}`)).start();
    await done;
    await informer.stop();
    expect(asked).toEqual(['list', 'watch@10', 'list', 'watch@40']);
    expect(events).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'ADDED c', 'DELETED b']);
    expect(informer.lists).toBe(2);
  });

  it('backs off with growing delays after errors and recovers without losing the store', async () => {
    const { source, done } = scripted([
      { listError: 'connection refused' },
      { listError: 'connection refused' },
      { list: [obj('a', '1')], rv: '5' },
      { watchFrom: '5', events: [], end: { kind: 'error', error: new Error('stream reset') } },
      { list: [obj('a', '1')], rv: '6' },
    ]);
    const waits: number[] = [];
    const errors: string[] = [];
    const informer = new Informer(source, {
      baseDelayMs: 100,
      delay: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      onError: (e) => errors.push((e as Error).message),
    }).start();
    await done;
    await informer.stop();
    expect(errors).toEqual(['connection refused', 'connection refused', 'stream reset']);
    expect(waits[0]).toBeGreaterThanOrEqual(80);
    expect(waits[0]).toBeLessThanOrEqual(120);
    expect(waits[1]).toBeGreaterThanOrEqual(160);
    expect(waits[1]).toBeLessThanOrEqual(240);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a']);
  });
});

describe('withoutBookkeeping (the cache transform)', () => {
  const applied = '{"apiVersion":"v1","kind":"X","spec":{"big":true}}';
  const full = {
    metadata: {
      name: 'a', namespace: 'ns', resourceVersion: '7',
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied, 'restpath.dev/paused': 'true' },
    },
    spec: { path: '/a' },
  };

  it('drops managedFields and last-applied-configuration, keeps everything else (other annotations too), and leaves the input as it was', () => {
    const before = structuredClone(full);
    expect(withoutBookkeeping(full)).toEqual({
      metadata: { name: 'a', namespace: 'ns', resourceVersion: '7', annotations: { 'restpath.dev/paused': 'true' } },
      spec: { path: '/a' },
    });
    expect(full).toEqual(before);
  });

  it('returns an object without either field as it is', () => {
    const plain = { metadata: { name: 'b', annotations: { x: 'y' } }, data: { k: 'dg==' } };
    expect(withoutBookkeeping(plain)).toBe(plain);
  });

  it('is what the informer stores and hands to its handlers when given as its transform', async () => {
    const { source, done } = scripted([{ list: [full], rv: '10' }]);
    const seen: unknown[] = [];
    const informer = new Informer(source, { transform: withoutBookkeeping }).on((e) => seen.push(e.object)).start();
    await informer.synced;
    await done;
    await informer.stop();
    expect(seen).toEqual([withoutBookkeeping(full)]);
    expect(informer.get('ns/a')).toEqual(withoutBookkeeping(full));
  });
});
