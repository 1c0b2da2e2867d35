// AwsAccount (cluster-scoped, the platform admin's): an AWS account the operator reaches by assuming
// a role, the regions it may work in there, and the namespaces whose objects may use it.
import { Type, type Static } from '@sinclair/typebox';
import { Conditions, ObservedGeneration, Region, statusOptions, type API_VERSION, type ObjectMeta } from './common.js';
import { MapOf, StringEnum, rule } from './schema.js';

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** Kubernetes' metav1.LabelSelector: every matchLabels pair and every expression must hold. */
export const LabelSelector = Type.Object(
  {
    matchLabels: Type.Optional(MapOf(Type.String({ maxLength: 63 }), { maxProperties: 32, description: 'Labels a namespace must have, with these values.' })),
    matchExpressions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            key: Type.String({ minLength: 1, maxLength: 317 }),
            operator: StringEnum(SELECTOR_OPERATORS),
            values: Type.Optional(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 64, description: 'For In and NotIn: the label values.' })),
          },
          {
            'x-kubernetes-validations': [
              rule(
                "(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)",
                'In and NotIn need values; Exists and DoesNotExist take none',
                { fieldPath: '.values' },
              ),
            ],
          },
        ),
        { maxItems: 32, description: 'Requirements on labels (key, operator In, NotIn, Exists or DoesNotExist, values).' },
      ),
    ),
  },
  { description: 'Namespaces by their labels, as in a NetworkPolicy. {} selects every namespace.' },
);
export type LabelSelector = Static<typeof LabelSelector>;

export const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$';

export const AwsAccountSpec = Type.Object(
  {
    accountId: Type.String({ pattern: '^[0-9]{12}$', description: 'The 12-digit AWS account id.' }),
    roleArn: Type.String({
      pattern: ROLE_ARN_PATTERN,
      maxLength: 2048,
      description:
        "The role the operator assumes in that account (sts:AssumeRole). It carries the operator's IAM policy " +
        '(deploy/iam-policy.json); its trust policy names the role the operator runs as.',
    }),
    externalId: Type.Optional(
      Type.String({ minLength: 2, maxLength: 1224, pattern: '^[\\w+=,.@:/-]+$', description: "The role's sts:ExternalId condition, when its trust policy has one." }),
    ),
    sessionName: Type.Optional(
      Type.String({ minLength: 2, maxLength: 64, pattern: '^[\\w+=,.@-]+$', default: 'restpath-operator', description: 'The role session name CloudTrail shows.' }),
    ),
    sessionTags: Type.Optional(
      MapOf(Type.String({ maxLength: 256 }), {
        maxProperties: 50,
        description: 'Session tags passed with AssumeRole (the trust policy must allow sts:TagSession), e.g. for ABAC.',
        'x-kubernetes-validations': [
          rule("self.all(k, size(k) <= 128 && !k.startsWith('aws:'))", "session tag keys must be at most 128 characters and must not start with 'aws:'"),
        ],
      }),
    ),
    sessionDurationSeconds: Type.Optional(
      Type.Integer({ minimum: 900, maximum: 43200, default: 3600, description: "How long each set of credentials lasts; they are renewed 5 minutes before they expire. At most the role's MaxSessionDuration." }),
    ),
    regions: Type.Array(Region('A region objects may use in this account.'), {
      minItems: 1,
      maxItems: 32,
      'x-kubernetes-list-type': 'set',
      description: 'The regions objects may use in this account. The first is the default for objects that name none.',
    }),
    namespaceSelector: LabelSelector,
  },
  {
    description: 'An AWS account the operator manages API Gateway in by assuming a role.',
    'x-kubernetes-validations': [
      rule("self.roleArn.split(':')[4] == self.accountId", 'roleArn must be a role in accountId', { fieldPath: '.roleArn' }),
    ],
  },
);
export type AwsAccountSpec = Static<typeof AwsAccountSpec>;

export const AwsAccountStatus = Type.Object(
  {
    assumedRoleArn: Type.Optional(Type.String({ description: 'The session the operator last assumed (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION).' })),
    credentialsExpireAt: Type.Optional(Type.String({ format: 'date-time', description: 'When those credentials expire; they are renewed before.' })),
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
  },
  statusOptions('Whether the operator can assume the role. Never holds credentials.'),
);
export type AwsAccountStatus = Static<typeof AwsAccountStatus>;

export interface AwsAccount {
  apiVersion: typeof API_VERSION;
  kind: 'AwsAccount';
  metadata: ObjectMeta;
  spec: AwsAccountSpec;
  status?: AwsAccountStatus;
}

export const DEFAULT_SESSION_NAME = 'restpath-operator';
export const DEFAULT_SESSION_SECONDS = 3600;
