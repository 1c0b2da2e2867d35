// RestPath: one path of a REST API with its methods and integrations, and optionally the IAM role
// API Gateway assumes for AWS integrations.
import { Type, type Static } from '@sinclair/typebox';
import {
  Conditions,
  DeletionPolicy,
  LocalObjectReference,
  ObservedGeneration,
  Ownership,
  PlacementStatus,
  REST_API_ID_PATTERN,
  Throttling,
  statusOptions,
  type KubeObject,
} from './common.js';
import { FreeFormObject, MapOf, StringEnum, rule } from './schema.js';

import { NAME_PATTERN, PathCors } from './access.js';
import { MethodSettings } from './stage.js';
import { CONTENT_TYPE_MAP_OPTIONS, HTTP_METHODS, Integration, STATUS_CODE } from './integration.js';
export const AUTHORIZATION_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'] as const;

// The integration schemas live in integration.ts; these names are part of this module's API too.
export { HTTP_METHODS, INTEGRATION_TYPES, TIMEOUT_MILLIS, type HttpMethod, type Integration, type IntegrationType } from './integration.js';

export const Authorization = Type.Object(
  {
    type: StringEnum(AUTHORIZATION_TYPES, { default: 'NONE', description: 'How callers are authorized.' }),
    authorizerRef: Type.Optional(
      Type.String({ pattern: NAME_PATTERN, description: "The name of an authorizer in the RestApi's spec.authorizers (CUSTOM or COGNITO_USER_POOLS)." }),
    ),
    authorizerId: Type.Optional(
      Type.String({ pattern: '^[a-z0-9]{6,10}$', description: 'The id of an authorizer made outside the operator (a REST API managed elsewhere).' }),
    ),
    authorizationScopes: Type.Optional(
      Type.Array(Type.String({ maxLength: 256 }), {
        description: 'OAuth scopes a COGNITO_USER_POOLS token must carry.',
        maxItems: 50,
        'x-kubernetes-list-type': 'set',
      }),
    ),
  },
  {
    description: 'Method authorization.',
    'x-kubernetes-validations': [
      rule(
        "(self.type == 'CUSTOM' || self.type == 'COGNITO_USER_POOLS') == (has(self.authorizerRef) || has(self.authorizerId))",
        'CUSTOM and COGNITO_USER_POOLS authorization need authorizerRef (an authorizer of the RestApi) or authorizerId; NONE and AWS_IAM take neither',
      ),
      rule('!(has(self.authorizerRef) && has(self.authorizerId))', 'set authorizerRef or authorizerId, not both'),
      rule(
        "!has(self.authorizationScopes) || self.type == 'COGNITO_USER_POOLS'",
        'authorizationScopes apply only to COGNITO_USER_POOLS authorization',
      ),
    ],
  },
);


export const MethodResponse = Type.Object({
  statusCode: STATUS_CODE,
  responseParameters: Type.Optional(
    MapOf(Type.Boolean(), {
      description: 'method.response.header.NAME -> required.',
      maxProperties: 50,
      'x-kubernetes-validations': [
        rule(
          "self.all(k, k.startsWith('method.response.header.'))",
          "method response parameter names must start with 'method.response.header.'",
        ),
      ],
    }),
  ),
  responseModels: Type.Optional(MapOf(Type.String({ maxLength: 128 }), CONTENT_TYPE_MAP_OPTIONS)),
});

export const Method = Type.Object(
  {
    httpMethod: StringEnum(HTTP_METHODS, { description: 'GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS or ANY.' }),
    authorization: Type.Optional(Authorization),
    apiKeyRequired: Type.Optional(
      Type.Boolean({ default: false, description: 'Callers must send an API key of a UsagePlan covering the stage.' }),
    ),
    operationName: Type.Optional(Type.String({ maxLength: 256 })),
    requestParameters: Type.Optional(
      MapOf(Type.Boolean(), {
        description: 'method.request.{path|querystring|header}.NAME -> required.',
        maxProperties: 50,
        'x-kubernetes-validations': [
          rule(
            "self.all(k, k.matches('^method\\\\.request\\\\.(path|querystring|header|multivalueheader|multivaluequerystring)\\\\.[^\\\\s]+$'))",
            'method request parameter names must look like method.request.{path|querystring|header}.NAME',
          ),
        ],
      }),
    ),
    throttling: Type.Optional(Throttling('Per-method throttling, written into every stage of the API.', false)),
    settings: Type.Optional({ ...MethodSettings, description: "This method's logging, metrics and caching on every stage, over the stage's methodSettings (fields not given keep the stage's)." }),
    requestValidator: Type.Optional(
      Type.String({ pattern: NAME_PATTERN, description: "A request validator of the RestApi (spec.requestValidators) by name: invalid requests get 400 before the integration runs." }),
    ),
    requestModels: Type.Optional(
      MapOf(Type.String({ pattern: '^[a-zA-Z0-9]{1,128}$' }), {
        description: 'Body models by content type, e.g. application/json: Order (a model of the RestApi, or Empty / Error).',
        ...CONTENT_TYPE_MAP_OPTIONS,
      }),
    ),
    integration: Integration,
    methodResponses: Type.Optional(
      Type.Array(MethodResponse, {
        description: 'Method responses (HTTP, AWS and MOCK integrations).',
        maxItems: 20,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['statusCode'],
      }),
    ),
  },
  {
    description: 'One HTTP method on the path and its integration.',
    'x-kubernetes-validations': [
      rule(
        "!has(self.methodResponses) || !self.integration.type.endsWith('_PROXY')",
        "methodResponses apply only to HTTP, AWS and MOCK integrations: a proxy integration passes the backend's " +
          'response through unchanged',
        { fieldPath: '.methodResponses' },
      ),
      rule(
        '!has(self.integration.cacheKeyParameters) || self.integration.cacheKeyParameters.all(p, has(self.requestParameters) && p in self.requestParameters)',
        "every integration.cacheKeyParameters entry must be declared in the method's requestParameters (API Gateway refuses a cache key it does not receive)",
        { fieldPath: '.integration.cacheKeyParameters' },
      ),
      rule(
        '!has(self.integration.responses) || self.integration.responses.all(r, has(self.methodResponses) && ' +
          'self.methodResponses.exists(m, m.statusCode == r.statusCode))',
        'every integration response statusCode needs a methodResponse with the same statusCode',
        { fieldPath: '.integration.responses' },
      ),
    ],
  },
);
export type Method = Static<typeof Method>;

export const ExecutionRole = Type.Object(
  {
    managedPolicyArns: Type.Optional(
      Type.Array(
        Type.String({ pattern: '^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/[a-zA-Z0-9+=,.@_/-]+$', maxLength: 2048 }),
        { description: 'Managed policies to attach (IAM allows up to 20 per role).', maxItems: 20, 'x-kubernetes-list-type': 'set' },
      ),
    ),
    inlinePolicy: Type.Optional(
      FreeFormObject({ description: 'One inline IAM policy document ({ Version, Statement: [...] }).' }),
    ),
  },
  {
    description:
      'An IAM role the operator creates for this RestPath, assumable only by apigateway.amazonaws.com for this ' +
      'REST API; integrations use it with credentials: { executionRole: true }.',
    'x-kubernetes-validations': [
      rule(
        'has(self.managedPolicyArns) || has(self.inlinePolicy)',
        'executionRole needs managedPolicyArns or an inlinePolicy: a role with no permissions lets API Gateway call nothing',
      ),
    ],
  },
);

const PATH_SEGMENT = '^([a-zA-Z0-9._:-]+|\\\\{[a-zA-Z0-9._-]+\\\\+?\\\\})$';

export const RestPathSpec = Type.Object(
  {
    restApiRef: Type.Optional(LocalObjectReference),
    restApiId: Type.Optional(
      Type.String({ pattern: REST_API_ID_PATTERN, description: 'The id of a REST API managed elsewhere.' }),
    ),
    path: Type.String({
      minLength: 1,
      maxLength: 400,
      description: 'Resource path, e.g. /orders/{orderId}; a greedy {proxy+} is allowed as the last segment.',
      'x-kubernetes-validations': [
        rule("self.startsWith('/')", "path must start with '/'"),
        rule("self == '/' || !self.endsWith('/')", "path must not end with '/' (only the root path is '/')"),
        rule("!self.contains('//')", "path must not contain an empty segment ('//')"),
        rule(
          `self == '/' || self.substring(1).split('/').all(s, s.matches('${PATH_SEGMENT}'))`,
          'each path segment must be letters, digits and ._:- or a path variable such as {orderId} or {proxy+}',
        ),
        rule("!self.contains('+}/')", 'a greedy path variable such as {proxy+} is allowed only as the last segment'),
      ],
    }),
    methods: Type.Array(Method, {
      minItems: 1,
      maxItems: 8,
      description: 'The methods on this path, each with its integration.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['httpMethod'],
      'x-kubernetes-validations': [
        rule(
          'self.all(m, self.exists_one(n, n.httpMethod == m.httpMethod))',
          'each httpMethod may appear only once in a RestPath',
        ),
      ],
    }),
    executionRole: Type.Optional(ExecutionRole),
    cors: Type.Optional(PathCors),
    deletionPolicy: Type.Optional(DeletionPolicy),
  },
  {
    description: 'The desired path, its methods and integrations.',
    'x-kubernetes-validations': [
      rule(
        'has(self.restApiRef) != has(self.restApiId)',
        'set exactly one of restApiRef (a RestApi in this namespace) or restApiId (a REST API managed elsewhere)',
      ),
      rule(
        '(has(self.restApiRef) == has(oldSelf.restApiRef)) && (!has(self.restApiRef) || self.restApiRef.name == oldSelf.restApiRef.name) && ' +
          '(has(self.restApiId) == has(oldSelf.restApiId)) && (!has(self.restApiId) || self.restApiId == oldSelf.restApiId)',
        'the REST API of a RestPath is immutable (restApiRef, restApiId): create a new RestPath for another API',
      ),
      rule(
        '!self.methods.exists(m, has(m.integration.credentials) && has(m.integration.credentials.executionRole) && ' +
          'm.integration.credentials.executionRole) || has(self.executionRole)',
        'an integration with credentials.executionRole: true needs spec.executionRole, the role the operator manages for this RestPath',
        { fieldPath: '.executionRole' },
      ),
    ],
  },
);
export type RestPathSpec = Static<typeof RestPathSpec>;

export const RestPathStatus = Type.Object(
  {
    restApiId: Type.Optional(Type.String()),
    ...PlacementStatus,
    resourceId: Type.Optional(Type.String({ description: 'Id of this path in API Gateway.' })),
    urls: Type.Optional(
      Type.Array(Type.Object({ stage: Type.String(), url: Type.String() }), {
        maxItems: 10,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['stage'],
      }),
    ),
    executionRoleArn: Type.Optional(Type.String()),
    changedAt: Type.Optional(
      Type.String({ format: 'date-time', description: "When the operator last changed this path's methods in AWS; a stage deployed before it does not serve the change yet." }),
    ),
    ownership: Type.Optional(Ownership),
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
  },
  statusOptions('What the operator last observed and did, and the runbook checks.'),
);
export type RestPathStatus = Static<typeof RestPathStatus>;

export type RestPath = KubeObject<'RestPath', RestPathSpec, RestPathStatus>;
