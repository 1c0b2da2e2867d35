// The integration of a method: where API Gateway sends the request (HTTP, HTTP_PROXY, AWS, AWS_PROXY,
// MOCK), over which connection, with which credentials, and how responses are mapped back.
import { Type, type Static } from '@sinclair/typebox';
import { MapOf, StringEnum, rule } from './schema.js';

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const INTEGRATION_TYPES = ['HTTP', 'HTTP_PROXY', 'AWS', 'AWS_PROXY', 'MOCK'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];
export const CONNECTION_TYPES = ['INTERNET', 'VPC_LINK'] as const;
export const PASSTHROUGH_BEHAVIORS = ['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'] as const;
export const CONTENT_HANDLING = ['CONVERT_TO_BINARY', 'CONVERT_TO_TEXT'] as const;

/** API Gateway's integration timeout bounds for REST APIs (milliseconds). */
export const TIMEOUT_MILLIS = { min: 50, max: 29000 } as const;

/** An IAM role ARN (credentials API Gateway assumes). */
export const ROLE_ARN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[a-zA-Z0-9+=,.@_/-]{1,512}$';

export const STATUS_CODE = Type.String({ pattern: '^[1-5][0-9][0-9]$', maxLength: 3, description: 'HTTP status code, e.g. "200".' });
export const CONTENT_TYPE_MAP_OPTIONS = { maxProperties: 20 };

export const Connection = Type.Object(
  {
    type: StringEnum(CONNECTION_TYPES, { default: 'INTERNET', description: 'INTERNET or VPC_LINK.' }),
    vpcLinkId: Type.Optional(Type.String({ pattern: '^[a-z0-9]{6,10}$', description: 'The VPC link for VPC_LINK.' })),
  },
  {
    description: 'How API Gateway reaches an HTTP backend.',
    'x-kubernetes-validations': [
      rule(
        "(self.type == 'VPC_LINK') == has(self.vpcLinkId)",
        'vpcLinkId is required when connection.type is VPC_LINK, and not allowed for INTERNET',
      ),
    ],
  },
);

export const Credentials = Type.Object(
  {
    executionRole: Type.Optional(
      Type.Boolean({ description: 'Use the role the operator manages for this RestPath (spec.executionRole).' }),
    ),
    roleArn: Type.Optional(
      Type.String({
        pattern: ROLE_ARN,
        description: 'An existing role API Gateway assumes, used as given.',
      }),
    ),
  },
  {
    description: 'The role API Gateway assumes to call an AWS service.',
    'x-kubernetes-validations': [
      rule(
        '(has(self.executionRole) && self.executionRole) != has(self.roleArn)',
        'credentials needs exactly one of executionRole: true or roleArn',
      ),
    ],
  },
);

export const IntegrationResponse = Type.Object(
  {
    statusCode: STATUS_CODE,
    selectionPattern: Type.Optional(
      Type.String({ maxLength: 1024, description: 'Regex on the backend status (HTTP) or error message (AWS).' }),
    ),
    responseParameters: Type.Optional(MapOf(Type.String({ maxLength: 1024 }), { maxProperties: 50 })),
    responseTemplates: Type.Optional(MapOf(Type.String({ maxLength: 32768 }), CONTENT_TYPE_MAP_OPTIONS)),
    contentHandling: Type.Optional(StringEnum(CONTENT_HANDLING)),
  },
  { description: 'Maps a backend response to a method response (non-proxy integrations).' },
);

export const Integration = Type.Object(
  {
    type: StringEnum(INTEGRATION_TYPES, {
      description: 'HTTP, HTTP_PROXY, AWS, AWS_PROXY (e.g. Lambda proxy) or MOCK.',
    }),
    uri: Type.Optional(
      Type.String({
        maxLength: 2048,
        description:
          'Backend: an http(s) URL for HTTP types, an arn:aws:apigateway:... URI for AWS types; none for MOCK. ' +
          'May use ${stageVariables.NAME}.',
      }),
    ),
    httpMethod: Type.Optional(
      StringEnum(HTTP_METHODS, { description: 'The method API Gateway uses to call the backend.' }),
    ),
    connection: Type.Optional(Connection),
    timeoutMillis: Type.Optional(
      Type.Integer({
        minimum: TIMEOUT_MILLIS.min,
        maximum: TIMEOUT_MILLIS.max,
        default: TIMEOUT_MILLIS.max,
        description: 'Integration timeout in milliseconds, 50 to 29000.',
      }),
    ),
    requestParameters: Type.Optional(
      MapOf(Type.String({ maxLength: 1024 }), {
        description: 'integration.request.{path|querystring|header}.NAME -> method.request.*, a context variable or a quoted literal.',
        maxProperties: 50,
        'x-kubernetes-validations': [
          rule(
            "self.all(k, k.matches('^integration\\\\.request\\\\.(path|querystring|header|multivalueheader|multivaluequerystring)\\\\.[^\\\\s]+$'))",
            'integration request parameter names must look like integration.request.{path|querystring|header}.NAME',
          ),
        ],
      }),
    ),
    requestTemplates: Type.Optional(
      MapOf(Type.String({ maxLength: 32768 }), { description: 'Mapping templates keyed by content type.', ...CONTENT_TYPE_MAP_OPTIONS }),
    ),
    cacheKeyParameters: Type.Optional(
      Type.Array(Type.String({ maxLength: 256, pattern: '^method\\.request\\.(path|querystring|header|multivalueheader|multivaluequerystring)\\.[^\\s]+$' }), {
        description:
          "Method request parameters that are part of the stage cache's key (with caching on): responses are cached per value. " +
          "Each must be one of the method's requestParameters. Without them the cache key is the path alone.",
        maxItems: 20,
        'x-kubernetes-list-type': 'set',
      }),
    ),
    passthroughBehavior: Type.Optional(StringEnum(PASSTHROUGH_BEHAVIORS)),
    contentHandling: Type.Optional(StringEnum(CONTENT_HANDLING)),
    credentials: Type.Optional(Credentials),
    responses: Type.Optional(
      Type.Array(IntegrationResponse, {
        description: 'Integration responses (HTTP, AWS and MOCK only).',
        maxItems: 20,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['statusCode'],
      }),
    ),
  },
  {
    description: 'Where API Gateway sends the request.',
    'x-kubernetes-validations': [
      rule(
        "!(self.type == 'HTTP' || self.type == 'HTTP_PROXY') || (has(self.uri) && self.uri.matches('^https?://'))",
        'HTTP and HTTP_PROXY integrations need a uri starting with http:// or https://',
        { fieldPath: '.uri' },
      ),
      rule(
        "!(self.type == 'AWS' || self.type == 'AWS_PROXY') || (has(self.uri) && self.uri.matches('^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:[a-z0-9.-]+:(path|action)/'))",
        'AWS and AWS_PROXY integrations need a uri like arn:aws:apigateway:REGION:SERVICE:path/... or ' +
          ':action/..., e.g. arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations',
        { fieldPath: '.uri' },
      ),
      rule("self.type != 'MOCK' || !has(self.uri)", 'MOCK integrations take no uri', { fieldPath: '.uri' }),
      rule(
        "self.type == 'MOCK' || has(self.httpMethod)",
        'integration.httpMethod (the method API Gateway uses to call the backend) is required for HTTP, ' +
          'HTTP_PROXY, AWS and AWS_PROXY integrations',
      ),
      rule(
        "!(self.type.startsWith('AWS') && has(self.uri) && self.uri.contains(':lambda:path/')) || (has(self.httpMethod) && self.httpMethod == 'POST')",
        'Lambda functions are invoked with POST: set integration.httpMethod to POST',
        { fieldPath: '.httpMethod' },
      ),
      rule(
        "!has(self.connection) || self.connection.type == 'INTERNET' || self.type == 'HTTP' || self.type == 'HTTP_PROXY'",
        'a VPC_LINK connection is possible only for HTTP and HTTP_PROXY integrations',
        { fieldPath: '.connection' },
      ),
      rule(
        "!has(self.credentials) || self.type == 'AWS' || self.type == 'AWS_PROXY'",
        'credentials (the role API Gateway assumes) apply only to AWS and AWS_PROXY integrations',
        { fieldPath: '.credentials' },
      ),
      rule(
        "!has(self.responses) || !self.type.endsWith('_PROXY')",
        'integration.responses apply only to HTTP, AWS and MOCK integrations: a proxy integration passes the ' +
          "backend's response through unchanged",
        { fieldPath: '.responses' },
      ),
    ],
  },
);
export type Integration = Static<typeof Integration>;
