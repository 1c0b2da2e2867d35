// The execution roles RestPaths ask for (spec.executionRole): one IAM role each, brought to its spec
// before the plan runs, so integrations can name its ARN. For a paused API, the ARNs recorded in status.
import type { RestPath } from '../api/rest-path.js';
import { ensureRole } from '../aws/iam.js';
import { MANAGED_BY_TAG, OWNER_TAG, ownerRef } from '../model/build.js';
import { executionRoleName, trustPolicy } from '../model/roles.js';
import type { ControllerContext } from './context.js';
import { pathKey } from './refs.js';
import type { RecordEvent } from './stage-deployer.js';

/** Role ARNs by RestPath key; `created` when one is brand new (IAM may not have it everywhere yet). */
export interface ExecutionRoles {
  arns: Map<string, string>;
  created: boolean;
}

/** The execution roles of the RestPaths that ask for one, by RestPath key; `created` if any is brand new. */
export async function ensureRoles(ctx: ControllerContext, event: RecordEvent, paths: RestPath[], restApiId: string): Promise<ExecutionRoles> {
  const arns = new Map<string, string>();
  let created = false;
  const withRole = paths.filter((p) => p.spec.executionRole);
  if (withRole.length === 0) return { arns, created };
  const account = await ctx.accountId();
  for (const p of withRole) {
    const namespace = p.metadata.namespace ?? '';
    const role = p.spec.executionRole!;
    const ensured = await ensureRole(ctx.caller, ctx.iam, {
      name: executionRoleName(namespace, p.metadata.name),
      trustPolicy: trustPolicy(account, ctx.clients.region, restApiId),
      managedPolicyArns: role.managedPolicyArns ?? [],
      ...(role.inlinePolicy ? { inlinePolicy: role.inlinePolicy } : {}),
      tags: { ...ctx.settings.defaultTags, [MANAGED_BY_TAG]: ctx.settings.managedBy, [OWNER_TAG]: ownerRef(namespace, 'RestPath', p.metadata.name) },
    });
    if (ensured.created) await event(p, 'Normal', 'Created', 'Reconcile', `Created execution role ${ensured.arn}`);
    created ||= ensured.created;
    arns.set(pathKey(p), ensured.arn);
  }
  return { arns, created };
}

/** The execution role ARNs recorded in status, for a paused API (no IAM writes). */
export function recordedRoles(paths: RestPath[]): ExecutionRoles {
  return { arns: new Map(paths.flatMap((p) => (p.spec.executionRole && p.status?.executionRoleArn ? [[pathKey(p), p.status.executionRoleArn] as const] : []))), created: false };
}
