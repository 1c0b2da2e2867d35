// Places an object before anything is called in AWS for it: its account and region (model/placement.ts
// decides), credentials for them (an AwsAccount's role assumed), and a check that it has not moved
// from where its status says its resources are. A refusal is a Failure for the object's conditions.
import type { Condition } from '../api/common.js';
import { crossAccountRefusal, placementMoved, placementOf, type Placement, type PlacementVerdict } from '../model/placement.js';
import type { Failure } from '../status/rest-api-pass.js';
import { awaitingReference } from '../status/summary.js';
import { placedContext, type ControllerContext } from './context.js';
import { errorPolicy, progressOf, stalledBy, type Verdict } from './error-policy.js';
import { AssumeRoleError } from '../aws/role-session.js';

export interface Placeable {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { accountRef?: { name: string }; region?: string };
  status?: { accountId?: string; region?: string; conditions?: Condition[] };
}

export type Placed =
  | { ok: true; ctx: ControllerContext; placement: Placement; accountId: string }
  | { ok: false; failure: Failure; recheckInMs?: number };

/** Where `o` lives as far as its spec and the cluster say (no credentials): for comparing two objects. */
export function placementOfObject(ctx: ControllerContext, o: Placeable): PlacementVerdict {
  const namespace = o.metadata.namespace ?? '';
  const ref = o.spec.accountRef;
  return placementOf({
    kind: o.kind,
    name: o.metadata.name,
    namespace,
    spec: o.spec,
    namespaceLabels: ctx.placement.namespaceLabels(namespace),
    account: ref ? ctx.placement.awsAccount(ref.name)?.spec : undefined,
    defaultRegion: ctx.placement.defaultRegion,
  });
}

/** Where `o` lives, or why nothing may be called in AWS for it. `hasResource`: its AWS resource exists (status has its id). */
export async function place(ctx: ControllerContext, o: Placeable, hasResource: boolean): Promise<Placed> {
  const namespace = o.metadata.namespace ?? '';
  const verdict = placementOfObject(ctx, o);
  if (!verdict.ok) {
    if (verdict.reason === 'AccountNotFound') {
      // Like any reference: GitOps tools often apply the AwsAccount a moment later.
      const waited = awaitingReference(o.status?.conditions, verdict.reason, verdict.message, ctx.now(), ctx.settings.referenceGraceMs);
      return { ok: false, failure: { reason: verdict.reason, message: verdict.message, progress: waited.progress }, ...(waited.recheckInMs !== undefined ? { recheckInMs: waited.recheckInMs } : {}) };
    }
    return { ok: false, failure: { reason: verdict.reason, message: verdict.message, progress: { kind: 'stalled', reason: verdict.reason, message: verdict.message } } };
  }
  try {
    const target = await ctx.targets.at(verdict.placement);
    const accountId = await target.aws.accountId();
    const moved = hasResource ? placementMoved(o.status, { accountId, region: verdict.placement.region }, `${o.kind} ${namespace}/${o.metadata.name}`) : undefined;
    if (moved) return { ok: false, failure: { ...moved, progress: { kind: 'stalled', ...moved } } };
    return { ok: true, ctx: placedContext(ctx, target), placement: verdict.placement, accountId };
  } catch (error) {
    if (!(error instanceof AssumeRoleError)) throw error;
    const v = errorPolicy(error, `Reaching AWS for ${o.kind} ${o.metadata.name}`);
    return { ok: false, failure: { reason: v.reason, message: v.detail, progress: progressOf({ ...v, message: v.detail }) } };
  }
}

/**
 * The first RestApi `from` names (a UsagePlan's stages, a domain's mappings) that lives in another
 * account or region: AWS cannot link them. RestApis missing or unplaceable say so themselves.
 */
export function crossAccountVerdict(ctx: ControllerContext, from: { kind: string; name: string; placement: Placement }, restApis: readonly (Placeable | undefined)[]): Verdict | undefined {
  for (const api of restApis) {
    const there = api ? placementOfObject(ctx, api) : undefined;
    if (!api || !there?.ok) continue;
    const refusal = crossAccountRefusal(from, { kind: 'RestApi', name: api.metadata.name, placement: there.placement });
    if (refusal) return stalledBy(refusal.reason, refusal.message);
  }
  return undefined;
}
