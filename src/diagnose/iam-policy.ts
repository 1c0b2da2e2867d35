// A pure evaluator of IAM policy documents, enough to answer "may this principal do this action on
// this resource?" the way IAM decides it: an explicit Deny wins, else an Allow is needed, else the
// request is implicitly denied. Action/NotAction, Resource/NotResource, Principal, and the wildcards
// * and ? are evaluated. Conditions are evaluated only for the keys the caller knows (e.g. the
// aws:SourceArn API Gateway sends when it assumes a role); any other condition is reported as not
// evaluated, never guessed.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface PolicyDocument {
  Version?: string;
  Statement?: Statement | Statement[];
}

export interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: string | Record<string, string | string[]>;
  NotPrincipal?: string | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Request {
  action: string;
  /** Omitted for trust policies (the role itself is the resource). */
  resource?: string;
  /** For resource-based policies: e.g. { Service: 'apigateway.amazonaws.com' }. */
  principal?: { type: 'Service' | 'AWS'; id: string };
  /** Condition keys whose values are known, e.g. aws:SourceArn. */
  context?: Record<string, string>;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Evaluation {
  decision: Decision;
  /** Statements that match but carry a condition that could not be evaluated (by Sid or position). */
  unevaluated: string[];
  /** Those of `unevaluated` that would deny: an Allow beside one of them is not certain. */
  unevaluatedDenies: string[];
  /** The statement that decided (Sid or position), when one did. */
  decidedBy?: string;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM wildcards: * any run of characters, ? one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, caseInsensitive ? 'is' : 's').test(value);
}

function statements(doc: PolicyDocument): Statement[] {
  const s = doc.Statement;
  return s === undefined ? [] : Array.isArray(s) ? s : [s];
}

function matchesAction(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((p) => wildcardMatch(p, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => wildcardMatch(p, action, true));
  return false;
}

function matchesResource(s: Statement, resource: string | undefined): boolean {
  if (resource === undefined) return true;
  if (s.Resource !== undefined) return list(s.Resource).some((p) => wildcardMatch(p, resource));
  if (s.NotResource !== undefined) return !list(s.NotResource).some((p) => wildcardMatch(p, resource));
  // Trust policies have no Resource; identity policies must.
  return s.Resource === undefined && s.NotResource === undefined && s.Principal !== undefined;
}

function principalIn(p: Statement['Principal'], principal: NonNullable<Request['principal']>): boolean {
  if (p === '*') return true;
  if (p === undefined || typeof p === 'string') return false;
  // {"AWS": "*"} is everyone, services included.
  return list(p[principal.type]).some((id) => wildcardMatch(id, principal.id, true)) || list(p.AWS).includes('*');
}

function matchesPrincipal(s: Statement, principal: Request['principal']): boolean {
  if (!principal) return true;
  if (s.Principal !== undefined) return principalIn(s.Principal, principal);
  if (s.NotPrincipal !== undefined) return !principalIn(s.NotPrincipal, principal);
  return false;
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (p, v) => p === v,
  StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  StringLike: (p, v) => wildcardMatch(p, v),
  ArnEquals: (p, v) => p === v,
  ArnLike: (p, v) => wildcardMatch(p, v),
};
const NEGATED: Record<string, string> = { StringNotEquals: 'StringEquals', StringNotLike: 'StringLike', ArnNotEquals: 'ArnEquals', ArnNotLike: 'ArnLike' };

/** true / false when every condition could be evaluated; undefined when one could not. */
function conditionsHold(s: Statement, context: Record<string, string>): boolean | undefined {
  let result = true;
  for (const [rawOperator, entries] of Object.entries(s.Condition ?? {})) {
    const ifExists = rawOperator.endsWith('IfExists');
    const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator;
    const negated = NEGATED[operator];
    const test = OPERATORS[negated ?? operator];
    if (!test) return undefined;
    for (const [key, patterns] of Object.entries(entries)) {
      const value = context[key];
      if (value === undefined) {
        if (ifExists) continue;
        return undefined;
      }
      const any = list(patterns).some((p) => test(p, value));
      if (negated ? any : !any) result = false;
    }
  }
  return result;
}

export function evaluate(documents: readonly PolicyDocument[], request: Request): Evaluation {
  const unevaluated: string[] = [];
  const unevaluatedDenies: string[] = [];
  let allowedBy: string | undefined;
  let deniedBy: string | undefined;
  documents.forEach((doc, d) =>
    statements(doc).forEach((s, i) => {
      const name = s.Sid ?? `statement ${i + 1}${documents.length > 1 ? ` of policy ${d + 1}` : ''}`;
      if (!matchesAction(s, request.action) || !matchesResource(s, request.resource) || !matchesPrincipal(s, request.principal)) return;
      const holds = s.Condition ? conditionsHold(s, request.context ?? {}) : true;
      if (holds === undefined) {
        unevaluated.push(name);
        if (s.Effect === 'Deny') unevaluatedDenies.push(name);
        return;
      }
      if (!holds) return;
      if (s.Effect === 'Deny') deniedBy ??= name;
      else if (s.Effect === 'Allow') allowedBy ??= name;
    }),
  );
  if (deniedBy) return { decision: 'ExplicitDeny', unevaluated, unevaluatedDenies, decidedBy: deniedBy };
  if (allowedBy) return { decision: 'Allow', unevaluated, unevaluatedDenies, decidedBy: allowedBy };
  return { decision: 'ImplicitDeny', unevaluated, unevaluatedDenies };
}
