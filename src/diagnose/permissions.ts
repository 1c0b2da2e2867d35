// PermissionsReady (the 401/403 runbook, and the 500s IAM causes): the execution role exists; its trust
// policy lets apigateway.amazonaws.com assume it for this API; its policies allow the integration's
// action on its target; the method's authorizer exists and can be invoked (authorizers.ts); the
// resource policy lets callers in (resource-policy.ts); a CORS preflight asks for no credentials
// (cors.ts); and AWS_IAM methods are flagged because clients must sign with SigV4. Conditions the
// operator cannot evaluate are reported, not guessed.
import type { IntegrationShape } from '../model/shapes.js';
import { integrationAction, methodArn } from './addresses.js';
import { authorizerProblems } from './authorizers.js';
import { preflightAccessProblems } from './cors.js';
import { CLIENT, findingFrom, type ConditionFinding, type Problem } from './findings.js';
import type { PathFacts } from './facts.js';
import { resourcePolicyProblem } from './resource-policy.js';
import { cachedAcrossCallers } from './stage-settings.js';
import { actionProblem, trustProblem, type RoleReasons } from './role-checks.js';

const EXECUTION_ROLE: RoleReasons = {
  trustExcludes: 'TrustPolicyExcludesApi', trustDenies: 'TrustPolicyDenies', trustUnevaluated: 'TrustConditionsNotEvaluated',
  actionDenied: 'ActionDenied', actionNotAllowed: 'ActionNotAllowed', actionUnevaluated: 'PolicyConditionsNotEvaluated',
};

function executionRoleProblems(f: PathFacts, i: IntegrationShape, stage: string, httpMethod: string): Problem[] {
  const role = f.roles.get(i.credentials);
  if (!role) return [];
  if (!role.exists) return [{ reason: 'ExecutionRoleMissing', what: `execution role ${role.arn} does not exist: clients get ${CLIENT.internalError}.`, command: `aws iam get-role --role-name ${role.name}` }];
  const target = integrationAction(i);
  return [
    trustProblem(role, { arn: methodArn(f, stage, httpMethod), accountId: f.accountId }, CLIENT.internalError, EXECUTION_ROLE),
    target ? actionProblem(role, target, CLIENT.internalError, EXECUTION_ROLE) : undefined,
  ].flatMap((p) => (p ? [p] : []));
}

export function checkPermissions(f: PathFacts): ConditionFinding {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const stages = f.stages.filter((s) => s.exists).map((s) => s.name);
  for (const m of f.methods) {
    const where = `${m.httpMethod} ${f.path}`;
    const i = m.shape.integration;
    if (i && (i.type === 'AWS' || i.type === 'AWS_PROXY') && i.credentials) {
      problems.push(...executionRoleProblems(f, i, stages[0] ?? '*', m.httpMethod).map((p) => ({ ...p, what: `${where}: ${p.what}` })));
    }
    problems.push(...authorizerProblems(f, m));
    const policy = resourcePolicyProblem(f, m, stages);
    if (policy) problems.push(policy);
    const cached = cachedAcrossCallers(f, m);
    if (cached) problems.push(cached);
    if (m.shape.authorizationType === 'AWS_IAM') notes.push(`${where} uses AWS_IAM authorization: clients must sign requests with SigV4 and be allowed execute-api:Invoke; unsigned requests get ${CLIENT.missingToken}.`);
  }
  problems.push(...preflightAccessProblems(f));
  const ok = notes.length > 0 ? { reason: 'SigV4Required', message: notes.join(' ') } : { reason: 'PermissionsValid', message: `Nothing in IAM, the authorizers or the resource policy stands between clients and ${f.path}.` };
  return findingFrom('PermissionsReady', problems, ok);
}
