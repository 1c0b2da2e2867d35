// The execution roles RestPaths ask for (spec.executionRole): one IAM role each, brought to its spec
// before the plan runs, so integrations can name its ARN. The changes are computed by the pure
// plan/role-diff.ts; a paused API only reads the roles and lists the changes as waiting.
import type { RestPath } from '../api/rest-path.js';
import { keyOfPath } from '../model/from-objects.js';
import { describeRoleChange, desiredRole, roleChanges } from '../plan/role-diff.js';
import type { EventSpec } from '../status/rest-api-pass.js';
import type { ControllerContext } from './context.js';

export interface RolesResult {
  /** Role ARNs by RestPath key. */
  arns: Map<string, string>;
  /** A role is brand new: IAM may not have it everywhere yet. */
  created: boolean;
  /** Changes a pause holds back, described. */
  waiting: string[];
  events: Map<string, EventSpec[]>;
  /** ARNs whose role this pass changed (their cached diagnosis facts are stale). */
  changed: string[];
}

export async function convergeRoles(ctx: ControllerContext, paths: readonly RestPath[], restApiId: string, paused: boolean): Promise<RolesResult> {
  const out: RolesResult = { arns: new Map(), created: false, waiting: [], events: new Map(), changed: [] };
  const withRole = paths.filter((p) => p.spec.executionRole);
  if (withRole.length === 0) return out;
  const context = { accountId: await ctx.aws.accountId(), region: ctx.aws.region, restApiId, managedBy: ctx.settings.managedBy, defaultTags: ctx.settings.defaultTags };
  for (const p of withRole) {
    const want = desiredRole(p, context)!;
    const have = await ctx.aws.observeRole(want.name);
    const changes = roleChanges(want, have);
    const key = keyOfPath(p);
    if (paused) {
      out.waiting.push(...changes.map((c) => describeRoleChange(want.name, c)));
      const arn = have?.arn ?? p.status?.executionRoleArn;
      if (arn) out.arns.set(key, arn);
      continue;
    }
    const arn = changes.length > 0 ? await ctx.aws.changeRole(want, changes) : have!.arn;
    if (changes.length > 0) out.changed.push(arn);
    if (changes.some((c) => c.kind === 'createRole')) {
      out.created = true;
      out.events.set(key, [{ type: 'Normal', reason: 'Created', action: 'Reconcile', note: `Created execution role ${arn}` }]);
    }
    out.arns.set(key, arn);
  }
  return out;
}
