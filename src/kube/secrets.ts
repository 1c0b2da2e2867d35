// Secrets that hold API key values: reading a value out of a Secret (from the informer's store) and
// writing the Secret the operator generates for `generateInto`, owned by its UsagePlan through an
// ownerReference so Kubernetes' garbage collector removes it with the plan. Values leave this file
// only wrapped in Sensitive; nothing here logs.
import { CoreV1Api, type KubeConfig, type V1OwnerReference, type V1Secret } from '@kubernetes/client-node';
import { Sensitive } from '../model/sensitive.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

export function secretValue(secret: V1Secret | undefined, key: string): Sensitive | undefined {
  const encoded = secret?.data?.[key];
  if (encoded !== undefined) return new Sensitive(Buffer.from(encoded, 'base64').toString('utf8'));
  const plain = secret?.stringData?.[key];
  return plain === undefined ? undefined : new Sensitive(plain);
}

/**
 * Whether the value under `key` is text: `data` holds bytes, and bytes that are not UTF-8 would be
 * decoded with replacement characters into a value other than the Secret's (an API key clients could
 * not send). stringData is text by definition.
 */
export function secretValueIsText(secret: V1Secret | undefined, key: string): boolean {
  const encoded = secret?.data?.[key];
  if (encoded === undefined) return true;
  const bytes = Buffer.from(encoded, 'base64');
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

export function isOwnedBy(secret: V1Secret, ownerUid: string): boolean {
  return (secret.metadata?.ownerReferences ?? []).some((r) => r.uid === ownerUid);
}

export class SecretWriter {
  private readonly api: CoreV1Api;

  constructor(kc: KubeConfig, private readonly managedBy: string) {
    this.api = kc.makeApiClient(CoreV1Api);
  }

  /** Creates the Secret, or sets `key` in it when it exists and is owned by `owner`. */
  async write(namespace: string, name: string, key: string, value: Sensitive, owner: V1OwnerReference, existing: V1Secret | undefined): Promise<void> {
    const data = { [key]: Buffer.from(value.reveal(), 'utf8').toString('base64') };
    if (!existing) {
      await this.api.createNamespacedSecret({
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: this.managedBy }, ownerReferences: [owner] },
          data,
        },
      });
      return;
    }
    await this.api.replaceNamespacedSecret({
      namespace,
      name,
      body: { ...existing, data: { ...existing.data, ...data } },
    });
  }

  /** Deletes the Secret if it is still owned by `ownerUid` (the garbage collector may be faster). */
  async deleteOwned(namespace: string, name: string, ownerUid: string, existing: V1Secret | undefined): Promise<void> {
    if (!existing || !isOwnedBy(existing, ownerUid)) return;
    try {
      await this.api.deleteNamespacedSecret({ namespace, name });
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }
}
