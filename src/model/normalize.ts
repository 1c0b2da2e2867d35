// Spec -> normalized shapes, filling in what AWS reports when a field is not set, so that a freshly
// written method reads back equal to what was desired (convergence, not perpetual drift).
import type { GatewayResponse } from '../api/rest-api.js';
import type { Integration, Method } from '../api/rest-path.js';
import { TIMEOUT_MILLIS } from '../api/rest-path.js';
import type { GatewayResponseShape, IntegrationShape, MethodShape } from './shapes.js';

/** API Gateway's default when passthroughBehavior is not set. */
export const DEFAULT_PASSTHROUGH = 'WHEN_NO_MATCH';

export function integrationShape(spec: Integration, credentials: string): IntegrationShape {
  const responses: IntegrationShape['responses'] = {};
  for (const r of spec.responses ?? []) {
    responses[r.statusCode] = {
      selectionPattern: r.selectionPattern ?? '',
      responseParameters: { ...r.responseParameters },
      responseTemplates: { ...r.responseTemplates },
      contentHandling: r.contentHandling ?? '',
    };
  }
  return {
    type: spec.type,
    uri: spec.uri ?? '',
    httpMethod: spec.httpMethod ?? '',
    connectionType: spec.connection?.type ?? 'INTERNET',
    connectionId: spec.connection?.vpcLinkId ?? '',
    timeoutInMillis: spec.timeoutMillis ?? TIMEOUT_MILLIS.max,
    requestParameters: { ...spec.requestParameters },
    requestTemplates: { ...spec.requestTemplates },
    cacheKeyParameters: [...new Set(spec.cacheKeyParameters ?? [])].sort(),
    passthroughBehavior: spec.passthroughBehavior ?? DEFAULT_PASSTHROUGH,
    contentHandling: spec.contentHandling ?? '',
    credentials,
    responses,
  };
}

/** What a method's names resolve to: the authorizer's and the validator's ids (or refs to ones this plan creates). */
export interface MethodRefs {
  authorizerId: string;
  requestValidatorId: string;
}

export function methodShape(spec: Method, credentials: string, refs: MethodRefs = { authorizerId: spec.authorization?.authorizerId ?? '', requestValidatorId: '' }): MethodShape {
  const responses: MethodShape['responses'] = {};
  for (const r of spec.methodResponses ?? []) {
    responses[r.statusCode] = { responseParameters: { ...r.responseParameters }, responseModels: { ...r.responseModels } };
  }
  return {
    authorizationType: spec.authorization?.type ?? 'NONE',
    authorizerId: refs.authorizerId,
    authorizationScopes: [...(spec.authorization?.authorizationScopes ?? [])].sort(),
    apiKeyRequired: spec.apiKeyRequired ?? false,
    operationName: spec.operationName ?? '',
    requestParameters: { ...spec.requestParameters },
    requestValidatorId: refs.requestValidatorId,
    requestModels: { ...spec.requestModels },
    responses,
    integration: integrationShape(spec.integration, credentials),
  };
}

export function gatewayResponseShape(spec: GatewayResponse): GatewayResponseShape {
  return {
    statusCode: spec.statusCode ?? '',
    responseParameters: { ...spec.responseParameters },
    responseTemplates: { ...spec.responseTemplates },
  };
}
