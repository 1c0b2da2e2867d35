// CORS, as a browser meets it. ResourcePathReady: the path has its preflight, the preflight and the
// non-proxy methods answer with Access-Control-Allow-Origin, and so do the gateway responses (without
// it a browser reports every 401, 403, 429 or 5xx that API Gateway answers itself as a CORS error and
// the script never sees the status). PermissionsReady: the preflight asks for no authorizer and no API
// key, since browsers never send credentials on one. IntegrationReady: a proxy integration's backend
// must send the headers itself (API Gateway adds none), which the operator cannot see, so it is said.
import { CORS_GATEWAY_RESPONSES } from '../model/cors.js';
import type { ObservedMethod } from '../model/state.js';
import { resourceIdOf } from './addresses.js';
import { CLIENT, type Problem } from './findings.js';
import type { PathFacts } from './facts.js';

const ALLOW_ORIGIN = 'method.response.header.Access-Control-Allow-Origin';
const GATEWAY_ALLOW_ORIGIN = 'gatewayresponse.header.Access-Control-Allow-Origin';
const CORS_ERROR = 'browsers report a CORS error and scripts see no response';

const isProxy = (m: ObservedMethod) => m.shape.integration?.type.endsWith('_PROXY') ?? false;
const preflightOf = (f: PathFacts) => f.observed.methods.find((o) => o.path === f.path && o.httpMethod === 'OPTIONS');

/** Status codes a non-proxy method answers (integration responses with a method response) without Access-Control-Allow-Origin. */
const withoutOrigin = (m: ObservedMethod) =>
  Object.entries(m.shape.integration?.responses ?? {}).filter(([code, r]) => code in m.shape.responses && !(ALLOW_ORIGIN in r.responseParameters)).map(([code]) => code);

export function preflightProblems(f: PathFacts): Problem[] {
  if (!f.cors) return [];
  const problems: Problem[] = [];
  const id = f.restApiId;
  const resourceId = resourceIdOf(f);
  const preflight = preflightOf(f);
  const resourceExists = f.path === '/' || f.observed.resources.some((r) => r.path === f.path);
  if (!preflight && resourceExists) {
    problems.push({
      reason: 'PreflightMissing',
      what: `${f.path} has CORS but no OPTIONS method in REST API ${id}: a browser's preflight gets ${CLIENT.missingToken}, so ${CORS_ERROR} for every cross-origin request with a JSON body or a custom header.`,
      command: `aws apigateway get-method --rest-api-id ${id} --resource-id ${resourceId} --http-method OPTIONS`,
    });
  } else if (preflight && !isProxy(preflight) && withoutOrigin(preflight).length > 0) {
    problems.push({
      reason: 'PreflightWithoutCorsHeaders',
      what: `OPTIONS ${f.path} answers without Access-Control-Allow-Origin (integration response ${withoutOrigin(preflight).join(', ')}): the preflight fails, so ${CORS_ERROR}.`,
      command: `aws apigateway get-integration-response --rest-api-id ${id} --resource-id ${resourceId} --http-method OPTIONS --status-code ${withoutOrigin(preflight)[0]!} --query responseParameters`,
    });
  }
  for (const m of f.methods.filter((x) => x.httpMethod !== 'OPTIONS')) {
    const live = f.observed.methods.find((o) => o.path === f.path && o.httpMethod === m.httpMethod);
    const codes = live && !isProxy(live) ? withoutOrigin(live) : [];
    if (codes.length === 0) continue;
    problems.push({
      reason: 'ResponseWithoutCorsHeader',
      what: `${m.httpMethod} ${f.path} answers status ${codes.join(', ')} without Access-Control-Allow-Origin: ${CORS_ERROR}, though the request succeeded.`,
      command: `aws apigateway get-integration-response --rest-api-id ${id} --resource-id ${resourceId} --http-method ${m.httpMethod} --status-code ${codes[0]!} --query responseParameters`,
    });
  }
  const bare = [...new Set([...CORS_GATEWAY_RESPONSES, ...Object.keys(f.observed.gatewayResponses)])]
    .filter((type) => !(GATEWAY_ALLOW_ORIGIN in (f.observed.gatewayResponses[type]?.responseParameters ?? {})))
    .sort();
  if (bare.length > 0) {
    problems.push({
      reason: 'GatewayResponsesWithoutCors',
      what: `gateway response${bare.length > 1 ? 's' : ''} ${bare.join(', ')} of REST API ${id} ${bare.length > 1 ? 'carry' : 'carries'} no Access-Control-Allow-Origin: when API Gateway answers a browser itself (a 401 from an authorizer, a 403, a 429, a 504), ${CORS_ERROR} instead of the status.`,
      command: `aws apigateway get-gateway-response --rest-api-id ${id} --response-type ${bare[0]!} --query responseParameters`,
    });
  }
  return problems;
}

export function preflightAccessProblems(f: PathFacts): Problem[] {
  const preflight = f.cors ? preflightOf(f) : undefined;
  if (!preflight) return [];
  const command = `aws apigateway get-method --rest-api-id ${f.restApiId} --resource-id ${resourceIdOf(f)} --http-method OPTIONS --query "[authorizationType,authorizerId,apiKeyRequired]"`;
  const problems: Problem[] = [];
  const auth = preflight.shape.authorizationType;
  if (auth !== 'NONE') {
    const answer = auth === 'AWS_IAM' ? CLIENT.missingToken : '401 {"message":"Unauthorized"}';
    problems.push({ reason: 'PreflightRequiresAuthorization', what: `OPTIONS ${f.path} (the CORS preflight) requires ${auth} authorization, but browsers never send credentials on a preflight: it gets ${answer}, so ${CORS_ERROR}.`, command });
  }
  if (preflight.shape.apiKeyRequired) {
    problems.push({ reason: 'PreflightRequiresApiKey', what: `OPTIONS ${f.path} (the CORS preflight) requires an API key, but browsers send no x-api-key on a preflight: it gets ${CLIENT.forbidden}, so ${CORS_ERROR}.`, command });
  }
  return problems;
}

/** Proxy methods of a path with CORS: their backend must send the headers; said, since it cannot be checked here. */
export function corsBackendNotes(f: PathFacts): string[] {
  if (!f.cors) return [];
  const proxies = f.methods.filter((m) => m.shape.integration?.type.endsWith('_PROXY'));
  if (proxies.length === 0) return [];
  const origins = f.cors.allowOrigins.join(', ');
  return [`${proxies.map((m) => `${m.httpMethod} ${f.path}`).join(', ')} ${proxies.length > 1 ? 'are proxy integrations' : 'is a proxy integration'}: API Gateway passes the backend's headers through and adds none, so the backend must answer with Access-Control-Allow-Origin (${origins}) itself, or browsers report a CORS error.`];
}
