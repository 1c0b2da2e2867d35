// The reason label of restpath_objects has a fixed set of values: every reason the operator writes is
// in it (this test reads them from src/, so a new reason cannot slip past), and anything else is Other.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATOR_REASONS, OTHER_REASON, reasonLabel } from '../../../src/observability/reasons.js';

const SRC = join(import.meta.dirname, '..', '..', '..', 'src');
/** Reasons only Events carry (never a condition). */
const EVENT_ONLY = new Set(['Created', 'Updated', 'Deleted', 'Deployed', 'Promoted', 'DriftCorrected', 'SecretGenerated', 'ApiKeyRotated', 'Adopted', 'UndeclaredMapping']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
}

describe('Ready reasons as a label', () => {
  it('lists every reason literal in src/ (reason: ..., stalledBy(...), the quota table)', () => {
    const found = new Set<string>();
    for (const file of files(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\breason: '([A-Z][A-Za-z0-9]+)'|stalledBy\('([A-Z][A-Za-z0-9]+)'/g)) found.add((m[1] ?? m[2])!);
    }
    expect(found.size).toBeGreaterThan(40);
    const missing = [...found].filter((r) => !EVENT_ONLY.has(r) && !OPERATOR_REASONS.includes(r));
    expect(missing).toEqual([]);
  });

  it('keeps known reasons and AWS error names from the error table; anything else is Other', () => {
    expect(reasonLabel('Conflict')).toBe('Conflict');
    expect(reasonLabel('TooManyRequestsException')).toBe('TooManyRequestsException');
    expect(reasonLabel('AccessDeniedException')).toBe('AccessDeniedException');
    expect(reasonLabel('shop/orders')).toBe(OTHER_REASON);
    expect(reasonLabel('SomethingNewException')).toBe(OTHER_REASON);
    expect(reasonLabel(undefined)).toBe('NotReconciledYet');
  });
});
