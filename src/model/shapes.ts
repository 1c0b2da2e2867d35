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
  /** Keyed by status code. */
  responses: Record<string, MethodResponseShape>;
  /** null when the method exists without an integration (a half-created method, or drift). */
  integration: IntegrationShape | null;
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
