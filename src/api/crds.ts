// The CustomResourceDefinitions, built from the same TypeBox schemas that give the TypeScript types.
// `npm run crds` writes them to crds/; a unit test fails when the committed files drift from this.
import { Type, type TSchema } from '@sinclair/typebox';
import { GROUP, VERSION } from './common.js';
import { AwsAccountSpec, AwsAccountStatus } from './aws-account.js';
import { DomainNameSpec, DomainNameStatus } from './domain-name.js';
import { RestApiSpec, RestApiStatus } from './rest-api.js';
import { RestPathSpec, RestPathStatus } from './rest-path.js';
import { UsagePlanSpec, UsagePlanStatus } from './usage-plan.js';

/** `kubectl get apigateway` lists every kind; `restpath` would clash with the RestPath singular. */
export const CATEGORIES = ['apigateway', 'aws'];

interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

interface KindDefinition {
  kind: string;
  plural: string;
  shortName: string;
  description: string;
  spec: TSchema;
  status: TSchema;
  columns: PrinterColumn[];
  /** Default Namespaced. */
  scope?: 'Namespaced' | 'Cluster';
}

/** Where the object's AWS resources live (kubectl get -o wide). */
const placementColumns: PrinterColumn[] = [
  { name: 'Account', type: 'string', jsonPath: '.status.accountId', priority: 1 },
  { name: 'Region', type: 'string', jsonPath: '.status.region', priority: 1 },
];

const readyColumns: PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Message', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message', priority: 1 },
];

export const KINDS: KindDefinition[] = [
  {
    kind: 'RestApi',
    plural: 'restapis',
    shortName: 'ra',
    description: 'An AWS API Gateway REST API and its API-wide settings: stages, gateway responses and tags.',
    spec: RestApiSpec,
    status: RestApiStatus,
    columns: [
      { name: 'API-Name', type: 'string', jsonPath: '.spec.name' },
      { name: 'ID', type: 'string', jsonPath: '.status.id', description: 'REST API id in API Gateway' },
      { name: 'Endpoint', type: 'string', jsonPath: '.spec.endpointType' },
      ...readyColumns,
      ...placementColumns,
    ],
  },
  {
    kind: 'RestPath',
    plural: 'restpaths',
    shortName: 'rp',
    description: 'One path of an API Gateway REST API, its methods and integrations, and their execution role.',
    spec: RestPathSpec,
    status: RestPathStatus,
    columns: [
      { name: 'API', type: 'string', jsonPath: '.spec.restApiRef.name' },
      { name: 'Path', type: 'string', jsonPath: '.spec.path' },
      ...readyColumns,
      { name: 'API-ID', type: 'string', jsonPath: '.status.restApiId', priority: 1 },
      { name: 'Resource-ID', type: 'string', jsonPath: '.status.resourceId', priority: 1 },
      ...placementColumns,
    ],
  },
  {
    kind: 'UsagePlan',
    plural: 'usageplans',
    shortName: 'up',
    description: 'An API Gateway usage plan: throttling, quotas and API keys for stages of REST APIs.',
    spec: UsagePlanSpec,
    status: UsagePlanStatus,
    columns: [
      { name: 'Plan-Name', type: 'string', jsonPath: '.spec.name' },
      { name: 'ID', type: 'string', jsonPath: '.status.usagePlanId' },
      { name: 'Rate', type: 'number', jsonPath: '.spec.throttle.rateLimit' },
      { name: 'Quota', type: 'integer', jsonPath: '.spec.quota.limit' },
      { name: 'Period', type: 'string', jsonPath: '.spec.quota.period' },
      ...readyColumns,
      ...placementColumns,
    ],
  },
  {
    kind: 'DomainName',
    plural: 'domainnames',
    shortName: 'dn',
    description: 'An API Gateway custom domain name and its base path mappings to stages of RestApis.',
    spec: DomainNameSpec,
    status: DomainNameStatus,
    columns: [
      { name: 'Domain', type: 'string', jsonPath: '.spec.domainName' },
      { name: 'Target', type: 'string', jsonPath: '.status.targetDomainName', description: 'Where DNS must point' },
      ...readyColumns,
      { name: 'Endpoint', type: 'string', jsonPath: '.spec.endpointType', priority: 1 },
      ...placementColumns,
    ],
  },
  {
    kind: 'AwsAccount',
    plural: 'awsaccounts',
    shortName: 'awsacct',
    scope: 'Cluster',
    description: 'An AWS account the operator reaches by assuming a role: its regions and the namespaces that may use it.',
    spec: AwsAccountSpec,
    status: AwsAccountStatus,
    columns: [
      { name: 'Account-ID', type: 'string', jsonPath: '.spec.accountId' },
      { name: 'Regions', type: 'string', jsonPath: '.spec.regions' },
      ...readyColumns,
      { name: 'Role', type: 'string', jsonPath: '.spec.roleArn', priority: 1 },
    ],
  },
];

/** TypeBox schemas carry symbol-keyed metadata; the CRD wants plain JSON. */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

export function customResourceDefinition(def: KindDefinition): Record<string, unknown> {
  const root = Type.Object(
    {
      apiVersion: Type.Optional(Type.String({ description: 'APIVersion of this representation of the object.' })),
      kind: Type.Optional(Type.String({ description: 'Kind of this object.' })),
      metadata: Type.Optional(Type.Object({})),
      spec: def.spec,
      status: Type.Optional(def.status),
    },
    { description: def.description },
  );
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: def.scope ?? 'Namespaced',
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.kind.toLowerCase(),
        shortNames: [def.shortName],
        categories: CATEGORIES,
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: def.columns,
          schema: { openAPIV3Schema: plain(root) },
        },
      ],
    },
  };
}

export function allCustomResourceDefinitions(): { fileName: string; crd: Record<string, unknown> }[] {
  return KINDS.map((def) => ({ fileName: `${GROUP}_${def.plural}.yaml`, crd: customResourceDefinition(def) }));
}
