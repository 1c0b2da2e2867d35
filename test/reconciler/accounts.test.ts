// Accounts and regions, driven through the real reconcilers: each object lands only in its AwsAccount's
// account and its region and its status says where; a namespace the account does not select, a region
// it does not allow, an AwsAccount that is missing or whose role cannot be assumed each become a
// condition on every object that needs it, with nothing called in AWS; references across accounts are
// refused; an API whose default placement moved is not re-created elsewhere.
import { describe, expect, it } from 'vitest';
import type { AwsAccount } from '../../src/api/aws-account.js';
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import type { UsagePlan } from '../../src/api/usage-plan.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { awsAccount, mock, restApi, restPath, usagePlan } from './objects.js';

const A = '111111111111';
const B = '222222222222';
const cond = (w: ReconcilerWorld, kind: 'restapis' | 'restpaths' | 'usageplans' | 'awsaccounts', name: string, type = 'Ready') =>
  `${w.condition(kind, name, type, kind === 'awsaccounts' ? '' : 'default')?.status}/${w.condition(kind, name, type, kind === 'awsaccounts' ? '' : 'default')?.reason}`;

/** The world's namespace `default` labelled team=<team>, with team-a (eu-west-1, us-east-1) and team-b (us-east-1). */
function accountsWorld(team = 'a'): ReconcilerWorld {
  const w = new ReconcilerWorld();
  w.namespaces.set('default', { team });
  w.apply(awsAccount('a', A, ['eu-west-1', 'us-east-1']));
  w.apply(awsAccount('b', B, ['us-east-1']));
  return w;
}

describe('placing objects in accounts and regions', () => {
  it("puts each RestApi in its account and region only, and every status says which", async () => {
    const w = accountsWorld();
    w.namespaces.set('default', { team: 'a' });
    w.apply(restApi('shop', { accountRef: { name: 'a' } }));
    w.apply(restApi('admin', { accountRef: { name: 'a' }, region: 'us-east-1' }));
    w.apply(restApi('home'));
    w.apply(restPath('orders', '/orders', [mock()]));
    for (const name of ['shop', 'admin', 'home']) expect(await w.reconcileApi(name)).toEqual({ kind: 'done' });
    const inA = w.targets.memory(A, 'eu-west-1');
    const inAUs = w.targets.memory(A, 'us-east-1');
    expect([...inA.apis.values()].map((a) => a.settings.name)).toEqual(['shop-api']);
    expect([...inAUs.apis.values()].map((a) => a.settings.name)).toEqual(['admin-api']);
    expect([...w.aws.apis.values()].map((a) => a.settings.name)).toEqual(['home-api']);
    expect(w.targets.memory(B, 'us-east-1').apis.size).toBe(0);
    expect(w.get<RestApi>('restapis', 'shop')!.status).toMatchObject({ accountId: A, region: 'eu-west-1' });
    expect(w.get<RestApi>('restapis', 'home')!.status).toMatchObject({ accountId: w.aws.account, region: 'us-east-1' });
    const orders = w.get<RestPath>('restpaths', 'orders')!.status!;
    expect(orders).toMatchObject({ accountId: A, region: 'eu-west-1' });
    expect(orders.urls?.[0]?.url).toContain('.execute-api.eu-west-1.amazonaws.com/');
    expect(cond(w, 'restpaths', 'orders')).toBe('True/Ready');
  });

  it('refuses a namespace the AwsAccount does not select: Stalled AccountNotAllowed on the API and its paths, nothing called in AWS, not even AssumeRole', async () => {
    const w = accountsWorld('b');
    w.apply(restApi('shop', { accountRef: { name: 'a' } }));
    w.apply(restPath('orders', '/orders', [mock()]));
    const outcome = await w.reconcileApi('shop');
    expect(outcome).toMatchObject({ kind: 'stalled', reason: 'AccountNotAllowed' });
    expect(cond(w, 'restapis', 'shop')).toBe('False/AccountNotAllowed');
    expect(cond(w, 'restapis', 'shop', 'Stalled')).toBe('True/AccountNotAllowed');
    expect(cond(w, 'restpaths', 'orders')).toBe('False/AccountNotAllowed');
    expect(w.condition('restpaths', 'orders', 'Ready')?.message).toContain('(labels: team=b)');
    expect(w.targets.assumed).toEqual([]);
    expect([w.aws.calls, w.targets.memory(A, 'eu-west-1').calls]).toEqual([[], []]);
    // The admin labels the namespace: the next pass goes ahead.
    w.namespaces.set('default', { team: 'a' });
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    expect(cond(w, 'restpaths', 'orders')).toBe('True/Ready');
  });

  it('refuses a region the AwsAccount does not allow', async () => {
    const w = accountsWorld();
    w.apply(restApi('shop', { accountRef: { name: 'a' }, region: 'ap-south-1' }));
    expect(await w.reconcileApi('shop')).toMatchObject({ kind: 'stalled', reason: 'RegionNotAllowed' });
    expect(w.condition('restapis', 'shop', 'Ready')?.message).toContain('allows the regions eu-west-1, us-east-1, not ap-south-1');
    expect(w.targets.assumed).toEqual([]);
  });

  it('waits the reference grace for an AwsAccount that does not exist yet, then Stalled; applied, it goes ahead', async () => {
    const w = accountsWorld();
    w.apply(restApi('shop', { accountRef: { name: 'later' } }));
    const first = await w.reconcileApi('shop');
    expect(first.kind).toBe('done');
    expect(cond(w, 'restapis', 'shop', 'Reconciling')).toBe('True/AccountNotFound');
    w.advance(121_000);
    expect(await w.reconcileApi('shop')).toMatchObject({ kind: 'stalled', reason: 'AccountNotFound' });
    w.apply(awsAccount('later', B, ['us-east-1'], { team: 'a' }));
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    expect(w.targets.memory(B, 'us-east-1').apis.size).toBe(1);
  });
});

describe('a role that cannot be assumed', () => {
  it('is a condition on the AwsAccount and on every object that needs it, with the command to check; restored, all recover', async () => {
    const w = accountsWorld();
    w.apply(restApi('shop', { accountRef: { name: 'a' } }));
    w.apply(restPath('orders', '/orders', [mock()]));
    w.apply(usagePlan('gold', { accountRef: { name: 'a' } }));
    w.targets.refused.set(`arn:aws:iam::${A}:role/restpath`, 'User: arn:aws:iam::999999999999:role/operator is not authorized to perform: sts:AssumeRole');
    expect(await w.reconcileAccount('a')).toMatchObject({ kind: 'stalled', reason: 'AssumeRoleFailed', requeueAfterMs: 30_000 });
    expect(cond(w, 'awsaccounts', 'a')).toBe('False/AssumeRoleFailed');
    expect(await w.reconcileApi('shop')).toMatchObject({ kind: 'stalled', reason: 'AssumeRoleFailed' });
    expect(await w.reconcilePlan('gold')).toMatchObject({ kind: 'stalled', reason: 'AssumeRoleFailed' });
    for (const [kind, name] of [['restapis', 'shop'], ['restpaths', 'orders'], ['usageplans', 'gold']] as const) {
      expect(cond(w, kind, name), `${kind}/${name}`).toBe('False/AssumeRoleFailed');
      expect(w.condition(kind, name, 'Ready')?.message).toContain(`Check: aws sts assume-role --role-arn arn:aws:iam::${A}:role/restpath --role-session-name restpath-operator`);
    }
    expect(w.targets.memory(A, 'eu-west-1').calls).toEqual([]);
    expect(w.warnings().map((e) => e.reason)).toContain('AssumeRoleFailed');
    w.targets.refused.clear();
    expect(await w.reconcileAccount('a')).toMatchObject({ kind: 'done' });
    expect(cond(w, 'awsaccounts', 'a')).toBe('True/RoleAssumed');
    expect(w.get<AwsAccount>('awsaccounts', 'a', '')!.status).toMatchObject({ assumedRoleArn: `arn:aws:sts::${A}:assumed-role/restpath/restpath-operator` });
    expect(w.events.map((e) => e.reason)).toContain('RoleAssumed');
    expect(await w.reconcileApi('shop')).toEqual({ kind: 'done' });
    expect(await w.reconcilePlan('gold')).toEqual({ kind: 'done' });
    expect(cond(w, 'usageplans', 'gold')).toBe('True/Ready');
    expect(w.get<UsagePlan>('usageplans', 'gold')!.status).toMatchObject({ accountId: A, region: 'eu-west-1' });
  });
});

describe('references across accounts and regions', () => {
  it('refuses a UsagePlan naming a RestApi of another account, saying where each is; nothing is created', async () => {
    const w = accountsWorld();
    w.apply(restApi('shop', { accountRef: { name: 'a' } }));
    await w.reconcileApi('shop');
    w.apply(usagePlan('gold'));
    expect(await w.reconcilePlan('gold')).toMatchObject({ kind: 'stalled', reason: 'CrossAccountReference' });
    expect(w.condition('usageplans', 'gold', 'Ready')?.message).toContain(`UsagePlan gold is in the operator's own account, us-east-1, but RestApi shop is in account ${A} (AwsAccount a), eu-west-1`);
    expect(w.aws.plans.size + w.targets.memory(A, 'eu-west-1').plans.size).toBe(0);
  });
});

describe('a default that moved', () => {
  it("does not re-create an API elsewhere when the operator's region changes under a RestApi that names none", async () => {
    const w = new ReconcilerWorld();
    w.apply(restApi('shop'));
    await w.reconcileApi('shop');
    w.ctx.placement.defaultRegion = 'eu-central-1';
    expect(await w.reconcileApi('shop')).toMatchObject({ kind: 'stalled', reason: 'PlacementChanged' });
    expect(w.condition('restapis', 'shop', 'Ready')?.message).toContain('Set spec.region: us-east-1');
    expect(w.targets.memory(w.aws.account, 'eu-central-1').apis.size).toBe(0);
  });
});
