// What the gauges computed at scrape time say about the objects in the informer caches: how many are in
// each Ready state and reason, how long the longest-waiting one of each reason has not been Ready, and
// which stages serve an older API than the spec (Manual stages waiting for restpath.dev/deploy, or an
// Automatic one whose deployment failed). Plain functions over the cached objects, tested without a cluster.
import type { Condition } from '../api/common.js';
import type { DomainName } from '../api/domain-name.js';
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { UsagePlan } from '../api/usage-plan.js';
import { apiKeyOfPath } from '../controllers/refs.js';
import { unservedSince } from '../plan/deployments.js';
import { NOT_RECONCILED, reasonLabel } from './reasons.js';

export interface CachedObjects {
  restApis: readonly RestApi[];
  restPaths: readonly RestPath[];
  usagePlans: readonly UsagePlan[];
  domainNames?: readonly DomainName[];
}

export type Deployment = 'Automatic' | 'Manual';

export interface ObjectsSummary {
  /** restpath_objects{kind, ready, reason}; only combinations that occur. */
  byReady: { kind: string; ready: string; reason: string; count: number }[];
  /** restpath_objects_not_ready_longest_seconds{kind, reason}; only reasons with objects not Ready. */
  notReadyLongest: { kind: string; reason: string; seconds: number }[];
  /** restpath_stages_pending_deployment and ..._longest_seconds, for both kinds of stage (0 when none). */
  pendingStages: Record<Deployment, { count: number; longestSeconds: number }>;
}

type AnyObject = RestApi | RestPath | UsagePlan | DomainName;

const seconds = (from: string | undefined, now: number) => {
  const at = from ? Date.parse(from) : NaN;
  return Number.isFinite(at) ? Math.max(0, (now - at) / 1000) : 0;
};

function readiness(o: AnyObject): { ready: string; reason: string; since: string | undefined } {
  const c: Condition | undefined = o.status?.conditions?.find((x) => x.type === 'Ready');
  if (!c) return { ready: 'Unknown', reason: NOT_RECONCILED, since: o.metadata.creationTimestamp };
  return { ready: c.status, reason: reasonLabel(c.reason), since: c.lastTransitionTime };
}

/** Stages of managed REST APIs that do not serve the latest change (as decideStages sees "behind"). */
function pendingStages(cached: CachedObjects, now: number): ObjectsSummary['pendingStages'] {
  const out: ObjectsSummary['pendingStages'] = { Automatic: { count: 0, longestSeconds: 0 }, Manual: { count: 0, longestSeconds: 0 } };
  // The paths' changes by the key of their REST API, once: a scrape stays linear in the objects.
  const pathChanges = new Map<string, (string | undefined)[]>();
  for (const p of cached.restPaths) {
    const key = apiKeyOfPath(p);
    if (!key) continue;
    const list = pathChanges.get(key);
    if (list) list.push(p.status?.changedAt);
    else pathChanges.set(key, [p.status?.changedAt]);
  }
  for (const api of cached.restApis) {
    if (!api.status?.id) continue;
    const changes = [api.status.changedAt, ...(pathChanges.get(`${api.metadata.namespace ?? ''}/${api.metadata.name}`) ?? [])];
    for (const stage of api.spec.stages ?? []) {
      const status = api.status.stages?.find((s) => s.name === stage.name);
      // Not created yet: the next pass creates it with a deployment, so it waits for nothing.
      if (!status) continue;
      // A stage the operator never deployed (adopted) is behind since the operator took the API over.
      const since = unservedSince(status.deployedAt, changes) ?? (status.deployedAt ? undefined : api.metadata.creationTimestamp);
      if (!since) continue;
      const entry = out[stage.deployment === 'Manual' ? 'Manual' : 'Automatic'];
      entry.count += 1;
      entry.longestSeconds = Math.max(entry.longestSeconds, seconds(since, now));
    }
  }
  return out;
}

export function summarize(cached: CachedObjects, now: number): ObjectsSummary {
  const counts = new Map<string, ObjectsSummary['byReady'][number]>();
  const longest = new Map<string, ObjectsSummary['notReadyLongest'][number]>();
  const all: [string, readonly AnyObject[]][] = [['RestApi', cached.restApis], ['RestPath', cached.restPaths], ['UsagePlan', cached.usagePlans], ['DomainName', cached.domainNames ?? []]];
  for (const [kind, objects] of all) {
    for (const o of objects) {
      const { ready, reason, since } = readiness(o);
      const key = `${kind}\0${ready}\0${reason}`;
      const row = counts.get(key) ?? { kind, ready, reason, count: 0 };
      row.count += 1;
      counts.set(key, row);
      if (ready === 'True') continue;
      const waiting = longest.get(`${kind}\0${reason}`) ?? { kind, reason, seconds: 0 };
      waiting.seconds = Math.max(waiting.seconds, seconds(since, now));
      longest.set(`${kind}\0${reason}`, waiting);
    }
  }
  return { byReady: [...counts.values()], notReadyLongest: [...longest.values()], pendingStages: pendingStages(cached, now) };
}
