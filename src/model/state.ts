// Desired and observed state of one REST API, and the ownership ledger that says what the operator
// may delete.
import type { ApiSettings, AuthorizerShape, GatewayResponseShape, MethodKey, MethodShape, ModelShape, RequestValidatorShape, StringMap } from './shapes.js';
import type { HttpMethod } from '../api/rest-path.js';
import type { EffectiveCors } from './cors.js';

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
  /** Not declared: the operator derives it (the CORS preflight of a path). */
  derived?: true;
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

/** A declared method that cannot be written as declared: it names something that does not exist. */
export interface RefusedMethod {
  path: string;
  httpMethod: HttpMethod;
  owner: string;
  /** AuthorizerNotFound, RequestValidatorNotFound, ModelNotFound. */
  reason: string;
  message: string;
}

/** Something API-wide the operator cannot apply as declared (a model cycle, for one). */
export interface ApiProblem {
  reason: string;
  message: string;
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
  /** Kept in AWS as they are (never deleted) until the reference is fixed. */
  refused: RefusedMethod[];
  /** By name. An authorizer waiting for its execution role is left out (and listed in `pending`'s reasons). */
  authorizers: Record<string, AuthorizerShape>;
  /** Declared authorizers not writable yet (their execution role is being made): kept, never deleted. */
  heldAuthorizers: string[];
  /** By name, in the order they must be created (a model after the models it refers to). */
  models: Record<string, ModelShape>;
  modelOrder: string[];
  requestValidators: Record<string, RequestValidatorShape>;
  /** The resource policy as canonical JSON; undefined when the spec declares none (AWS's is left alone unless ours). */
  policy?: string;
  problems: ApiProblem[];
  /** The CORS each RestPath (by key) has, its own or the RestApi's default; absent: none. For the runbook. */
  cors: Record<string, EffectiveCors>;
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
  /** The REST API's resource policy as AWS returns it (a JSON string). */
  resourcePolicy?: string;
  /** By name, with their ids. */
  authorizers: Record<string, AuthorizerShape & { id: string }>;
  models: Record<string, ModelShape>;
  requestValidators: Record<string, RequestValidatorShape & { id: string }>;
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
  authorizers: string[];
  models: string[];
  requestValidators: string[];
  resourcePolicy: boolean;
}

export const EMPTY_LEDGER: OwnershipLedger = { methods: [], resources: [], gatewayResponses: [], tags: [], authorizers: [], models: [], requestValidators: [], resourcePolicy: false };

/** What a REST API has of authorizers, models and validators when it is created: the two built-in models. */
export function freshAccess(): Pick<ObservedApi, 'authorizers' | 'models' | 'requestValidators'> {
  const builtIn = (title: string) => ({ contentType: 'application/json', description: '', schema: JSON.stringify({ $schema: 'http://json-schema.org/draft-04/schema#', title, type: 'object' }) });
  return { authorizers: {}, models: { Empty: builtIn('Empty Schema'), Error: builtIn('Error Schema') }, requestValidators: {} };
}
