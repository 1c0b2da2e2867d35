// `restpath-operator import` as users run it, and what it writes applied to the real API server:
// the documents written for the importer, and a seeded sample of the APIs.guru collection
// (bench/openapi-sample.ts runs 200). An imported manifest the API server refuses is an importer bug.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../scripts/testenv/run.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { FIXTURES } from '../support/fixtures.js';
import { importAndApply, sampleSpecs, summarize } from '../support/openapi-sample.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'openapi-import');
const REPO = join(import.meta.dirname, '..', '..');
const SAMPLE_SEED = Number(process.env.OPENAPI_SAMPLE_SEED ?? 18);
const SAMPLE_SIZE = Number(process.env.OPENAPI_SAMPLE_SIZE ?? 20);

const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), ...args], { cwd: REPO });

describe('restpath-operator import', () => {
  it.each([
    ['shop-aws.yaml', 4, 'RestApi shop-api and 3 RestPath(s)', 12],
    ['pets-swagger2.yaml', 3, 'RestApi pets and 2 RestPath(s)', 8],
  ])('%s: writes the files, lists the notes, and the API server accepts every object', async (file, objects, summary, notes) => {
    const dir = mkdtempSync(join(tmpdir(), 'restpath-import-'));
    const imported = await cli(['import', '-f', join(FIXTURES, 'openapi', file), '-o', dir]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr.trim().split('\n').at(-1)).toBe(`import: ${summary} in ${dir}; ${notes} note(s)`);
    expect(imported.stderr.split('\n').filter((l) => l.startsWith('note: '))).toHaveLength(notes);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files).toHaveLength(objects);
    expect(readFileSync(join(dir, 'NOTES.txt'), 'utf8')).toContain('(NoIntegration)');
    const applied = await kubectl(['apply', '--dry-run=server', '-n', namespace(), '-f', dir]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.trim().split('\n')).toHaveLength(objects);
  });

  it('--fail-on-notes exits 1 when something was not expressed; a document that is not OpenAPI exits 2 with the parser\'s reason', async () => {
    const strict = await cli(['import', '-f', join(FIXTURES, 'openapi', 'pets-swagger2.yaml'), '--fail-on-notes']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('kind: RestApi');
    const bad = await cli(['import', '-f', join(FIXTURES, 'valid', readdirSync(join(FIXTURES, 'valid')).find((f) => f.endsWith('.yaml'))!)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^import: .* is not a valid OpenAPI or Swagger document: /);
  });
});

describe(`the APIs.guru sample (seed ${SAMPLE_SEED}, ${SAMPLE_SIZE} documents)`, () => {
  it('imports each document or says why not, and the API server accepts everything imported', { timeout: 300_000 }, async () => {
    const outcomes = [];
    for (const file of sampleSpecs(SAMPLE_SEED, SAMPLE_SIZE)) outcomes.push(await importAndApply(kubectl, namespace(), file));
    console.log(`[openapi sample]\n${summarize(outcomes)}`);
    const refused = outcomes.filter((o) => o.verdict === 'refused-by-api-server');
    expect(refused.map((o) => `${o.spec}: ${o.message ?? ''}`)).toEqual([]);
    for (const o of outcomes.filter((x) => x.verdict === 'invalid-document')) expect(o.message).toMatch(/is not a valid OpenAPI or Swagger document: \S/);
    expect(outcomes.filter((o) => o.verdict === 'accepted').length).toBeGreaterThan(SAMPLE_SIZE / 2);
  });
});
