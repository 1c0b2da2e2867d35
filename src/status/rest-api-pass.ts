// One reconcile pass of one REST API, as plain data: what each phase found and did. The reconciler
// fills it in phase by phase; statusFor() turns it into every object's status and the Events to emit.
import type { BulkCreateStatus, RestApi, StageStatus } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { ConditionFinding } from '../diagnose/index.js';
import type { DesiredApi } from '../model/state.js';
import type { Operation } from '../plan/operations.js';
import { keyOfPath } from '../model/from-objects.js';
import type { Progress } from './summary.js';

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/** Why a phase failed, as the error policy judged it. */
export interface Failure {
  reason: string;
  message: string;
  progress: Progress;
}

export interface RestApiPass {
  now: Date;
  region: string;
  /** The account the API is in, once the pass knows it (placed, or the operator's own looked up). */
  accountId?: string;
  /** The RestApi; undefined for a REST API managed elsewhere (RestPaths with restApiId) or one that is missing. */
  api?: RestApi;
  /** The RestPaths that are not being deleted. */
  paths: RestPath[];
  /** The pass stopped before it could plan (a guard, a missing RestApi, a read that failed): why. */
  stopped?: Failure;
  /** The REST API is managed elsewhere: only its paths are the operator's. */
  external: boolean;
  paused: boolean;
  restApiId?: string;
  rootResourceId?: string;
  desired?: DesiredApi;
  plan: Operation[];
  /** How many operations of the plan ran. */
  applied: number;
  resourceIds: ReadonlyMap<string, string>;
  executionFailure?: Failure & { operation: string; total: number };
  /** Execution-role ARNs by RestPath key. */
  roleArns: ReadonlyMap<string, string>;
  /** Writes a pause holds back: plan operations and role changes, described. */
  waiting: string[];
  /** Deletions the plan holds back because something that stays still uses the piece, described. */
  blocked: string[];
  stages: StageStatus[];
  deployFailure?: Failure;
  /** Manual stages that are behind the API and wait for the deploy annotation. */
  manualPending: string[];
  diagnoses: ReadonlyMap<string, ConditionFinding[]>;
  /** When the facts behind PermissionsReady and ThrottlingReady were read, when older than this pass. */
  factsReadAt?: Date;
  changedAt?: string;
  pathChangedAt: ReadonlyMap<string, string | undefined>;
  /** What the pass did, for Events: on the RestApi, and by RestPath key. */
  apiEvents: EventSpec[];
  pathEvents: Map<string, EventSpec[]>;
  /** A bulk create this pass made or had refused. */
  bulkCreate?: BulkCreateStatus;
  /** Look again this soon even when nothing changes (a reference in its grace period). */
  recheckInMs?: number;
}

export function emptyPass(now: Date, region: string, paths: RestPath[], api?: RestApi): RestApiPass {
  return {
    now,
    region,
    ...(api ? { api } : {}),
    paths,
    external: false,
    paused: false,
    plan: [],
    applied: 0,
    resourceIds: new Map(),
    roleArns: new Map(),
    waiting: [],
    blocked: [],
    stages: api?.status?.stages ?? [],
    manualPending: [],
    diagnoses: new Map(),
    pathChangedAt: new Map(paths.map((p) => [keyOfPath(p), p.status?.changedAt])),
    apiEvents: [],
    pathEvents: new Map(),
    ...(api?.status?.changedAt ? { changedAt: api.status.changedAt } : {}),
  };
}
