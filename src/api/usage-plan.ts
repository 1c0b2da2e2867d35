// UsagePlan: throttling, quotas and API keys for stages of REST APIs.
import { Type, type Static } from '@sinclair/typebox';
import { AccountReference, Conditions, DeletionPolicy, LocalObjectReference, ObservedGeneration, PLACEMENT_RULES, PlacementStatus, Region, Tags, Throttling, statusOptions, type KubeObject } from './common.js';
import { MapOf, StringEnum, rule } from './schema.js';

export const QUOTA_PERIODS = ['DAY', 'WEEK', 'MONTH'] as const;

/** Key in a Secret written by generateInto when none is given. */
export const DEFAULT_API_KEY_SECRET_KEY = 'apiKey';

const UsagePlanThrottle = (description: string) => Throttling(description, true);

export const Quota = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, description: 'Requests allowed per period.' }),
    period: StringEnum(QUOTA_PERIODS, { description: 'DAY, WEEK or MONTH.' }),
    offset: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 0,
        description: 'Days into the period when it starts: 0 for DAY, 0-6 for WEEK (0 = Sunday), 0-27 for MONTH.',
      }),
    ),
  },
  {
    description: 'How many requests a key may make per period.',
    'x-kubernetes-validations': [
      rule(
        "!has(self.offset) || (self.period == 'DAY' && self.offset == 0) || (self.period == 'WEEK' && self.offset <= 6) || (self.period == 'MONTH' && self.offset <= 27)",
        'quota offset must be 0 for DAY, 0-6 for WEEK and 0-27 for MONTH',
        { fieldPath: '.offset' },
      ),
    ],
  },
);

/**
 * A RestApi by name. References stay inside the namespace (api.md, tenancy); `namespace` is accepted
 * only so that a reference to another namespace is refused with a condition that says so, instead of
 * being pruned silently and pointing at a same-named RestApi here.
 */
export const RestApiReference = Type.Object(
  {
    name: LocalObjectReference.properties.name,
    namespace: Type.Optional(Type.String({ maxLength: 63, description: "Must be this object's own namespace when set; references never cross namespaces." })),
  },
  { description: 'A RestApi in the same namespace.' },
);

export const ApiStage = Type.Object(
  {
    restApiRef: RestApiReference,
    stage: Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_-]+$', description: 'A stage of that RestApi.' }),
    methodThrottle: Type.Optional(
      MapOf(UsagePlanThrottle('Throttling for one method.'), {
        description: 'Per-method throttling keyed by /path/METHOD, e.g. /orders/{orderId}/GET.',
        maxProperties: 100,
        'x-kubernetes-validations': [
          rule(
            "self.all(k, k.matches('^/.*/(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|ANY|\\\\*)$'))",
            'methodThrottle keys must be /path/METHOD, e.g. /orders/{orderId}/GET',
          ),
        ],
      }),
    ),
  },
  { description: 'A stage of a RestApi in this namespace that the plan covers.' },
);

export const ApiKey = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9._-]+$', description: 'Name of the API key.' }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    enabled: Type.Optional(Type.Boolean({ default: true, description: 'A disabled key is refused (403).' })),
    valueFrom: Type.Optional(
      Type.Object(
        {
          secretKeyRef: Type.Object({
            name: Type.String({ minLength: 1, maxLength: 253, description: 'A Secret in this namespace.' }),
            key: Type.String({ minLength: 1, maxLength: 253, description: 'The key in that Secret (at least 20 characters of value).' }),
          }),
        },
        { description: 'Bring your own key value from a Secret; a changed value rotates the key.' },
      ),
    ),
    generateInto: Type.Optional(
      Type.Object(
        {
          secretName: Type.String({
            minLength: 1,
            maxLength: 253,
            pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
            description: 'The Secret the operator creates (owned by this UsagePlan) with the generated value.',
          }),
          key: Type.Optional(Type.String({ default: DEFAULT_API_KEY_SECRET_KEY, maxLength: 253 })),
        },
        { description: 'The operator generates a strong random value and writes it into a Secret.' },
      ),
    ),
  },
  {
    description: 'An API key in this plan. Its value lives only in a Secret, never in a spec, status, Event or log.',
    'x-kubernetes-validations': [
      rule(
        'has(self.valueFrom) != has(self.generateInto)',
        'set exactly one of valueFrom (bring your own value from a Secret) or generateInto (the operator generates one)',
      ),
    ],
  },
);
export type ApiKey = Static<typeof ApiKey>;
export type ApiStage = Static<typeof ApiStage>;
export type QuotaSpec = Static<typeof Quota>;

export const UsagePlanSpec = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Usage plan name. Default: <namespace>-<name>.' })),
    accountRef: Type.Optional(AccountReference),
    region: Type.Optional(Region("AWS region. Default: the AwsAccount's first region, or the operator's region without accountRef. Its RestApis must be in the same account and region. Immutable.")),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    throttle: Type.Optional(UsagePlanThrottle('Throttling per API key across the plan.')),
    quota: Type.Optional(Quota),
    apiStages: Type.Optional(
      Type.Array(ApiStage, {
        description: 'Stages the plan applies to.',
        maxItems: 50,
        'x-kubernetes-validations': [
          rule(
            'self.all(a, self.exists_one(b, b.restApiRef.name == a.restApiRef.name && b.stage == a.stage))',
            'each (restApiRef, stage) pair may appear only once in apiStages',
          ),
        ],
      }),
    ),
    apiKeys: Type.Optional(
      Type.Array(ApiKey, {
        description: 'API keys in the plan.',
        // 1,000 keys fit in one object (about 150 bytes each); a plan's keys are unique by name as a
        // list-map (the API server refuses a duplicate name), with no CEL rule whose cost grows with n².
        maxItems: 1000,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    tags: Type.Optional(Tags),
    deletionPolicy: Type.Optional(DeletionPolicy),
  },
  { description: 'The desired usage plan.', 'x-kubernetes-validations': PLACEMENT_RULES },
);
export type UsagePlanSpec = Static<typeof UsagePlanSpec>;

export const UsagePlanStatus = Type.Object(
  {
    usagePlanId: Type.Optional(Type.String()),
    ...PlacementStatus,
    apiKeys: Type.Optional(
      Type.Array(
        Type.Object({ name: Type.String(), id: Type.Optional(Type.String()), enabled: Type.Optional(Type.Boolean()) }),
        { maxItems: 1000, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
      ),
    ),
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
  },
  statusOptions('What the operator last observed and did. Never holds key values.'),
);
export type UsagePlanStatus = Static<typeof UsagePlanStatus>;

export type UsagePlan = KubeObject<'UsagePlan', UsagePlanSpec, UsagePlanStatus>;
