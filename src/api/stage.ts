// A stage of a RestApi: its variables and deployment mode, and what a live API needs on it: access
// logs, X-Ray tracing, the cache cluster, method settings for every method (logging, metrics,
// caching, throttling), a canary and a client certificate for the backends.
import { Type, type Static } from '@sinclair/typebox';
import { Throttling } from './common.js';
import { MapOf, StringEnum, rule } from './schema.js';

/** Annotation on a RestApi whose change deploys its Manual stages. */
export const DEPLOY_ANNOTATION = 'restpath.dev/deploy';
/** Annotation on a RestApi whose change promotes every stage's canary. */
export const PROMOTE_ANNOTATION = 'restpath.dev/promote';
export const DEPLOYMENT_MODES = ['Automatic', 'Manual'] as const;
export const LOGGING_LEVELS = ['OFF', 'ERROR', 'INFO'] as const;
export const ACCESS_LOG_PRESETS = ['clf', 'json', 'xml', 'csv'] as const;
/** API Gateway's cache cluster sizes, in GB. */
export const CACHE_SIZES = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'] as const;

const VARIABLE_VALUE = Type.String({ maxLength: 512, pattern: '^[A-Za-z0-9-._~:/?#&=,]+$', description: 'Stage variable value (letters, digits and -._~:/?#&=,).' });
const VARIABLE_NAMES = rule("self.all(k, k.matches('^[A-Za-z0-9_]{1,64}$'))", 'stage variable names may contain only letters, digits and underscores (at most 64)');

export const Caching = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Cache responses (the stage needs cacheCluster.enabled).' }),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, description: 'How long a response is cached. Default 300.' })),
    encrypted: Type.Optional(Type.Boolean({ description: 'Encrypt cached responses. Default false.' })),
    requireAuthorizationForCacheControl: Type.Optional(
      Type.Boolean({ description: 'Only callers allowed execute-api:InvalidateCache may bypass the cache with Cache-Control: max-age=0. Default true.' }),
    ),
  },
  { description: 'Response caching.' },
);
export type Caching = Static<typeof Caching>;

export const MethodSettings = Type.Object(
  {
    loggingLevel: Type.Optional(StringEnum(LOGGING_LEVELS, { description: 'CloudWatch execution logging: OFF, ERROR or INFO. Needs the account CloudWatch role.' })),
    dataTrace: Type.Optional(Type.Boolean({ description: 'Log full requests and responses (never in production with secrets in bodies).' })),
    metrics: Type.Optional(Type.Boolean({ description: 'Detailed CloudWatch metrics per method.' })),
    caching: Type.Optional(Caching),
  },
  {
    description: 'Method settings: logging, metrics and caching.',
    'x-kubernetes-validations': [rule("!has(self.dataTrace) || !self.dataTrace || (has(self.loggingLevel) && self.loggingLevel != 'OFF')", 'dataTrace needs loggingLevel ERROR or INFO: the data trace is part of the execution log')],
  },
);
export type MethodSettings = Static<typeof MethodSettings>;

export const AccessLogs = Type.Object(
  {
    destinationArn: Type.String({
      maxLength: 2048,
      pattern: '^arn:aws[a-z-]*:(logs:[a-z0-9-]+:[0-9]{12}:log-group:[^:*]+|firehose:[a-z0-9-]+:[0-9]{12}:deliverystream/amazon-apigateway-[A-Za-z0-9._-]+)$',
      description: 'A CloudWatch Logs group ARN (without :*), or a Firehose stream whose name starts with amazon-apigateway-.',
    }),
    format: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 3000,
        description: 'clf, json, xml or csv (the fields the API Gateway console offers), or a format string with $context variables. Default json.',
      }),
    ),
  },
  {
    description: 'Access logs: one line per request.',
    'x-kubernetes-validations': [
      rule("!has(self.format) || self.format in ['clf', 'json', 'xml', 'csv'] || self.format.contains('$context.requestId') || self.format.contains('$context.extendedRequestId')", 'an access log format string must contain $context.requestId or $context.extendedRequestId (API Gateway refuses it otherwise), or be one of clf, json, xml, csv'),
    ],
  },
);
export type AccessLogs = Static<typeof AccessLogs>;

export const Canary = Type.Object(
  {
    percentTraffic: Type.Number({ minimum: 0, maximum: 100, description: "The share of the stage's requests the canary serves, in percent." }),
    stageVariableOverrides: Type.Optional(MapOf(VARIABLE_VALUE, { maxProperties: 100, description: 'Stage variables the canary sees instead of the stage\'s.', 'x-kubernetes-validations': [VARIABLE_NAMES] })),
    useStageCache: Type.Optional(Type.Boolean({ description: "Let the canary use the stage's cache. Default false." })),
  },
  { description: `A canary: changes are deployed to it first; ${PROMOTE_ANNOTATION} (changed) or removing the canary promotes it.` },
);
export type Canary = Static<typeof Canary>;

export const Stage = Type.Object(
  {
    name: Type.String({ description: 'Stage name; part of the invoke URL.', minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_-]+$' }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    variables: Type.Optional(MapOf(VARIABLE_VALUE, { description: 'Stage variables, usable as ${stageVariables.NAME} in integration URIs.', maxProperties: 100, 'x-kubernetes-validations': [VARIABLE_NAMES] })),
    throttling: Type.Optional(Throttling('Default method throttling for the stage (all methods: */*).', false)),
    methodSettings: Type.Optional(MethodSettings),
    accessLogs: Type.Optional(AccessLogs),
    tracing: Type.Optional(Type.Boolean({ description: 'AWS X-Ray tracing of requests. Default false.' })),
    cacheCluster: Type.Optional(
      Type.Object({ enabled: Type.Boolean({ description: 'Turn the stage cache on or off.' }), size: Type.Optional(StringEnum(CACHE_SIZES, { description: 'Cache size in GB. Default 0.5.' })) }, { description: 'The stage cache (billed by the hour while enabled).' }),
    ),
    canary: Type.Optional(Canary),
    clientCertificate: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean({ description: 'Generate a client certificate for this stage and present it to HTTP backends.' }),
          description: Type.Optional(Type.String({ maxLength: 1024, description: 'The certificate\'s description in API Gateway.' })),
        },
        {
          description:
            'A client certificate API Gateway presents to the HTTP and HTTP_PROXY backends of this stage, so they can tell its requests from others ' +
            '(mutual TLS to the backend). The operator generates it, sets it on the stage and deletes it when it is no longer declared; its id and expiry ' +
            'are in status.stages[].clientCertificate, and `aws apigateway get-client-certificate --client-certificate-id ID` gives the PEM for the backend.',
        },
      ),
    ),
    webAclArn: Type.Optional(
      Type.String({
        maxLength: 1224,
        pattern: '^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]{1,128}/[a-f0-9-]{36}$',
        description:
          'An AWS WAF web ACL (regional, in the API\'s region) to protect the stage with. The operator associates it (replacing another association ' +
          'of the stage) and, when the field is removed, disassociates only the one it associated (status.stages[].webAclArn).',
      }),
    ),
    deployment: Type.Optional(
      StringEnum(DEPLOYMENT_MODES, {
        default: 'Automatic',
        description: `Automatic: changes are deployed to this stage, coalesced into one deployment per burst. Manual: the stage is deployed only when the ${DEPLOY_ANNOTATION} annotation on the RestApi changes.`,
      }),
    ),
  },
  {
    description: 'A stage: a named, deployed snapshot of the API with its own invoke URL.',
    'x-kubernetes-validations': [
      rule('!has(self.methodSettings) || !has(self.methodSettings.caching) || !self.methodSettings.caching.enabled || (has(self.cacheCluster) && self.cacheCluster.enabled)', 'methodSettings.caching needs cacheCluster.enabled: true on the stage (the cache the methods use)', { fieldPath: '.methodSettings.caching' }),
    ],
  },
);
export type Stage = Static<typeof Stage>;
