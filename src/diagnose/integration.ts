// IntegrationReady (integration failures, 5xx): each method's integration exists and is what the spec
// says; its URI's stage variables are defined on every stage; its VPC link is AVAILABLE; its timeout
// is within API Gateway's 50..29,000 ms; AWS service URIs and Lambda ARNs are well formed; the
// credentials role exists; and the request contract checked before it (validation.ts). All from the
// shared snapshot, plus the VPC link and role reads.
import { samePolicy } from '../model/roles.js';
import type { IntegrationShape } from '../model/shapes.js';
import { resourceIdOf } from './addresses.js';
import { corsBackendNotes } from './cors.js';
import { CLIENT, findingFrom, type ConditionFinding, type Problem } from './findings.js';
import type { PathFacts } from './facts.js';
import { logsWithoutRole } from './stage-settings.js';
import { validationProblems } from './validation.js';

const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;
/** arn:aws:apigateway:{region}:{service}:{path|action}/{...}, per API Gateway's PutIntegration docs. */
const SERVICE_URI = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:[a-z0-9.-]+:(path|action)\/.+$/;
const LAMBDA_URI = /:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
export const TIMEOUT_RANGE = { min: 50, max: 29_000 } as const;

export function stageVariablesIn(text: string): string[] {
  return [...text.matchAll(STAGE_VARIABLE)].map((m) => m[1]!);
}

function differences(want: IntegrationShape, have: IntegrationShape): string[] {
  return (Object.keys(want) as (keyof IntegrationShape)[]).filter((k) => !samePolicy(want[k], have[k]));
}

export function checkIntegration(f: PathFacts): ConditionFinding {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const id = f.restApiId;
  const resourceId = resourceIdOf(f);
  for (const m of f.methods) {
    const command = `aws apigateway get-integration --rest-api-id ${id} --resource-id ${resourceId} --http-method ${m.httpMethod}`;
    const where = `${m.httpMethod} ${f.path}`;
    const observed = f.observed.methods.find((o) => o.path === f.path && o.httpMethod === m.httpMethod);
    const validation = validationProblems(f, m);
    problems.push(...validation.problems);
    notes.push(...validation.notes);
    const want = m.shape.integration;
    if (!want) continue;
    if (observed && !observed.shape.integration) {
      problems.push({ reason: 'IntegrationMissing', what: `${where} has no integration in REST API ${id}: clients get ${CLIENT.internalError}.`, command });
      continue;
    }
    const have = observed?.shape.integration;
    if (have) {
      const fields = differences(want, have);
      if (fields.length > 0) problems.push({ reason: 'IntegrationDiffers', what: `${where}: the integration's ${fields.join(', ')} in AWS differ from the spec: clients get what AWS has, not what the spec says.`, command });
    }
    const live = have ?? want;
    for (const s of f.stages.filter((x) => x.exists)) {
      const missing = [...new Set([...stageVariablesIn(live.uri), ...stageVariablesIn(live.connectionId)])].filter((v) => !(v in s.variables));
      if (missing.length > 0) {
        problems.push({
          reason: 'UndefinedStageVariable',
          what: `${where}: the integration uses ${missing.map((v) => `\${stageVariables.${v}}`).join(', ')}, which stage ${s.name} does not define: its clients get ${CLIENT.internalError}.`,
          command: `aws apigateway get-stage --rest-api-id ${id} --stage-name ${s.name} --query variables`,
        });
      }
    }
    if (live.connectionType === 'VPC_LINK' && live.connectionId && stageVariablesIn(live.connectionId).length === 0) {
      const status = f.vpcLinks.get(live.connectionId);
      if (status !== undefined && status !== 'AVAILABLE') {
        problems.push({ reason: 'VpcLinkNotAvailable', what: `${where}: VPC link ${live.connectionId} is ${status}, not AVAILABLE: clients get ${CLIENT.internalError}.`, command: `aws apigateway get-vpc-link --vpc-link-id ${live.connectionId} --query status` });
      }
    }
    if (live.type !== 'MOCK' && (live.timeoutInMillis < TIMEOUT_RANGE.min || live.timeoutInMillis > TIMEOUT_RANGE.max)) {
      problems.push({ reason: 'TimeoutOutOfRange', what: `${where}: the integration timeout is ${live.timeoutInMillis} ms, outside API Gateway's ${TIMEOUT_RANGE.min}..${TIMEOUT_RANGE.max} ms: requests slower than the limit get 504 {"message": "Endpoint request timed out"}.`, command });
    }
    if (live.type === 'AWS' || live.type === 'AWS_PROXY') {
      const lambda = LAMBDA_URI.exec(live.uri)?.[1];
      if (!SERVICE_URI.test(live.uri) || (lambda !== undefined && !LAMBDA_ARN.test(lambda))) {
        problems.push({
          reason: 'MalformedUri',
          what: `${where}: the integration URI ${live.uri} is not ${lambda !== undefined ? 'a Lambda invocation URI with a valid function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)' : 'an AWS service URI (arn:aws:apigateway:REGION:SERVICE:path|action/...)'}: clients get ${CLIENT.internalError}.`,
          command,
        });
      }
    }
    const role = live.credentials ? f.roles.get(live.credentials) : undefined;
    if (role && !role.exists) {
      problems.push({ reason: 'CredentialsRoleMissing', what: `${where}: the integration's credentials role ${role.arn} does not exist: clients get ${CLIENT.internalError}.`, command: `aws iam get-role --role-name ${role.name}` });
    }
  }
  const logs = logsWithoutRole(f);
  if (logs) problems.push(logs);
  const backend = corsBackendNotes(f);
  const message = [`The integrations of ${f.path} match the spec and their stages, links and roles are in place.`, ...notes, ...backend].join(' ');
  return findingFrom('IntegrationReady', problems, { reason: backend.length > 0 ? 'CorsFromBackend' : 'IntegrationsValid', message });
}
