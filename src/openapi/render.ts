// A REST API in the normalized shapes (what the operator observes in AWS, or desires) -> an OpenAPI
// 3.0 document with API Gateway's x-amazon-apigateway-* extensions, as API Gateway's own export
// writes it. `export` renders the live API and imports the result; what a document cannot carry is
// noted here (a method without an integration, for one). Pure.
import type { ObservedApi } from '../model/state.js';
import type { IntegrationShape, MethodShape } from '../model/shapes.js';
import { parseAwsJson, rewriteRefs } from '../model/access.js';
import { OPERATION_METHODS, X, type Json } from './document.js';
import { Notes } from './notes.js';
import { MULTI_VALUE } from './operation.js';

type Doc = { [key: string]: Json };
const REQUEST_PLACES: Readonly<Record<string, string>> = { path: 'path', querystring: 'query', header: 'header' };
/** Scheme names of the two requirements that are no authorizer; an authorizer is never named so (NAME_PATTERN has no '.'). */
const API_KEY_SCHEME = 'restpath.api-key';
const IAM_SCHEME = 'restpath.sigv4';
const operationKey = (httpMethod: string): string => Object.entries(OPERATION_METHODS).find(([, m]) => m === httpMethod)?.[0] ?? httpMethod.toLowerCase();
const schemaRef = (name: string): Doc => ({ $ref: `#/components/schemas/${name}` });
const nonEmpty = <T extends object>(o: T): T | undefined => (Object.keys(o).length > 0 ? o : undefined);
/** Drops undefined members (a document holds JSON only). */
const clean = (o: { [key: string]: Json | undefined }): Doc => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Doc;

export function renderOpenApi(api: ObservedApi): { document: Doc; notes: Notes } {
  const notes = new Notes();
  const authorizerNames = new Map(Object.entries(api.authorizers).map(([name, a]) => [a.id, name]));
  const validatorNames = new Map(Object.entries(api.requestValidators).map(([name, v]) => [v.id, name]));
  const usesApiKey = api.methods.some((m) => m.shape.apiKeyRequired);
  const usesIam = api.methods.some((m) => m.shape.authorizationType === 'AWS_IAM');
  const paths: Doc = {};
  for (const m of [...api.methods].sort((a, b) => a.path.localeCompare(b.path) || a.httpMethod.localeCompare(b.httpMethod))) {
    if (!m.shape.integration) {
      notes.add(`paths.${m.path}.${operationKey(m.httpMethod)}`, 'IntegrationNotExpressible', `${m.httpMethod} ${m.path} has no integration in AWS (half-created): not exported`);
      continue;
    }
    const item = (paths[m.path] ??= {}) as Doc;
    const where = `paths.${m.path}.${operationKey(m.httpMethod)}`;
    const defaults = Object.values(m.shape.integration.responses).filter((r) => r.selectionPattern === '' || r.selectionPattern === 'default');
    if (defaults.length > 1) notes.add(where, 'IntegrationNotExpressible', `${defaults.length} integration responses have no selection pattern; a document keys them by pattern and holds one default: the others are not in it`);
    item[operationKey(m.httpMethod)] = operation(m.shape, m.shape.integration, authorizerNames, validatorNames);
  }
  const schemas: Doc = Object.fromEntries(Object.entries(api.models).map(([name, model]) => [name, withSchemaRefs(parseAwsJson(model.schema) ?? {}) as Json]));
  const securitySchemes: Doc = {
    ...(usesApiKey ? { [API_KEY_SCHEME]: { type: 'apiKey', name: 'x-api-key', in: 'header' } } : {}),
    ...(usesIam ? { [IAM_SCHEME]: { type: 'apiKey', name: 'Authorization', in: 'header', [`${X}authtype`]: 'awsSigv4' } } : {}),
  };
  for (const [name, a] of Object.entries(api.authorizers)) {
    const header = /^method\.request\.header\.([^,\s]+)$/.exec(a.identitySource)?.[1];
    securitySchemes[name] = {
      type: 'apiKey', name: header ?? 'Unused', in: 'header',
      [`${X}authtype`]: a.type === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom',
      [`${X}authorizer`]: clean({
        type: a.type.toLowerCase(),
        authorizerUri: a.authorizerUri || undefined,
        authorizerCredentials: a.credentials || undefined,
        identitySource: a.identitySource || undefined,
        identityValidationExpression: a.identityValidationExpression || undefined,
        authorizerResultTtlInSeconds: a.resultTtlSeconds,
        providerARNs: a.providerArns.length > 0 ? a.providerArns : undefined,
      }),
    };
  }
  const policy = api.resourcePolicy ? parseAwsJson(api.resourcePolicy) : undefined;
  const document = clean({
    openapi: '3.0.1',
    info: clean({ title: api.settings.name, description: api.settings.description || undefined, version: api.id }),
    paths,
    components: clean({ schemas: nonEmpty(schemas), securitySchemes: nonEmpty(securitySchemes) }),
    [`${X}binary-media-types`]: api.settings.binaryMediaTypes.length > 0 ? api.settings.binaryMediaTypes : undefined,
    [`${X}request-validators`]: nonEmpty(Object.fromEntries(Object.entries(api.requestValidators).map(([name, v]) => [name, { validateRequestBody: v.validateBody, validateRequestParameters: v.validateParameters }]))),
    [`${X}gateway-responses`]: nonEmpty(Object.fromEntries(Object.entries(api.gatewayResponses).map(([type, r]) => [type, clean({ statusCode: r.statusCode || undefined, responseParameters: nonEmpty(r.responseParameters), responseTemplates: nonEmpty(r.responseTemplates) })]))),
    [`${X}policy`]: policy && typeof policy === 'object' ? (policy as Json) : undefined,
  });
  return { document, notes };
}

function operation(shape: MethodShape, integration: IntegrationShape, authorizers: ReadonlyMap<string, string>, validators: ReadonlyMap<string, string>): Doc {
  const parameters = Object.entries(shape.requestParameters).flatMap(([key, required]) => {
    const [, , place = '', ...name] = key.split('.');
    const multi = place.startsWith('multivalue');
    const in_ = REQUEST_PLACES[multi ? place.slice('multivalue'.length) : place];
    return in_ ? [{ name: name.join('.'), in: in_, required, schema: { type: 'string' }, ...(multi ? { [MULTI_VALUE]: true } : {}) }] : [];
  });
  const requirement: Doc = {};
  const authorizer = authorizers.get(shape.authorizerId);
  if (shape.authorizationType === 'AWS_IAM') requirement[IAM_SCHEME] = [];
  else if (authorizer) requirement[authorizer] = shape.authorizationScopes;
  if (shape.apiKeyRequired) requirement[API_KEY_SCHEME] = [];
  const responses = Object.fromEntries(Object.entries(shape.responses).map(([status, r]) => [status, clean({
    description: `${status} response`,
    headers: nonEmpty(Object.fromEntries(Object.entries(r.responseParameters).map(([k, required]) => [k.replace(/^method\.response\.header\./, ''), { required, schema: { type: 'string' } }]))),
    content: nonEmpty(Object.fromEntries(Object.entries(r.responseModels).map(([type, model]) => [type, { schema: schemaRef(model) }]))),
  })]));
  return clean({
    operationId: shape.operationName || undefined,
    parameters: parameters.length > 0 ? parameters : undefined,
    requestBody: nonEmpty(shape.requestModels) && { content: Object.fromEntries(Object.entries(shape.requestModels).map(([type, model]) => [type, { schema: schemaRef(model) }])) },
    responses,
    security: Object.keys(requirement).length > 0 ? [requirement] : undefined,
    [`${X}request-validator`]: validators.get(shape.requestValidatorId),
    [`${X}integration`]: clean({
      type: integration.type.toLowerCase(),
      uri: integration.uri || undefined,
      httpMethod: integration.httpMethod || undefined,
      connectionType: integration.connectionType === 'VPC_LINK' ? 'VPC_LINK' : undefined,
      connectionId: integration.connectionId || undefined,
      credentials: integration.credentials || undefined,
      requestParameters: nonEmpty(integration.requestParameters),
      requestTemplates: nonEmpty(integration.requestTemplates),
      passthroughBehavior: integration.passthroughBehavior.toLowerCase() || undefined,
      contentHandling: integration.contentHandling || undefined,
      timeoutInMillis: integration.timeoutInMillis,
      cacheKeyParameters: integration.cacheKeyParameters.length > 0 ? integration.cacheKeyParameters : undefined,
      responses: nonEmpty(Object.fromEntries(Object.entries(integration.responses).map(([statusCode, r]) => [r.selectionPattern || 'default', clean({
        statusCode, responseParameters: nonEmpty(r.responseParameters), responseTemplates: nonEmpty(r.responseTemplates), contentHandling: r.contentHandling || undefined,
      })]))),
    }),
  });
}

/** API Gateway's model URLs (or #/models/NAME) in a schema as OpenAPI references to components.schemas. */
function withSchemaRefs(schema: unknown): unknown {
  return rewriteRefs(schema, (ref) => {
    const name = /\/models\/([A-Za-z0-9]+)$/.exec(ref)?.[1];
    return name ? `#/components/schemas/${name}` : undefined;
  });
}
