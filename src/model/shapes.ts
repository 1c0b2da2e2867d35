// The normalized API Gateway shape both sides of a diff are expressed in. Desired state (from the
// manifests) and observed state (from AWS) are normalized into these same plain records, with AWS's
// defaults filled in and unset strings as '', so that "in sync" is plain equality.
import type { HttpMethod, IntegrationType } from '../api/rest-path.js';

export type EndpointType = 'EDGE' | 'REGIONAL' | 'PRIVATE';
export type StringMap = Record<string, string>;
export type BoolMap = Record<string, boolean>;

export interface ApiSettings {
  name: string;
  description: string;
  endpointType: EndpointType;
  /** Sorted. */
  binaryMediaTypes: string[];
  /** Sorted; PRIVATE APIs only. */
  vpcEndpointIds: string[];
}

export interface IntegrationResponseShape {
  selectionPattern: string;
  responseParameters: StringMap;
  responseTemplates: StringMap;
  contentHandling: string;
}

export interface IntegrationShape {
  type: IntegrationType;
  uri: string;
  httpMethod: string;
  connectionType: 'INTERNET' | 'VPC_LINK';
  connectionId: string;
  timeoutInMillis: number;
  requestParameters: StringMap;
  requestTemplates: StringMap;
  /** Sorted: the set of method request parameters in the stage cache's key. */
  cacheKeyParameters: string[];
  passthroughBehavior: string;
  contentHandling: string;
  credentials: string;
  /** Keyed by status code. */
  responses: Record<string, IntegrationResponseShape>;
}

export interface MethodResponseShape {
  responseParameters: BoolMap;
  responseModels: StringMap;
}

export interface MethodShape {
  authorizationType: string;
  authorizerId: string;
  /** Sorted. */
  authorizationScopes: string[];
  apiKeyRequired: boolean;
  operationName: string;
  requestParameters: BoolMap;
  /** The request validator's id ('' none), or REF_PREFIX + name for one this plan creates. */
  requestValidatorId: string;
  /** Model names by content type. */
  requestModels: StringMap;
  /** Keyed by status code. */
  responses: Record<string, MethodResponseShape>;
  /** null when the method exists without an integration (a half-created method, or drift). */
  integration: IntegrationShape | null;
}

/**
 * A method naming an authorizer or validator the same plan creates cannot know its id yet: the shape
 * holds REF_PREFIX + kind + '/' + name, and the executor (and the simulator) resolve it once it exists.
 */
export const REF_PREFIX = 'ref:';
export const authorizerRef = (name: string): string => `${REF_PREFIX}authorizer/${name}`;
export const validatorRef = (name: string): string => `${REF_PREFIX}validator/${name}`;
export function parseRef(value: string): { kind: 'authorizer' | 'validator'; name: string } | undefined {
  if (!value.startsWith(REF_PREFIX)) return undefined;
  const [kind, name] = value.slice(REF_PREFIX.length).split('/', 2);
  return (kind === 'authorizer' || kind === 'validator') && name ? { kind, name } : undefined;
}

export interface AuthorizerShape {
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';
  /** The Lambda invocation URI ('' for Cognito). */
  authorizerUri: string;
  identitySource: string;
  identityValidationExpression: string;
  resultTtlSeconds: number;
  /** Sorted. */
  providerArns: string[];
  /** The role API Gateway assumes to invoke the function ('' none). */
  credentials: string;
}

export interface ModelShape {
  contentType: string;
  description: string;
  /** The schema as canonical JSON (sorted keys), so formatting never reads as a change. */
  schema: string;
}

export interface RequestValidatorShape {
  validateBody: boolean;
  validateParameters: boolean;
}

export interface GatewayResponseShape {
  statusCode: string;
  responseParameters: StringMap;
  responseTemplates: StringMap;
}

/** "PATH METHOD", e.g. "/orders/{orderId} GET": how methods are keyed everywhere. */
export type MethodKey = string;
export function methodKey(path: string, httpMethod: string): MethodKey {
  return `${path} ${httpMethod}`;
}
export function parseMethodKey(key: MethodKey): { path: string; httpMethod: HttpMethod } {
  const at = key.lastIndexOf(' ');
  return { path: key.slice(0, at), httpMethod: key.slice(at + 1) as HttpMethod };
}

/** Parent path and last segment of a resource path ("/a/b" -> "/a", "b"). The root has neither. */
export function splitPath(path: string): { parentPath: string; pathPart: string } {
  const at = path.lastIndexOf('/');
  return { parentPath: at === 0 ? '/' : path.slice(0, at), pathPart: path.slice(at + 1) };
}

/** Every ancestor path of a resource path, root excluded, parents first: "/a/b/c" -> ["/a", "/a/b", "/a/b/c"]. */
export function pathPrefixes(path: string): string[] {
  if (path === '/') return [];
  const parts = path.slice(1).split('/');
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

export function pathDepth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}
