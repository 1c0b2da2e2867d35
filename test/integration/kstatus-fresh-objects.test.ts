// What kstatus (sigs.k8s.io/cli-utils, the readiness rules of kpt, Flux's health checks and
// `cli-utils apply --wait`) says about our objects, with no operator running: a freshly applied
// RestApi, RestPath or UsagePlan is InProgress until the operator has written its status (the CRDs
// default status to observedGeneration 0, which never equals metadata.generation), and the statuses
// the operator writes read Current (Ready), Failed (Stalled) and InProgress (Reconciling).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import type { RestApi, RestApiStatus } from '../../src/api/rest-api.js';
import { KubeWriter } from '../../src/kube/writer.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { FIXTURES } from '../support/fixtures.js';
import { kstatus, kstatusOf } from '../support/kstatus.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'kstatus-fresh');

const EXAMPLES = join(import.meta.dirname, '..', '..', 'deploy', 'examples');

/** The UsagePlan of the partners example, without its namespace (applied into this file's own). */
function usagePlanManifest(): string {
  const docs = parseAllDocuments(readFileSync(join(EXAMPLES, '30-usageplan-partners.yaml'), 'utf8')).map(
    (d) => d.toJSON() as { kind: string; metadata: Record<string, unknown> },
  );
  const plan = docs.find((d) => d.kind === 'UsagePlan');
  if (!plan) throw new Error('30-usageplan-partners.yaml has no UsagePlan');
  delete plan.metadata.namespace;
  return JSON.stringify(plan);
}

const OBJECTS = [
  { kind: 'RestApi', name: 'moving', apply: ['-f', join(FIXTURES, 'valid', 'restapi-in-region.yaml')] },
  { kind: 'RestPath', name: 'moving', apply: ['-f', join(FIXTURES, 'valid', 'restpath-on-shop.yaml')] },
  { kind: 'UsagePlan', name: 'partners', apply: ['-f', '-'], input: usagePlanManifest() },
] as const;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const condition = (type: string, status: 'True' | 'False', reason: string, message: string, observedGeneration: number) => ({
  type, status, reason, message, observedGeneration, lastTransitionTime: now(),
});

/** A status written the way the operator writes it: a merge patch on the status subresource. */
async function writeStatus(kind: string, name: string, status: object): Promise<void> {
  await kubectl.ok(['patch', kind, name, '-n', namespace(), '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

const get = async (kind: string, name: string) =>
  JSON.parse(await kubectl.ok(['get', kind, name, '-n', namespace(), '-o', 'json'])) as {
    metadata: { generation: number };
    status?: Record<string, unknown>;
  };

describe.each(OBJECTS)('kstatus of a $kind', ({ kind, name, apply, ...rest }) => {
  const input = 'input' in rest ? rest.input : undefined;
  const status = () => kstatusOf(kubectl.ok, kind, name, namespace());

  it('is InProgress between kubectl apply and the first status write, also in the object kubectl apply returns', async () => {
    const applied = await kubectl.ok(['apply', '-n', namespace(), '-o', 'json', ...apply], input);
    expect(await kstatus(applied)).toEqual([
      { kind, namespace: namespace(), name, status: 'InProgress', message: `${kind} generation is 1, but latest observed generation is 0` },
    ]);
    expect((await status()).status).toBe('InProgress');
    const stored = await get(kind, name);
    expect(stored.metadata.generation).toBe(1);
    expect(stored.status).toEqual({ observedGeneration: 0 });
    // No Ready condition yet: kubectl wait keeps waiting.
    const wait = await kubectl(['wait', `${kind}/${name}`, '-n', namespace(), '--for=condition=Ready', '--timeout=1s']);
    expect(wait.code).not.toBe(0);
  });

  it('is Current once the status says Ready=True for the generation, and kubectl wait --for=condition=Ready returns', async () => {
    await writeStatus(kind, name, { observedGeneration: 1, conditions: [condition('Ready', 'True', 'Ready', 'ready', 1)] });
    expect(await status()).toMatchObject({ status: 'Current', message: 'Resource is Ready' });
    await kubectl.ok(['wait', `${kind}/${name}`, '-n', namespace(), '--for=condition=Ready', '--timeout=10s']);
  });

  it('is Failed with Stalled=True', async () => {
    await writeStatus(kind, name, {
      observedGeneration: 1,
      conditions: [condition('Ready', 'False', 'AccessDenied', 'denied', 1), condition('Stalled', 'True', 'AccessDenied', 'AWS denied the call', 1)],
    });
    expect(await status()).toMatchObject({ status: 'Failed', message: 'AWS denied the call' });
  });

  it('is InProgress with Reconciling=True', async () => {
    await writeStatus(kind, name, {
      observedGeneration: 1,
      conditions: [condition('Ready', 'False', 'Creating', 'creating', 1), condition('Reconciling', 'True', 'Creating', 'creating in AWS', 1)],
    });
    expect(await status()).toMatchObject({ status: 'InProgress', message: 'creating in AWS' });
  });

  it('is InProgress after a spec change (generation 2) until observedGeneration 2 is written', async () => {
    await writeStatus(kind, name, { observedGeneration: 1, conditions: [condition('Ready', 'True', 'Ready', 'ready', 1)] });
    expect((await status()).status).toBe('Current');
    await kubectl.ok(['annotate', kind, name, '-n', namespace(), 'example.com/touched=yes']); // metadata only: generation stays 1
    expect((await status()).status).toBe('Current');
    await kubectl.ok(['patch', kind, name, '-n', namespace(), '--type=merge', '-p', JSON.stringify({ spec: { deletionPolicy: 'Retain' } })]);
    const changed = await get(kind, name);
    expect(changed.metadata.generation).toBe(2);
    expect(await status()).toMatchObject({ status: 'InProgress', message: `${kind} generation is 2, but latest observed generation is 1` });
    await writeStatus(kind, name, { observedGeneration: 2, conditions: [condition('Ready', 'True', 'Ready', 'ready', 2)] });
    expect((await status()).status).toBe('Current');
  });
});

describe("the operator's first status write", () => {
  it('turns a fresh object Current through KubeWriter (merge patch on the status subresource), as the controllers write it', async () => {
    await kubectl.ok(['apply', '-n', namespace(), '-f', '-'], 'apiVersion: apigateway.restpath.dev/v1alpha1\nkind: RestApi\nmetadata: { name: written }\nspec: {}\n');
    const read = JSON.parse(await kubectl.ok(['get', 'restapi', 'written', '-n', namespace(), '-o', 'json'])) as RestApi;
    expect(read.status).toEqual({ observedGeneration: 0 });
    expect((await kstatusOf(kubectl.ok, 'RestApi', 'written', namespace())).status).toBe('InProgress');
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const writer = new KubeWriter(kc);
    const ref = { group: 'apigateway.restpath.dev', version: 'v1alpha1', plural: 'restapis', namespace: namespace(), name: 'written' };
    const generation = read.metadata.generation ?? 0;
    // The shape the controllers write: the status read plus what they found, every condition with
    // the generation it describes and a millisecond lastTransitionTime (Date.toISOString).
    const at = new Date().toISOString();
    const next: RestApiStatus = {
      ...read.status,
      id: 'abcdefghij',
      observedGeneration: generation,
      conditions: [
        { type: 'Synced', status: 'True', reason: 'Synced', message: 'in sync', observedGeneration: generation, lastTransitionTime: at },
        { type: 'Ready', status: 'True', reason: 'Ready', message: 'ready', observedGeneration: generation, lastTransitionTime: at },
      ],
    };
    expect(await writer.writeStatus(ref, read, next)).toBe(true);
    expect(await kstatusOf(kubectl.ok, 'RestApi', 'written', namespace())).toMatchObject({ status: 'Current', message: 'Resource is Ready' });
    const after = JSON.parse(await kubectl.ok(['get', 'restapi', 'written', '-n', namespace(), '-o', 'json'])) as RestApi;
    expect(after.status).toEqual(next);
    // What was written reads back unchanged: the next reconcile writes nothing.
    expect(await writer.writeStatus(ref, after, next)).toBe(false);
    await kubectl.ok(['wait', 'restapi/written', '-n', namespace(), '--for=condition=Ready', '--timeout=10s']);
  });
});

describe('kstatus of a List', () => {
  it('prints one line per object of `kubectl get -o json` over several kinds', async () => {
    const list = await kubectl.ok(['get', 'restapis,restpaths,usageplans', '-n', namespace(), '-o', 'json']);
    const results = await kstatus(list);
    expect(results.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['RestApi/moving', 'RestApi/written', 'RestPath/moving', 'UsagePlan/partners']);
    expect(results.every((r) => r.namespace === namespace() && r.status === 'Current')).toBe(true);
  });

  it('is Terminating while a finalizer holds a deleted object', async () => {
    await kubectl.ok(['patch', 'restapi', 'moving', '-n', namespace(), '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    await kubectl.ok(['delete', 'restapi', 'moving', '-n', namespace(), '--wait=false']);
    expect(await kstatusOf(kubectl.ok, 'RestApi', 'moving', namespace())).toMatchObject({ status: 'Terminating' });
    await kubectl.ok(['patch', 'restapi', 'moving', '-n', namespace(), '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  });
});
