// AWS responses -> the normalized shapes the plan compares (the mirror of model/normalize.ts).
import type { Authorizer, GatewayResponse, Integration, Method, Model, RequestValidator, RestApi } from '@aws-sdk/client-api-gateway';
import { canonicalJsonText } from '../model/access.js';
import { TIMEOUT_MILLIS } from '../api/rest-path.js';
import { DEFAULT_PASSTHROUGH } from '../model/normalize.js';
import type { ApiSettings, AuthorizerShape, GatewayResponseShape, IntegrationShape, MethodShape, ModelShape, RequestValidatorShape, StringMap } from '../model/shapes.js';

/** AWS sometimes returns null for an empty template; the shapes use ''. */
function strings(map: Record<string, string | null | undefined> | undefined): StringMap {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, v ?? '']));
}

export function settingsFromAws(api: RestApi): ApiSettings {
  return {
    name: api.name ?? '',
    description: api.description ?? '',
    endpointType: (api.endpointConfiguration?.types?.[0] ?? 'EDGE'),
    binaryMediaTypes: [...(api.binaryMediaTypes ?? [])].sort(),
    vpcEndpointIds: [...(api.endpointConfiguration?.vpcEndpointIds ?? [])].sort(),
  };
}

export function integrationFromAws(i: Integration): IntegrationShape {
  const responses: IntegrationShape['responses'] = {};
  for (const [code, r] of Object.entries(i.integrationResponses ?? {})) {
    responses[code] = {
      selectionPattern: r.selectionPattern ?? '',
      responseParameters: strings(r.responseParameters),
      responseTemplates: strings(r.responseTemplates),
      contentHandling: r.contentHandling ?? '',
    };
  }
  return {
    type: (i.type ?? 'MOCK'),
    uri: i.uri ?? '',
    httpMethod: i.httpMethod ?? '',
    connectionType: i.connectionType ?? 'INTERNET',
    connectionId: i.connectionId ?? '',
    timeoutInMillis: i.timeoutInMillis ?? TIMEOUT_MILLIS.max,
    requestParameters: strings(i.requestParameters),
    requestTemplates: strings(i.requestTemplates),
    cacheKeyParameters: [...(i.cacheKeyParameters ?? [])].sort(),
    passthroughBehavior: i.passthroughBehavior ?? DEFAULT_PASSTHROUGH,
    contentHandling: i.contentHandling ?? '',
    credentials: i.credentials ?? '',
    responses,
  };
}

export function methodFromAws(m: Method): MethodShape {
  const responses: MethodShape['responses'] = {};
  for (const [code, r] of Object.entries(m.methodResponses ?? {})) {
    responses[code] = { responseParameters: { ...r.responseParameters }, responseModels: strings(r.responseModels) };
  }
  return {
    authorizationType: m.authorizationType ?? 'NONE',
    authorizerId: m.authorizerId ?? '',
    authorizationScopes: [...(m.authorizationScopes ?? [])].sort(),
    apiKeyRequired: m.apiKeyRequired ?? false,
    operationName: m.operationName ?? '',
    requestParameters: { ...m.requestParameters },
    requestValidatorId: m.requestValidatorId ?? '',
    requestModels: strings(m.requestModels),
    responses,
    // An integration without a type is what some emulators return for "none" (AWS answers 404).
    integration: m.methodIntegration?.type ? integrationFromAws(m.methodIntegration) : null,
  };
}

export function gatewayResponseFromAws(r: GatewayResponse): GatewayResponseShape {
  return {
    statusCode: r.statusCode ?? '',
    responseParameters: strings(r.responseParameters),
    responseTemplates: strings(r.responseTemplates),
  };
}

export function authorizerFromAws(a: Authorizer): AuthorizerShape & { id: string } {
  return {
    id: a.id ?? '',
    type: a.type ?? 'TOKEN',
    authorizerUri: a.authorizerUri ?? '',
    identitySource: a.identitySource ?? '',
    identityValidationExpression: a.identityValidationExpression ?? '',
    // AWS's default TTL when none was given.
    resultTtlSeconds: a.authorizerResultTtlInSeconds ?? 300,
    providerArns: [...(a.providerARNs ?? [])].sort(),
    credentials: a.authorizerCredentials ?? '',
  };
}

export function modelFromAws(m: Model): ModelShape {
  return { contentType: m.contentType ?? '', description: m.description ?? '', schema: canonicalJsonText(m.schema ?? '') };
}

export function validatorFromAws(v: RequestValidator): RequestValidatorShape & { id: string } {
  return { id: v.id ?? '', validateBody: v.validateRequestBody ?? false, validateParameters: v.validateRequestParameters ?? false };
}
