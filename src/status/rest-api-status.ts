// statusFor(pass), pure: every object's status after one pass over a REST API, and the Events that
// go with it. One place decides Synced, the runbook conditions, Ready, Reconciling and Stalled for the
// RestApi and each RestPath; the reconciler writes each object once with what this returns.
import { PAUSE_ANNOTATION, type BulkCreateStatus, type RestApiStatus } from '../api/rest-api.js';
import type { RestPath, RestPathStatus } from '../api/rest-path.js';
import { RUNBOOK_CONDITIONS, type ConditionFinding } from '../diagnose/index.js';
import { keyOfPath } from '../model/from-objects.js';
import { invokeUrl } from '../plan/deployments.js';
import { apiOwnershipAfter, pathOwnershipAfter } from '../plan/ledger.js';
import { setConditions, transitions, type Finding } from './conditions.js';
import type { EventSpec, RestApiPass } from './rest-api-pass.js';
import { CURRENT, summaryConditions, type Progress } from './summary.js';

export interface ObjectResult<S> {
  status: S;
  events: EventSpec[];
}

export interface RestApiResults {
  api?: ObjectResult<RestApiStatus>;
  /** By RestPath key. */
  paths: Map<string, ObjectResult<RestPathStatus>>;
}

const list = (items: string[], max = 5) => `${items.slice(0, max).join('; ')}${items.length > max ? `; and ${items.length - max} more` : ''}`;

/**
 * Runbook findings that are true and worth reading but do not hold Ready back (ADR 0007): a Manual
 * stage's pending deployment (the user decides when to deploy), one key's used-up quota and a plan limit
 * that cannot be reached (they concern some clients' limits, not whether the API is applied).
 */
const NOT_BLOCKING = new Set(['DeploymentPending', 'CanaryOnly', 'QuotaExhausted', 'PlanLimitUnreachable', 'ExecutionLogsNotDelivered']);

/** Paused with nothing waiting: AWS is what the spec says; Ready, with reason Paused. */
const idlePause = (pass: RestApiPass) => pass.paused && !pass.stopped && pass.waiting.length === 0;

function completed(pass: RestApiPass): boolean {
  return !pass.stopped && !pass.paused && !pass.executionFailure;
}

function synced(pass: RestApiPass): Finding {
  if (pass.stopped) return { type: 'Synced', status: 'False', reason: pass.stopped.reason, message: pass.stopped.message };
  if (pass.paused) {
    const what = pass.waiting.length === 0 ? 'nothing waits: AWS matches the spec' : `${pass.waiting.length} write(s) wait: ${list(pass.waiting)}`;
    return { type: 'Synced', status: 'False', reason: 'Paused', message: `Writes to AWS are paused by the annotation ${PAUSE_ANNOTATION}=true; ${what}. The other conditions describe AWS as it is.` };
  }
  const f = pass.executionFailure;
  if (f) {
    return { type: 'Synced', status: 'False', reason: f.reason, message: `${pass.applied} of ${f.total} operations applied; stopped at "${f.operation}": ${f.message} The rest is applied on the next attempt; nothing applied so far is undone.` };
  }
  if (pass.deployFailure) return { type: 'Synced', status: 'False', reason: pass.deployFailure.reason, message: pass.deployFailure.message };
  const d = pass.desired;
  if (pass.external) {
    return { type: 'Synced', status: 'True', reason: 'Synced', message: `Applied to REST API ${pass.restApiId ?? ''}, which is managed elsewhere: deploy its stages to serve the change (aws apigateway create-deployment --rest-api-id ${pass.restApiId ?? ''} --stage-name STAGE).` };
  }
  return { type: 'Synced', status: 'True', reason: 'Synced', message: `REST API ${pass.restApiId ?? ''} matches the spec (${d?.methods.length ?? 0} methods on ${d?.resources.length ?? 0} paths).` };
}

/** The progress the whole API is in (a RestPath may add its own: a conflict, a pending role). */
function apiProgress(pass: RestApiPass): Progress {
  if (pass.stopped) return pass.stopped.progress;
  if (pass.executionFailure) return pass.executionFailure.progress;
  if (pass.deployFailure) return pass.deployFailure.progress;
  if (pass.paused && pass.waiting.length > 0) return { kind: 'reconciling', reason: 'Paused', message: `${pass.waiting.length} write(s) wait for the annotation ${PAUSE_ANNOTATION}=true to be removed: ${list(pass.waiting)}.` };
  return CURRENT;
}

/** The RestApi's own progress: the whole API's, then what only it declares (models it cannot apply, deletions that wait). */
function restApiProgress(pass: RestApiPass): Progress {
  const api = apiProgress(pass);
  if (api.kind !== 'current') return api;
  const problems = pass.desired?.problems ?? [];
  if (problems.length > 0) return { kind: 'stalled', reason: problems[0]!.reason, message: `${list(problems.map((p) => p.message))}; fix spec.models: the rest of the API is applied.` };
  if (pass.blocked.length > 0) return { kind: 'reconciling', reason: 'DeletionWaits', message: `${list(pass.blocked)}.` };
  return CURRENT;
}

function withFactsAge(f: ConditionFinding, readAt: Date | undefined): ConditionFinding {
  if (!readAt || (f.type !== 'PermissionsReady' && f.type !== 'ThrottlingReady')) return f;
  return { ...f, message: `${f.message} (IAM and usage-plan facts as read at ${readAt.toISOString()}; annotate the RestApi to read them now.)` };
}

function pathProgress(pass: RestApiPass, path: RestPath, diagnoses: readonly ConditionFinding[]): Progress {
  const key = keyOfPath(path);
  const conflicts = pass.desired?.conflicts.filter((c) => c.refused === key) ?? [];
  if (conflicts.length > 0) {
    const c = conflicts[0]!;
    const methods = conflicts.map((x) => x.httpMethod).join(', ');
    return { kind: 'stalled', reason: 'Conflict', message: `${c.httpMethod} ${c.path} is already declared by RestPath ${c.keptBy}, which is older; this RestPath's ${methods} on it ${conflicts.length > 1 ? 'are' : 'is'} not applied.` };
  }
  const refused = pass.desired?.refused.filter((r) => r.owner === key) ?? [];
  if (refused[0]?.reason === 'ResourceLimitReached') return { kind: 'stalled', reason: 'ResourceLimitReached', message: `${path.spec.path} is not applied: ${refused[0].message}.` };
  if (refused.length > 0) {
    return { kind: 'stalled', reason: refused[0]!.reason, message: `${list(refused.map((r) => `${r.httpMethod} ${r.path}: ${r.message}`))}; ${refused.length > 1 ? 'these methods are' : 'this method is'} not applied (AWS keeps what it has) until the name is fixed or declared.` };
  }
  const api = apiProgress(pass);
  if (api.kind !== 'current') return api;
  const pending = pass.desired?.pending.filter((p) => p.owner === key) ?? [];
  if (pending.length > 0) return { kind: 'reconciling', reason: 'WaitingForExecutionRole', message: `${pending.map((p) => `${p.httpMethod} ${p.path}`).join(', ')}: ${pending[0]!.reason}.` };
  const waiting = diagnoses.find((d) => d.status === 'Unknown' && d.reason === 'UsagePlanPending');
  if (waiting) return { kind: 'reconciling', reason: waiting.reason, message: waiting.message };
  return CURRENT;
}

function pathStatus(pass: RestApiPass, path: RestPath, sync: Finding): ObjectResult<RestPathStatus> {
  const key = keyOfPath(path);
  const diagnoses = (pass.diagnoses.get(key) ?? []).map((f) => withFactsAge(f, pass.factsReadAt));
  const progress = pathProgress(pass, path, diagnoses);
  const stageNames = pass.external ? pass.stages.map((s) => s.name) : (pass.api?.spec.stages ?? []).map((s) => s.name);
  const blocking = [...(idlePause(pass) ? [] : [sync]), ...diagnoses.filter((d) => !NOT_BLOCKING.has(d.reason))];
  const where = pass.external
    ? ` to REST API ${pass.restApiId ?? ''}, which is managed elsewhere: it is served once that API's stages are deployed`
    : stageNames.length > 0 ? ` and served on stages ${stageNames.join(', ')}` : '';
  const deferred = diagnoses.some((d) => d.reason === 'DeploymentPending') && pass.manualPending.length > 0 ? `; stage ${pass.manualPending.join(', ')} (Manual) serves the change once the restpath.dev/deploy annotation changes` : '';
  const generation = path.metadata.generation ?? 0;
  const whenReady = idlePause(pass) ? { reason: 'Paused', message: sync.message } : { reason: 'Ready', message: `${path.spec.path} is applied${where}${deferred}.` };
  const findings: Finding[] = [sync, ...diagnoses, ...summaryConditions(progress, blocking, whenReady, generation)];
  const conditions = setConditions(path.status?.conditions, findings, generation, pass.now);
  const restApiId = pass.restApiId ?? path.status?.restApiId;
  const resourceId = path.spec.path === '/' ? undefined : (pass.resourceIds.get(path.spec.path) ?? path.status?.resourceId);
  const arn = pass.roleArns.get(key);
  const changedAt = pass.pathChangedAt.get(key);
  const placed = pass.accountId ? { accountId: pass.accountId, region: pass.region } : path.status?.accountId ? { accountId: path.status.accountId, region: path.status.region ?? '' } : {};
  const status: RestPathStatus = {
    ...(restApiId ? { restApiId } : {}),
    ...placed,
    ...(resourceId ? { resourceId } : {}),
    ...(restApiId ? { urls: stageNames.map((stage) => ({ stage, url: invokeUrl(restApiId, pass.region, stage, path.spec.path) })) } : {}),
    ...(arn ? { executionRoleArn: arn } : {}),
    ...(changedAt ? { changedAt } : {}),
    ...(pass.desired ? { ownership: pathOwnershipAfter(pass.desired, key, path.status?.ownership, completed(pass)) } : path.status?.ownership ? { ownership: path.status.ownership } : {}),
    observedGeneration: generation,
    conditions,
  };
  return { status, events: [...(pass.pathEvents.get(key) ?? []), ...pathTransitionEvents(path, conditions)] };
}

/** Warning as a runbook condition turns bad, Normal `<Type>Restored` when it recovers; Warning when Stalled. */
function pathTransitionEvents(path: RestPath, conditions: RestPathStatus['conditions'] & object): EventSpec[] {
  const out: EventSpec[] = [];
  const changed = transitions(path.status?.conditions, conditions);
  for (const c of changed.filter((x) => (RUNBOOK_CONDITIONS as readonly string[]).includes(x.type))) {
    const before = path.status?.conditions?.find((x) => x.type === c.type);
    if (c.status === 'Unknown') continue; // not decided yet (e.g. a usage plan still being applied)
    if (c.status === 'True' && (!before || before.status === 'True')) continue;
    out.push({ type: c.status === 'True' ? 'Normal' : 'Warning', reason: c.status === 'True' ? `${c.type}Restored` : c.reason, action: 'Diagnose', note: `${c.type}: ${c.message}` });
  }
  // Stalled for a reason no runbook Event just told.
  const stalled = changed.find((c) => c.type === 'Stalled' && c.status === 'True');
  if (stalled && !out.some((e) => e.reason === stalled.reason)) out.push({ type: 'Warning', reason: stalled.reason, action: 'Reconcile', note: stalled.message });
  return out;
}

/**
 * BulkCreated: how the REST API's first contents were made. False with the items AWS listed when it
 * refused the document (the API was then created per operation); informational, never blocks Ready.
 */
export function bulkCreateFinding(bulk: BulkCreateStatus | undefined, restApiId: string | undefined): Finding | undefined {
  if (!bulk || bulk.restApiId !== restApiId) return undefined;
  if (bulk.outcome === 'Created') return { type: 'BulkCreated', status: 'True', reason: 'BulkCreated', message: `REST API ${bulk.restApiId} was created with one PutRestApi at ${bulk.at}, instead of ${bulk.operations} calls.` };
  const items = (bulk.warnings ?? []).map((w, i) => `(${i + 1}) ${w}`).join(' ');
  return { type: 'BulkCreated', status: 'False', reason: 'BulkCreateRefused', message: `PutRestApi (failOnWarnings) refused the document at ${bulk.at}: ${items} The REST API was created per operation instead (${bulk.operations} operations); the import is not tried again for it.` };
}

function apiStatus(pass: RestApiPass, sync: Finding): ObjectResult<RestApiStatus> | undefined {
  const api = pass.api;
  if (!api) return undefined;
  const generation = api.metadata.generation ?? 0;
  const pending = pass.manualPending.length > 0 ? `; stage ${pass.manualPending.join(', ')} (Manual) serves the latest changes once the restpath.dev/deploy annotation changes` : '';
  const whenReady = idlePause(pass) ? { reason: 'Paused', message: sync.message } : { reason: 'Ready', message: `REST API ${pass.restApiId ?? ''} is in sync and deployed${pending}.` };
  const bulk = bulkCreateFinding(pass.bulkCreate ?? api.status?.bulkCreate, pass.restApiId ?? api.status?.id);
  const findings = [sync, ...summaryConditions(restApiProgress(pass), idlePause(pass) ? [] : [sync], whenReady, generation), ...(bulk ? [bulk] : [])];
  const conditions = setConditions(api.status?.conditions, findings, generation, pass.now);
  const status: RestApiStatus = {
    ...api.status,
    ...(pass.restApiId ? { id: pass.restApiId } : {}),
    ...(pass.accountId ? { accountId: pass.accountId, region: pass.region } : {}),
    ...(pass.rootResourceId ? { rootResourceId: pass.rootResourceId } : {}),
    ...(pass.changedAt ? { changedAt: pass.changedAt } : {}),
    ...(pass.bulkCreate ? { bulkCreate: pass.bulkCreate } : {}),
    stages: pass.stages,
    ...(pass.desired ? { ownership: apiOwnershipAfter(pass.desired, api.status?.ownership, completed(pass)) } : {}),
    observedGeneration: generation,
    conditions,
  };
  if (!pass.restApiId && !api.status?.id) delete status.stages;
  const events = [...pass.apiEvents];
  for (const c of transitions(api.status?.conditions, conditions)) {
    const warn = (c.type === 'Synced' && c.status === 'False' && c.reason !== 'Paused') || (c.type === 'Stalled' && c.status === 'True');
    if (warn && !events.some((e) => e.reason === c.reason)) events.push({ type: 'Warning', reason: c.reason, action: 'Reconcile', note: c.message });
  }
  return { status, events };
}

/** Every object's status after the pass, and the Events to emit. */
export function restApiStatusFor(pass: RestApiPass): RestApiResults {
  const sync = synced(pass);
  const paths = new Map(pass.paths.map((p) => [keyOfPath(p), pathStatus(pass, p, sync)] as const));
  const api = apiStatus(pass, sync);
  return { ...(api ? { api } : {}), paths };
}
