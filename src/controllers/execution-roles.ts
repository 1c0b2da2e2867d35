// The execution roles RestPaths ask for (spec.executionRole) and those of the RestApi's authorizers
// (credentials.executionRole): one IAM role each, brought to its spec before the plan runs, so
// integrations and authorizers can name its ARN. The changes are computed by the pure
// plan/role-diff.ts; a paused API only reads the roles and lists the changes as waiting.
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import { keyOfPath } from '../model/from-objects.js';
import { authorizerRoleName } from '../model/roles.js';
import { authorizersWithRole, describeRoleChange, desiredAuthorizerRole, desiredRole, roleChanges, roleNameTaken, type DesiredRole, type RoleContext } from '../plan/role-diff.js';
import type { EventSpec } from '../status/rest-api-pass.js';
import type { ControllerContext } from './context.js';

export interface RolesResult {
  /** Role ARNs by RestPath key. */
  arns: Map<string, string>;
  /** Role ARNs of authorizers, by authorizer name. */
  authorizerArns: Map<string, string>;
  /** A role is brand new: IAM may not have it everywhere yet. */
  created: boolean;
  /** Changes a pause holds back, described. */
  waiting: string[];
  /** By RestPath key; the RestApi's under the key ''. */
  events: Map<string, EventSpec[]>;
  /** ARNs whose role this pass changed (their cached diagnosis facts are stale). */
  changed: string[];
}

/** Brings one role to `want` (or, paused, lists the changes); its ARN, and whether it was created now. */
async function converge(ctx: ControllerContext, out: RolesResult, want: DesiredRole, paused: boolean, previousArn: string | undefined): Promise<{ arn?: string; created: boolean }> {
  const have = await ctx.aws.observeRole(want.name);
  // Another's role of the same name is never taken over (its trust policy would become ours).
  const taken = roleNameTaken(want, have);
  if (taken) throw taken;
  const changes = roleChanges(want, have);
  if (paused) {
    out.waiting.push(...changes.map((c) => describeRoleChange(want.name, c)));
    const arn = have?.arn ?? previousArn;
    return { ...(arn ? { arn } : {}), created: false };
  }
  const arn = changes.length > 0 ? await ctx.aws.changeRole(want, changes) : have!.arn;
  if (changes.length > 0) out.changed.push(arn);
  const created = changes.some((c) => c.kind === 'createRole');
  out.created ||= created;
  return { arn, created };
}

/** `api`: the RestApi whose authorizers may ask for roles (undefined for an API managed elsewhere). */
export async function convergeRoles(ctx: ControllerContext, paths: readonly RestPath[], restApiId: string, paused: boolean, api?: RestApi): Promise<RolesResult> {
  const out: RolesResult = { arns: new Map(), authorizerArns: new Map(), created: false, waiting: [], events: new Map(), changed: [] };
  const withRole = paths.filter((p) => p.spec.executionRole);
  const authorizers = api ? authorizersWithRole(api) : [];
  if (withRole.length === 0 && authorizers.length === 0) return out;
  const context: RoleContext = { accountId: await ctx.aws.accountId(), region: ctx.aws.region, restApiId, managedBy: ctx.settings.managedBy, defaultTags: ctx.settings.defaultTags };
  for (const p of withRole) {
    const { arn, created } = await converge(ctx, out, desiredRole(p, context)!, paused, p.status?.executionRoleArn);
    if (created) out.events.set(keyOfPath(p), [{ type: 'Normal', reason: 'Created', action: 'Reconcile', note: `Created execution role ${arn ?? ''}` }]);
    if (arn) out.arns.set(keyOfPath(p), arn);
  }
  for (const a of authorizers) {
    const { arn, created } = await converge(ctx, out, desiredAuthorizerRole(api!, a, context), paused, undefined);
    if (created) out.events.set('', [...(out.events.get('') ?? []), { type: 'Normal', reason: 'Created', action: 'Reconcile', note: `Created execution role ${arn ?? ''} for authorizer ${a.name}` }]);
    if (arn) out.authorizerArns.set(a.name, arn);
  }
  return out;
}

/**
 * The roles of authorizers the operator made and has now deleted from AWS (`names`), and, when the
 * RestApi goes, of all its authorizers. A role that never existed (an authorizer without one) is done.
 */
export async function deleteAuthorizerRoles(ctx: ControllerContext, api: RestApi, names: readonly string[]): Promise<void> {
  for (const name of names) await ctx.aws.deleteRole(authorizerRoleName(api.metadata.namespace ?? '', api.metadata.name, name));
}
