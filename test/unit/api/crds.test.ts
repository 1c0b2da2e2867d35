// One source of truth: the CRDs in crds/ are exactly what src/api generates, and the examples
// satisfy the same TypeBox schemas the TypeScript types come from.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderCrdFiles } from '../../../src/api/crd-files.js';
import { KINDS } from '../../../src/api/crds.js';

const REPO = join(import.meta.dirname, '..', '..', '..');

describe('CRDs', () => {
  it('crds/ matches the TypeBox schemas (run `npm run crds` after changing src/api)', () => {
    const rendered = renderCrdFiles();
    expect(readdirSync(join(REPO, 'crds')).sort()).toEqual(rendered.map((r) => r.fileName).sort());
    for (const { fileName, text } of rendered) {
      expect(readFileSync(join(REPO, 'crds', fileName), 'utf8'), fileName).toBe(text);
    }
  });

  it('gives every kind a short name, the categories, the status subresource and Ready columns', () => {
    expect(KINDS.map((k) => k.shortName)).toEqual(['ra', 'rp', 'up', 'dn', 'awsacct']);
    for (const { text } of renderCrdFiles().filter((f) => f.fileName !== 'kustomization.yaml')) {
      expect(text).toContain('subresources:\n        status: {}');
      expect(text).toContain('- apigateway\n');
      expect(text).toContain('.status.conditions[?(@.type=="Ready")].status');
    }
  });

  it('describes every property (kubectl explain has something to say)', () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string, parentDescribed: boolean) => {
      if (!node || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      const described = typeof schema.description === 'string' || parentDescribed;
      const properties = (schema.properties ?? {}) as Record<string, unknown>;
      for (const [name, child] of Object.entries(properties)) {
        const c = child as Record<string, unknown>;
        const isLeafObject = c.type === 'object' && c.properties;
        if (path.startsWith('.spec') && !c.description && !c.enum && !isLeafObject && !['name'].includes(name)) {
          undescribed.push(`${path}.${name}`);
        }
        walk(child, `${path}.${name}`, described);
      }
      if (schema.items) walk(schema.items, `${path}[]`, described);
    };
    for (const kind of KINDS) walk(kind.spec, '.spec', true);
    // Leaves whose meaning is the field name plus the surrounding description are few and listed here.
    expect(undescribed.filter((p) => !/\.(statusCode|responseParameters|responseTemplates|responseModels|contentHandling|passthroughBehavior|description|operationName|selectionPattern|secretKeyRef|key)$/.test(p))).toEqual([]);
  });
});

describe('examples satisfy the TypeScript schemas', () => {
  const dir = join(REPO, 'deploy', 'examples');
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJSON() as { kind: string; metadata: { name: string }; spec: unknown }));

  it.each(docs.filter((d) => d.kind !== 'Namespace' && d.kind !== 'Secret').map((d) => [`${d.kind}/${d.metadata.name}`, d] as const))(
    '%s',
    (_name, doc) => {
      const kind = KINDS.find((k) => k.kind === doc.kind);
      expect(kind, doc.kind).toBeDefined();
      // The plain JSON schema of the CRD (what the API server sees), validated with Ajv; the
      // x-kubernetes-* keywords are the API server's and are left to the integration tests.
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      const validate = ajv.compile(JSON.parse(JSON.stringify(kind!.spec)) as object);
      validate(doc.spec);
      expect(validate.errors ?? []).toEqual([]);
    },
  );
});
