// The RestApi reconciler driven directly: the real reconcile code over an in-memory AWS built on the
// simulator and a recording writer. Create, edit, drift, conflict, pause, delete/Retain, half-applied
// failures, missing references and the kstatus conditions each produces.
import { describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { http, mock, restApi, restPath } from './objects.js';

const summary = (w: ReconcilerWorld, kind: 'restapis' | 'restpaths', name: string) =>
  Object.fromEntries(['Ready', 'Reconciling', 'Stalled', 'Synced'].map((t) => [t, `${w.condition(kind, name, t)?.status}/${w.condition(kind, name, t)?.reason}`]));

function shop(w: ReconcilerWorld, api: Partial<RestApi['spec']> = {}, annotations?: Record<string, string>) {
  w.apply(restApi('shop', api, annotations));
  w.apply(restPath('orders', '/orders', [mock('GET')]));
}

describe('RestApi reconciler: create and edit', () => {
  it('creates the API, its path and a deployed stage; every object is written once and reads Ready, not Reconciling or Stalled', async () => {
    const w = new ReconcilerWorld();
    shop(w);
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    const api = w.get<RestApi>('restapis', 'shop')!;
    const aws = w.aws.apis.get(api.status!.id!)!;
    expect(aws.methods.map((m) => `${m.path} ${m.httpMethod}`)).toEqual(['/orders GET']);
    expect(w.aws.stages.get(aws.id)?.get('dev')?.deploymentId).toMatch(/^dep/);
    expect(summary(w, 'restapis', 'shop')).toEqual({ Ready: 'True/Ready', Reconciling: 'False/Reconciled', Stalled: 'False/NotStalled', Synced: 'True/Synced' });
    expect(summary(w, 'restpaths', 'orders')).toEqual({ Ready: 'True/Ready', Reconciling: 'False/Reconciled', Stalled: 'False/NotStalled', Synced: 'True/Synced' });
    expect(api.status?.observedGeneration).toBe(1);
    // The id right after the create, then one status write per object.
    expect(w.writes.filter((x) => x.what === 'status').map((x) => `${x.plural}/${x.name}`)).toEqual(['restapis/shop', 'restapis/shop', 'restpaths/orders']);
    expect(w.events.map((e) => e.reason)).toEqual(['Created', 'Updated', 'Deployed']);
    expect(w.warnings()).toEqual([]);
  });

  it('a second pass with nothing to do writes nothing and deploys nothing', async () => {
    const w = new ReconcilerWorld();
    shop(w);
    await w.reconcileApi('shop');
    const writes = w.writes.length;
    w.aws.calls.length = 0;
    await w.reconcileApi('shop', 'resync');
    expect(w.writes.length).toBe(writes);
    expect(w.aws.calls.filter((c) => !['observeApi', 'observeStages', 'executePlan', 'accountId'].includes(c))).toEqual([]);
  });

  it('applies an edit and redeploys once, for the new generation', async () => {
    const w = new ReconcilerWorld();
    w.apply(restApi('shop'));
    w.apply(restPath('orders', '/orders', [http('http://a.example/orders')]));
    await w.reconcileApi('shop');
    w.aws.calls.length = 0;
    w.advance(60_000);
    w.apply(restPath('orders', '/orders', [http('http://b.example/orders')]));
    await w.reconcileApi('shop');
    expect(w.aws.calls.filter((c) => c === 'updateIntegration' || c === 'createDeployment')).toEqual(['updateIntegration', 'createDeployment']);
    expect(w.get<RestPath>('restpaths', 'orders')?.status?.observedGeneration).toBe(2);
    expect(w.condition('restpaths', 'orders', 'Ready')?.observedGeneration).toBe(2);
  });

  it('undoes drift in AWS on a resync and says so with DriftCorrected', async () => {
    const w = new ReconcilerWorld();
    shop(w);
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    w.aws.apis.get(id)!.methods = [];
    await w.reconcileApi('shop', 'resync');
    expect(w.aws.apis.get(id)!.methods.map((m) => m.httpMethod)).toEqual(['GET']);
    expect(w.warnings().map((e) => e.reason)).toEqual(['DriftCorrected']);
  });
});

describe('RestApi reconciler: conflicts and pause', () => {
  it('gives a contested method to the older RestPath; the newer is Stalled with a Conflict Event naming the method (not another finding)', async () => {
    const w = new ReconcilerWorld();
    shop(w);
    w.advance(1000);
    // The newer path keeps one method of its own and loses GET: its ResourcePathReady finding exists too.
    w.apply(restPath('orders-copy', '/orders', [mock('GET'), mock('POST')]));
    await w.reconcileApi('shop');
    expect(summary(w, 'restpaths', 'orders-copy')).toMatchObject({ Ready: 'False/Conflict', Stalled: 'True/Conflict', Reconciling: 'False/Reconciled' });
    expect(summary(w, 'restpaths', 'orders')).toMatchObject({ Ready: 'True/Ready' });
    const conflict = w.warnings().find((e) => e.reason === 'Conflict');
    expect(conflict?.regarding.name).toBe('orders-copy');
    expect(conflict?.note).toBe("GET /orders is already declared by RestPath default/orders, which is older; this RestPath's GET on it is not applied.");
  });

  it('paused: no writes to AWS; Synced=False Paused lists what waits, Reconciling=True while something waits, and unpausing applies it', async () => {
    const w = new ReconcilerWorld();
    shop(w);
    await w.reconcileApi('shop');
    w.apply(restApi('shop', {}, { 'restpath.dev/paused': 'true' }));
    await w.reconcileApi('shop');
    // Nothing waits: AWS is what the spec says, so Ready (reason Paused) and kstatus Current.
    expect(summary(w, 'restapis', 'shop')).toEqual({ Ready: 'True/Paused', Synced: 'False/Paused', Reconciling: 'False/Reconciled', Stalled: 'False/NotStalled' });
    expect(summary(w, 'restpaths', 'orders')).toEqual({ Ready: 'True/Paused', Synced: 'False/Paused', Reconciling: 'False/Reconciled', Stalled: 'False/NotStalled' });
    expect(w.condition('restapis', 'shop', 'Synced')?.message).toContain('nothing waits');
    w.aws.calls.length = 0;
    w.apply(restPath('orders', '/orders', [mock('GET'), mock('POST')]));
    await w.reconcileApi('shop');
    expect(w.aws.calls.filter((c) => c.startsWith('put') || c.startsWith('create') || c.startsWith('update'))).toEqual([]);
    expect(summary(w, 'restpaths', 'orders')).toMatchObject({ Ready: 'False/Paused', Reconciling: 'True/Paused', Synced: 'False/Paused' });
    expect(w.condition('restpaths', 'orders', 'Synced')?.message).toMatch(/1 write\(s\) wait: putMethod POST \/orders|wait: .*POST \/orders/);
    w.apply(restApi('shop'));
    await w.reconcileApi('shop');
    expect(summary(w, 'restpaths', 'orders')).toMatchObject({ Ready: 'True/Ready', Synced: 'True/Synced' });
  });

  it('paused: a missing execution-role policy is listed as waiting, never an empty list', async () => {
    const w = new ReconcilerWorld();
    w.apply(restApi('shop'));
    const inline = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] };
    const lambda = { httpMethod: 'POST' as const, integration: { type: 'AWS_PROXY' as const, httpMethod: 'POST' as const, uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations', credentials: { executionRole: true } } };
    w.apply(restPath('checkout', '/checkout', [lambda], { executionRole: { inlinePolicy: inline } }));
    await w.reconcileApi('shop');
    expect(w.condition('restpaths', 'checkout', 'Ready')?.status).toBe('True');
    w.apply(restApi('shop', {}, { 'restpath.dev/paused': 'true' }));
    w.aws.roles.get('restpath-default-checkout')!.inlinePolicy = undefined;
    await w.reconcileApi('shop');
    const synced = w.condition('restapis', 'shop', 'Synced')!;
    expect(synced.message).toContain('1 write(s) wait: put the inline policy of role restpath-default-checkout');
    expect(synced.message).not.toMatch(/wait: \./);
  });
});

describe('RestApi reconciler: execution roles', () => {
  const lambda = { httpMethod: 'POST' as const, integration: { type: 'AWS_PROXY' as const, httpMethod: 'POST' as const, uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations', credentials: { executionRole: true } } };

  it("another's IAM role of the execution role's name is never taken over: Stalled RoleNameTaken, its trust policy untouched", async () => {
    const w = new ReconcilerWorld();
    const theirs = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    w.aws.roles.set('restpath-default-checkout', { arn: 'arn:aws:iam::123456789012:role/restpath/restpath-default-checkout', trustPolicy: theirs, managedPolicyArns: [], inlinePolicy: undefined, owner: undefined, tags: {} });
    w.apply(restApi('shop'));
    w.apply(restPath('checkout', '/checkout', [lambda], { executionRole: {} }));
    expect(await w.reconcileApi('shop')).toMatchObject({ kind: 'stalled' });
    const stalled = w.condition('restapis', 'shop', 'Stalled')!;
    expect(stalled).toMatchObject({ status: 'True', reason: 'RoleNameTaken' });
    expect(stalled.message).toContain('IAM role restpath-default-checkout exists and has no restpath.dev/owner tag');
    expect(w.aws.roles.get('restpath-default-checkout')!.trustPolicy).toEqual(theirs);
    expect(w.aws.calls.filter((c) => c !== 'observeRole' && /Role|Policy/.test(c))).toEqual([]);
  });
});

describe('RestApi reconciler: what clients hit', () => {
  it('a runbook check that fails once everything is applied makes the path Stalled with its reason: only a person can fix it', async () => {
    const w = new ReconcilerWorld();
    w.apply(restApi('shop'));
    w.apply(restPath('orders', '/orders', [http('http://${stageVariables.backendHost}/orders')]));
    await w.reconcileApi('shop');
    expect(w.condition('restpaths', 'orders', 'IntegrationReady')).toMatchObject({ status: 'False', reason: 'UndefinedStageVariable' });
    expect(summary(w, 'restpaths', 'orders')).toEqual({ Ready: 'False/UndefinedStageVariable', Reconciling: 'False/Reconciled', Stalled: 'True/UndefinedStageVariable', Synced: 'True/Synced' });
    // One Warning for it (the runbook's), not a second one for Stalled.
    expect(w.warnings().map((e) => e.reason)).toEqual(['UndefinedStageVariable']);
    w.apply(restApi('shop', { stages: [{ name: 'dev', deployment: 'Automatic', variables: { backendHost: 'orders.dev' } }] }));
    await w.reconcileApi('shop');
    expect(summary(w, 'restpaths', 'orders')).toEqual({ Ready: 'True/Ready', Reconciling: 'False/Reconciled', Stalled: 'False/NotStalled', Synced: 'True/Synced' });
  });
});

describe('RestApi reconciler: deletion', () => {
  it('Delete removes the REST API, then the finalizer; Retain leaves AWS alone', async () => {
    for (const policy of ['Delete', 'Retain'] as const) {
      const w = new ReconcilerWorld();
      shop(w, { deletionPolicy: policy });
      await w.reconcileApi('shop');
      const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
      w.delete('restapis', 'shop');
      await w.reconcileApi('shop');
      expect(w.get('restapis', 'shop')).toBeUndefined();
      expect(w.aws.apis.has(id)).toBe(policy === 'Retain');
    }
  });

  it('Delete never deletes a REST API whose owner tag names another object', async () => {
    const w = new ReconcilerWorld();
    shop(w, { deletionPolicy: 'Delete' });
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    w.aws.apis.get(id)!.tags['restpath.dev/owner'] = 'other/RestApi/owner';
    w.delete('restapis', 'shop');
    await w.reconcileApi('shop');
    expect(w.aws.apis.has(id)).toBe(true);
    expect(w.get('restapis', 'shop')).toBeUndefined();
    expect(w.warnings().map((e) => e.reason)).toEqual(['OwnedByOther']);
  });

  it('a RestPath deleted with deletionPolicy Retain leaves its methods in AWS, unowned', async () => {
    const w = new ReconcilerWorld();
    shop(w);
    w.apply(restPath('health', '/health', [mock('GET')], { deletionPolicy: 'Retain' }));
    await w.reconcileApi('shop');
    w.delete('restpaths', 'health');
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    expect(w.aws.apis.get(id)!.methods.map((m) => `${m.path} ${m.httpMethod}`).sort()).toEqual(['/health GET', '/orders GET']);
    expect(w.get('restpaths', 'health')).toBeUndefined();
    // Unowned now: a later pass leaves it alone too.
    await w.reconcileApi('shop', 'resync');
    expect(w.aws.apis.get(id)!.methods).toHaveLength(2);
  });

  it('a deleted RestPath loses its methods and its finalizer once the plan has run', async () => {
    const w = new ReconcilerWorld();
    shop(w);
    w.apply(restPath('health', '/health', [mock('GET')]));
    await w.reconcileApi('shop');
    w.delete('restpaths', 'health');
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    expect(w.aws.apis.get(id)!.resources.map((r) => r.path)).toEqual(['/orders']);
    expect(w.get('restpaths', 'health')).toBeUndefined();
    // A deletion is a change someone made, not drift.
    expect(w.events.at(-2)).toMatchObject({ type: 'Normal', reason: 'Updated' });
    expect(w.warnings()).toEqual([]);
  });
});
