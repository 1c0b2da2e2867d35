// DomainName: an API Gateway custom domain name and its base path mappings to stages of RestApis in
// the same namespace. The domain name is its own id in AWS, so it cannot change; neither can the
// endpoint type (a new type is a new DNS target: make a new DomainName and move DNS over).
import { Type, type Static } from '@sinclair/typebox';
import { AccountReference, Conditions, DeletionPolicy, ObservedGeneration, PLACEMENT_RULES, PlacementStatus, Region, Tags, statusOptions, type KubeObject } from './common.js';
import { StringEnum, rule } from './schema.js';
import { RestApiReference } from './usage-plan.js';

export const DOMAIN_ENDPOINT_TYPES = ['REGIONAL', 'EDGE'] as const;
export const SECURITY_POLICIES = ['TLS_1_0', 'TLS_1_2'] as const;
/** AWS's quota: API mappings per domain name (not adjustable). */
export const MAX_MAPPINGS = 200;

export const BasePathMapping = Type.Object(
  {
    basePath: Type.Optional(
      Type.String({
        maxLength: 300,
        default: '',
        // Empty (the root), or one or more segments (multi-level needs REGIONAL); no leading or trailing slash.
        pattern: "^([A-Za-z0-9._~!$&'()*+,;=:@-]+(/[A-Za-z0-9._~!$&'()*+,;=:@-]+)*)?$",
        description: 'The first path segment(s) that select this API, e.g. orders or v1/orders. Empty or unset: the root (the whole domain).',
      }),
    ),
    restApiRef: RestApiReference,
    stage: Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_-]+$', description: 'A stage of that RestApi.' }),
  },
  { description: 'Requests to https://<domainName>/<basePath>/... go to this stage of the RestApi.' },
);
export type BasePathMapping = Static<typeof BasePathMapping>;

export const DnsEndpointSpec = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Write an external-dns DNSEndpoint (externaldns.k8s.io/v1alpha1) named like this object.' }),
    recordTTL: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400, default: 300, description: 'TTL of the CNAME record, in seconds.' })),
  },
  { description: 'Let external-dns keep a CNAME from domainName to the domain target. Off by default; needs external-dns with its CRD source.' },
);

export const DomainNameSpec = Type.Object(
  {
    domainName: Type.String({
      minLength: 3,
      maxLength: 253,
      pattern: '^(\\*\\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z][-a-z0-9]*[a-z0-9]$',
      description: 'The custom domain name, e.g. api.example.com (a leading *. makes a wildcard domain).',
    }),
    accountRef: Type.Optional(AccountReference),
    region: Type.Optional(Region("AWS region. Default: the AwsAccount's first region, or the operator's region without accountRef. Mapped RestApis must be in the same account and region. Immutable.")),
    endpointType: Type.Optional(
      StringEnum(DOMAIN_ENDPOINT_TYPES, { default: 'REGIONAL', description: 'REGIONAL (served in this region) or EDGE (CloudFront in front).' }),
    ),
    certificateArn: Type.String({
      pattern: '^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$',
      description: "An ACM certificate covering domainName: in the domain's region for REGIONAL, in us-east-1 for EDGE.",
    }),
    securityPolicy: Type.Optional(StringEnum(SECURITY_POLICIES, { default: 'TLS_1_2', description: 'The minimum TLS version clients must use.' })),
    mutualTls: Type.Optional(
      Type.Object(
        {
          truststoreUri: Type.String({ pattern: '^s3://[a-z0-9.-]{3,63}/.+$', maxLength: 1024, description: 'The PEM bundle of client CAs, e.g. s3://bucket/truststore.pem.' }),
          truststoreVersion: Type.Optional(Type.String({ maxLength: 1024, description: 'The S3 object version; unset: the latest.' })),
        },
        { description: 'Require client certificates signed by the truststore (REGIONAL only, TLS_1_2).' },
      ),
    ),
    mappings: Type.Optional(
      Type.Array(BasePathMapping, {
        maxItems: MAX_MAPPINGS,
        description: 'Base path mappings. A root mapping (no basePath) must be the only one: API Gateway refuses others next to it.',
        // Keyed by basePath: the API server refuses a duplicate base path itself.
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['basePath'],
        'x-kubernetes-validations': [
          rule(
            "size(self) <= 1 || self.all(m, m.basePath != '')",
            'a root mapping (no basePath) takes the whole domain and must be the only mapping: give every mapping a basePath, or keep just the root one',
          ),
        ],
      }),
    ),
    dnsEndpoint: Type.Optional(DnsEndpointSpec),
    tags: Type.Optional(Tags),
    deletionPolicy: Type.Optional(DeletionPolicy),
    adopt: Type.Optional(
      Type.Boolean({
        description:
          'Take over a domain name that exists in AWS without an owner. Allowed only in namespaces the operator is configured to adopt in; an adopted domain name is never deleted by the operator.',
      }),
    ),
  },
  {
    description: 'The desired custom domain name.',
    'x-kubernetes-validations': [
      ...PLACEMENT_RULES,
      rule('self.domainName == oldSelf.domainName', 'domainName is immutable: it is the id in API Gateway; create a new DomainName for another name', { fieldPath: '.domainName' }),
      rule(
        "(has(self.endpointType) ? self.endpointType : 'REGIONAL') == (has(oldSelf.endpointType) ? oldSelf.endpointType : 'REGIONAL')",
        'endpointType is immutable: another type is another DNS target; create a new DomainName and move DNS to it',
        { fieldPath: '.endpointType' },
      ),
      rule(
        "!has(self.endpointType) || self.endpointType != 'EDGE' || self.certificateArn.matches('^arn:aws[a-z-]*:acm:us-east-1:')",
        'an EDGE domain name is served by CloudFront, which only uses ACM certificates in us-east-1',
        { fieldPath: '.certificateArn' },
      ),
      rule("!has(self.mutualTls) || !has(self.endpointType) || self.endpointType == 'REGIONAL'", 'mutualTls needs a REGIONAL domain name', { fieldPath: '.mutualTls' }),
      rule("!has(self.mutualTls) || !has(self.securityPolicy) || self.securityPolicy == 'TLS_1_2'", 'mutualTls needs securityPolicy TLS_1_2', { fieldPath: '.securityPolicy' }),
      rule(
        "!has(self.mappings) || !has(self.endpointType) || self.endpointType == 'REGIONAL' || self.mappings.all(m, !m.basePath.contains('/'))",
        'multi-level base paths (with /) need a REGIONAL domain name',
        { fieldPath: '.mappings' },
      ),
    ],
  },
);
export type DomainNameSpec = Static<typeof DomainNameSpec>;

export const DomainNameStatus = Type.Object(
  {
    /** Where DNS must point: the regional domain name, or the CloudFront distribution's for EDGE. */
    targetDomainName: Type.Optional(Type.String({ description: 'The name a CNAME or alias record for domainName must point at.' })),
    ...PlacementStatus,
    hostedZoneId: Type.Optional(Type.String({ description: 'The hosted zone id of the target, for a Route 53 alias record.' })),
    domainNameStatus: Type.Optional(Type.String({ description: "API Gateway's status of the domain name, e.g. AVAILABLE or PENDING." })),
    /** The mappings the operator created: only these may it remove (the ownership ledger). */
    mappings: Type.Optional(
      Type.Array(Type.Object({ basePath: Type.String(), restApiId: Type.String(), stage: Type.String() }), { maxItems: MAX_MAPPINGS }),
    ),
    dnsEndpoint: Type.Optional(Type.String({ description: 'The external-dns DNSEndpoint the operator keeps for this domain name, when spec.dnsEndpoint.enabled.' })),
    /** True when the operator created the domain name (it may delete it); false when adopted. */
    created: Type.Optional(Type.Boolean()),
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
  },
  statusOptions('What the operator last observed and did.'),
);
export type DomainNameStatus = Static<typeof DomainNameStatus>;

export type DomainName = KubeObject<'DomainName', DomainNameSpec, DomainNameStatus>;
