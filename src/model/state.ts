// Desired and observed state of one REST API, and the ownership ledger that says what the operator
// may delete.
import type { ApiSettings, GatewayResponseShape, MethodKey, MethodShape, StringMap } from './shapes.js';
import type { HttpMethod } from '../api/rest-path.js';

export interface DesiredResource {
  path: string;
  parentPath: string;
  pathPart: string;
  /** RestPath keys (namespace/name) that need this segment, sorted. */
  neededBy: string[];
}

export interface DesiredMethod {
  path: string;
  httpMethod: HttpMethod;
  /** The RestPath key that declares it. */
  owner: string;
  shape: MethodShape;
}

/** Two RestPaths declaring one path and method: the older keeps it. */
export interface MethodConflict {
  path: string;
  httpMethod: HttpMethod;
  keptBy: string;
  refused: string;
}

/** A declared method that cannot be written yet, and why (e.g. its execution role has no ARN yet). */
export interface PendingMethod {
  path: string;
  httpMethod: HttpMethod;
  owner: string;
  reason: string;
}

export interface DesiredApi {
  settings: ApiSettings;
  tags: StringMap;
  /** Root excluded; sorted by path. */
  resources: DesiredResource[];
  /** Sorted by key. */
  methods: DesiredMethod[];
  gatewayResponses: Record<string, GatewayResponseShape>;
  conflicts: MethodConflict[];
  pending: PendingMethod[];
}

export interface ObservedResource {
  id: string;
  path: string;
  parentId: string;
  pathPart: string;
}

export interface ObservedMethod {
  path: string;
  httpMethod: HttpMethod;
  shape: MethodShape;
}

export interface ObservedApi {
  id: string;
  rootResourceId: string;
  settings: ApiSettings;
  tags: StringMap;
  /** Root excluded. */
  resources: ObservedResource[];
  methods: ObservedMethod[];
  /** Only the customized ones (AWS reports defaults for every other type). */
  gatewayResponses: Record<string, GatewayResponseShape>;
  /** The REST API's resource policy as AWS returns it (a JSON string); read for diagnosis only. */
  resourcePolicy?: string;
}

/**
 * What the operator has written to this API before and may therefore remove again. Anything in AWS
 * that is neither desired nor in the ledger is someone else's and is never deleted.
 */
export interface OwnershipLedger {
  methods: MethodKey[];
  resources: string[];
  gatewayResponses: string[];
  tags: string[];
}

export const EMPTY_LEDGER: OwnershipLedger = { methods: [], resources: [], gatewayResponses: [], tags: [] };
