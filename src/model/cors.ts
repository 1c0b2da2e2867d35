// CORS, derived (so users do not repeat it per method): each path with CORS gets an OPTIONS preflight
// (MOCK, no authorizer, no API key: a preflight never carries credentials, so one behind an authorizer
// or a key fails in every browser), non-proxy methods get Access-Control-Allow-Origin on their
// responses, and the gateway responses get it too (without it a browser reports every 4XX/5XX that API
// Gateway answers itself, a 401 or a 429, as a CORS failure and hides the status). Pure.
import type { Cors, PathCors } from '../api/access.js';
import type { GatewayResponseShape, MethodShape } from './shapes.js';
import { TIMEOUT_MILLIS } from '../api/rest-path.js';
import { DEFAULT_PASSTHROUGH } from './normalize.js';

export const DEFAULT_ALLOW_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token'];
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
/** The gateway responses that must carry the headers when none more specific is customized. */
export const CORS_GATEWAY_RESPONSES = ['DEFAULT_4XX', 'DEFAULT_5XX'] as const;
/** API Gateway's own body for its gateway responses (a put without templates would store none). */
export const DEFAULT_GATEWAY_TEMPLATE = { 'application/json': '{"message":$context.error.messageString}' };

export type EffectiveCors = Required<Pick<Cors, 'allowOrigins'>> & Omit<Cors, 'allowOrigins'>;

/** The CORS a path has: its own, else the RestApi's default; undefined when none or turned off. */
export function effectiveCors(api: Cors | undefined, path: PathCors | undefined): EffectiveCors | undefined {
  if (path?.enabled === false) return undefined;
  if (path?.allowOrigins) {
    const { enabled: _e, ...rest } = path;
    return { ...rest, allowOrigins: path.allowOrigins };
  }
  return api;
}

const quoted = (v: string) => `'${v}'`;
const header = (name: string) => `method.response.header.${name}`;

/**
 * With several origins no static header can be right: a template echoes the request's Origin when
 * it is one of them ($context.responseOverride), and Vary: Origin keeps caches from mixing them.
 */
export function originTemplate(origins: readonly string[]): string {
  const test = origins.map((o) => `$origin == "${o}"`).join(' || ');
  return `#set($origin = $input.params().header.get("Origin"))#if("$!origin" == "")#set($origin = $input.params().header.get("origin"))#end#if(${test})#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end`;
}

const single = (c: EffectiveCors): string | undefined => (c.allowOrigins.length === 1 ? c.allowOrigins[0] : c.allowOrigins.includes('*') ? '*' : undefined);

/** The headers every CORS response carries (Allow-Origin unless several origins need the template). */
function responseHeaders(c: EffectiveCors): Record<string, string> {
  const origin = single(c);
  return {
    ...(origin ? { 'Access-Control-Allow-Origin': quoted(origin) } : { 'Access-Control-Allow-Origin': quoted(c.allowOrigins[0]!), Vary: quoted('Origin') }),
    ...(c.allowCredentials ? { 'Access-Control-Allow-Credentials': quoted('true') } : {}),
    ...(c.exposeHeaders?.length ? { 'Access-Control-Expose-Headers': quoted([...c.exposeHeaders].sort().join(',')) } : {}),
  };
}

export function allowedMethods(c: EffectiveCors, declared: readonly string[]): string[] {
  if (c.allowMethods?.length) return [...new Set([...c.allowMethods, 'OPTIONS'])].sort();
  return declared.includes('ANY') ? ALL_METHODS : [...new Set([...declared, 'OPTIONS'])].sort();
}

/** The OPTIONS method of a path with CORS: MOCK answering 200 with the Access-Control-* headers. */
export function preflightShape(c: EffectiveCors, declared: readonly string[]): MethodShape {
  const headers: Record<string, string> = {
    ...responseHeaders(c),
    'Access-Control-Allow-Methods': quoted(allowedMethods(c, declared).join(',')),
    'Access-Control-Allow-Headers': quoted([...(c.allowHeaders ?? DEFAULT_ALLOW_HEADERS)].join(',')),
    ...(c.maxAgeSeconds !== undefined ? { 'Access-Control-Max-Age': quoted(String(c.maxAgeSeconds)) } : {}),
  };
  delete headers['Access-Control-Expose-Headers']; // only actual responses expose headers
  const names = Object.keys(headers).sort();
  return {
    authorizationType: 'NONE',
    authorizerId: '',
    authorizationScopes: [],
    apiKeyRequired: false,
    operationName: '',
    requestParameters: {},
    requestValidatorId: '',
    requestModels: {},
    responses: { '200': { responseParameters: Object.fromEntries(names.map((n) => [header(n), false])), responseModels: {} } },
    integration: {
      type: 'MOCK',
      uri: '',
      httpMethod: '',
      connectionType: 'INTERNET',
      connectionId: '',
      timeoutInMillis: TIMEOUT_MILLIS.max,
      requestParameters: {},
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      cacheKeyParameters: [],
      passthroughBehavior: DEFAULT_PASSTHROUGH,
      contentHandling: '',
      credentials: '',
      responses: {
        '200': {
          selectionPattern: '',
          responseParameters: Object.fromEntries(names.map((n) => [header(n), headers[n]!])),
          responseTemplates: single(c) ? {} : { 'application/json': originTemplate(c.allowOrigins) },
          contentHandling: '',
        },
      },
    },
  };
}

/**
 * A non-proxy method with the CORS headers on every response it maps (a proxy integration passes the
 * backend's headers through: the backend sends them). What the user declared for a header wins.
 */
export function withCorsHeaders(shape: MethodShape, c: EffectiveCors): MethodShape {
  const integration = shape.integration;
  if (!integration || integration.type.endsWith('_PROXY')) return shape;
  const headers = responseHeaders(c);
  const template = single(c) ? undefined : originTemplate(c.allowOrigins);
  const responses: MethodShape['responses'] = {};
  for (const [code, r] of Object.entries(shape.responses)) {
    responses[code] = { ...r, responseParameters: { ...Object.fromEntries(Object.keys(headers).map((n) => [header(n), false])), ...r.responseParameters } };
  }
  const integrationResponses: typeof integration.responses = {};
  for (const [code, r] of Object.entries(integration.responses)) {
    const templates = template
      ? Object.fromEntries(Object.entries(Object.keys(r.responseTemplates).length > 0 ? r.responseTemplates : { 'application/json': '$input.body' }).map(([type, body]) => [type, body.startsWith(template) ? body : `${template}${body}`]))
      : r.responseTemplates;
    integrationResponses[code] = {
      ...r,
      responseParameters: { ...Object.fromEntries(Object.entries(headers).filter(() => code in responses).map(([n, v]) => [header(n), v])), ...r.responseParameters },
      responseTemplates: templates,
    };
  }
  return { ...shape, responses, integration: { ...integration, responses: integrationResponses } };
}

/**
 * A gateway response with the CORS headers. A template cannot run here, so several origins are
 * answered with the caller's own Origin header (the body is API Gateway's error message, nothing of
 * the backend's). What the user declared for a header wins.
 */
export function gatewayResponseWithCors(r: GatewayResponseShape | undefined, c: EffectiveCors): GatewayResponseShape {
  const origin = single(c);
  const headers: Record<string, string> = {
    'gatewayresponse.header.Access-Control-Allow-Origin': origin ? quoted(origin) : 'method.request.header.origin',
    ...(c.allowCredentials ? { 'gatewayresponse.header.Access-Control-Allow-Credentials': quoted('true') } : {}),
    ...(c.exposeHeaders?.length ? { 'gatewayresponse.header.Access-Control-Expose-Headers': quoted([...c.exposeHeaders].sort().join(',')) } : {}),
    ...(origin ? {} : { 'gatewayresponse.header.Vary': quoted('Origin') }),
  };
  const base = r ?? { statusCode: '', responseParameters: {}, responseTemplates: { ...DEFAULT_GATEWAY_TEMPLATE } };
  return { ...base, responseParameters: { ...headers, ...base.responseParameters } };
}

/** The origins of the API-wide gateway responses: the RestApi's, else every origin some path allows. */
export function gatewayCors(api: Cors | undefined, paths: readonly (EffectiveCors | undefined)[]): EffectiveCors | undefined {
  if (api) return api;
  const present = paths.filter((c): c is EffectiveCors => c !== undefined);
  if (present.length === 0) return undefined;
  return {
    allowOrigins: [...new Set(present.flatMap((c) => c.allowOrigins))].sort(),
    ...(present.some((c) => c.allowCredentials) ? { allowCredentials: true } : {}),
    exposeHeaders: [...new Set(present.flatMap((c) => c.exposeHeaders ?? []))].sort(),
  };
}
