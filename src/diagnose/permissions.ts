// PermissionsReady (the 403 runbook): the execution role exists; its trust policy lets
// apigateway.amazonaws.com assume it, for this API (aws:SourceArn / aws:SourceAccount are evaluated,
// since API Gateway sends them); its attached and inline policies allow the integration's action on
// its target; the REST API's resource policy does not deny the method; and AWS_IAM methods are
// flagged because clients must sign with SigV4. Other policy conditions are reported, not guessed.
import type { IntegrationShape } from '../model/shapes.js';
import { evaluate, type PolicyDocument, type Statement } from './iam-policy.js';
import { CLIENT, findingFrom, type ConditionFinding, type Problem } from './findings.js';
import type { PathFacts, RoleFacts } from './facts.js';

const LAMBDA_FUNCTION = /:lambda:path\/2015-03-31\/functions\/(arn:[^/]+)\/invocations$/;
const SERVICE_ACTION = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:([a-z0-9.-]+):action\/([A-Za-z0-9]+)/;

/** The IAM action (and resource) an AWS integration performs with its credentials, when the URI says. */
export function integrationAction(i: IntegrationShape): { action: string; resource: string } | undefined {
  const fn = LAMBDA_FUNCTION.exec(i.uri)?.[1];
  if (fn) return { action: 'lambda:InvokeFunction', resource: fn };
  const action = SERVICE_ACTION.exec(i.uri);
  return action ? { action: `${action[1]}:${action[2]}`, resource: '*' } : undefined;
}

const withoutConditions = (doc: PolicyDocument): PolicyDocument => ({
  ...doc,
  Statement: (Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []).map((s): Statement => {
    const rest = { ...s };
    delete rest.Condition;
    return rest;
  }),
});

/** execute-api ARN of one method on one stage: arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH. */
export function methodArn(f: PathFacts, stage: string, httpMethod: string): string {
  return `arn:aws:execute-api:${f.region}:${f.accountId}:${f.restApiId}/${stage}/${httpMethod === 'ANY' ? '*' : httpMethod}${f.path === '/' ? '/' : f.path}`;
}

function checkTrust(f: PathFacts, role: RoleFacts, stage: string, httpMethod: string): Problem | undefined {
  const command = `aws iam get-role --role-name ${role.name} --query Role.AssumeRolePolicyDocument`;
  const trust = role.trustPolicy ?? {};
  const request = { action: 'sts:AssumeRole', principal: { type: 'Service' as const, id: 'apigateway.amazonaws.com' } };
  const context = { 'aws:SourceArn': methodArn(f, stage, httpMethod), 'aws:SourceAccount': f.accountId };
  const result = evaluate([trust], { ...request, context });
  if (result.decision === 'Allow') return undefined;
  if (result.unevaluated.length > 0 && result.decision === 'ImplicitDeny') {
    return { reason: 'TrustConditionsNotEvaluated', what: `role ${role.name} lets apigateway.amazonaws.com assume it only under conditions the operator cannot evaluate (${result.unevaluated.join(', ')}).`, command, undecided: true };
  }
  const ignoringConditions = evaluate([withoutConditions(trust)], request);
  return ignoringConditions.decision === 'Allow'
    ? { reason: 'TrustPolicyExcludesApi', what: `role ${role.name}'s trust policy conditions (aws:SourceArn / aws:SourceAccount) exclude ${context['aws:SourceArn']}: API Gateway cannot assume it and clients get ${CLIENT.internalError}.`, command }
    : { reason: 'TrustPolicyDenies', what: `role ${role.name}'s trust policy does not let apigateway.amazonaws.com assume it: clients get ${CLIENT.internalError}.`, command };
}

export function checkPermissions(f: PathFacts): ConditionFinding {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const stages = f.stages.filter((s) => s.exists).map((s) => s.name);
  const someStage = stages[0] ?? '*';
  for (const m of f.methods) {
    const where = `${m.httpMethod} ${f.path}`;
    const i = m.shape.integration;
    if (i && (i.type === 'AWS' || i.type === 'AWS_PROXY') && i.credentials) {
      const role = f.roles.get(i.credentials);
      if (role && !role.exists) {
        problems.push({ reason: 'ExecutionRoleMissing', what: `${where}: execution role ${role.arn} does not exist: clients get ${CLIENT.internalError}.`, command: `aws iam get-role --role-name ${role.name}` });
      } else if (role) {
        const trust = checkTrust(f, role, someStage, m.httpMethod);
        if (trust) problems.push({ ...trust, what: `${where}: ${trust.what}` });
        const target = integrationAction(i);
        if (target) {
          const result = evaluate(role.policies.map((p) => p.document), target);
          const command = `aws iam list-attached-role-policies --role-name ${role.name} && aws iam list-role-policies --role-name ${role.name}`;
          if (result.decision === 'ExplicitDeny') {
            problems.push({ reason: 'ActionDenied', what: `${where}: role ${role.name} is explicitly denied ${target.action} on ${target.resource} (${result.decidedBy}): clients get ${CLIENT.internalError}.`, command });
          } else if (result.decision === 'ImplicitDeny') {
            problems.push(
              result.unevaluated.length > 0
                ? { reason: 'PolicyConditionsNotEvaluated', what: `${where}: role ${role.name} is allowed ${target.action} on ${target.resource} only under conditions the operator does not evaluate (${result.unevaluated.join(', ')}).`, command, undecided: true }
                : { reason: 'ActionNotAllowed', what: `${where}: no attached or inline policy of role ${role.name} allows ${target.action} on ${target.resource}: clients get ${CLIENT.internalError}.`, command },
            );
          }
        }
      }
    }
    if (f.resourcePolicy) {
      for (const stage of stages) {
        const arn = methodArn(f, stage, m.httpMethod);
        const result = evaluate([f.resourcePolicy], { action: 'execute-api:Invoke', resource: arn, principal: { type: 'AWS', id: '*' } });
        if (result.decision === 'ExplicitDeny') {
          problems.push({ reason: 'ResourcePolicyDenies', what: `${where}: the REST API's resource policy denies execute-api:Invoke on ${arn} (${result.decidedBy}): clients get 403 {"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${arn} with an explicit deny"}.`, command: `aws apigateway get-rest-api --rest-api-id ${f.restApiId} --query policy` });
          break;
        }
      }
    }
    if (m.shape.authorizationType === 'AWS_IAM') notes.push(`${where} uses AWS_IAM authorization: clients must sign requests with SigV4 and be allowed execute-api:Invoke; unsigned requests get ${CLIENT.missingToken}.`);
  }
  const ok = notes.length > 0 ? { reason: 'SigV4Required', message: notes.join(' ') } : { reason: 'PermissionsValid', message: `Nothing in IAM or the resource policy stands between clients and ${f.path}.` };
  return findingFrom('PermissionsReady', problems, ok);
}
