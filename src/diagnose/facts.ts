// What the runbook checks look at, as plain data: the desired methods of one RestPath, the observed
// REST API snapshot (shared with the diff, so path and integration checks cost no extra AWS calls),
// each stage and what its deployment serves, the IAM roles integrations use, the REST API's resource
// policy, and the usage plans that cover its stages. The AWS adapter fills these in; the checks are pure.
import type { EffectiveCors } from '../model/cors.js';
import type { MethodSettingShape } from '../plan/stage-settings.js';
import type { DesiredMethod, ObservedApi } from '../model/state.js';
import type { PolicyDocument } from './iam-policy.js';

export interface StageFacts {
  name: string;
  /** false: declared in the RestApi but missing in API Gateway. */
  exists: boolean;
  manual: boolean;
  deploymentId: string;
  /** When the stage's current deployment was created (ISO), if known. */
  deploymentCreatedAt?: string;
  /** The deployment the operator last made for this stage, and when. */
  latestDeploymentId?: string;
  latestDeployedAt?: string;
  /** "PATH METHOD" the stage's deployment serves (GetDeployment embed=apisummary); undefined when AWS did not say. */
  served?: Set<string>;
  /** The stage's canary, while it has one: the deployment it serves to percentTraffic of the requests. */
  canary?: {
    deploymentId: string;
    percentTraffic: number;
    /** When the operator deployed it to the canary. */
    deployedAt?: string;
    /** As `served`, for the canary's deployment. */
    served?: Set<string>;
  };
  variables: Record<string, string>;
  /** Stage-wide default (method settings "*\/*"). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Logging, metrics and caching by method settings key ("*\/*", "~1path/METHOD"), where not AWS's default. */
  settings?: Record<string, MethodSettingShape>;
}

export interface RoleFacts {
  arn: string;
  name: string;
  exists: boolean;
  trustPolicy?: PolicyDocument;
  /** Attached managed policies (their default versions) and inline policies, with where each came from. */
  policies: { source: string; document: PolicyDocument }[];
}

export interface UsagePlanFacts {
  id: string;
  name: string;
  /** Per-method throttles of the covered stage, keyed "/path/METHOD". */
  methodThrottle: Record<string, { rateLimit: number; burstLimit: number }>;
  throttle?: { rateLimit: number; burstLimit: number };
  quota?: { limit: number; period: string };
  keys: { id: string; name: string; enabled: boolean; /** Requests left this period; undefined when unknown. */ remaining?: number }[];
}

export interface PathFacts {
  region: string;
  accountId: string;
  restApiId: string;
  /** The RestPath: its key and path, and the methods it declares (as desired). */
  path: string;
  methods: DesiredMethod[];
  /** Per-method stage throttling the RestPath declares, by HTTP method. */
  methodThrottling: Map<string, { rateLimit: number; burstLimit: number }>;
  observed: ObservedApi;
  /** When the operator last changed this path's methods in AWS (ISO). */
  changedAt?: string;
  stages: StageFacts[];
  /** The CORS this RestPath has (its own or the RestApi's); absent: none. */
  cors?: EffectiveCors;
  /** By ARN; the roles this API's integrations and authorizers use. */
  roles: Map<string, RoleFacts>;
  resourcePolicy?: PolicyDocument;
  /** Usage plans covering each stage, by stage name; undefined when they could not be read. */
  usagePlans?: Map<string, UsagePlanFacts[]>;
  /** UsagePlans in the cluster covering a stage (by stage name) that are not applied to AWS yet: pending, not missing. */
  pendingUsagePlans?: ReadonlyMap<string, string[]>;
  /** The API Gateway account's CloudWatch role in this region ('' none); undefined when it could not be read. */
  cloudWatchRoleArn?: string;
  /** VPC link status by id, for VPC_LINK integrations; undefined entries could not be read. */
  vpcLinks: Map<string, string>;
}
