// The diagnosis facts the in-memory AWS gives (always fresh: the cache is what the e2e tier tests):
// deployments with what they serve, roles, the account's CloudWatch role, VPC links, usage plans.
import type { DiagnosisFacts } from '../../src/controllers/ports.js';
import type { RoleFacts, UsagePlanFacts } from '../../src/diagnose/facts.js';
import type { MemoryAws } from './memory-aws.js';

export function memoryFacts(aws: MemoryAws, now: () => number): DiagnosisFacts {
  return {
    deployment: async (apiId, id) => {
      const d = aws.deployments.get(apiId)?.find((x) => x.id === id);
      return d ? { createdAt: d.createdAt, served: d.served } : {};
    },
    role: async (arn) => {
      const name = arn.slice(arn.lastIndexOf('/') + 1);
      const r = aws.roles.get(name);
      const value: RoleFacts = r
        ? { arn, name, exists: true, trustPolicy: r.trustPolicy as RoleFacts['trustPolicy'], policies: r.inlinePolicy ? [{ source: 'inline restpath-inline', document: r.inlinePolicy }] : [] }
        : { arn, name, exists: false, policies: [] };
      return { value, readAt: now() };
    },
    vpcLinkStatus: async () => ({ value: 'AVAILABLE', readAt: now() }),
    account: async () => ({ value: { cloudWatchRoleArn: aws.cloudWatchRoleArn }, readAt: now() }),
    usagePlans: async (apiId) => {
      const out = new Map<string, UsagePlanFacts[]>();
      for (const [id, p] of aws.plans) {
        for (const s of p.shape.apiStages.filter((x) => x.apiId === apiId)) {
          const keys = [...p.keys].map((k) => aws.keys.get(k)!).map((k) => ({ id: k.id, name: k.name, enabled: k.enabled }));
          out.set(s.stage, [...(out.get(s.stage) ?? []), { id, name: p.shape.name, methodThrottle: s.throttle, keys }]);
        }
      }
      return { value: out, readAt: now() };
    },
    usagePlansChanged: () => undefined,
  };
}
