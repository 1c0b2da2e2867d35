// Running a plan that begins with a bulk create (plan/bulk-create.ts). After the PutRestApi the pass
// reads back what the import wrote and plans once more against it, so whatever AWS (or an emulator)
// made differently from the model is corrected per operation in the same pass, and status and the
// ledger describe AWS as it is. A document AWS refuses is reported item by item, and the API is
// created per operation instead, from a fresh read (AWS rolled back; an emulator may not have).
import type { BulkCreateStatus } from '../api/rest-api.js';
import { importRefusalItems } from '../aws/errors.js';
import type { Reuse, SnapshotPart } from '../aws/observe.js';
import type { ObservedApi } from '../model/state.js';
import { describeOperation, type Operation, type PutRestApiOperation } from '../plan/operations.js';
import type { EventSpec } from '../status/rest-api-pass.js';
import type { ExecutionResult } from './ports.js';
import type { ControllerContext } from './context.js';

export interface PlanRun {
  /** Every operation the pass planned, in order, and the result over all of them. */
  plan: Operation[];
  result: ExecutionResult;
  /** The snapshot the operations that ran last were planned on, and those that ran on it (for the simulator). */
  base: ObservedApi;
  ranOnBase: Operation[];
  bulkCreate?: BulkCreateStatus;
  events: EventSpec[];
}

const has = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.keys(v).length > 0;

/** The parts of the snapshot the import (and the settings and tag writes after it) left as they were. */
export function untouchedParts(put: PutRestApiOperation, ran: readonly Operation[]): SnapshotPart[] {
  const doc = put.document;
  const components = (doc.components ?? {}) as Record<string, unknown>;
  const written: Record<SnapshotPart, boolean> = {
    settings: true, // the import may set the name and description from info
    tags: ran.some((op) => op.kind === 'tagRestApi' || op.kind === 'untagRestApi'),
    gatewayResponses: has(doc['x-amazon-apigateway-gateway-responses']),
    authorizers: has(components.securitySchemes),
    models: has(components.schemas),
    requestValidators: has(doc['x-amazon-apigateway-request-validators']),
  };
  return (Object.keys(written) as SnapshotPart[]).filter((part) => !written[part]);
}

/** `replan`: the per-operation plan against a snapshot. */
export async function runPlan(ctx: ControllerContext, observed: ObservedApi, plan: Operation[], replan: (observed: ObservedApi) => Operation[], now: Date): Promise<PlanRun> {
  const result = await ctx.aws.executePlan(observed, plan);
  const put = plan[0];
  if (put?.kind !== 'putRestApi') return { plan, result, base: observed, ranOnBase: plan.slice(0, result.completed), events: [] };
  const record = (outcome: BulkCreateStatus['outcome'], warnings?: string[]): BulkCreateStatus => ({ restApiId: observed.id, outcome, at: now.toISOString(), operations: put.replaces, ...(warnings ? { warnings } : {}) });

  if (result.failed?.operation === put) {
    const items = importRefusalItems(result.failed.error);
    // Not a refusal of the document (a quota, AWS unreachable): the error policy has it; tried again later.
    if (!items) return { plan, result, base: observed, ranOnBase: [], events: [] };
    const fresh = await ctx.aws.observeApi(observed.id);
    const perOperation = replan(fresh);
    const rerun = await ctx.aws.executePlan(fresh, perOperation);
    const note = `PutRestApi refused the document (${items.length} item(s): ${items.join('; ')}); creating the API per operation instead (${perOperation.length} operations).`;
    return { plan: perOperation, result: rerun, base: fresh, ranOnBase: perOperation.slice(0, rerun.completed), bulkCreate: record('Refused', items), events: [{ type: 'Warning', reason: 'BulkCreateRefused', action: 'Reconcile', note }] };
  }
  if (result.completed === 0) return { plan, result, base: observed, ranOnBase: [], events: [] };

  const reuse: Reuse = { from: observed, parts: untouchedParts(put, plan.slice(1, result.completed)) };
  const readBack = await ctx.aws.observeApi(observed.id, reuse);
  const created: EventSpec = { type: 'Normal', reason: 'BulkCreated', action: 'Reconcile', note: `Created ${put.methods} method(s) on ${put.paths.length} path(s) with one PutRestApi, instead of ${put.replaces} calls.` };
  if (result.failed) return { plan, result: { ...result, resourceIds: idsOf(readBack) }, base: readBack, ranOnBase: [], bulkCreate: record('Created'), events: [created] };
  const corrections = replan(readBack);
  const rest = await ctx.aws.executePlan(readBack, corrections);
  const all = [...plan, ...corrections];
  // The import made something other than the model says: said, so a difference is never silent.
  const differed = corrections.length === 0 ? '' : ` Read back, it differed from the spec in ${corrections.length} place(s), corrected per operation: ${corrections.slice(0, 5).map(describeOperation).join('; ')}${corrections.length > 5 ? '; ...' : ''}`;
  const events = [{ ...created, note: created.note + differed }];
  return {
    plan: all,
    result: { completed: plan.length + rest.completed, total: all.length, ...(rest.failed ? { failed: rest.failed } : {}), resourceIds: rest.resourceIds },
    base: readBack,
    ranOnBase: corrections.slice(0, rest.completed),
    bulkCreate: record('Created'),
    events,
  };
}

function idsOf(api: ObservedApi): Map<string, string> {
  return new Map([['/', api.rootResourceId], ...api.resources.map((r) => [r.path, r.id] as const)]);
}
