// Events as a user reads them: `kubectl describe` lists them, and repeats are counted on one Event.
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { EventRecorder } from '../../src/kube/events.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'events');

describe('EventRecorder', () => {
  it('shows events in kubectl describe and aggregates repeats into one Event', async () => {
    const created = JSON.parse(
      await kubectl.ok(['apply', '-n', namespace(), '-o', 'json', '-f', '-'], 'apiVersion: apigateway.restpath.dev/v1alpha1\nkind: RestApi\nmetadata: { name: shop }\nspec: {}\n'),
    ) as { metadata: { uid: string } };
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const recorder = new EventRecorder(kc, 'restpath.dev/operator', 'test-replica');
    const regarding = { apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'RestApi', namespace: namespace(), name: 'shop', uid: created.metadata.uid };
    for (let i = 0; i < 3; i++) {
      await recorder.record({ regarding, type: 'Warning', reason: 'BadRequestException', action: 'Reconcile', note: 'PutIntegration: Invalid HTTP endpoint specified for URI' });
    }
    await recorder.record({ regarding, type: 'Normal', reason: 'Created', action: 'Reconcile', note: 'created REST API abcdefghij' });
    // The API server limits a note to 1024 bytes, not characters: a long AWS message with multibyte text is cut, not refused.
    await recorder.record({ regarding, type: 'Warning', reason: 'LongMessage', action: 'Reconcile', note: 'é'.repeat(3000) });

    const events = JSON.parse(await kubectl.ok(['get', 'events.events.k8s.io', '-n', namespace(), '-o', 'json'])) as {
      items: { reason: string; series?: { count: number }; reportingController: string }[];
    };
    expect(events.items.map((e) => [e.reason, e.series?.count ?? 1]).sort()).toEqual([['BadRequestException', 3], ['Created', 1], ['LongMessage', 1]]);
    expect(events.items[0]?.reportingController).toBe('restpath.dev/operator');
    const long = events.items.find((e) => e.reason === 'LongMessage') as { note: string } | undefined;
    expect(Buffer.byteLength(long?.note ?? '')).toBeLessThanOrEqual(1024);
    expect(long?.note.endsWith('...')).toBe(true);

    const describe = (await kubectl.ok(['describe', 'restapi', 'shop', '-n', namespace()])).replace(/\s+/g, ' ');
    expect(describe).toContain('Warning BadRequestException');
    expect(describe).toContain('PutIntegration: Invalid HTTP endpoint specified for URI');
    expect(describe).toContain('Normal Created');
  });
});
