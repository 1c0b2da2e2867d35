// An informer: list, then watch from the list's resourceVersion, keeping a store of the objects and
// telling handlers what changed. It never stops on its own: a watch the server closes is resumed from
// the last resourceVersion seen; "410 Gone" (too old) means list again, and the relist reports what
// was added, changed or deleted meanwhile; any other error restarts it after a jittered backoff.
// The source and the delay function are injected, so the state machine is tested without a cluster.
import { setTimeout as sleep } from 'node:timers/promises';

export interface KubeMeta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; managedFields?: unknown[]; annotations?: Record<string, string>; labels?: Record<string, string> };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface InformerEvent<T> {
  type: WatchEventType;
  object: T;
}

export type WatchEnd = { kind: 'closed' } | { kind: 'expired' } | { kind: 'error'; error: unknown };

export interface InformerSource<T> {
  list: () => Promise<{ items: T[]; resourceVersion: string }>;
  /** Watches from `resourceVersion`; resolves when the watch ends. BOOKMARK events only move the version. */
  watch: (resourceVersion: string, onEvent: (type: WatchEventType | 'BOOKMARK', object: T) => void, signal: AbortSignal) => Promise<WatchEnd>;
}

export interface InformerOptions<T = unknown> {
  /** Backoff after an error: base, doubled per consecutive error, capped; +-20% jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
  onError?: (error: unknown, retryInMs: number) => void;
  /** Applied to every listed or watched object before it is stored and handed on (client-go's SetTransform). */
  transform?: (object: T) => T;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * What a cache keeps of an object: all of it but two fields the operator never reads that are most of
 * its size: metadata.managedFields (server-side apply's bookkeeping, one entry per field manager) and
 * kubectl's last-applied-configuration annotation (a second copy of the whole spec, as JSON text).
 * controller-runtime and client-go strip managedFields the same way (TransformStripManagedFields).
 */
export function withoutBookkeeping<T extends KubeMeta>(object: T): T {
  const metadata = object.metadata;
  if (!metadata || (metadata.managedFields === undefined && metadata.annotations?.[LAST_APPLIED] === undefined)) return object;
  const { managedFields: _managed, ...rest } = metadata;
  const slim = { ...rest };
  if (rest.annotations?.[LAST_APPLIED] !== undefined) {
    const { [LAST_APPLIED]: _applied, ...annotations } = rest.annotations;
    slim.annotations = annotations;
  }
  return { ...object, metadata: slim };
}

export function objectKey(o: KubeMeta): string {
  const m = o.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

export class Informer<T extends KubeMeta> {
  private readonly store = new Map<string, T>();
  private readonly handlers: ((event: InformerEvent<T>) => void)[] = [];
  private readonly abort = new AbortController();
  private syncedResolve!: () => void;
  readonly synced: Promise<void> = new Promise((resolve) => (this.syncedResolve = resolve));
  private running: Promise<void> | undefined;
  /** Lists done so far (the first, plus one per relist). */
  lists = 0;
  watches = 0;

  constructor(
    private readonly source: InformerSource<T>,
    private readonly options: InformerOptions<T> = {},
  ) {}

  on(handler: (event: InformerEvent<T>) => void): this {
    this.handlers.push(handler);
    return this;
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(): T[] {
    return [...this.store.values()];
  }

  start(): this {
    this.running ??= this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private emit(type: WatchEventType, object: T): void {
    for (const handler of this.handlers) handler({ type, object });
  }

  private apply(type: WatchEventType, raw: T): void {
    const object = this.options.transform ? this.options.transform(raw) : raw;
    const key = objectKey(object);
    if (type === 'DELETED') this.store.delete(key);
    else this.store.set(key, object);
    this.emit(type, object);
  }

  /** Replaces the store with a fresh list, reporting the differences as events. */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const before = this.store.get(key);
      if (!before) this.apply('ADDED', item);
      else if (before.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.apply('MODIFIED', item);
    }
    for (const [key, object] of [...this.store.entries()]) if (!seen.has(key)) this.apply('DELETED', object);
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const delay = this.options.delay ?? ((ms, s) => sleep(ms, undefined, { signal: s }).catch(() => undefined));
    let failures = 0;
    while (!signal.aborted) {
      try {
        const listed = await this.source.list();
        this.lists += 1;
        failures = 0;
        this.replace(listed.items);
        this.syncedResolve();
        let version = listed.resourceVersion;
        let end: WatchEnd = { kind: 'closed' };
        while (!signal.aborted && end.kind === 'closed') {
          this.watches += 1;
          end = await this.source.watch(version, (type, object) => {
            version = object.metadata?.resourceVersion ?? version;
            if (type !== 'BOOKMARK') this.apply(type, object);
          }, signal);
        }
        if (end.kind === 'error') throw end.error;
        // 'expired': the version is too old to watch from; list again.
      } catch (error) {
        if (signal.aborted) break;
        const base = Math.min(this.options.maxDelayMs ?? 30_000, (this.options.baseDelayMs ?? 500) * 2 ** failures);
        const wait = Math.round(base * (0.8 + Math.random() * 0.4));
        failures += 1;
        this.options.onError?.(error, wait);
        await delay(wait, signal);
      }
    }
  }
}
