// RestApi: one API Gateway REST API and its API-wide settings (stages, gateway responses, tags).
import { Type, type Static } from '@sinclair/typebox';
import {
  AccountReference,
  Conditions,
  DeletionPolicy,
  PLACEMENT_RULES,
  PlacementStatus,
  Region,
  ObservedGeneration,
  Ownership,
  REST_API_ID_PATTERN,
  Tags,
  statusOptions,
  type KubeObject,
} from './common.js';
import { Authorizer, Cors, Model, RequestValidator, VPC_ENDPOINT_ID } from './access.js';
import { FreeFormObject, MapOf, StringEnum, rule } from './schema.js';
import { DEPLOY_ANNOTATION, PROMOTE_ANNOTATION, Stage } from './stage.js';

export const ENDPOINT_TYPES = ['EDGE', 'REGIONAL', 'PRIVATE'] as const;

/** Every gateway response type API Gateway accepts (PutGatewayResponse's responseType). */
export const GATEWAY_RESPONSE_TYPES = [
  'DEFAULT_4XX', 'DEFAULT_5XX', 'ACCESS_DENIED', 'API_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE',
  'AUTHORIZER_CONFIGURATION_ERROR', 'BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY', 'EXPIRED_TOKEN',
  'INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT', 'INVALID_API_KEY', 'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN', 'QUOTA_EXCEEDED', 'REQUEST_TOO_LARGE', 'RESOURCE_NOT_FOUND', 'THROTTLED',
  'UNAUTHORIZED', 'UNSUPPORTED_MEDIA_TYPE', 'WAF_FILTERED',
] as const;


/** On a RestApi: "true" stops all writes to AWS for it and its paths; observing and diagnosing go on. */
export const PAUSE_ANNOTATION = 'restpath.dev/paused';
export { DEPLOY_ANNOTATION, DEPLOYMENT_MODES, PROMOTE_ANNOTATION, Stage } from './stage.js';

export const GatewayResponse = Type.Object(
  {
    type: StringEnum(GATEWAY_RESPONSE_TYPES, { description: 'Gateway response type.' }),
    statusCode: Type.Optional(Type.String({ pattern: '^[1-5][0-9][0-9]$', description: 'HTTP status to return.' })),
    responseParameters: Type.Optional(
      MapOf(Type.String({ maxLength: 1024 }), {
        description: "Headers to set, e.g. gatewayresponse.header.Access-Control-Allow-Origin: \"'*'\".",
        maxProperties: 50,
        'x-kubernetes-validations': [
          rule(
            "self.all(k, k.startsWith('gatewayresponse.header.'))",
            "gateway response parameter names must start with 'gatewayresponse.header.'",
          ),
        ],
      }),
    ),
    responseTemplates: Type.Optional(
      MapOf(Type.String({ maxLength: 32768 }), {
        description: 'Body templates keyed by content type, e.g. application/json.',
        maxProperties: 20,
      }),
    ),
  },
  { description: 'A customized gateway response (what API Gateway answers when it rejects a request itself).' },
);
export type GatewayResponse = Static<typeof GatewayResponse>;

export const RestApiSpec = Type.Object(
  {
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'API Gateway name. Default: <namespace>-<name>.' }),
    ),
    adoptId: Type.Optional(
      Type.String({
        pattern: REST_API_ID_PATTERN,
        description:
          'Take over this existing REST API instead of creating one. Allowed only in namespaces the operator ' +
          'is configured to adopt in; adopted APIs default to deletionPolicy Retain.',
      }),
    ),
    accountRef: Type.Optional(AccountReference),
    region: Type.Optional(Region("AWS region. Default: the AwsAccount's first region, or the operator's region without accountRef. Immutable.")),
    endpointType: Type.Optional(
      StringEnum(ENDPOINT_TYPES, {
        default: 'REGIONAL',
        description: 'EDGE (CloudFront in front), REGIONAL or PRIVATE (reachable only through VPC endpoints).',
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    binaryMediaTypes: Type.Optional(
      Type.Array(
        Type.String({ pattern: '^[a-zA-Z0-9*.+-]+/[a-zA-Z0-9*.+-]+$', maxLength: 256 }),
        {
          description: 'Content types API Gateway passes through as binary, e.g. image/png or */*.',
          maxItems: 50,
          'x-kubernetes-list-type': 'set',
        },
      ),
    ),
    stages: Type.Optional(
      Type.Array(Stage, {
        description: 'Stages to create and deploy (API Gateway allows 10 per API).',
        maxItems: 10,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    gatewayResponses: Type.Optional(
      Type.Array(GatewayResponse, {
        description: 'Custom gateway responses; types not listed keep API Gateway defaults.',
        maxItems: 21,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
    authorizers: Type.Optional(
      Type.Array(Authorizer, {
        description: 'Lambda (TOKEN, REQUEST) and Cognito authorizers; methods refer to them by name (API Gateway allows 10).',
        maxItems: 10,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    models: Type.Optional(
      Type.Array(Model, {
        description: 'JSON Schema models methods validate bodies against (requestModels).',
        maxItems: 100,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    requestValidators: Type.Optional(
      Type.Array(RequestValidator, {
        description: 'Request validators methods refer to by name (requestValidator).',
        maxItems: 20,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    cors: Type.Optional(Cors),
    policy: Type.Optional(
      FreeFormObject({
        description:
          'The resource policy (an IAM policy document). A Resource written execute-api:/* (or execute-api:/STAGE/METHOD/PATH) ' +
          "is resolved to this API's ARN.",
      }),
    ),
    vpcEndpointIds: Type.Optional(
      Type.Array(Type.String({ pattern: VPC_ENDPOINT_ID, maxLength: 32 }), {
        description: 'VPC endpoints a PRIVATE API is reachable through (its DNS names resolve only through them).',
        maxItems: 20,
        'x-kubernetes-list-type': 'set',
      }),
    ),
    tags: Type.Optional(Tags),
    deletionPolicy: Type.Optional(DeletionPolicy),
  },
  {
    description: 'The desired REST API.',
    'x-kubernetes-validations': [
      ...PLACEMENT_RULES,
      rule(
        "!(has(oldSelf.endpointType) && oldSelf.endpointType == 'PRIVATE' && has(self.endpointType) && self.endpointType == 'EDGE')",
        'a PRIVATE API cannot become EDGE directly (API Gateway allows PRIVATE -> REGIONAL only): change it to REGIONAL first',
        { fieldPath: '.endpointType' },
      ),
      rule(
        '(has(self.adoptId) == has(oldSelf.adoptId)) && (!has(self.adoptId) || self.adoptId == oldSelf.adoptId)',
        'adoptId is immutable: it names the REST API this object manages; create a new RestApi to manage another',
        { fieldPath: '.adoptId' },
      ),
      rule(
        "!has(self.endpointType) || self.endpointType != 'PRIVATE' || has(self.policy)",
        'a PRIVATE API needs a resource policy (spec.policy) allowing execute-api:Invoke, usually from its VPC endpoints: API Gateway serves a PRIVATE API without one to nobody',
        { fieldPath: '.policy' },
      ),
      rule(
        "!has(self.vpcEndpointIds) || (has(self.endpointType) && self.endpointType == 'PRIVATE')",
        'vpcEndpointIds apply only to PRIVATE APIs (endpointType: PRIVATE)',
        { fieldPath: '.vpcEndpointIds' },
      ),
    ],
  },
);
export type RestApiSpec = Static<typeof RestApiSpec>;

export const StageStatus = Type.Object({
  name: Type.String(),
  deploymentId: Type.Optional(Type.String()),
  deployedAt: Type.Optional(Type.String({ format: 'date-time' })),
  invokeUrl: Type.Optional(Type.String()),
  deployedAnnotation: Type.Optional(
    Type.String({ description: `The ${DEPLOY_ANNOTATION} value the current deployment was made for (Manual stages).` }),
  ),
  canary: Type.Optional(
    Type.Object(
      {
        deploymentId: Type.String({ description: 'The deployment the canary serves.' }),
        deployedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the operator deployed it to the canary.' })),
        percentTraffic: Type.Number({ description: "The share of the stage's requests it serves, in percent." }),
      },
      { description: 'The canary, while the stage has one: changes go here first, until promoted.' },
    ),
  ),
  promotedAnnotation: Type.Optional(Type.String({ description: `The ${PROMOTE_ANNOTATION} value the last promotion was made for.` })),
  webAclArn: Type.Optional(Type.String({ description: 'The AWS WAF web ACL the operator associated with the stage (the one it may disassociate).' })),
  clientCertificate: Type.Optional(
    Type.Object(
      {
        id: Type.String({ description: 'The client certificate id in API Gateway.' }),
        expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When it expires (API Gateway makes them valid for a year).' })),
      },
      { description: 'The client certificate the operator generated for the stage.' },
    ),
  ),
});
export type StageStatus = Static<typeof StageStatus>;

/** How the REST API's first contents were created: one PutRestApi, or per operation after AWS refused the import. */
export const BulkCreateStatus = Type.Object(
  {
    restApiId: Type.String({ description: 'The REST API the import was for.' }),
    outcome: StringEnum(['Created', 'Refused'] as const, { description: 'Created: one PutRestApi made it. Refused: AWS refused the document, and the operator created the API per operation instead (and does not try the import again for this REST API).' }),
    at: Type.String({ format: 'date-time', description: 'When.' }),
    operations: Type.Integer({ minimum: 0, description: 'The per-operation calls the import stood for.' }),
    warnings: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 20, description: "What AWS reported, item by item (the import runs with failOnWarnings)." })),
  },
  { description: 'Bulk create: the REST API created from one OpenAPI document.' },
);
export type BulkCreateStatus = Static<typeof BulkCreateStatus>;

export const RestApiStatus = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'The REST API id in API Gateway.' })),
    ...PlacementStatus,
    rootResourceId: Type.Optional(Type.String({ description: 'Id of the root resource (/).' })),
    changedAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the operator last changed the API; stages deployed before it are behind.' }),
    ),
    stages: Type.Optional(
      Type.Array(StageStatus, {
        maxItems: 10,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    ownership: Type.Optional(Ownership),
    bulkCreate: Type.Optional(BulkCreateStatus),
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
  },
  statusOptions('What the operator last observed and did.'),
);
export type RestApiStatus = Static<typeof RestApiStatus>;

export type RestApi = KubeObject<'RestApi', RestApiSpec, RestApiStatus>;
