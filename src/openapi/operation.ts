// One OpenAPI operation -> one RestPath method: its parameters, body models, responses, validator,
// security and integration. Swagger 2.0 and OpenAPI 3.x differ only in where bodies and response
// schemas live. Pure.
import type { Integration } from '../api/integration.js';
import type { Method } from '../api/rest-path.js';
import { isObj, list, obj, str, X, type Obj, type SpecVersion } from './document.js';
import { integrationOf, notImplementedMock, proxyTo, type MissingIntegration } from './integration.js';
import { capped, cappedMap, type Notes } from './notes.js';
import type { ModelCatalog } from './schemas.js';
import { authorizationOf, type Security } from './security.js';

const MAX_PARAMETERS = 50;
const MAX_RESPONSES = 20;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const PARAMETER_PLACES: Readonly<Record<string, string>> = { path: 'path', query: 'querystring', header: 'header' };
/** What an export marks a multi-value query string or header parameter with (OpenAPI has no word for it). */
export const MULTI_VALUE = 'x-restpath-multi-value';
/** Operation extensions read here; any other x-amazon-apigateway-* one is noted. */
const READ_EXTENSIONS = new Set([`${X}integration`, `${X}request-validator`]);

export interface OperationContext {
  version: SpecVersion;
  path: string;
  models: ModelCatalog;
  security: Security;
  /** The document's security (operations without their own use it). */
  defaultSecurity: unknown;
  /** The document's x-amazon-apigateway-request-validator, by validator name. */
  defaultValidator: string | undefined;
  validators: ReadonlyMap<string, string>;
  missingIntegration: MissingIntegration;
  notes: Notes;
  /** See ImportOptions.asExported. */
  asExported: boolean;
  /** Swagger 2.0's document-wide media types (bodies and responses without their own). */
  consumes: string[];
  produces: string[];
  /** Proxy operations whose documented responses have no method responses (noted once per document). */
  proxyResponses: string[];
}

/** `where` is the operation's place in the document (paths./pets.get), for the notes. */
export function methodOf(httpMethod: string, op: Obj, pathParameters: unknown[], where: string, c: OperationContext): Method | undefined {
  const x = op[`${X}integration`];
  let integration: Integration | undefined;
  let mockStatus: string | undefined;
  for (const key of Object.keys(op).filter((k) => k.startsWith(X) && !READ_EXTENSIONS.has(k))) c.notes.add(`${where}.${key}`, 'ExtensionNotSupported', `${key} has no RestPath field: left out`);
  if (isObj(x)) integration = integrationOf(x, httpMethod, where, c.notes, c.asExported);
  else if (c.missingIntegration.kind === 'http-proxy') {
    integration = proxyTo(c.missingIntegration.baseUrl, c.path, httpMethod);
    c.notes.add(where, 'NoIntegration', `no ${X}integration: HTTP_PROXY to ${integration.uri}`);
  } else {
    ({ integration, statusCode: mockStatus } = notImplementedMock());
    c.notes.add(where, 'NoIntegration', `no ${X}integration: a MOCK answering 501 (give --backend URL for an HTTP_PROXY)`);
  }
  if (!integration) return undefined;
  const proxy = integration.type.endsWith('_PROXY');
  const method: Method = { httpMethod: httpMethod as Method['httpMethod'], integration };
  const operationId = str(op.operationId);
  if (operationId) method.operationName = operationId.slice(0, 256);
  const requestParameters = parametersOf([...pathParameters, ...list(op.parameters)], where, c);
  if (Object.keys(requestParameters).length > 0) method.requestParameters = requestParameters;
  const inlineName = (operationId ?? `${httpMethod}${c.path}`).replace(/[^a-zA-Z0-9]/g, '');
  const requestModels = bodyModelsOf(op, `${inlineName}Request`, where, c);
  if (Object.keys(requestModels).length > 0) method.requestModels = requestModels;
  const validator = str(op[`${X}request-validator`]) ?? c.defaultValidator;
  if (validator !== undefined) {
    const name = c.validators.get(validator);
    if (name) method.requestValidator = name;
    else c.notes.add(where, 'InvalidValue', `request validator ${JSON.stringify(validator)} is not among ${X}request-validators: left out`);
  }
  Object.assign(method, authorizationOf(op.security ?? c.defaultSecurity, c.security, where, c.notes));
  if (proxy && Object.keys(obj(op.responses)).length > 0) c.proxyResponses.push(where);
  if (!proxy) {
    const documented = responsesOf(op, obj(op.responses), `${inlineName}Response`, where, c);
    // Every integration response needs a method response of its status (API Gateway refuses one
    // without): those come first, so that a cut at the limit never leaves one without.
    const needed = [...(integration.responses ?? []).map((r) => r.statusCode), ...(mockStatus ? [mockStatus] : [])];
    const responses = [
      ...needed.map((s) => documented.find((m) => m.statusCode === s) ?? { statusCode: s }),
      ...documented.filter((m) => !needed.includes(m.statusCode)),
    ].filter((m, i, all) => all.findIndex((n) => n.statusCode === m.statusCode) === i);
    if (responses.length > 0) method.methodResponses = capped(responses, MAX_RESPONSES, where, 'method responses', c.notes);
  }
  if (integration.cacheKeyParameters) {
    const cacheKeys = [...new Set(integration.cacheKeyParameters)].filter((k) => method.requestParameters?.[k] !== undefined).slice(0, 20);
    if (cacheKeys.length !== integration.cacheKeyParameters.length) c.notes.add(where, 'InvalidValue', 'cacheKeyParameters that are not request parameters of the method, repeated, or past 20 are left out');
    if (cacheKeys.length > 0) integration.cacheKeyParameters = cacheKeys;
    else delete integration.cacheKeyParameters;
  }
  return method;
}

function parametersOf(parameters: unknown[], where: string, c: OperationContext): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const p of parameters.map(obj)) {
    const place = str(p.in) ?? '';
    const name = str(p.name) ?? '';
    if (place === 'body') continue;
    const mapped = PARAMETER_PLACES[place];
    if (!mapped || !name || /\s/.test(name)) {
      c.notes.add(where, 'ParameterNotExpressible', `the ${place} parameter ${JSON.stringify(name)} is not mapped by API Gateway: left out`);
      continue;
    }
    const multi = p[MULTI_VALUE] === true && place !== 'path' ? `multivalue${mapped}` : mapped;
    // OpenAPI requires path parameters; an export says what AWS has.
    out[`method.request.${multi}.${name}`] = place === 'path' && !c.asExported ? true : p.required === true;
  }
  // A path variable the document forgot to declare is still a parameter API Gateway passes.
  if (!c.asExported) for (const m of c.path.matchAll(/\{([^}+]+)\+?\}/g)) out[`method.request.path.${m[1]!}`] = true;
  return cappedMap(out, MAX_PARAMETERS, where, 'request parameters', c.notes);
}

function bodyModelsOf(op: Obj, inlineName: string, where: string, c: OperationContext): Record<string, string> {
  const bodies: [string, unknown][] = c.version === 'openapi3'
    ? Object.entries(obj(obj(op.requestBody).content)).map(([type, media]) => [type, obj(media).schema])
    : list(op.parameters).map(obj).filter((p) => p.in === 'body').flatMap((p) => mediaTypes(op.consumes, c.consumes).map((t) => [t, p.schema] as [string, unknown]));
  return modelMap(bodies, inlineName, where, c);
}

function modelMap(bodies: [string, unknown][], inlineName: string, where: string, c: OperationContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [type, schema] of capped(bodies, 20, where, 'content types', c.notes)) {
    if (!isObj(schema) || Object.keys(schema).length === 0) continue;
    const name = c.models.use(schema, inlineName, where);
    if (name) out[type] = name;
  }
  return out;
}

/** Swagger 2.0: an operation's media types, else the document's, else JSON. */
function mediaTypes(own: unknown, document: string[]): string[] {
  const types = list(own).filter((t): t is string => typeof t === 'string');
  return types.length > 0 ? types : document.length > 0 ? document : ['application/json'];
}

function responsesOf(op: Obj, responses: Obj, inlineName: string, where: string, c: OperationContext): NonNullable<Method['methodResponses']> {
  const out: NonNullable<Method['methodResponses']> = [];
  for (const [status, value] of Object.entries(responses)) {
    if (!/^[1-5][0-9][0-9]$/.test(status)) {
      c.notes.add(where, 'ResponseNotExpressible', `response ${JSON.stringify(status)} is not one status code: left out`);
      continue;
    }
    const r = obj(value);
    const allHeaders = Object.entries(obj(r.headers));
    const headers = allHeaders.filter(([h]) => HEADER_NAME.test(h));
    for (const [h] of allHeaders.filter(([h]) => !HEADER_NAME.test(h))) c.notes.add(where, 'ResponseNotExpressible', `response header ${JSON.stringify(h)} is not a header name: left out`);
    const schemas: [string, unknown][] = c.version === 'openapi3'
      ? Object.entries(obj(r.content)).map(([type, media]) => [type, obj(media).schema])
      : r.schema ? mediaTypes(op.produces, c.produces).map((t) => [t, r.schema] as [string, unknown]) : [];
    const models = modelMap(schemas, `${inlineName}${status}`, where, c);
    out.push({
      statusCode: status,
      ...(headers.length > 0 ? { responseParameters: Object.fromEntries(capped(headers, 50, where, 'response headers', c.notes).map(([h, v]) => [`method.response.header.${h}`, obj(v).required === true])) } : {}),
      ...(Object.keys(models).length > 0 ? { responseModels: models } : {}),
    });
  }
  return out;
}
