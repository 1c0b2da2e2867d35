// The diagnose step of the reconcile line (and of the CLI's `diagnose`): gathers the facts the runbook
// checks need for every RestPath of one REST API (the snapshot as it is after the plan ran, each stage
// and its deployment, the roles of integrations and authorizers, VPC links, resource policy, usage
// plans and the account's CloudWatch role) and runs the pure checks.
// IAM, VPC-link and usage-plan facts may be reused while younger than `maxAgeMs` (0: read now); the
// result says when the oldest fact used was read. A read that fails leaves its checks out.
import type { RestPath } from '../api/rest-path.js';
import { diagnosePath, type ConditionFinding, type StageFacts } from '../diagnose/index.js';
import type { PolicyDocument } from '../diagnose/iam-policy.js';
import type { RoleFacts } from '../diagnose/facts.js';
import { parseAwsJson } from '../model/access.js';
import { keyOfPath } from '../model/from-objects.js';
import { authorizerRef } from '../model/shapes.js';
import type { DesiredApi, ObservedApi } from '../model/state.js';
import type { LiveStage } from '../plan/deployments.js';
import type { Dated, DiagnosisFacts } from './ports.js';

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
  paths: readonly RestPath[];
  /** Stages covered by UsagePlans that exist in the cluster but are not applied yet, with their names. */
  pendingUsagePlans?: ReadonlyMap<string, string[]>;
  now: Date;
  maxAgeMs: number;
}

export interface ApiDiagnosis {
  /** Findings by RestPath key (namespace/name). */
  findings: Map<string, ConditionFinding[]>;
  /** When the oldest cached fact used was read; undefined when every fact was read in this pass. */
  readAt?: Date;
}

const ignoreFailure = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

export function parseResourcePolicy(policy: string | undefined): PolicyDocument | undefined {
  return policy ? (parseAwsJson(policy) as PolicyDocument | undefined) : undefined;
}

export async function diagnoseApi(facts: DiagnosisFacts, input: ApiDiagnosisInput): Promise<ApiDiagnosis> {
  const { restApiId, desired, maxAgeMs } = input;
  const started = input.now.getTime();
  const readTimes: number[] = [];
  const dated = async <T>(p: Promise<Dated<T>>): Promise<T | undefined> => {
    const d = await ignoreFailure(p);
    if (d) readTimes.push(d.readAt);
    return d?.value;
  };
  const stages: StageFacts[] = await Promise.all(
    input.stages.map(async (s) => {
      // Deployments never change: the canary's is read once, like the stage's, and alongside it.
      const [deployment, canary] = await Promise.all([
        s.exists && s.deploymentId ? ignoreFailure(facts.deployment(restApiId, s.deploymentId)) : undefined,
        s.canary?.deploymentId ? ignoreFailure(facts.deployment(restApiId, s.canary.deploymentId)) : undefined,
      ]);
      return {
        ...s,
        ...(deployment?.createdAt ? { deploymentCreatedAt: deployment.createdAt } : {}),
        ...(deployment?.served ? { served: deployment.served } : {}),
        ...(s.canary ? { canary: { ...s.canary, ...(canary?.served ? { served: canary.served } : {}) } } : {}),
      };
    }),
  );
  const integrations = desired.methods.flatMap((m) => (m.shape.integration ? [m.shape.integration] : []));
  const roles = new Map<string, RoleFacts>();
  // Only the authorizers some method uses (by id, or by name while this pass creates them).
  const used = new Set(desired.methods.map((m) => m.shape.authorizerId).filter(Boolean));
  const authorizerRoles = Object.entries(input.observed.authorizers).filter(([name, a]) => used.has(a.id) || used.has(authorizerRef(name))).map(([, a]) => a.credentials);
  for (const arn of new Set([...integrations.map((i) => i.credentials), ...authorizerRoles].filter((c) => c.startsWith('arn:aws') && c.includes(':role/')))) {
    const role = await dated(facts.role(arn, maxAgeMs));
    if (role) roles.set(arn, role);
  }
  const vpcLinks = new Map<string, string>();
  for (const id of new Set(integrations.filter((i) => i.connectionType === 'VPC_LINK' && i.connectionId && !i.connectionId.includes('${')).map((i) => i.connectionId))) {
    const status = await dated(facts.vpcLinkStatus(id, maxAgeMs));
    if (status) vpcLinks.set(id, status);
  }
  const throttled = input.paths.some((p) => p.spec.methods.some((m) => m.throttling || m.apiKeyRequired));
  const usagePlans = throttled ? await dated(facts.usagePlans(restApiId, input.now.toISOString().slice(0, 10), maxAgeMs)) : new Map();
  const resourcePolicy = parseResourcePolicy(input.observed.resourcePolicy);
  // The account's CloudWatch role matters only where some stage logs executions.
  const logging = stages.some((s) => Object.values(s.settings ?? {}).some((x) => x.loggingLevel !== 'OFF'));
  const account = logging ? await dated(facts.account(maxAgeMs)) : undefined;

  const findings = new Map<string, ConditionFinding[]>();
  for (const p of input.paths) {
    const key = keyOfPath(p);
    const methods = desired.methods.filter((m) => m.owner === key);
    if (methods.length === 0) continue;
    const changedAt = input.changedAt?.get(key);
    findings.set(
      key,
      diagnosePath({
        region: input.region,
        accountId: input.accountId,
        restApiId,
        path: p.spec.path,
        methods,
        methodThrottling: new Map(p.spec.methods.flatMap((m) => (m.throttling ? [[m.httpMethod, m.throttling] as const] : []))),
        observed: input.observed,
        ...(desired.cors[key] ? { cors: desired.cors[key] } : {}),
        ...(account ? { cloudWatchRoleArn: account.cloudWatchRoleArn } : {}),
        ...(changedAt ? { changedAt } : {}),
        stages,
        roles,
        ...(resourcePolicy ? { resourcePolicy } : {}),
        ...(usagePlans ? { usagePlans } : {}),
        ...(input.pendingUsagePlans ? { pendingUsagePlans: input.pendingUsagePlans } : {}),
        vpcLinks,
      }),
    );
  }
  const oldest = Math.min(...readTimes);
  return { findings, ...(readTimes.length > 0 && oldest < started ? { readAt: new Date(oldest) } : {}) };
}
