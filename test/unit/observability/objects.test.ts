// The gauges computed from the caches at scrape time: objects by Ready state and reason, the longest
// not-Ready wait per reason, and the stages behind their REST API (summarize, over plain objects).
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/api/common.js';
import type { RestApi } from '../../../src/api/rest-api.js';
import type { RestPath } from '../../../src/api/rest-path.js';
import { summarize } from '../../../src/observability/objects.js';
import { unservedSince } from '../../../src/plan/deployments.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const ready = (status: Condition['status'], reason: string, since: number): Condition => ({ type: 'Ready', status, reason, message: '', lastTransitionTime: ago(since), observedGeneration: 1 });

function api(name: string, extra: { ready?: Condition; changedAt?: string; stages?: { name: string; manual?: boolean; deployedAt?: string }[] } = {}): RestApi {
  return {
    apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'RestApi',
    metadata: { name, namespace: 'shop', creationTimestamp: ago(7200) },
    spec: { stages: (extra.stages ?? []).map((s) => ({ name: s.name, deployment: s.manual ? 'Manual' : 'Automatic' })) },
    status: {
      id: `id-${name}`, ...(extra.changedAt ? { changedAt: extra.changedAt } : {}),
      stages: (extra.stages ?? []).map((s) => ({ name: s.name, ...(s.deployedAt ? { deployedAt: s.deployedAt } : {}) })),
      ...(extra.ready ? { conditions: [extra.ready] } : {}),
    },
  };
}

function path(name: string, restApi: string, extra: { ready?: Condition; changedAt?: string } = {}): RestPath {
  return {
    apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'RestPath',
    metadata: { name, namespace: 'shop', creationTimestamp: ago(600) },
    spec: { restApiRef: { name: restApi }, path: `/${name}`, methods: [] },
    status: { ...(extra.changedAt ? { changedAt: extra.changedAt } : {}), ...(extra.ready ? { conditions: [extra.ready] } : {}) },
  };
}

describe('objects by Ready', () => {
  it('counts by kind, Ready status and reason; no Ready condition yet is Unknown/NotReconciledYet; an unknown error name is Other', () => {
    const s = summarize({
      restApis: [api('a', { ready: ready('True', 'Ready', 60) }), api('b', { ready: ready('True', 'Ready', 10) })],
      restPaths: [path('p', 'a', { ready: ready('False', 'Conflict', 3600) }), path('q', 'a', { ready: ready('False', 'SomeNewAwsException', 5) }), path('r', 'a')],
      usagePlans: [],
    }, NOW);
    expect(s.byReady).toEqual(expect.arrayContaining([
      { kind: 'RestApi', ready: 'True', reason: 'Ready', count: 2 },
      { kind: 'RestPath', ready: 'False', reason: 'Conflict', count: 1 },
      { kind: 'RestPath', ready: 'False', reason: 'Other', count: 1 },
      { kind: 'RestPath', ready: 'Unknown', reason: 'NotReconciledYet', count: 1 },
    ]));
    expect(s.byReady).toHaveLength(4);
  });

  it('the longest not-Ready wait per kind and reason, from lastTransitionTime or, without a Ready condition, the creation', () => {
    const s = summarize({
      restApis: [api('a', { ready: ready('True', 'Ready', 99_999) })],
      restPaths: [path('p', 'a', { ready: ready('False', 'Conflict', 3600) }), path('q', 'a', { ready: ready('False', 'Conflict', 60) }), path('r', 'a')],
      usagePlans: [],
    }, NOW);
    expect(s.notReadyLongest).toEqual(expect.arrayContaining([{ kind: 'RestPath', reason: 'Conflict', seconds: 3600 }, { kind: 'RestPath', reason: 'NotReconciledYet', seconds: 600 }]));
    expect(s.notReadyLongest).toHaveLength(2);
  });
});

describe('stages pending deployment', () => {
  it('a Manual stage deployed before changes is pending since the oldest change it does not serve', () => {
    const s = summarize({
      restApis: [api('a', { changedAt: ago(100), stages: [{ name: 'prod', manual: true, deployedAt: ago(5000) }, { name: 'dev', deployedAt: ago(100) }] })],
      // p changed after prod's deployment (the oldest unserved change), q before it (served).
      restPaths: [path('p', 'a', { changedAt: ago(3000) }), path('q', 'a', { changedAt: ago(6000) }), path('other', 'b', { changedAt: ago(9000) })],
      usagePlans: [],
    }, NOW);
    expect(s.pendingStages).toEqual({ Manual: { count: 1, longestSeconds: 3000 }, Automatic: { count: 0, longestSeconds: 0 } });
  });

  it('an Automatic stage behind (its deployment failed) counts under Automatic; a stage not created yet waits for nothing', () => {
    const s = summarize({ restApis: [api('a', { changedAt: ago(30), stages: [{ name: 'dev', deployedAt: ago(900) }] }), api('new', { changedAt: ago(30) })], restPaths: [], usagePlans: [] }, NOW);
    expect(s.pendingStages.Automatic).toEqual({ count: 1, longestSeconds: 30 });
  });

  it('unservedSince: the earliest change after the deployment; none after it: undefined', () => {
    expect(unservedSince(ago(50), [ago(60), ago(40), undefined, ago(10)])).toBe(ago(40));
    expect(unservedSince(ago(5), [ago(60), ago(40)])).toBeUndefined();
    expect(unservedSince(undefined, [ago(60), ago(40)])).toBe(ago(60));
  });
});
