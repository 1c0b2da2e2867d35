// The 403 a resource policy causes, for execute-api:Invoke (AWS's "authorization workflow" tables): an
// explicit deny refuses every caller; a method with no authorization or a Cognito authorizer needs an
// explicit Allow; with AWS_IAM or a Lambda authorizer, in the same account, the caller's own policy (or
// the authorizer's) may allow what the resource policy is silent on, so silence is not reported. A
// statement whose condition the operator cannot evaluate (aws:SourceIp, aws:PrincipalOrgID, ...)
// makes the answer Unknown, never a guess. A PRIVATE API is evaluated once per
// VPC endpoint it lists, with aws:SourceVpce set to it, as requests through that endpoint carry it.
import type { DesiredMethod } from '../model/state.js';
import { evaluate } from './iam-policy.js';
import type { Problem } from './findings.js';
import type { PathFacts } from './facts.js';
import { methodArn } from './addresses.js';

const anonymousDenied = (arn: string, how: 'an explicit deny' | 'no allow') =>
  `403 {"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${arn}${how === 'an explicit deny' ? ' with an explicit deny' : ''}"}`;

/** What one caller through each listed VPC endpoint (or any caller) brings as context. */
function callers(f: PathFacts): { through: string; context: Record<string, string> }[] {
  const endpoints = f.observed.settings.endpointType === 'PRIVATE' ? f.observed.settings.vpcEndpointIds : [];
  return endpoints.length > 0 ? endpoints.map((id) => ({ through: ` through ${id}`, context: { 'aws:SourceVpce': id } })) : [{ through: '', context: {} }];
}

/** At most one problem per method: the first stage and caller the policy refuses. */
export function resourcePolicyProblem(f: PathFacts, m: DesiredMethod, stages: readonly string[]): Problem | undefined {
  if (!f.resourcePolicy) return undefined;
  const command = `aws apigateway get-rest-api --rest-api-id ${f.restApiId} --query policy`;
  const where = `${m.httpMethod} ${f.path}`;
  const needsAllow = m.shape.authorizationType === 'NONE' || m.shape.authorizationType === 'COGNITO_USER_POOLS';
  for (const stage of stages) {
    const arn = methodArn(f, stage, m.httpMethod);
    for (const caller of callers(f)) {
      const result = evaluate([f.resourcePolicy], { action: 'execute-api:Invoke', resource: arn, principal: { type: 'AWS', id: '*' }, context: caller.context });
      if (result.decision === 'ExplicitDeny') {
        return { reason: 'ResourcePolicyDenies', what: `${where}: the REST API's resource policy denies execute-api:Invoke on ${arn}${caller.through} (${result.decidedBy}): clients get ${anonymousDenied(arn, 'an explicit deny')}.`, command };
      }
      if (result.decision === 'Allow' && result.unevaluatedDenies.length === 0) continue;
      if (result.decision === 'ImplicitDeny' && !needsAllow) continue;
      if (result.unevaluated.length > 0) {
        const maybe = result.decision === 'Allow' ? `allows execute-api:Invoke on ${arn}${caller.through} unless ${result.unevaluatedDenies.join(', ')} denies it` : `allows execute-api:Invoke on ${arn}${caller.through} only if ${result.unevaluated.join(', ')} applies`;
        return { reason: 'ResourcePolicyConditionsNotEvaluated', what: `${where}: the REST API's resource policy ${maybe}, under conditions the operator does not evaluate (they depend on the caller).`, command, undecided: true };
      }
      return { reason: 'ResourcePolicyNoAllow', what: `${where}: the REST API's resource policy has no statement that allows execute-api:Invoke on ${arn}${caller.through}: clients get ${anonymousDenied(arn, 'no allow')}${m.shape.authorizationType === 'COGNITO_USER_POOLS' ? ' (a Cognito user pool authorizer needs an explicit Allow)' : ''}.`, command };
    }
  }
  return undefined;
}
