// docs/reference.md, rendered from the CRDs (themselves rendered from the TypeBox schemas): every
// field with its type, default, constraints and description, and every CEL rule with the message
// `kubectl apply` prints when it fails. `npm run crds` writes it; a unit test fails when it is stale,
// so the reference can never disagree with what the API server enforces.
import { allCustomResourceDefinitions } from './crds.js';

interface Schema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string }[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

interface Row {
  path: string;
  type: string;
  required: boolean;
  details: string;
}

interface Rule {
  path: string;
  rule: string;
  message: string;
}

const code = (s: string) => `\`${s.replaceAll('`', "'")}\``;
/** A table cell: pipes escaped (also inside code spans, as GitHub's tables need), one line. */
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function typeOf(s: Schema): string {
  if (s['x-kubernetes-int-or-string']) return 'integer or string';
  if (s.type === 'array') return `[]${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map[string]${typeOf(s.additionalProperties)}`;
  if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) return 'any (free-form)';
  return s.type ?? 'any';
}

function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (s.enum) out.push(`one of ${s.enum.map((e) => code(String(e))).join(', ')}`);
  if (s.default !== undefined) out.push(`default ${code(JSON.stringify(s.default))}`);
  if (s.pattern) out.push(`pattern ${code(s.pattern)}`);
  if (s.format) out.push(`format ${s.format}`);
  const range = (min: number | undefined, max: number | undefined, what: string) => {
    if (min !== undefined && max !== undefined) out.push(`${what} ${min}..${max}`);
    else if (min !== undefined) out.push(`${what} >= ${min}`);
    else if (max !== undefined) out.push(`${what} <= ${max}`);
  };
  range(s.minimum, s.maximum, 'value');
  range(s.minLength, s.maxLength, 'length');
  range(s.minItems, s.maxItems, 'items');
  range(s.minProperties, s.maxProperties, 'entries');
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'map') out.push(`one entry per ${(s['x-kubernetes-list-map-keys'] ?? []).map(code).join(' + ')}`);
  else if (listType === 'set') out.push('no duplicates');
  return out;
}

function walk(s: Schema, path: string, required: boolean, rows: Row[], rules: Rule[]): void {
  for (const v of s['x-kubernetes-validations'] ?? []) {
    rules.push({ path: path || '(object)', rule: v.rule, message: v.message ?? (v.messageExpression ? `(computed: ${v.messageExpression})` : '') });
  }
  if (path) {
    const details = [...constraints(s), ...(s.description ? [s.description] : [])].join('. ');
    rows.push({ path, type: typeOf(s), required, details });
  }
  const need = new Set(s.required ?? []);
  for (const [name, child] of Object.entries(s.properties ?? {})) walk(child, path ? `${path}.${name}` : name, need.has(name), rows, rules);
  if (s.items && (s.items.properties || s.items['x-kubernetes-validations'])) {
    const itemPath = `${path}[]`;
    for (const v of s.items['x-kubernetes-validations'] ?? []) rules.push({ path: itemPath, rule: v.rule, message: v.message ?? '' });
    const need2 = new Set(s.items.required ?? []);
    for (const [name, child] of Object.entries(s.items.properties ?? {})) walk(child, `${itemPath}.${name}`, need2.has(name), rows, rules);
  }
  const values = s.additionalProperties;
  if (values && typeof values === 'object' && values.properties) walk(values, `${path}.*`, false, rows, rules);
}

function section(crd: Record<string, unknown>): string {
  const spec = crd.spec as { group: string; names: { kind: string; plural: string; shortNames?: string[] }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  const version = spec.versions[0]!;
  const root = version.schema.openAPIV3Schema;
  const lines = [`## ${spec.names.kind}`, '', `\`${spec.group}/${version.name}\`, plural \`${spec.names.plural}\`${spec.names.shortNames ? `, short name \`${spec.names.shortNames.join('`, `')}\`` : ''}. ${root.description ?? ''}`.trim(), ''];
  for (const part of ['spec', 'status'] as const) {
    const schema = root.properties?.[part];
    if (!schema) continue;
    const rows: Row[] = [];
    const rules: Rule[] = [];
    walk(schema, part, (root.required ?? []).includes(part), rows, rules);
    lines.push(`### ${spec.names.kind} ${part}`, '', '| field | type | required | details |', '|---|---|---|---|');
    for (const r of rows) lines.push(`| ${cell(code(r.path))} | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${cell(r.details)} |`);
    lines.push('');
    if (rules.length > 0) {
      lines.push(`Rules checked at \`kubectl apply\` (CEL), with the message shown when one fails:`, '', '| on | rule | message |', '|---|---|---|');
      for (const r of rules) lines.push(`| ${cell(code(r.path))} | ${cell(code(r.rule))} | ${cell(r.message)} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

export function renderReference(): string {
  const crds = allCustomResourceDefinitions().map((c) => c.crd);
  return [
    '# API reference',
    '',
    '<!-- Generated from the CRDs (src/api) by `npm run crds`. Do not edit: change the TypeBox schema instead. -->',
    '',
    'Every field of the four kinds as the API server validates it. What each field means for AWS, the',
    'status conditions and their reasons are in [api.md](api.md); the runbook in [runbook.md](runbook.md).',
    '',
    ...crds.map(section),
  ].join('\n').replace(/\n+$/, '\n');
}
