// Bulk create waits for the RestPaths still being applied. `kubectl apply -f dir/` (or an Argo CD
// sync) creates a new API's RestPaths one after another over a few seconds; a pass that ran on the
// first of them would create those per operation, the REST API would then no longer be empty, and
// the bulk create (plan/bulk-create.ts) would be lost for all the rest. So while every RestPath of
// the API is new (none has a status yet: this is the API's first content) and the newest was created
// less than the settle window ago, the pass waits. Bounded twice: a clock behind the API server's
// (a creation time in the future) never waits, and a stream of arrivals waits at most MAX_HOLD_MS
// from the oldest of them. Decided here for the operator; pure.

/** How long after the oldest new RestPath's creation the operator stops waiting for more. */
export const MAX_HOLD_MS = 30_000;

export interface ArrivingPath {
  /** metadata.creationTimestamp (the API server's clock, whole seconds). */
  createdAt?: string;
  /** The operator wrote its status already (it has been part of a pass). */
  seen: boolean;
}

/** Milliseconds to wait before the pass that would create the API's content; 0: go now. */
export function bulkSettleWaitMs(paths: readonly ArrivingPath[], now: Date, settleMs: number, maxHoldMs = MAX_HOLD_MS): number {
  if (settleMs <= 0 || paths.some((p) => p.seen)) return 0;
  const created = paths.map((p) => Date.parse(p.createdAt ?? '')).filter((t) => Number.isFinite(t));
  if (created.length === 0) return 0;
  const sinceNewest = now.getTime() - Math.max(...created);
  const sinceOldest = now.getTime() - Math.min(...created);
  if (sinceNewest < 0 || sinceNewest >= settleMs || sinceOldest >= maxHoldMs) return 0;
  return Math.min(settleMs - sinceNewest, maxHoldMs - sinceOldest);
}
