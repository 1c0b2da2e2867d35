// Pieces every kind shares: references, throttling, deletion policy, tags and status conditions.
import { Type, type Static } from '@sinclair/typebox';
import { MapOf, StringEnum, rule } from './schema.js';

export const GROUP = 'apigateway.restpath.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Tag keys the operator writes itself to prove ownership; users may not set them. */
export const OWNERSHIP_TAG_PREFIX = 'restpath.dev/';

/** API Gateway REST API ids: ten lowercase letters or digits. */
export const REST_API_ID_PATTERN = '^[a-z0-9]{10}$';

export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

export const LocalObjectReference = Type.Object(
  {
    name: Type.String({
      description: 'Name of an object in the same namespace.',
      minLength: 1,
      maxLength: 253,
      pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
    }),
  },
  { description: 'A reference to an object in the same namespace.' },
);

/** An AWS region name, e.g. eu-west-1 or us-gov-west-1. */
export const REGION_PATTERN = '^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$';

export const Region = (description: string) => Type.String({ pattern: REGION_PATTERN, maxLength: 32, description });

/** An AwsAccount (cluster-scoped): whose role the operator assumes for an object. */
export const AccountReference = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', description: 'Name of an AwsAccount.' }),
  },
  {
    description:
      "The AwsAccount this object's AWS resources live in: the operator assumes its role. The AwsAccount must allow this " +
      "namespace (its namespaceSelector) and the object's region. Unset: the operator's own identity. Immutable.",
  },
);

/**
 * CEL rules keeping an object where its AWS resources are: once set, neither its account nor its
 * region can change or go (AWS cannot move a REST API, usage plan or domain name between them).
 * Setting one that was unset is allowed, to pin a default; the operator refuses it (PlacementChanged)
 * when it names somewhere else than where the resource already is.
 */
export const PLACEMENT_RULES = [
  rule(
    '!has(oldSelf.region) || (has(self.region) && self.region == oldSelf.region)',
    'region is immutable: AWS cannot move this resource between regions; create a new object instead',
    { fieldPath: '.region' },
  ),
  rule(
    '!has(oldSelf.accountRef) || (has(self.accountRef) && self.accountRef.name == oldSelf.accountRef.name)',
    'accountRef is immutable: AWS cannot move this resource between accounts; create a new object instead',
    { fieldPath: '.accountRef' },
  ),
];

/** Status fields saying where the object's AWS resources live: ids alone are ambiguous across accounts. */
export const PlacementStatus = {
  accountId: Type.Optional(Type.String({ description: 'The AWS account its resources live in.' })),
  region: Type.Optional(Type.String({ description: 'The AWS region its resources live in.' })),
};

export const DeletionPolicy = StringEnum(['Delete', 'Retain'] as const, {
  description:
    'What happens in AWS when this object is deleted. Delete removes exactly what this object owns; ' +
    'Retain leaves AWS untouched.',
});
export type DeletionPolicy = Static<typeof DeletionPolicy>;

export function Throttling(description: string, requireBurstAtLeastRate: boolean) {
  return Type.Object(
    {
      rateLimit: Type.Number({
        description: 'Steady-state requests per second (may be fractional).',
        minimum: 0,
        maximum: 10000,
      }),
      burstLimit: Type.Integer({
        description: 'Maximum requests in a burst: the capacity of the token bucket.',
        minimum: 0,
        maximum: 5000,
      }),
    },
    {
      description,
      'x-kubernetes-validations': requireBurstAtLeastRate
        ? [
            rule(
              'self.burstLimit >= self.rateLimit',
              'burstLimit must be greater than or equal to rateLimit: the burst is the token bucket that ' +
                'lets more requests through than the steady rate',
            ),
          ]
        : [],
    },
  );
}
export type Throttling = Static<ReturnType<typeof Throttling>>;

export const Tags = MapOf(Type.String({ maxLength: 256 }), {
  description:
    'AWS tags. The operator adds its own ownership tags (restpath.dev/managed-by, restpath.dev/owner) and ' +
    'the operator-wide default tags.',
  // AWS allows 50 tags per resource; 10 are left for the ownership and operator-wide default tags.
  maxProperties: 40,
  'x-kubernetes-validations': [
    rule(
      "self.all(k, size(k) <= 128 && !k.startsWith('aws:') && !k.startsWith('restpath.dev/'))",
      "tag keys must be at most 128 characters and must not start with 'aws:' (reserved by AWS) or " +
        "'restpath.dev/' (the operator's ownership tags)",
    ),
  ],
});

export const Condition = Type.Object(
  {
    type: Type.String({ description: 'Condition type, e.g. Ready or Synced.', maxLength: 316 }),
    status: StringEnum(['True', 'False', 'Unknown'] as const),
    observedGeneration: Type.Optional(Type.Integer({ format: 'int64', minimum: 0 })),
    lastTransitionTime: Type.String({ format: 'date-time', description: 'When status last changed.' }),
    reason: Type.String({
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      description: 'CamelCase reason for the last transition.',
    }),
    message: Type.String({ maxLength: 32768, description: 'What is wrong, what clients see, and how to check.' }),
  },
  { description: 'A condition in the Kubernetes metav1.Condition shape.' },
);
export type Condition = Static<typeof Condition>;

export const Conditions = Type.Array(Condition, {
  description: 'Ready (summary), Synced (last write to AWS) and, for RestPath, one condition per runbook check.',
  maxItems: 32,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

export const ObservedGeneration = Type.Integer({
  format: 'int64',
  minimum: 0,
  description: 'The metadata.generation the status describes.',
});

/**
 * The status every object has until the operator first writes one: the CRDs default `status` to it.
 * metadata.generation starts at 1, so observedGeneration 0 says "not observed yet", and kstatus
 * (cli-utils: kpt, Flux health checks, `apply --wait`) reads a fresh object as InProgress instead of
 * Current. The API server drops status on create (status subresource) and applies the default on
 * every read from etcd; the first status write stores the real one.
 */
export const UNOBSERVED_STATUS = { observedGeneration: 0 };

/** Options of every kind's status schema: its description and the UNOBSERVED_STATUS default. */
export function statusOptions(description: string) {
  return {
    description: `${description} Until the operator has written it, it is {observedGeneration: 0}: not observed yet.`,
    default: UNOBSERVED_STATUS,
  };
}

/** The part of Kubernetes' ObjectMeta the operator reads. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface KubeObject<K extends string, Spec, Status> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/**
 * What the operator has written to AWS for this object and may therefore remove again (ADR 0004):
 * API Gateway cannot tag methods or path segments, so ownership is recorded here.
 */
export const Ownership = Type.Object(
  {
    methods: Type.Optional(Type.Array(Type.String(), { maxItems: 2000, description: '"PATH METHOD" keys, e.g. "/orders GET".' })),
    resources: Type.Optional(Type.Array(Type.String(), { maxItems: 2000, description: 'Resource paths.' })),
    gatewayResponses: Type.Optional(Type.Array(Type.String(), { maxItems: 32 })),
    tags: Type.Optional(Type.Array(Type.String(), { maxItems: 64 })),
    authorizers: Type.Optional(Type.Array(Type.String(), { maxItems: 10, description: 'Authorizer names.' })),
    models: Type.Optional(Type.Array(Type.String(), { maxItems: 100, description: 'Model names.' })),
    requestValidators: Type.Optional(Type.Array(Type.String(), { maxItems: 20, description: 'Request validator names.' })),
    resourcePolicy: Type.Optional(Type.Boolean({ description: 'The operator wrote the resource policy.' })),
  },
  { description: 'What the operator wrote to AWS for this object and may remove again (API Gateway cannot tag methods).' },
);
export type Ownership = Static<typeof Ownership>;
