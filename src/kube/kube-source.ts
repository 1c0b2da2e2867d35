// The informer's source for any kind, over @kubernetes/client-node: a paginated list and a watch
// with bookmarks, from a given resourceVersion.
import { KubernetesObjectApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { InformerSource, KubeMeta, WatchEnd, WatchEventType } from './informer.js';

export interface KindRef {
  apiVersion: string;
  kind: string;
  /** Plural resource name, for the watch path. */
  plural: string;
  /** Only this namespace; all namespaces when unset. */
  namespace?: string;
}

function collectionPath(ref: KindRef): string {
  const prefix = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  return ref.namespace ? `${prefix}/namespaces/${ref.namespace}/${ref.plural}` : `${prefix}/${ref.plural}`;
}

/** T is the kind's own type (e.g. RestApi); the API server's JSON is taken as that shape. */
export function kubeSource<T extends KubeMeta>(kc: KubeConfig, ref: KindRef, watchTimeoutSeconds = 300): InformerSource<T> {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const watcher = new Watch(kc);
  return {
    async list() {
      const items: T[] = [];
      let continueToken: string | undefined;
      let resourceVersion = '';
      do {
        const page = await objects.list(ref.apiVersion, ref.kind, ref.namespace, undefined, undefined, undefined, undefined, undefined, 500, continueToken);
        items.push(...(page.items as unknown as T[]));
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        continueToken = page.metadata?._continue;
      } while (continueToken);
      return { items, resourceVersion };
    },
    watch(resourceVersion, onEvent, signal) {
      return new Promise<WatchEnd>((resolve) => {
        let expired = false;
        watcher
          .watch(
            collectionPath(ref),
            { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds },
            (phase: string, object: T & { code?: number }) => {
              if (phase === 'ERROR') {
                // A Status object: 410 Gone means the version was compacted away.
                expired = object.code === 410;
                return;
              }
              onEvent(phase as WatchEventType | 'BOOKMARK', object);
            },
            (error: unknown) => resolve(expired ? { kind: 'expired' } : error ? { kind: 'error', error } : { kind: 'closed' }),
          )
          .then((controller) => {
            if (signal.aborted) controller.abort();
            else signal.addEventListener('abort', () => controller.abort(), { once: true });
          })
          .catch((error: unknown) => resolve({ kind: 'error', error }));
      });
    },
  };
}
