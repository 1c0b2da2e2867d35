// Which watch events are worth a reconcile. The operator's own status writes come back as MODIFIED
// events; reconciling on them would repeat every reconcile once (and skip a failure's backoff). Like
// controller-runtime's GenerationChanged + Annotation + Finalizer predicates: an object is enqueued
// when its generation (spec), annotations (e.g. restpath.dev/deploy), labels, finalizers or deletion
// changed, when it is first seen and when it is deleted; a status-only change is not.

export interface ObjectMetaLike {
  metadata?: {
    namespace?: string;
    name?: string;
    generation?: number;
    deletionTimestamp?: unknown;
    finalizers?: string[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
}

export class SpecChangeFilter {
  private readonly seen = new Map<string, string>();

  /** True when this event should lead to a reconcile; remembers what it saw. */
  changed(kind: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: ObjectMetaLike, extra: unknown = null): boolean {
    const m = object.metadata ?? {};
    const key = `${kind}/${m.namespace ?? ''}/${m.name ?? ''}`;
    if (type === 'DELETED') {
      this.seen.delete(key);
      return true;
    }
    const print = JSON.stringify([m.generation, m.deletionTimestamp ?? null, m.finalizers ?? [], m.annotations ?? {}, m.labels ?? {}, extra]);
    if (this.seen.get(key) === print) return false;
    this.seen.set(key, print);
    return true;
  }
}
