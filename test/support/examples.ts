// What deploy/examples ships, read from the files themselves, so tests that apply the examples follow
// them when an example is added instead of carrying a count that goes stale.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const EXAMPLES = join(import.meta.dirname, '..', '..', 'deploy', 'examples');
const OPERATOR_KINDS = new Set(['RestApi', 'RestPath', 'UsagePlan']);

/** `kind/name` (lower-case kind, as `kubectl get -o name` prints it without the group) of every operator object shipped. */
export function shippedExampleObjects(): string[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(EXAMPLES, f), 'utf8')).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null))
    .filter((o): o is { kind: string; metadata: { name: string } } => !!o && OPERATOR_KINDS.has(o.kind ?? '') && !!o.metadata?.name)
    .map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`)
    .sort();
}

/** `kubectl get -o name` lines (`restapi.apigateway.restpath.dev/shop`) as `restapi/shop`, sorted. */
export function withoutGroup(names: string[]): string[] {
  return names.map((n) => n.replace(/^([a-z]+)\.[^/]+\//, '$1/')).sort();
}
