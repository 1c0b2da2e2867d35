// x-amazon-apigateway-integration -> a RestPath integration, checked against what the CRD (and API
// Gateway) accept, so an imported manifest is refused at apply only for what the note says. An
// operation without one gets the backend the caller chose: MOCK answering 501, or HTTP_PROXY to a
// base URL. Pure.
import { CONTENT_HANDLING, HTTP_METHODS as METHODS, INTEGRATION_TYPES as TYPES, PASSTHROUGH_BEHAVIORS as PASSTHROUGH, ROLE_ARN as ROLE_ARN_PATTERN, TIMEOUT_MILLIS, type Integration } from '../api/integration.js';
import { num, obj, str, strings, type Obj } from './document.js';
import { capped, cappedMap, type Notes } from './notes.js';

/** What an operation without an integration is given. */
export type MissingIntegration = { kind: 'mock' } | { kind: 'http-proxy'; baseUrl: string };

const AWS_URI = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:[a-z0-9.-]+:(path|action)\//;
const ROLE_ARN = new RegExp(ROLE_ARN_PATTERN);
const MAX_TEMPLATE = 32768;
/** Fields the integration extension has that a RestPath does not hold (API Gateway fills or ignores them). */
const NOT_HELD = ['tlsConfig', 'integrationTarget', 'cacheNamespace', 'responseTransferMode'];

const oneOf = <T extends string>(values: readonly T[], v: string | undefined): T | undefined => {
  const upper = v?.toUpperCase();
  return values.find((x) => x === upper);
};

/** MOCK answering 501 Not Implemented: the path is served, and says plainly that it has no backend yet. */
export function notImplementedMock(): { integration: Integration; statusCode: string } {
  return {
    integration: {
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 501}' },
      responses: [{ statusCode: '501', responseTemplates: { 'application/json': '{"message": "Not Implemented"}' } }],
    },
    statusCode: '501',
  };
}

/** An HTTP_PROXY to base + path, passing the path's variables on. */
export function proxyTo(baseUrl: string, path: string, httpMethod: string): Integration {
  const variables = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!);
  return {
    type: 'HTTP_PROXY',
    httpMethod: oneOf(METHODS, httpMethod) ?? 'ANY',
    uri: `${baseUrl.replace(/\/+$/, '')}${path === '/' ? '/' : path.replace(/\+\}/g, '}')}`,
    ...(variables.length > 0 ? { requestParameters: Object.fromEntries(variables.map((v) => [`integration.request.path.${v}`, `method.request.path.${v}`])) } : {}),
  };
}

/** Templates within the CRD's size (API Gateway allows larger ones; a RestPath holds 32 KiB each). */
function templates(v: unknown, where: string, notes: Notes): Record<string, string> {
  const all = strings(v);
  for (const [type, t] of Object.entries(all)) {
    if (t.length <= MAX_TEMPLATE) continue;
    notes.add(where, 'OverLimit', `the ${type} template is ${t.length} characters; a RestPath holds ${MAX_TEMPLATE}: left out`);
    delete all[type];
  }
  return cappedMap(all, 20, where, 'templates', notes);
}

/** `keepMockMethod`: an export keeps a MOCK's httpMethod as AWS has it (API Gateway stores one). */
export function integrationOf(x: Obj, httpMethod: string, where: string, notes: Notes, keepMockMethod = false): Integration | undefined {
  const type = oneOf(TYPES, str(x.type));
  if (!type) {
    notes.add(where, 'IntegrationNotExpressible', `integration type ${JSON.stringify(x.type)} is none of ${TYPES.join(', ')}: the operation is not imported`);
    return undefined;
  }
  const out: Integration = { type };
  const uri = str(x.uri);
  if (type === 'MOCK') {
    if (uri) notes.add(where, 'IntegrationNotExpressible', 'a MOCK integration takes no uri: left out');
  } else if (type.startsWith('HTTP') ? !uri?.match(/^https?:\/\//) : !uri?.match(AWS_URI)) {
    notes.add(where, 'InvalidValue', `a ${type} integration needs a uri like ${type.startsWith('HTTP') ? 'https://host/path' : 'arn:aws:apigateway:REGION:SERVICE:path/...'}, not ${JSON.stringify(uri ?? '')}: the operation is not imported`);
    return undefined;
  } else out.uri = uri;
  if (type !== 'MOCK') out.httpMethod = oneOf(METHODS, str(x.httpMethod)) ?? (type.startsWith('AWS') ? 'POST' : oneOf(METHODS, httpMethod) ?? 'ANY');
  else if (keepMockMethod && oneOf(METHODS, str(x.httpMethod))) out.httpMethod = oneOf(METHODS, str(x.httpMethod));
  if (type !== 'MOCK' && !oneOf(METHODS, str(x.httpMethod))) notes.add(where, 'InvalidValue', `the integration names no httpMethod: ${out.httpMethod} is used`);
  if (type.startsWith('AWS') && out.uri?.includes(':lambda:path/') && out.httpMethod !== 'POST') {
    notes.add(where, 'InvalidValue', `Lambda functions are invoked with POST, not ${out.httpMethod ?? ''}: POST is used`);
    out.httpMethod = 'POST';
  }
  if (str(x.connectionType)?.toUpperCase() === 'VPC_LINK') {
    const id = str(x.connectionId) ?? '';
    if (type.startsWith('HTTP') && /^[a-z0-9]{6,10}$/.test(id)) out.connection = { type: 'VPC_LINK', vpcLinkId: id };
    else notes.add(where, 'IntegrationNotExpressible', `a VPC_LINK connection needs an HTTP integration and a VPC link id, not ${JSON.stringify(id)} (a stage variable is not accepted): left out`);
  }
  const timeout = num(x.timeoutInMillis);
  if (timeout !== undefined) {
    out.timeoutMillis = Math.min(TIMEOUT_MILLIS.max, Math.max(TIMEOUT_MILLIS.min, Math.round(timeout)));
    if (out.timeoutMillis !== timeout) notes.add(where, 'InvalidValue', `timeoutInMillis ${timeout} is outside ${TIMEOUT_MILLIS.min}..${TIMEOUT_MILLIS.max}: ${out.timeoutMillis} is used`);
  }
  const requestParameters = cappedMap(strings(x.requestParameters), 50, where, 'integration request parameters', notes);
  if (Object.keys(requestParameters).length > 0) out.requestParameters = requestParameters;
  const requestTemplates = templates(x.requestTemplates, where, notes);
  if (Object.keys(requestTemplates).length > 0) out.requestTemplates = requestTemplates;
  const cacheKeys = Array.isArray(x.cacheKeyParameters) ? x.cacheKeyParameters.filter((k): k is string => typeof k === 'string') : [];
  if (cacheKeys.length > 0) out.cacheKeyParameters = cacheKeys;
  const passthrough = oneOf(PASSTHROUGH, str(x.passthroughBehavior));
  if (passthrough) out.passthroughBehavior = passthrough;
  const contentHandling = oneOf(CONTENT_HANDLING, str(x.contentHandling));
  if (contentHandling) out.contentHandling = contentHandling;
  const credentials = str(x.credentials);
  if (credentials) {
    if (type.startsWith('AWS') && ROLE_ARN.test(credentials)) out.credentials = { roleArn: credentials };
    else notes.add(where, 'IntegrationNotExpressible', `credentials ${JSON.stringify(credentials)} are not a role ARN of an AWS integration (caller credentials, arn:aws:iam::*:user/*, are not supported): left out`);
  }
  const responses = responsesOf(obj(x.responses), type, where, notes);
  if (responses.length > 0) out.responses = responses;
  for (const field of NOT_HELD) if (x[field] !== undefined) notes.add(where, 'IntegrationNotExpressible', `integration ${field} is not held by a RestPath: left out`);
  return out;
}

/** The extension keys responses by selection pattern ("default" for none); a RestPath keys them by status. */
function responsesOf(responses: Obj, type: string, where: string, notes: Notes): NonNullable<Integration['responses']> {
  if (Object.keys(responses).length === 0) return [];
  if (type.endsWith('_PROXY')) {
    notes.add(where, 'IntegrationNotExpressible', "integration responses of a proxy integration are never used (the backend's response is passed through): left out");
    return [];
  }
  const byStatus = new Map<string, NonNullable<Integration['responses']>[number]>();
  for (const [pattern, value] of Object.entries(responses)) {
    const r = obj(value);
    const statusCode = str(r.statusCode) ?? (typeof r.statusCode === 'number' ? String(r.statusCode) : undefined);
    if (!statusCode?.match(/^[1-5][0-9][0-9]$/)) {
      notes.add(where, 'InvalidValue', `integration response ${JSON.stringify(pattern)} has no valid statusCode: left out`);
      continue;
    }
    if (byStatus.has(statusCode)) {
      notes.add(where, 'IntegrationNotExpressible', `integration responses ${JSON.stringify(byStatus.get(statusCode)!.selectionPattern ?? 'default')} and ${JSON.stringify(pattern)} both map to ${statusCode}; API Gateway keeps one per status: the first is kept`);
      continue;
    }
    const params = cappedMap(strings(r.responseParameters), 50, where, 'response parameters', notes);
    const responseTemplates = templates(r.responseTemplates, where, notes);
    const handling = oneOf(CONTENT_HANDLING, str(r.contentHandling));
    byStatus.set(statusCode, {
      statusCode,
      ...(pattern !== 'default' ? { selectionPattern: pattern } : {}),
      ...(Object.keys(params).length > 0 ? { responseParameters: params } : {}),
      ...(Object.keys(responseTemplates).length > 0 ? { responseTemplates } : {}),
      ...(handling ? { contentHandling: handling } : {}),
    });
  }
  return capped([...byStatus.values()], 20, where, 'integration responses', notes);
}
