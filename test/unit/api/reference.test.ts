// docs/reference.md is what `npm run crds` renders from the CRDs: a changed schema without a
// regenerated reference fails here, so the page users read never disagrees with the API server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReference } from '../../../src/api/reference.js';

const committed = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'reference.md'), 'utf8');
const rendered = renderReference();

describe('docs/reference.md', () => {
  it('is up to date with the CRDs (run npm run crds after changing a schema)', () => {
    expect(committed).toBe(rendered);
  });

  it('lists fields with their constraints and every CEL rule with its message', () => {
    expect(rendered).toContain('| `spec.methods[].httpMethod` |');
    expect(rendered).toMatch(/\| `spec.stages\[\].deployment` \| string \| {2}\| one of `Automatic`, `Manual`\. default `"Automatic"`/);
    expect(rendered).toContain('region is immutable');
    // As many rule rows as the CRDs have x-kubernetes-validations entries.
    const crds = ['restapis', 'restpaths', 'usageplans', 'domainnames', 'awsaccounts'].map((p) => readFileSync(join(import.meta.dirname, '..', '..', '..', 'crds', `apigateway.restpath.dev_${p}.yaml`), 'utf8'));
    const rules = crds.reduce((n, text) => n + (text.match(/^\s*- (?:messageExpression|message|rule): /gm)?.filter((l) => l.includes('rule:')).length ?? 0), 0);
    const rows = rendered.split('\n').filter((l) => /^\| `[^`]+` \| `/.test(l)).length;
    expect(rows).toBe(rules);
  });
});
