// Every write the controller makes to Kubernetes objects goes through KubeWriter: status through the
// status subresource, one merge patch per reconcile and only when something changed; finalizers added
// and removed. Each patch carries the resourceVersion the controller read, so a write based on a stale
// read fails with 409 Conflict (and the key is requeued) instead of overwriting a newer change.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';

export interface CustomObjectRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

export interface StoredObject<S> {
  metadata: { resourceVersion?: string; finalizers?: string[] };
  status?: S;
}

export class KubeWriter {
  private readonly api: CustomObjectsApi;
  /** Writes sent (tests and metrics read it). */
  writes = 0;

  constructor(kc: KubeConfig) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  private patch(ref: CustomObjectRef, body: object, subresource: 'status' | undefined): Promise<unknown> {
    this.writes += 1;
    const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const param = { group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, name: ref.name, body };
    return subresource === 'status'
      ? this.api.patchNamespacedCustomObjectStatus(param, options)
      : this.api.patchNamespacedCustomObject(param, options);
  }

  /**
   * Writes `next` as the object's status when it differs from what was read. Returns whether it wrote.
   * Top-level status fields that `next` drops are removed (merge patch null).
   */
  async writeStatus<S extends object>(ref: CustomObjectRef, read: StoredObject<S>, next: S): Promise<boolean> {
    const current = (read.status ?? {}) as Record<string, unknown>;
    if (isDeepStrictEqual(current, next)) return false;
    const removed = Object.fromEntries(Object.keys(current).filter((k) => !(k in next)).map((k) => [k, null]));
    await this.patch(ref, { metadata: { resourceVersion: read.metadata.resourceVersion }, status: { ...removed, ...next } }, 'status');
    return true;
  }

  /** Adds the finalizer unless present. Returns whether it wrote. */
  async addFinalizer(ref: CustomObjectRef, read: StoredObject<unknown>, finalizer: string): Promise<boolean> {
    const finalizers = read.metadata.finalizers ?? [];
    if (finalizers.includes(finalizer)) return false;
    await this.patch(ref, { metadata: { resourceVersion: read.metadata.resourceVersion, finalizers: [...finalizers, finalizer] } }, undefined);
    return true;
  }

  /** Removes the finalizer (after cleanup succeeded). Returns whether it wrote. */
  async removeFinalizer(ref: CustomObjectRef, read: StoredObject<unknown>, finalizer: string): Promise<boolean> {
    const finalizers = read.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return false;
    await this.patch(ref, { metadata: { resourceVersion: read.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== finalizer) } }, undefined);
    return true;
  }
}

/** True for the API server's 409 Conflict: the object changed since it was read. */
export function isConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error).code === 409;
}
