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

  /**
   * Sends a merge patch; returns the object as stored afterwards, or `read` when the object is gone
   * (deleted since it was read: there is nothing left to write to).
   */
  private async patch<T>(ref: CustomObjectRef, read: T, body: object, subresource: 'status' | undefined): Promise<T> {
    this.writes += 1;
    const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const param = { group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, name: ref.name, body };
    // A cluster-scoped object (an AwsAccount) has no namespace.
    const cluster = ref.namespace === '';
    try {
      return (await (subresource === 'status'
        ? cluster ? this.api.patchClusterCustomObjectStatus(param, options) : this.api.patchNamespacedCustomObjectStatus(param, options)
        : cluster ? this.api.patchClusterCustomObject(param, options) : this.api.patchNamespacedCustomObject(param, options))) as T;
    } catch (error) {
      if (httpCode(error) === 404) return read;
      throw error;
    }
  }

  /**
   * Writes `next` as the object's status when it differs from what was read. Returns whether it wrote.
   * Top-level status fields that `next` drops are removed (merge patch null).
   */
  async writeStatus<S extends object>(ref: CustomObjectRef, read: StoredObject<S>, next: S): Promise<boolean> {
    return (await this.updateStatus<StoredObject<S>>(ref, read, next)) !== read;
  }

  /** Like writeStatus, returning the object as stored afterwards (`read` itself when nothing was written). */
  async updateStatus<T extends StoredObject<object>>(ref: CustomObjectRef, read: T, next: NonNullable<T['status']>): Promise<T> {
    const current = (read.status ?? {}) as Record<string, unknown>;
    if (isDeepStrictEqual(current, next)) return read;
    const removed = Object.fromEntries(Object.keys(current).filter((k) => !(k in next)).map((k) => [k, null]));
    return this.patch<T>(ref, read, { metadata: { resourceVersion: read.metadata.resourceVersion }, status: { ...removed, ...next } }, 'status');
  }

  /** Adds the finalizer unless present; returns the object as stored afterwards. */
  async addFinalizer<T extends StoredObject<unknown>>(ref: CustomObjectRef, read: T, finalizer: string): Promise<T> {
    const finalizers = read.metadata.finalizers ?? [];
    if (finalizers.includes(finalizer)) return read;
    return this.patch<T>(ref, read, { metadata: { resourceVersion: read.metadata.resourceVersion, finalizers: [...finalizers, finalizer] } }, undefined);
  }

  /** Removes the finalizer (after cleanup succeeded); returns the object as stored afterwards. */
  async removeFinalizer<T extends StoredObject<unknown>>(ref: CustomObjectRef, read: T, finalizer: string): Promise<T> {
    const finalizers = read.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return read;
    return this.patch<T>(ref, read, { metadata: { resourceVersion: read.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== finalizer) } }, undefined);
  }
}

function httpCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? Number((error).code) : undefined;
}

/** True for the API server's 409 Conflict: the object changed since it was read. */
export function isConflict(error: unknown): boolean {
  return httpCode(error) === 409;
}
