// API Gateway's "Resources per API" quota (300 by default, raisable) applied before anything is
// written: RestPaths are admitted oldest first (as a conflict is decided) while the resources they
// need fit; a RestPath that would take the API over the quota is held back whole, with the counts,
// instead of half its segments being created and AWS refusing the rest.
import { pathPrefixes } from './shapes.js';

export const DEFAULT_RESOURCES_PER_API = 300;

interface Aged {
  createdAt: string;
  namespace: string;
  name: string;
  spec: { path: string };
}

export interface OverLimit<P> {
  path: P;
  /** Resources this RestPath would add. */
  adds: number;
  /** Resources the REST API has from the RestPaths admitted before it, the root included. */
  used: number;
}

/** The RestPaths that fit under `limit` resources (the root counts), oldest first, and those that do not. */
export function withinResourceLimit<P extends Aged>(paths: readonly P[], limit: number): { admitted: P[]; over: OverLimit<P>[] } {
  const key = (p: Aged) => `${p.namespace}/${p.name}`;
  const byAge = [...paths].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || key(a).localeCompare(key(b)));
  const used = new Set(['/']);
  const admitted: P[] = [];
  const over: OverLimit<P>[] = [];
  for (const p of byAge) {
    const adds = pathPrefixes(p.spec.path).filter((x) => !used.has(x));
    if (used.size + adds.length > limit) {
      over.push({ path: p, adds: adds.length, used: used.size });
      continue;
    }
    for (const x of adds) used.add(x);
    admitted.push(p);
  }
  return { admitted, over };
}

export function resourceLimitMessage(o: OverLimit<unknown>, limit: number): string {
  return (
    `the REST API would have ${o.used + o.adds} resources with this path (it has ${o.used}, the root and older RestPaths' included; this path adds ${o.adds}); ` +
    `API Gateway allows ${limit} per REST API. Remove paths, or raise the quota "Resources per API" in Service Quotas and start the operator with --resources-per-api set to it`
  );
}
