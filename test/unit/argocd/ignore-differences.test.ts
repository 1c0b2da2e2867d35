// deploy/argocd/ignore-differences.yaml covers exactly the fields the CRD schemas default inside list
// items: Argo CD's legacy diff replaces a list wholesale, so those (and only those) show as changed when
// the manifest leaves them out; defaults outside lists are kept by its three-way merge. A default added
// to a list item in src/api fails this test until the advice names it too.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ignoreDifferences, normalized } from '../../support/argocd-diff.js';

const CRDS = join(import.meta.dirname, '..', '..', '..', 'crds');

interface Schema {
  type?: string;
  default?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
}

/** "Kind .spec.methods[].integration.timeoutMillis = 29000" for every default under an array in crds/. */
function defaultsInLists(): string[] {
  const out: string[] = [];
  for (const file of readdirSync(CRDS).filter((f) => f.startsWith('apigateway.'))) {
    const crd = parse(readFileSync(join(CRDS, file), 'utf8')) as { spec: { names: { kind: string }; versions: { schema: { openAPIV3Schema: Schema } }[] } };
    const walk = (s: Schema, path: string, inList: boolean) => {
      if (inList && s.default !== undefined) out.push(`${crd.spec.names.kind} ${path} = ${JSON.stringify(s.default)}`);
      for (const [name, child] of Object.entries(s.properties ?? {})) walk(child, `${path}.${name}`, inList);
      if (s.items) walk(s.items, `${path}[]`, true);
    };
    for (const v of crd.spec.versions) walk(v.schema.openAPIV3Schema, '', false);
  }
  return out.sort();
}

/** The same notation from the advice: `PREFIX | select(.F == V) | .F` removes F under PREFIX where it is V. */
function advised(): string[] {
  return ignoreDifferences()
    .flatMap((rule) =>
      rule.jqPathExpressions.map((e) => {
        const m = /^(.+?) \| select\(\.(\w+) == (.+)\) \| \.(\w+)$/.exec(e);
        if (!m || m[2] !== m[4]) throw new Error(`${rule.kind}: "${e}" is not of the form PREFIX | select(.F == DEFAULT) | .F`);
        return `${rule.kind} ${m[1]!.replaceAll('[]?', '[]')}.${m[4]!} = ${JSON.stringify(JSON.parse(m[3]!))}`;
      }),
    )
    .sort();
}

describe('the ignoreDifferences advice', () => {
  it('names every field the CRDs default inside a list, with its default, and nothing else', () => {
    expect(defaultsInLists().length).toBeGreaterThan(0);
    expect(advised()).toEqual(defaultsInLists());
    expect(ignoreDifferences().every((r) => r.group === 'apigateway.restpath.dev')).toBe(true);
  });

  it('removes a defaulted field only where it holds the default (gojq, as Argo CD runs it)', async () => {
    const live = {
      kind: 'RestPath',
      spec: { methods: [{ httpMethod: 'GET', apiKeyRequired: false, authorization: { type: 'NONE' }, integration: { type: 'HTTP', timeoutMillis: 29000, connection: { type: 'INTERNET' } } }, { httpMethod: 'POST', apiKeyRequired: true, authorization: { type: 'AWS_IAM' }, integration: { type: 'HTTP', timeoutMillis: 5000 } }] },
    };
    expect(await normalized(live)).toEqual({
      kind: 'RestPath',
      spec: { methods: [{ httpMethod: 'GET', integration: { type: 'HTTP' } }, { httpMethod: 'POST', apiKeyRequired: true, authorization: { type: 'AWS_IAM' }, integration: { type: 'HTTP', timeoutMillis: 5000 } }] },
    });
    const plan = { kind: 'UsagePlan', spec: { apiKeys: [{ name: 'a', enabled: true, generateInto: { secretName: 's', key: 'apiKey' } }, { name: 'b', enabled: false }] } };
    expect(await normalized(plan)).toEqual({ kind: 'UsagePlan', spec: { apiKeys: [{ name: 'a', generateInto: { secretName: 's' } }, { name: 'b', enabled: false }] } });
  });
});
