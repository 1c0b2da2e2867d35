// What a reconciler needs, passed in (no module singletons): AWS and the diagnosis facts behind
// interfaces (ports.ts), the one Kubernetes writer, the Event sink, a logger, the settings and, when
// the operator exports them, the metrics a pass measures.
import type { AwsTarget, AwsTargets, DiagnosisFacts, DomainNameAws, EventSink, ObjectWriter, PlacementDirectory, ReconcileMetrics, RestApiAws, UsagePlanAws } from './ports.js';

export interface Logger {
  info: (fields: object, message: string) => void;
  warn: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
}

export interface OperatorSettings {
  /** restpath.dev/managed-by value. */
  managedBy: string;
  defaultTags: Record<string, string>;
  /** Namespaces where adoptId / restApiId may take over what the operator did not create ('*': all). */
  adoptNamespaces: string[];
  /** How old IAM, VPC-link and usage-plan facts may be on a pass nobody asked for (a resync). */
  diagnosisMaxAgeMs: number;
  /** How long a missing reference (RestApi, stage, Secret, method) is waited for before Stalled. */
  referenceGraceMs: number;
  /** API Gateway's "Resources per API" quota (300 unless raised); unset: the default. */
  resourcesPerApi?: number;
  /** Create a new REST API's contents with one PutRestApi (plan/bulk-create.ts); false: always per operation. Default true. */
  bulkCreate?: boolean;
  /** How long a new API's first RestPaths must have stopped arriving before its content is created (plan/bulk-settle.ts); unset or 0: no wait. */
  bulkCreateSettleMs?: number;
}

export interface ControllerContext {
  /**
   * AWS where the object at hand lives. In the operator's base context: its own identity in its
   * default region (RestPaths with restApiId); a reconcile of a placed object gets a context whose
   * aws and facts are its account's and region's (placedContext).
   */
  aws: RestApiAws & UsagePlanAws & DomainNameAws;
  facts: DiagnosisFacts;
  /** Every account and region, for placing an object. */
  targets: AwsTargets;
  placement: PlacementDirectory;
  writer: ObjectWriter;
  events: EventSink;
  log: Logger;
  settings: OperatorSettings;
  now: () => Date;
  /** Unset in tests and the CLI: nothing is measured. */
  metrics?: ReconcileMetrics;
}

/**
 * Why a pass runs: `requested` when someone changed an object (spec, annotations, labels, deletion)
 * or asked for it (the restpath.dev/reconcile-requested-at annotation), `resync` for the periodic
 * look. A requested pass reads every diagnosis fact fresh; a resync may reuse young ones.
 */
export type Trigger = 'requested' | 'resync';

/** What one reconcile asks of the queue next. */
export type Outcome =
  | { kind: 'done'; requeueAfterMs?: number }
  | { kind: 'retry'; error: unknown }
  | { kind: 'stalled'; reason: string; message: string; requeueAfterMs: number };

/** The context of a reconcile in `target`'s account and region. */
export function placedContext(ctx: ControllerContext, target: AwsTarget): ControllerContext {
  return { ...ctx, aws: target.aws, facts: target.facts };
}

/** The model option that carries the operator's --resources-per-api, when set. */
export function resourceQuota(ctx: { settings: OperatorSettings }): { resourcesPerApi?: number } {
  return ctx.settings.resourcesPerApi !== undefined ? { resourcesPerApi: ctx.settings.resourcesPerApi } : {};
}
