// The external-dns DNSEndpoint (externaldns.k8s.io/v1alpha1) a DomainName asks for: one CNAME from the
// domain name to its API Gateway target, owned by the DomainName through an ownerReference (so the
// garbage collector removes it with it). Written with server-side apply, and only when what it should
// say changed since this process last wrote it.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { DomainName } from '../api/domain-name.js';
import type { DnsEndpointWriter, DnsRecord } from '../controllers/ports.js';
import { API_VERSION } from '../api/common.js';

const GROUP = 'externaldns.k8s.io';
const VERSION = 'v1alpha1';
const PLURAL = 'dnsendpoints';

/** The DNSEndpoint object for a DomainName; pure, so tests can read what is written. */
export function dnsEndpointObject(owner: DomainName, record: DnsRecord): Record<string, unknown> {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'DNSEndpoint',
    metadata: {
      name: owner.metadata.name,
      namespace: owner.metadata.namespace ?? '',
      labels: { 'app.kubernetes.io/managed-by': 'restpath-operator' },
      ownerReferences: [{ apiVersion: API_VERSION, kind: 'DomainName', name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: { endpoints: [{ dnsName: record.dnsName, recordType: 'CNAME', recordTTL: record.recordTTL, targets: [record.target] }] },
  };
}

export class KubeDnsEndpoints implements DnsEndpointWriter {
  private readonly api: CustomObjectsApi;
  /** uid -> what was last applied ('' removed): a pass that changes nothing sends nothing. */
  private readonly written = new Map<string, string>();

  constructor(kc: KubeConfig, private readonly fieldManager = 'restpath-operator') {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  async apply(owner: DomainName, record: DnsRecord): Promise<void> {
    const body = dnsEndpointObject(owner, record);
    const key = owner.metadata.uid ?? `${owner.metadata.namespace}/${owner.metadata.name}`;
    const text = JSON.stringify(body);
    if (this.written.get(key) === text) return;
    await this.api.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, plural: PLURAL, namespace: owner.metadata.namespace ?? '', name: owner.metadata.name, body, fieldManager: this.fieldManager, force: true },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    this.written.set(key, text);
  }

  async remove(owner: DomainName): Promise<void> {
    const key = owner.metadata.uid ?? `${owner.metadata.namespace}/${owner.metadata.name}`;
    if (this.written.get(key) === '' || (!this.written.has(key) && !owner.status?.dnsEndpoint)) return;
    try {
      await this.api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: owner.metadata.namespace ?? '', name: owner.metadata.name });
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code !== 404) throw error;
    }
    this.written.set(key, '');
  }
}
