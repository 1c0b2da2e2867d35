// What Argo CD's diff sees for our kinds, on objects the real API server defaulted: applied with
// client-side `kubectl apply` (as Argo CD syncs by default), the live object carries the CRD schema's
// defaults. The legacy diff replaces each list of the manifest wholesale (a JSON merge patch; fields only
// the live object has outside lists are kept), so defaults inside list items differ until
// deploy/argocd/ignore-differences.yaml (run by gojq, as Argo CD does) removes them; Server-Side Diff
// predicts the live object with a server-side apply dry run, which the API server defaults the same way.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { normalized } from '../support/argocd-diff.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'argocd-diff');
const EXAMPLES = join(import.meta.dirname, '..', '..', 'deploy', 'examples');

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> };

/** Every field a list item may default, left out: the manifest a user would write. */
const EVERY_LIST_DEFAULT: Obj[] = [
  { kind: 'RestApi', metadata: { name: 'defaults' }, spec: { stages: [{ name: 'live' }, { name: 'prod', deployment: 'Manual' }] } },
  {
    kind: 'RestPath',
    metadata: { name: 'defaults' },
    spec: { restApiRef: { name: 'defaults' }, path: '/d', methods: [{ httpMethod: 'GET', authorization: {}, integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'http://backend.example.com/d', connection: {} } }] },
  },
  { kind: 'UsagePlan', metadata: { name: 'defaults' }, spec: { apiStages: [{ restApiRef: { name: 'defaults' }, stage: 'live' }], apiKeys: [{ name: 'a', generateInto: { secretName: 'a-key' } }] } },
].map((o) => ({ apiVersion: 'apigateway.restpath.dev/v1alpha1', ...o }));

/** The examples' RestApi, RestPaths and UsagePlan, applied into this file's namespace. */
const examples = (): Obj[] =>
  readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(EXAMPLES, f), 'utf8')).map((d) => d.toJSON() as Obj))
    .filter((o) => ['RestApi', 'RestPath', 'UsagePlan'].includes(o.kind))
    .map((o) => ({ ...o, metadata: { name: `example-${o.metadata.name}` } }));

/**
 * The paths where the legacy diff finds a difference between the manifest and the live object right after
 * a sync: the three-way merge patch (last-applied = manifest) keeps what only the live object has in maps
 * and replaces lists and scalars with the manifest's, so a difference is a list or scalar of the manifest
 * that the live object does not hold as it is.
 */
function legacyDiff(desired: unknown, live: unknown, path = ''): string[] {
  if (desired && typeof desired === 'object' && !Array.isArray(desired) && live && typeof live === 'object' && !Array.isArray(live)) {
    return Object.entries(desired).flatMap(([k, v]) => legacyDiff(v, (live as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return canonical(desired) === canonical(live) ? [] : [path];
}

/** JSON with object keys sorted: the API server does not keep the manifest's key order, and order is no difference. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

const applied = async (o: Obj, extra: string[] = []) => JSON.parse(await kubectl.ok(['apply', '-n', namespace(), '-o', 'json', ...extra, '-f', '-'], JSON.stringify(o))) as Obj;

describe("Argo CD's diff of manifests against what the API server keeps", () => {
  it('legacy diff: the defaults inside lists differ, and only they; after the ignoreDifferences nothing does', async () => {
    const differing = new Set<string>();
    for (const o of [...EVERY_LIST_DEFAULT, ...examples()]) {
      const live = await applied(o);
      for (const path of legacyDiff(o.spec, live.spec)) differing.add(`${o.kind} ${path}`);
      const [want, got] = [await normalized(o), await normalized(live)];
      expect(legacyDiff(want.spec, got.spec), `${o.kind} ${o.metadata.name} after the ignoreDifferences`).toEqual([]);
    }
    // Without the advice: every list holding a defaulted item field differs.
    expect([...differing].sort()).toEqual(['RestApi .stages', 'RestPath .methods', 'UsagePlan .apiKeys']);
  });

  it('a real difference in a defaulted field still shows after the ignoreDifferences', async () => {
    for (const [kind, patch] of [
      ['RestApi', [{ op: 'replace', path: '/spec/stages/0/deployment', value: 'Manual' }]],
      ['RestPath', [{ op: 'replace', path: '/spec/methods/0/integration/timeoutMillis', value: 5000 }]],
      ['UsagePlan', [{ op: 'replace', path: '/spec/apiKeys/0/enabled', value: false }]],
    ] as const) {
      const o = EVERY_LIST_DEFAULT.find((x) => x.kind === kind)!;
      await applied(o);
      const live = JSON.parse(await kubectl.ok(['patch', kind.toLowerCase(), o.metadata.name, '-n', namespace(), '--type', 'json', '-p', JSON.stringify(patch), '-o', 'json'])) as Obj;
      expect(legacyDiff((await normalized(o)).spec, (await normalized(live)).spec), `${kind} edited in the cluster`).not.toEqual([]);
    }
  });

  it('Server-Side Diff: a server-side apply dry run of the manifest predicts the live spec, defaults included', async () => {
    for (const o of [...EVERY_LIST_DEFAULT, ...examples()]) {
      const live = await applied(o);
      const predicted = await applied(o, ['--server-side', '--dry-run=server', '--force-conflicts', '--field-manager=argocd-controller']);
      expect(predicted.spec, `${o.kind} ${o.metadata.name}`).toEqual(live.spec);
    }
  });
});
