// The informer's source for any kind, over @kubernetes/client-node: a paginated list and a watch
// with bookmarks, from a given resourceVersion.
import { CoreV1Api, CustomObjectsApi, Watch, type KubeConfig } from '@kubernetes/client-node';
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

interface RawPage {
  items: unknown[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * One page of the list, as the server's JSON. Custom resources go through CustomObjectsApi, which
 * hands back that JSON as it is; KubernetesObjectApi.list would run it through a serializer that drops
 * the continue token of a kind it has no model for, so a list would end after its first page.
 */
function pageReader(kc: KubeConfig, ref: KindRef, limit: number): (token: string | undefined) => Promise<RawPage> {
  const [group, version] = ref.apiVersion.split('/');
  if (group && version) {
    const api = kc.makeApiClient(CustomObjectsApi);
    return async (token) =>
      (ref.namespace
        ? await api.listNamespacedCustomObject({ group, version, namespace: ref.namespace, plural: ref.plural, limit, ...(token ? { _continue: token } : {}) })
        : await api.listClusterCustomObject({ group, version, plural: ref.plural, limit, ...(token ? { _continue: token } : {}) })) as RawPage;
  }
  if (ref.kind !== 'Secret' && ref.kind !== 'Namespace') throw new Error(`kubeSource lists custom resources, Secrets and Namespaces, not ${ref.kind}`);
  const core = kc.makeApiClient(CoreV1Api);
  return async (token) => {
    const page = ref.kind === 'Namespace'
      ? await core.listNamespace({ limit, ...(token ? { _continue: token } : {}) })
      : ref.namespace ? await core.listNamespacedSecret({ namespace: ref.namespace, limit, ...(token ? { _continue: token } : {}) }) : await core.listSecretForAllNamespaces({ limit, ...(token ? { _continue: token } : {}) });
    return { items: page.items, metadata: { ...(page.metadata?.resourceVersion ? { resourceVersion: page.metadata.resourceVersion } : {}), ...(page.metadata?._continue ? { continue: page.metadata._continue } : {}) } };
  };
}

/** T is the kind's own type (e.g. RestApi); the API server's JSON is taken as that shape. */
export function kubeSource<T extends KubeMeta>(kc: KubeConfig, ref: KindRef, watchTimeoutSeconds = 300, pageSize = 500): InformerSource<T> {
  const readPage = pageReader(kc, ref, pageSize);
  const watcher = new Watch(kc);
  return {
    async list() {
      const items: T[] = [];
      let continueToken: string | undefined;
      let resourceVersion = '';
      do {
        const page = await readPage(continueToken);
        items.push(...(page.items as T[]));
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        continueToken = page.metadata?.continue || undefined;
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
