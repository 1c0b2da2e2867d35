// Kubernetes label selectors, matched here rather than by the API server: an AwsAccount's
// namespaceSelector against a namespace's labels, and the controller's --selector (a shard) against
// objects whose caches the operator keeps whole (a RestPath follows its RestApi's shard, whatever its
// own labels say). The string form is kubectl's: `team=a,tier!=test,env in (prod,stage),!legacy`.

export interface SelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: SelectorRequirement[];
}

type Labels = Readonly<Record<string, string>> | undefined;

/** Every pair of matchLabels and every expression holds; `{}` selects everything. */
export function matchesSelector(selector: Selector, labels: Labels): boolean {
  const have = labels ?? {};
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => have[k] === v);
  return pairs && (selector.matchExpressions ?? []).every((r) => holds(r, have));
}

function holds(r: SelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'In':
      return present && (r.values ?? []).includes(labels[r.key]!);
    case 'NotIn':
      // As in Kubernetes: an object without the label is not in the set.
      return !present || !(r.values ?? []).includes(labels[r.key]!);
  }
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses: `a in (x,y),b` is two requirements. */
function requirements(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  return out;
}

function checked(key: string, values: string[], whole: string): void {
  if (!KEY.test(key)) throw new Error(`invalid label key "${key}" in selector "${whole}"`);
  const bad = values.find((v) => !VALUE.test(v) || v.length > 63);
  if (bad !== undefined) throw new Error(`invalid label value "${bad}" in selector "${whole}"`);
}

/** Parses kubectl's selector syntax; a clear error for anything else. The empty string selects all. */
export function parseSelector(text: string): Selector {
  const expressions: SelectorRequirement[] = [];
  if (text.trim() === '') return {};
  for (const part of requirements(text)) {
    let m: RegExpExecArray | null;
    if (part === '') throw new Error(`empty requirement in selector "${text}"`);
    if (/[<>]/.test(part)) throw new Error(`cannot parse "${part}" in selector "${text}": > and < compare numbers, which label selectors of objects do not support here`);
    if ((m = /^!\s*(\S+)$/.exec(part))) {
      checked(m[1]!, [], text);
      expressions.push({ key: m[1]!, operator: 'DoesNotExist' });
    } else if ((m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(part))) {
      checked(m[1]!, [m[3]!], text);
      expressions.push({ key: m[1]!, operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3]!] });
    } else if ((m = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part))) {
      const values = m[3]!.split(',').map((v) => v.trim());
      checked(m[1]!, values, text);
      expressions.push({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if (/^\S+$/.test(part)) {
      checked(part, [], text);
      expressions.push({ key: part, operator: 'Exists' });
    } else {
      throw new Error(`cannot parse "${part}" in selector "${text}": use key, !key, key=value, key!=value, key in (a,b) or key notin (a,b)`);
    }
  }
  return { matchExpressions: expressions };
}

/** The selector in kubectl's syntax, for messages. */
export function describeSelector(selector: Selector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${(r.values ?? []).join(',')})`);
  }
  return parts.length > 0 ? parts.join(',') : '(every namespace)';
}
