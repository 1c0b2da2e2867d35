// The two questions a role API Gateway assumes must both answer yes to: may apigateway.amazonaws.com
// assume it for this source (aws:SourceArn / aws:SourceAccount are evaluated, since API Gateway sends
// them), and may the role then do the action on the target? Shared by integrations' execution roles and
// authorizers' roles; each caller names its reasons and what its clients see when the answer is no.
import { evaluate, type PolicyDocument, type Statement } from './iam-policy.js';
import type { Problem } from './findings.js';
import type { RoleFacts } from './facts.js';

export interface RoleReasons {
  /** Trust policy conditions exclude this source, or the service is not trusted at all. */
  trustExcludes: string;
  trustDenies: string;
  trustUnevaluated: string;
  actionDenied: string;
  actionNotAllowed: string;
  actionUnevaluated: string;
}

const withoutConditions = (doc: PolicyDocument): PolicyDocument => ({
  ...doc,
  Statement: (Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []).map((s): Statement => {
    const rest = { ...s };
    delete rest.Condition;
    return rest;
  }),
});

/** `clientsGet`: what clients see when API Gateway cannot use the role. */
export function trustProblem(role: RoleFacts, source: { arn: string; accountId: string }, clientsGet: string, reasons: RoleReasons): Problem | undefined {
  const command = `aws iam get-role --role-name ${role.name} --query Role.AssumeRolePolicyDocument`;
  const trust = role.trustPolicy ?? {};
  const request = { action: 'sts:AssumeRole', principal: { type: 'Service' as const, id: 'apigateway.amazonaws.com' } };
  const result = evaluate([trust], { ...request, context: { 'aws:SourceArn': source.arn, 'aws:SourceAccount': source.accountId } });
  if (result.decision === 'Allow') return undefined;
  if (result.unevaluated.length > 0 && result.decision === 'ImplicitDeny') {
    return { reason: reasons.trustUnevaluated, what: `role ${role.name} lets apigateway.amazonaws.com assume it only under conditions the operator cannot evaluate (${result.unevaluated.join(', ')}).`, command, undecided: true };
  }
  return evaluate([withoutConditions(trust)], request).decision === 'Allow'
    ? { reason: reasons.trustExcludes, what: `role ${role.name}'s trust policy conditions (aws:SourceArn / aws:SourceAccount) exclude ${source.arn}: API Gateway cannot assume it and clients get ${clientsGet}.`, command }
    : { reason: reasons.trustDenies, what: `role ${role.name}'s trust policy does not let apigateway.amazonaws.com assume it: clients get ${clientsGet}.`, command };
}

export function actionProblem(role: RoleFacts, target: { action: string; resource: string }, clientsGet: string, reasons: RoleReasons): Problem | undefined {
  const result = evaluate(role.policies.map((p) => p.document), target);
  const command = `aws iam list-attached-role-policies --role-name ${role.name} && aws iam list-role-policies --role-name ${role.name}`;
  if (result.decision === 'ExplicitDeny') {
    return { reason: reasons.actionDenied, what: `role ${role.name} is explicitly denied ${target.action} on ${target.resource} (${result.decidedBy}): clients get ${clientsGet}.`, command };
  }
  if (result.decision === 'Allow') return undefined;
  return result.unevaluated.length > 0
    ? { reason: reasons.actionUnevaluated, what: `role ${role.name} is allowed ${target.action} on ${target.resource} only under conditions the operator does not evaluate (${result.unevaluated.join(', ')}).`, command, undecided: true }
    : { reason: reasons.actionNotAllowed, what: `no attached or inline policy of role ${role.name} allows ${target.action} on ${target.resource}: clients get ${clientsGet}.`, command };
}
