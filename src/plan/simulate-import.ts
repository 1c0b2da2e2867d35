// What API Gateway's PutRestApi (mode=overwrite) makes of an OpenAPI document with the
// x-amazon-apigateway-* extensions, on the normalized shapes: every resource, method, integration,
// response, model, authorizer, validator, gateway response and the policy replaced by the document's.
// The simulator's counterpart of bulk create (simulate.ts models the per-operation calls). Pure.
import { canonicalJson, modelUrl, rewriteRefs } from '../model/access.js';
import type { AuthorizerShape, IntegrationShape, MethodShape, ModelShape } from '../model/shapes.js';
import { pathPrefixes, splitPath } from '../model/shapes.js';
import type { ObservedApi, ObservedMethod, ObservedResource } from '../model/state.js';
import type { HttpMethod } from '../api/rest-path.js';

type O = Record<string, unknown>;
const o = (v: unknown): O => (v && typeof v === 'object' && !Array.isArray(v) ? (v as O) : {});
const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(o(v)).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
const X = 'x-amazon-apigateway-';
const METHOD_OF: Record<string, HttpMethod> = { get: 'GET', put: 'PUT', post: 'POST', delete: 'DELETE', patch: 'PATCH', head: 'HEAD', options: 'OPTIONS', [`${X}any-method`]: 'ANY' };
const PLACE: Record<string, string> = { path: 'path', query: 'querystring', header: 'header' };
const refName = (v: unknown): string => /#\/components\/schemas\/(.+)$/.exec(s(o(v).$ref))?.[1] ?? '';

/** Model references as API Gateway stores them: its URL form. */
const withUrls = (v: unknown, restApiId: string): unknown => rewriteRefs(v, (ref) => (refName({ $ref: ref }) ? modelUrl(restApiId, refName({ $ref: ref })) : undefined));

export function simulatePutRestApi(observed: ObservedApi, document: unknown, newId: () => string): ObservedApi {
  const doc = o(document);
  const schemes = o(o(doc.components).securitySchemes);
  const authorizers: ObservedApi['authorizers'] = {};
  for (const [name, scheme] of Object.entries(schemes)) {
    const x = o(o(scheme)[`${X}authorizer`]);
    if (Object.keys(x).length === 0) continue;
    const shape: AuthorizerShape = {
      type: s(x.type).toUpperCase() as AuthorizerShape['type'], authorizerUri: s(x.authorizerUri), identitySource: s(x.identitySource),
      identityValidationExpression: s(x.identityValidationExpression), resultTtlSeconds: typeof x.authorizerResultTtlInSeconds === 'number' ? x.authorizerResultTtlInSeconds : 300,
      providerArns: (Array.isArray(x.providerARNs) ? x.providerARNs.map(s) : []).sort(), credentials: s(x.authorizerCredentials),
    };
    authorizers[name] = { ...shape, id: newId() };
  }
  const requestValidators: ObservedApi['requestValidators'] = Object.fromEntries(Object.entries(o(doc[`${X}request-validators`])).map(([name, v]) => [name, { validateBody: o(v).validateRequestBody === true, validateParameters: o(v).validateRequestParameters === true, id: newId() }]));
  const models: Record<string, ModelShape> = { ...Object.fromEntries(Object.entries(observed.models).filter(([n]) => n === 'Empty' || n === 'Error')) };
  for (const [name, schema] of Object.entries(o(o(doc.components).schemas))) models[name] = { contentType: 'application/json', description: '', schema: canonicalJson(withUrls(schema, observed.id)) };
  const resources: ObservedResource[] = [];
  const idOf = (path: string): string => (path === '/' ? observed.rootResourceId : resources.find((r) => r.path === path)!.id);
  const methods: ObservedMethod[] = [];
  for (const [path, item] of Object.entries(o(doc.paths))) {
    for (const p of pathPrefixes(path)) {
      if (resources.some((r) => r.path === p)) continue;
      const { parentPath, pathPart } = splitPath(p);
      resources.push({ id: newId(), path: p, parentId: idOf(parentPath), pathPart });
    }
    for (const [key, op] of Object.entries(o(item))) {
      const httpMethod = METHOD_OF[key];
      if (httpMethod) methods.push({ path, httpMethod, shape: methodShape(o(op), schemes, authorizers, requestValidators) });
    }
  }
  const policy = doc[`${X}policy`];
  return {
    ...observed,
    settings: { ...observed.settings, binaryMediaTypes: (Array.isArray(doc[`${X}binary-media-types`]) ? (doc[`${X}binary-media-types`] as unknown[]).map(s) : []).sort() },
    resources,
    methods,
    gatewayResponses: Object.fromEntries(Object.entries(o(doc[`${X}gateway-responses`])).map(([type, r]) => [type, { statusCode: s(o(r).statusCode), responseParameters: strMap(o(r).responseParameters), responseTemplates: strMap(o(r).responseTemplates) }])),
    authorizers,
    models,
    requestValidators,
    ...(policy ? { resourcePolicy: JSON.stringify(policy) } : {}),
  };
}

function methodShape(op: O, schemes: O, authorizers: ObservedApi['authorizers'], validators: ObservedApi['requestValidators']): MethodShape {
  const requirement = o(Array.isArray(op.security) ? op.security[0] : undefined);
  let authorizationType = 'NONE';
  let authorizerId = '';
  let authorizationScopes: string[] = [];
  let apiKeyRequired = false;
  for (const [name, scopes] of Object.entries(requirement)) {
    const scheme = o(schemes[name]);
    const authtype = s(scheme[`${X}authtype`]).toLowerCase();
    if (authtype === 'awssigv4') authorizationType = 'AWS_IAM';
    else if (authorizers[name]) {
      authorizationType = authorizers[name].type === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'CUSTOM';
      authorizerId = authorizers[name].id;
      authorizationScopes = (Array.isArray(scopes) ? scopes.map(s) : []).sort();
    } else if (s(scheme.in) === 'header' && s(scheme.name).toLowerCase() === 'x-api-key') apiKeyRequired = true;
  }
  const requestParameters: Record<string, boolean> = {};
  for (const p of Array.isArray(op.parameters) ? op.parameters.map(o) : []) {
    const place = PLACE[s(p.in)];
    if (place) requestParameters[`method.request.${p['x-restpath-multi-value'] === true ? `multivalue${place}` : place}.${s(p.name)}`] = p.required === true;
  }
  const x = o(op[`${X}integration`]);
  const integration: IntegrationShape = {
    type: s(x.type).toUpperCase() as IntegrationShape['type'], uri: s(x.uri), httpMethod: s(x.httpMethod),
    connectionType: s(x.connectionType) === 'VPC_LINK' ? 'VPC_LINK' : 'INTERNET', connectionId: s(x.connectionId),
    timeoutInMillis: typeof x.timeoutInMillis === 'number' ? x.timeoutInMillis : 29000, requestParameters: strMap(x.requestParameters), requestTemplates: strMap(x.requestTemplates),
    cacheKeyParameters: (Array.isArray(x.cacheKeyParameters) ? x.cacheKeyParameters.map(s) : []).sort(), passthroughBehavior: (s(x.passthroughBehavior) || 'when_no_match').toUpperCase(),
    contentHandling: s(x.contentHandling), credentials: s(x.credentials),
    responses: Object.fromEntries(Object.entries(o(x.responses)).map(([pattern, r]) => [s(o(r).statusCode), {
      selectionPattern: pattern === 'default' ? '' : pattern, responseParameters: strMap(o(r).responseParameters), responseTemplates: strMap(o(r).responseTemplates), contentHandling: s(o(r).contentHandling),
    }])),
  };
  return {
    authorizationType, authorizerId, authorizationScopes, apiKeyRequired, operationName: s(op.operationId), requestParameters,
    requestValidatorId: validators[s(op[`${X}request-validator`])]?.id ?? '',
    requestModels: Object.fromEntries(Object.entries(o(o(op.requestBody).content)).map(([type, media]) => [type, refName(o(media).schema)])),
    responses: Object.fromEntries(Object.entries(o(op.responses)).map(([status, r]) => [status, {
      responseParameters: Object.fromEntries(Object.entries(o(o(r).headers)).map(([h, v]) => [`method.response.header.${h}`, o(v).required === true])),
      responseModels: Object.fromEntries(Object.entries(o(o(r).content)).map(([type, media]) => [type, refName(o(media).schema)])),
    }])),
    integration,
  };
}
