// Who may call what, and how: authorizers, models and request validators (on the RestApi, referred to
// by name from methods), CORS (API-wide on the RestApi, per path on the RestPath) and the REST API's
// resource policy. What a schema cannot say is a CEL rule whose message is written for `kubectl apply`.
// Fields inside list items carry no schema default (the model applies it): a defaulted field in a list
// shows as a difference in Argo CD's legacy diff (deploy/argocd/ignore-differences.yaml).
import { Type, type Static } from '@sinclair/typebox';
import { FreeFormObject, StringEnum, rule } from './schema.js';
import { ROLE_ARN } from './integration.js';

export const AUTHORIZER_TYPES = ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'] as const;
export type AuthorizerType = (typeof AUTHORIZER_TYPES)[number];

/** API Gateway's default TTL of an authorizer's cached result (seconds). */
export const DEFAULT_AUTHORIZER_TTL = 300;
/** The identity source API Gateway's console proposes for a TOKEN authorizer. */
export const DEFAULT_TOKEN_SOURCE = 'method.request.header.Authorization';

export const NAME_PATTERN = '^[a-zA-Z0-9_-]{1,128}$';
export const LAMBDA_ARN = '^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_$-]{1,128})?$';
export const USER_POOL_ARN = '^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:[0-9]{12}:userpool/[a-z0-9-]+_[a-zA-Z0-9]+$';

export const AuthorizerCredentials = Type.Object(
  {
    executionRole: Type.Optional(
      Type.Boolean({ description: 'A role the operator manages that may invoke exactly this authorizer function.' }),
    ),
    roleArn: Type.Optional(
      Type.String({ pattern: ROLE_ARN, description: 'An existing role, used as given.' }),
    ),
  },
  {
    description: 'The role API Gateway assumes to invoke the authorizer function; without it the function needs a resource policy allowing apigateway.amazonaws.com.',
    'x-kubernetes-validations': [
      rule('(has(self.executionRole) && self.executionRole) != has(self.roleArn)', 'credentials needs exactly one of executionRole: true or roleArn'),
    ],
  },
);

export const Authorizer = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN, description: 'Name methods refer to (authorization.authorizerRef).' }),
    type: StringEnum(AUTHORIZER_TYPES, { description: 'TOKEN (a bearer token), REQUEST (headers, query, stage variables) or COGNITO_USER_POOLS.' }),
    identitySource: Type.Optional(
      Type.String({
        maxLength: 1024,
        description:
          'Where the identity is read, comma-separated, e.g. method.request.header.Authorization. TOKEN default: ' +
          `${DEFAULT_TOKEN_SOURCE}; the result cache is keyed by these values.`,
      }),
    ),
    identityValidationExpression: Type.Optional(
      Type.String({ maxLength: 1024, description: 'TOKEN only: a regular expression the token must match before the function is called.' }),
    ),
    resultTtlSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3600, description: `How long API Gateway caches the policy (0: no cache). Default ${DEFAULT_AUTHORIZER_TTL}.` }),
    ),
    functionArn: Type.Optional(
      Type.String({ pattern: LAMBDA_ARN, maxLength: 256, description: 'The Lambda function (TOKEN, REQUEST); the operator builds the invocation URI.' }),
    ),
    providerArns: Type.Optional(
      Type.Array(Type.String({ pattern: USER_POOL_ARN, maxLength: 256 }), {
        description: 'Cognito user pools (COGNITO_USER_POOLS).',
        minItems: 1,
        maxItems: 1000,
        'x-kubernetes-list-type': 'set',
      }),
    ),
    credentials: Type.Optional(AuthorizerCredentials),
  },
  {
    description: 'A Lambda or Cognito authorizer of the API.',
    'x-kubernetes-validations': [
      rule("self.type == 'COGNITO_USER_POOLS' ? (has(self.providerArns) && !has(self.functionArn)) : (has(self.functionArn) && !has(self.providerArns))",
        'a COGNITO_USER_POOLS authorizer needs providerArns (and no functionArn); TOKEN and REQUEST authorizers need functionArn (and no providerArns)'),
      rule("!has(self.credentials) || self.type != 'COGNITO_USER_POOLS'", 'credentials apply only to Lambda authorizers (TOKEN, REQUEST): API Gateway calls Cognito itself'),
      rule("!has(self.identityValidationExpression) || self.type == 'TOKEN'", 'identityValidationExpression applies only to TOKEN authorizers'),
      rule("self.type != 'REQUEST' || (has(self.resultTtlSeconds) && self.resultTtlSeconds == 0) || has(self.identitySource)",
        'a REQUEST authorizer that caches its result (resultTtlSeconds > 0, default 300) needs identitySource: API Gateway keys the cache by it'),
    ],
  },
);
export type Authorizer = Static<typeof Authorizer>;

export const Model = Type.Object(
  {
    name: Type.String({ pattern: '^[a-zA-Z0-9]{1,128}$', description: 'Model name (letters and digits); methods refer to it in requestModels.' }),
    contentType: Type.Optional(Type.String({ maxLength: 256, description: 'The content type the model describes. Default application/json.' })),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    schema: FreeFormObject({
      description:
        'A JSON Schema draft 4 object. Refer to another model of this API with {"$ref": "#/models/NAME"}: the operator writes ' +
        "API Gateway's https://apigateway.amazonaws.com/restapis/ID/models/NAME form and creates models in dependency order.",
    }),
  },
  { description: 'A request or response model (JSON Schema draft 4).' },
);
export type Model = Static<typeof Model>;

export const RequestValidator = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN, description: 'Name methods refer to (requestValidator).' }),
    validateBody: Type.Optional(Type.Boolean({ description: "Validate the body against the method's requestModels. Default false." })),
    validateParameters: Type.Optional(Type.Boolean({ description: "Check the method's required request parameters are present. Default false." })),
  },
  {
    description: 'What API Gateway validates before calling the integration (invalid requests get 400).',
    'x-kubernetes-validations': [
      rule('(has(self.validateBody) && self.validateBody) || (has(self.validateParameters) && self.validateParameters)', 'a request validator must validate the body, the parameters, or both'),
    ],
  },
);
export type RequestValidator = Static<typeof RequestValidator>;

const ORIGIN = Type.String({ pattern: '^(\\*|https?://[a-zA-Z0-9.-]+(:[0-9]{1,5})?)$', maxLength: 512, description: 'An origin (scheme://host[:port]) or *.' });
const HEADER_NAMES = (description: string) =>
  Type.Array(Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', maxLength: 256 }), { description, maxItems: 50, 'x-kubernetes-list-type': 'set' });
const CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

const corsFields = {
  allowOrigins: Type.Array(ORIGIN, { minItems: 1, maxItems: 20, 'x-kubernetes-list-type': 'set', description: 'Origins browsers may call from; * for any (not with allowCredentials).' }),
  allowMethods: Type.Optional(
    Type.Array(StringEnum(CORS_METHODS), { maxItems: 7, 'x-kubernetes-list-type': 'set', description: "Methods the preflight allows. Default: the path's own methods (and OPTIONS)." }),
  ),
  allowHeaders: Type.Optional(HEADER_NAMES('Request headers the preflight allows. Default: Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token.')),
  exposeHeaders: Type.Optional(HEADER_NAMES('Response headers browser scripts may read.')),
  maxAgeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400, description: 'How long browsers may cache the preflight.' })),
  allowCredentials: Type.Optional(Type.Boolean({ default: false, description: 'Let browsers send cookies and authorization headers (fetch credentials: include).' })),
};

const CREDENTIALS_WITH_ANY_ORIGIN = rule(
  "!has(self.allowCredentials) || !self.allowCredentials || !has(self.allowOrigins) || !self.allowOrigins.exists(o, o == '*')",
  "allowCredentials: true cannot be used with allowOrigins '*': browsers refuse credentialed responses for any origin; list the origins",
);

export const Cors = Type.Object(corsFields, {
  description: 'CORS for browser clients: the operator derives each path\'s OPTIONS preflight and adds the headers to responses.',
  'x-kubernetes-validations': [CREDENTIALS_WITH_ANY_ORIGIN],
});
export type Cors = Static<typeof Cors>;

export const PathCors = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ default: true, description: "false: no CORS on this path, whatever the RestApi's default." })),
    ...corsFields,
    allowOrigins: Type.Optional(corsFields.allowOrigins),
  },
  {
    description: "CORS for this path, replacing the RestApi's spec.cors, or enabled: false to turn it off here.",
    'x-kubernetes-validations': [
      CREDENTIALS_WITH_ANY_ORIGIN,
      rule('(has(self.enabled) && !self.enabled) || has(self.allowOrigins)', 'cors needs allowOrigins (or enabled: false to turn CORS off for this path)'),
    ],
  },
);
export type PathCors = Static<typeof PathCors>;

export const VPC_ENDPOINT_ID = '^vpce-[0-9a-f]{8,17}$';
