// The 401/403/500 an authorizer causes (PermissionsReady): the method's authorizer is not in the REST
// API; API Gateway cannot invoke its function with the role it names (the trust policy for
// .../authorizers/ID and lambda:InvokeFunction on exactly that function, by the IAM evaluator); a
// browser is not allowed by the path's CORS to send the header the authorizer reads; a Cognito method
// without scopes beside methods of the same authorizer with them (access tokens work on one, not the
// other); and a cached REQUEST authorizer whose cache key is the same for every caller.
import { DEFAULT_ALLOW_HEADERS } from '../model/cors.js';
import { parseRef, type AuthorizerShape } from '../model/shapes.js';
import type { DesiredMethod } from '../model/state.js';
import type { Problem } from './findings.js';
import type { PathFacts } from './facts.js';
import { lambdaFunctionOf, resourceIdOf } from './addresses.js';
import { actionProblem, trustProblem, type RoleReasons } from './role-checks.js';

/** What clients get when API Gateway cannot run the authorizer (AuthorizerConfigurationException). */
const CONFIGURATION_ERROR = '500 {"message": null} (x-amzn-ErrorType: AuthorizerConfigurationException)';
const UNAUTHORIZED = '401 {"message":"Unauthorized"}';
const ROLE_REASONS: RoleReasons = {
  trustExcludes: 'AuthorizerRoleNotAssumable', trustDenies: 'AuthorizerRoleNotAssumable', trustUnevaluated: 'AuthorizerConditionsNotEvaluated',
  actionDenied: 'AuthorizerCannotInvoke', actionNotAllowed: 'AuthorizerCannotInvoke', actionUnevaluated: 'AuthorizerConditionsNotEvaluated',
};
/**
 * Identity sources that are the same for every caller of a stage: stage variables and the request
 * context that describes the API, not the caller. Any other source (a header, a query string,
 * $context.identity.sourceIp, ...) may tell callers apart, so a cache keyed by it is not reported.
 */
const SAME_FOR_EVERY_CALLER = /^(stageVariables\.|context\.(stage|apiId|accountId|httpMethod|resourceId|resourcePath|path|domainName|domainPrefix|protocol)$)/;

type Found = AuthorizerShape & { id: string; name: string };

function authorizerOf(f: PathFacts, ref: string): Found | undefined {
  const byName = parseRef(ref)?.name;
  for (const [name, a] of Object.entries(f.observed.authorizers)) if (byName ? name === byName : a.id === ref) return { ...a, name };
  return undefined;
}

const headersOf = (identitySource: string) =>
  identitySource.split(',').map((s) => s.trim()).flatMap((s) => (s.startsWith('method.request.header.') ? [s.slice('method.request.header.'.length)] : []));

function invokeProblems(f: PathFacts, a: Found, where: string): Problem[] {
  const fn = lambdaFunctionOf(a.authorizerUri);
  if (!a.credentials || !fn) return [];
  const role = f.roles.get(a.credentials);
  if (!role) return [];
  const prefix = `${where}: authorizer ${a.name}:`;
  if (!role.exists) return [{ reason: 'AuthorizerRoleMissing', what: `${prefix} its role ${role.arn} does not exist: clients get ${CONFIGURATION_ERROR}.`, command: `aws iam get-role --role-name ${role.name}` }];
  const source = { arn: `arn:aws:execute-api:${f.region}:${f.accountId}:${f.restApiId}/authorizers/${a.id}`, accountId: f.accountId };
  return [trustProblem(role, source, CONFIGURATION_ERROR, ROLE_REASONS), actionProblem(role, { action: 'lambda:InvokeFunction', resource: fn }, CONFIGURATION_ERROR, ROLE_REASONS)]
    .flatMap((p) => (p ? [{ ...p, what: `${prefix} ${p.what}` }] : []));
}

function corsProblem(f: PathFacts, a: Found, where: string): Problem | undefined {
  if (!f.cors) return undefined;
  const allowed = (f.cors.allowHeaders ?? DEFAULT_ALLOW_HEADERS).map((h) => h.toLowerCase());
  const refused = headersOf(a.identitySource).filter((h) => !allowed.includes(h.toLowerCase()));
  if (refused.length === 0) return undefined;
  return {
    reason: 'IdentityHeaderNotAllowedByCors',
    what: `${where}: authorizer ${a.name} reads header ${refused.join(', ')}, which the CORS preflight of ${f.path} does not allow browsers to send (allowHeaders: ${allowed.join(', ')}): browsers refuse the request (a CORS error, no response for the script), and a client sending it without the header gets ${UNAUTHORIZED}.`,
    command: `aws apigateway get-integration-response --rest-api-id ${f.restApiId} --resource-id ${resourceIdOf(f)} --http-method OPTIONS --status-code 200 --query responseParameters`,
  };
}

function scopesProblem(f: PathFacts, m: DesiredMethod, a: Found, where: string): Problem | undefined {
  if (m.shape.authorizationType !== 'COGNITO_USER_POOLS' || m.shape.authorizationScopes.length > 0) return undefined;
  const scoped = f.observed.methods.filter((o) => o.shape.authorizerId === a.id && o.shape.authorizationScopes.length > 0);
  if (scoped.length === 0) return undefined;
  return {
    reason: 'CognitoScopesMissing',
    what: `${where} has no authorizationScopes while ${scoped.map((o) => `${o.httpMethod} ${o.path}`).join(', ')} on authorizer ${a.name} ${scoped.length > 1 ? 'have' : 'has'} them: without scopes API Gateway accepts only ID tokens, so clients sending the access token that works there get ${UNAUTHORIZED} here.`,
    command: `aws apigateway get-method --rest-api-id ${f.restApiId} --resource-id ${resourceIdOf(f)} --http-method ${m.httpMethod} --query authorizationScopes`,
  };
}

function cacheProblem(f: PathFacts, a: Found, where: string): Problem | undefined {
  if (a.type !== 'REQUEST' || a.resultTtlSeconds === 0) return undefined;
  const sources = a.identitySource.split(',').map((s) => s.trim()).filter(Boolean);
  if (!sources.every((s) => SAME_FOR_EVERY_CALLER.test(s))) return undefined;
  return {
    reason: 'AuthorizerCacheShared',
    what: `${where}: REQUEST authorizer ${a.name} caches its answer for ${a.resultTtlSeconds} s keyed by ${sources.join(', ') || 'nothing'}, which is the same for every caller: the first caller's Allow or Deny is served to everyone for that time (others get 403 {"Message":"User is not authorized to access this resource"} or are let in). Add the header or query string that identifies the caller, or set resultTtlSeconds to 0.`,
    command: `aws apigateway get-authorizer --rest-api-id ${f.restApiId} --authorizer-id ${a.id} --query "[identitySource,authorizerResultTtlInSeconds]"`,
  };
}

export function authorizerProblems(f: PathFacts, m: DesiredMethod): Problem[] {
  const type = m.shape.authorizationType;
  if (type !== 'CUSTOM' && type !== 'COGNITO_USER_POOLS') return [];
  const where = `${m.httpMethod} ${f.path}`;
  const a = authorizerOf(f, m.shape.authorizerId);
  if (!a) {
    const named = parseRef(m.shape.authorizerId)?.name ?? m.shape.authorizerId;
    return [{
      reason: 'AuthorizerMissing',
      what: `${where} uses authorizer ${named}, which REST API ${f.restApiId} does not have: API Gateway refuses the method with it (BadRequestException: Invalid authorizer ID specified), so clients get the method as AWS last accepted it.`,
      command: `aws apigateway get-authorizers --rest-api-id ${f.restApiId} --query "items[].[id,name,type]"`,
    }];
  }
  return [...invokeProblems(f, a, where), corsProblem(f, a, where), scopesProblem(f, m, a, where), cacheProblem(f, a, where)].flatMap((p) => (p ? [p] : []));
}
