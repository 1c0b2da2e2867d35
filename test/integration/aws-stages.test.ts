// Stages and deployments against the emulator: a deployment made without a stage, a stage created on
// it with variables and throttling, changed in place, and redeployed keeping its settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan } from '../../src/aws/execute.js';
import { observeApi } from '../../src/aws/observe.js';
import { ensureRestApi } from '../../src/aws/rest-api.js';
import { createDeployment, ensureStage, observeStages } from '../../src/aws/stages.js';
import { EMPTY_LEDGER } from '../../src/model/state.js';
import { diff } from '../../src/plan/diff.js';
import { desiredStage, STAGE_DEFAULT } from '../../src/plan/stages.js';
import { desiredOf, restPath } from '../support/arbitraries.js';
import { awsTestContext, type AwsTestContext } from '../support/aws.js';

let ctx: AwsTestContext;
let apiId = '';
beforeAll(async () => {
  ctx = await awsTestContext();
  const desired = desiredOf([restPath('orders', { path: '/orders/{orderId}', methods: [{ httpMethod: 'GET', integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: [{ statusCode: '200' }] }, methodResponses: [{ statusCode: '200' }] }] })]);
  apiId = (await ensureRestApi(ctx.caller, ctx.clients, desired.settings, desired.tags)).id;
  const observed = await observeApi(ctx.caller, ctx.clients, apiId);
  const result = await executePlan(ctx.caller, ctx.clients, observed, diff(desired, observed, EMPTY_LEDGER));
  if (result.failed) throw result.failed.error;
});
afterAll(async () => {
  await ctx.close();
});

const perMethod = [{ path: '/orders/{orderId}', httpMethod: 'GET', throttling: { rateLimit: 50, burstLimit: 100 } }];

describe('stages and deployments', () => {
  it('creates a stage on a stage-less deployment, with variables and stage and method throttling', async () => {
    const deploymentId = await createDeployment(ctx.caller, ctx.clients, apiId, 'first');
    const want = desiredStage({ name: 'prod', variables: { backendHost: 'orders.prod.internal' }, throttling: { rateLimit: 500, burstLimit: 1000 } }, perMethod);
    const { created } = await ensureStage(ctx.caller, ctx.clients, apiId, undefined, want, deploymentId);
    expect(created).toBe(true);
    const [stage] = await observeStages(ctx.caller, ctx.clients, apiId);
    expect(stage).toEqual({ ...want, deploymentId });
  });

  it('changes variables and throttling in place, and redeploys keeping the stage settings', async () => {
    const want = desiredStage({ name: 'prod', variables: { backendHost: 'orders-v2.prod.internal', region: 'eu' }, throttling: { rateLimit: 400, burstLimit: 800 } }, perMethod);
    const [before] = await observeStages(ctx.caller, ctx.clients, apiId);
    const second = await createDeployment(ctx.caller, ctx.clients, apiId, 'second');
    const { patch } = await ensureStage(ctx.caller, ctx.clients, apiId, before, want, second);
    expect(patch.map((p) => `${p.op} ${p.path}`)).toEqual([
      'replace /deploymentId',
      'replace /variables/backendHost',
      'replace /variables/region',
      'replace /*/*/throttling/rateLimit',
      'replace /*/*/throttling/burstLimit',
    ]);
    const [after] = await observeStages(ctx.caller, ctx.clients, apiId);
    expect(after).toEqual({ ...want, deploymentId: second });
    expect(after?.throttling[STAGE_DEFAULT]).toEqual({ rateLimit: 400, burstLimit: 800 });
    // In sync: nothing to send.
    expect((await ensureStage(ctx.caller, ctx.clients, apiId, after, want, second)).patch).toEqual([]);
  });
});
