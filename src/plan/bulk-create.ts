// Bulk create: a REST API with nothing in it yet gets its whole desired state from one PutRestApi
// (API Gateway's quota: 1 per second, 2 MB) instead of one call per resource, method, integration and
// response (7 per path with 3 methods, against 10 per second account-wide). Decided here once, for the
// operator and the CLI's `plan`; later changes go per operation. Pure.
import { desiredDocument } from '../openapi/desired-document.js';
import { BUILT_IN_MODELS } from '../model/access.js';
import { authorizerRef, validatorRef } from '../model/shapes.js';
import type { DesiredApi, ObservedApi, OwnershipLedger } from '../model/state.js';
import { planDiff } from './diff.js';
import type { Operation, OperationKind } from './operations.js';
import { simulatePutRestApi } from './simulate-import.js';

/** PutRestApi's body limit (aws-quotas.md). */
export const BULK_MAX_BYTES = 2 * 1024 * 1024;
/**
 * Fewer per-operation calls than this are sent as they are: they fit in the account-wide burst of 40
 * calls (aws-quotas.md), so they go out at once and the import, which costs a read-back of what it
 * wrote, gains nothing.
 */
export const BULK_MIN_OPERATIONS = 40;

/** What may follow the import in the same plan: what PutRestApi does not set (name, endpoint, tags). */
const AFTER_IMPORT: ReadonlySet<OperationKind> = new Set(['updateRestApi', 'tagRestApi', 'untagRestApi']);

/**
 * True when an overwrite can take nothing away that is not the operator's: no resource but the root,
 * no method, and every authorizer, validator, customized gateway response, model (AWS's built-in Empty
 * and Error aside) and policy there is one the ledger says the operator wrote (a first pass may have
 * made them before any RestPath was seen; the document carries them again). An adopted API with
 * anything of someone else's in it is never overwritten.
 */
export function isEmptyApi(observed: ObservedApi, ledger: OwnershipLedger): boolean {
  const ours = (names: string[], owned: readonly string[]) => names.every((n) => owned.includes(n));
  return (
    observed.resources.length === 0 &&
    observed.methods.length === 0 &&
    ours(Object.keys(observed.authorizers), ledger.authorizers) &&
    ours(Object.keys(observed.requestValidators), ledger.requestValidators) &&
    ours(Object.keys(observed.gatewayResponses), ledger.gatewayResponses) &&
    ours(Object.keys(observed.models).filter((name) => !BUILT_IN_MODELS.includes(name)), ledger.models) &&
    (!observed.resourcePolicy || ledger.resourcePolicy)
  );
}

/**
 * The imported state with its new authorizers and validators named the way the desired state names
 * what a plan creates (ref ids), so the diff compares names, not ids neither side knows yet.
 */
function asRefs(api: ObservedApi): ObservedApi {
  const refs = new Map([
    ...Object.entries(api.authorizers).map(([name, a]) => [a.id, authorizerRef(name)] as const),
    ...Object.entries(api.requestValidators).map(([name, v]) => [v.id, validatorRef(name)] as const),
  ]);
  const ref = (id: string) => refs.get(id) ?? id;
  return {
    ...api,
    authorizers: Object.fromEntries(Object.entries(api.authorizers).map(([name, a]) => [name, { ...a, id: authorizerRef(name) }])),
    requestValidators: Object.fromEntries(Object.entries(api.requestValidators).map(([name, v]) => [name, { ...v, id: validatorRef(name) }])),
    methods: api.methods.map((m) => ({ ...m, shape: { ...m.shape, authorizerId: ref(m.shape.authorizerId), requestValidatorId: ref(m.shape.requestValidatorId) } })),
  };
}

export type BulkVerdict = { operations: Operation[] } | { skipped: string };

/**
 * The bulk plan for `desired` on `observed`, or why the per-operation plan `perOperation` stays: the
 * API is not empty, the plan is small, the document cannot carry all of it (then its simulated import
 * leaves more than API settings and tags to do) or is over PutRestApi's size.
 */
export function bulkCreatePlan(desired: DesiredApi, observed: ObservedApi, ledger: OwnershipLedger, perOperation: readonly Operation[], minOperations = BULK_MIN_OPERATIONS): BulkVerdict {
  if (!isEmptyApi(observed, ledger)) return { skipped: 'the REST API has resources, methods or API-wide pieces of someone else already' };
  const covered = perOperation.filter((op) => !AFTER_IMPORT.has(op.kind)).length;
  if (covered < minOperations) return { skipped: `${covered} operation(s) are fewer than ${minOperations}` };
  const { document, complete } = desiredDocument(desired, observed.id);
  if (!complete) return { skipped: 'the desired state cannot be written as one OpenAPI document' };
  const bytes = Buffer.byteLength(JSON.stringify(document));
  if (bytes > BULK_MAX_BYTES) return { skipped: `the document is ${bytes} bytes, over PutRestApi's ${BULK_MAX_BYTES}` };
  let counter = 0;
  const imported = simulatePutRestApi(observed, document, () => `import${(counter += 1).toString().padStart(6, '0')}`);
  const after = planDiff(desired, asRefs(imported), ledger).operations;
  const left = after.filter((op) => !AFTER_IMPORT.has(op.kind));
  if (left.length > 0) return { skipped: `the import would leave ${left.length} operation(s) to do (${left[0]!.kind} first)` };
  const paths = [...new Set(desired.methods.map((m) => m.path))].sort();
  return { operations: [{ kind: 'putRestApi', document, paths, methods: desired.methods.length, replaces: covered }, ...after] };
}
