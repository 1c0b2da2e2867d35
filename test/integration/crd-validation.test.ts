// Every invalid manifest in test/fixtures/invalid is rejected by `kubectl apply` against the real
// API server, with the message a user needs, and nothing of it is stored.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { FIXTURES, invalidFixtures } from '../support/fixtures.js';

const kubectl = testKubectl();
const fixtures = invalidFixtures();
const namespace = useFreshNamespace(kubectl, 'crd-validation');

/**
 * The API server's message with what differs between Kubernetes versions taken out, so one fixture
 * holds on 1.32 (the compatibility tier) and 1.37. Before a CEL message 1.32 puts the value's type
 * (`Invalid value: "object": tag keys ...`, `Invalid value: "string": ...`); 1.37 puts the value of a
 * string (`Invalid value: "/orders/{order id}": ...`) and nothing for an object. Both become
 * `Invalid value: <message>`. 1.32 prints a duplicate list entry in Go syntax
 * (`map[string]interface {}{"name":"prod"}`), 1.37 as JSON (`{"name":"prod"}`). The field path and the
 * message users read are the same.
 */
function sameOnEveryVersion(stderr: string): string {
  return stderr
    .replace(/Invalid value: "(?:[^"\\]|\\.)*": /g, 'Invalid value: ')
    .replace(/Duplicate value: map\[string\]interface \{\}\{/g, 'Duplicate value: {');
}

describe('kubectl apply accepts the valid manifests', () => {
  it.each(readdirSync(join(FIXTURES, 'valid')).filter((f) => f.endsWith('.yaml')))('%s', async (file) => {
    const result = await kubectl(['apply', '--dry-run=server', '-n', namespace(), '-f', join(FIXTURES, 'valid', file)]);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('kubectl apply rejects invalid manifests', () => {
  it('has a corpus of at least 25 invalid manifests, each with an expected message', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    for (const f of fixtures) expect(f.expect, f.name).not.toHaveLength(0);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, fixture) => {
    let before = '';
    if (fixture.given) {
      await kubectl.ok(['apply', '-n', namespace(), '-f', fixture.given]);
      before = await kubectl.ok(['get', '-n', namespace(), '-f', fixture.given, '-o', 'jsonpath={.metadata.generation}']);
    }
    const result = await kubectl(['apply', '-n', namespace(), '-f', fixture.file]);
    expect(result.code, `${fixture.why}: kubectl apply should fail`).not.toBe(0);
    const said = sameOnEveryVersion(result.stderr);
    for (const message of fixture.expect) expect(said).toContain(message);
    expect(result.stderr).toMatch(/is invalid/);
    if (fixture.given) {
      // The change was refused: the stored object is still the one applied first.
      const after = await kubectl.ok(['get', '-n', namespace(), '-f', fixture.given, '-o', 'jsonpath={.metadata.generation}']);
      expect(after).toBe(before);
    } else {
      const get = await kubectl(['get', '-n', namespace(), '-f', fixture.file]);
      expect(get.stderr).toContain('NotFound');
    }
  });
});
