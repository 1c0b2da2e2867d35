// The ownership ledger (ADR 0004): what the operator wrote to one REST API and may therefore remove
// again. It is kept in the objects' statuses, split the way they own it: methods and path segments on
// each RestPath (and the RestApi, for what older versions recorded there); gateway responses, tags,
// authorizers, models, validators and the resource policy on the RestApi. Computed here once for the operator and the CLI.
import type { Ownership } from '../api/common.js';
import { methodKey } from '../model/shapes.js';
import type { DesiredApi, OwnershipLedger } from '../model/state.js';

export function union(...lists: (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))].sort();
}

/** The ledger the objects' statuses hold together. */
export function ledgerOfStatuses(api: Ownership | undefined, paths: readonly (Ownership | undefined)[]): OwnershipLedger {
  const all = [api, ...paths];
  return {
    methods: union(...all.map((o) => o?.methods)),
    resources: union(...all.map((o) => o?.resources)),
    gatewayResponses: union(api?.gatewayResponses),
    tags: union(api?.tags),
    authorizers: union(api?.authorizers),
    models: union(api?.models),
    requestValidators: union(api?.requestValidators),
    resourcePolicy: api?.resourcePolicy === true,
  };
}

/** What the desired state makes the operator own once a plan for it has run to the end. */
export function ledgerOf(desired: DesiredApi): OwnershipLedger {
  return {
    methods: union([...desired.methods, ...desired.pending].map((m) => methodKey(m.path, m.httpMethod))),
    resources: union(desired.resources.map((r) => r.path)),
    gatewayResponses: union(Object.keys(desired.gatewayResponses)),
    tags: union(Object.keys(desired.tags)),
    authorizers: union(Object.keys(desired.authorizers)),
    models: union(Object.keys(desired.models)),
    requestValidators: union(Object.keys(desired.requestValidators)),
    resourcePolicy: desired.policy !== undefined,
  };
}

/**
 * The ledger to keep after a plan ran: when it completed, exactly what is desired now; when it stopped
 * part-way, everything either ledger names, so what was not yet deleted is still known to be ours.
 */
export function ledgerAfter(desired: DesiredApi, previous: OwnershipLedger, completed: boolean): OwnershipLedger {
  const now = ledgerOf(desired);
  if (completed) return now;
  return {
    methods: union(now.methods, previous.methods),
    resources: union(now.resources, previous.resources),
    gatewayResponses: union(now.gatewayResponses, previous.gatewayResponses),
    tags: union(now.tags, previous.tags),
    authorizers: union(now.authorizers, previous.authorizers),
    models: union(now.models, previous.models),
    requestValidators: union(now.requestValidators, previous.requestValidators),
    resourcePolicy: now.resourcePolicy || previous.resourcePolicy,
  };
}

/** One RestPath's share of the ledger after a pass: its methods (pending ones too) and the segments it needs. */
export function pathOwnershipAfter(desired: DesiredApi, key: string, previous: Ownership | undefined, completed: boolean): Ownership {
  const methods = [...desired.methods, ...desired.pending].filter((m) => m.owner === key).map((m) => methodKey(m.path, m.httpMethod));
  const resources = desired.resources.filter((r) => r.neededBy.includes(key)).map((r) => r.path);
  return completed
    ? { methods: union(methods), resources: union(resources) }
    : { methods: union(methods, previous?.methods), resources: union(resources, previous?.resources) };
}

/** The RestApi's share: API-wide pieces (methods and segments live on the RestPaths). Empty lists are left out. */
export function apiOwnershipAfter(desired: DesiredApi, previous: Ownership | undefined, completed: boolean): Ownership {
  const after = ledgerAfter(desired, ledgerOfStatuses(previous, []), completed);
  return {
    gatewayResponses: after.gatewayResponses,
    tags: after.tags,
    ...(after.authorizers.length > 0 ? { authorizers: after.authorizers } : {}),
    ...(after.models.length > 0 ? { models: after.models } : {}),
    ...(after.requestValidators.length > 0 ? { requestValidators: after.requestValidators } : {}),
    ...(after.resourcePolicy ? { resourcePolicy: true } : {}),
  };
}
