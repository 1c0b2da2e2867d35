// The diagnose step of the reconcile line: gathers the facts the runbook checks need for every
// RestPath of one REST API (the snapshot as it is after the plan ran, each stage and its deployment,
// the roles, VPC links, resource policy and usage plans, the last three read at most once per resync)
// and runs the pure checks. A read that fails leaves its checks out; it never fails the reconcile.
import type { RestPath } from '../api/rest-path.js';
import type { DiagnoseReads } from '../aws/diagnose-reads.js';
import { diagnosePath, type ConditionFinding, type StageFacts } from '../diagnose/index.js';
import type { PolicyDocument } from '../diagnose/iam-policy.js';
import type { RoleFacts } from '../diagnose/facts.js';
import type { DesiredApi, ObservedApi } from '../model/state.js';
import { pathKey } from './refs.js';

export interface LiveStage {
  name: string;
  exists: boolean;
  manual: boolean;
  deploymentId: string;
  variables: Record<string, string>;
  throttle?: { rateLimit: number; burstLimit: number };
  latestDeploymentId?: string;
  latestDeployedAt?: string;
}

export interface ApiDiagnosisInput {
  region: string;
  accountId: string;
  restApiId: string;
  desired: DesiredApi;
  /** AWS after this reconcile's plan ran. */
  observed: ObservedApi;
  stages: LiveStage[];
  /** When each RestPath's methods last changed in AWS, by RestPath key. */
  changedAt?: ReadonlyMap<string, string | undefined>;
  paths: RestPath[];
  now: Date;
}

const ignoreFailure = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

export function parseResourcePolicy(policy: string | undefined): PolicyDocument | undefined {
  if (!policy) return undefined;
  for (const text of [policy, policy.replace(/\\"/g, '"')]) {
    try {
      return JSON.parse(text) as PolicyDocument;
    } catch {
      // AWS returns the policy JSON with its quotes escaped; try that form next.
    }
  }
  return undefined;
}

/** Findings by RestPath key (namespace/name). */
export async function diagnoseApi(reads: DiagnoseReads, input: ApiDiagnosisInput): Promise<Map<string, ConditionFinding[]>> {
  const { restApiId, desired } = input;
  const stages: StageFacts[] = await Promise.all(
    input.stages.map(async (s) => {
      const deployment = s.exists && s.deploymentId ? await ignoreFailure(reads.deployment(restApiId, s.deploymentId)) : undefined;
      return {
        ...s,
        ...(deployment?.createdAt ? { deploymentCreatedAt: deployment.createdAt } : {}),
        ...(deployment?.served ? { served: deployment.served } : {}),
      };
    }),
  );
  const integrations = desired.methods.flatMap((m) => (m.shape.integration ? [m.shape.integration] : []));
  const roles = new Map<string, RoleFacts>();
  for (const arn of new Set(integrations.map((i) => i.credentials).filter((c) => c.startsWith('arn:aws') && c.includes(':role/')))) {
    const facts = await ignoreFailure(reads.role(arn));
    if (facts) roles.set(arn, facts);
  }
  const vpcLinks = new Map<string, string>();
  for (const id of new Set(integrations.filter((i) => i.connectionType === 'VPC_LINK' && i.connectionId && !i.connectionId.includes('${')).map((i) => i.connectionId))) {
    const status = await ignoreFailure(reads.vpcLinkStatus(id));
    if (status) vpcLinks.set(id, status);
  }
  const throttled = input.paths.some((p) => p.spec.methods.some((m) => m.throttling || m.apiKeyRequired));
  const usagePlans = throttled ? await ignoreFailure(reads.usagePlans(restApiId, input.now.toISOString().slice(0, 10))) : new Map();
  const resourcePolicy = parseResourcePolicy(input.observed.resourcePolicy);

  const out = new Map<string, ConditionFinding[]>();
  for (const p of input.paths) {
    const key = pathKey(p);
    const methods = desired.methods.filter((m) => m.owner === key);
    if (methods.length === 0) continue;
    out.set(
      key,
      diagnosePath({
        region: input.region,
        accountId: input.accountId,
        restApiId,
        path: p.spec.path,
        methods,
        methodThrottling: new Map(p.spec.methods.flatMap((m) => (m.throttling ? [[m.httpMethod, m.throttling] as const] : []))),
        observed: input.observed,
        ...(input.changedAt?.get(key) ? { changedAt: input.changedAt.get(key)! } : {}),
        stages,
        roles,
        ...(resourcePolicy ? { resourcePolicy } : {}),
        ...(usagePlans ? { usagePlans } : {}),
        vpcLinks,
      }),
    );
  }
  return out;
}
