// Execution roles in the emulator's IAM: created with trust policy and tags, managed policies and the
// inline policy reconciled both ways, deleted with everything attached to them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIamClients, type IamClients } from '../../src/aws/clients.js';
import { accountId, changeRole, deleteRole, observeRole } from '../../src/aws/iam.js';
import { roleChanges, type DesiredRole } from '../../src/plan/role-diff.js';
import { trustPolicy } from '../../src/model/roles.js';
import { awsTestContext, type AwsTestContext } from '../support/aws.js';

let ctx: AwsTestContext;
/** Observe, diff (pure), change: what the reconciler does for one role. */
async function ensureRole(_caller: unknown, clients: IamClients, want: DesiredRole): Promise<{ arn: string; created: boolean }> {
  const have = await observeRole(ctx.caller, clients, want.name);
  const changes = roleChanges(want, have);
  const arn = changes.length > 0 ? await changeRole(ctx.caller, clients, want, changes) : have!.arn;
  return { arn, created: changes.some((c) => c.kind === 'createRole') };
}
let iam: IamClients;
beforeAll(async () => {
  ctx = await awsTestContext();
  iam = createIamClients({ region: ctx.account.region, endpoint: ctx.proxy.endpoint, credentials: ctx.account });
});
afterAll(async () => {
  await ctx.close();
});

const LAMBDA_ROLE = 'arn:aws:iam::aws:policy/service-role/AWSLambdaRole';
const invoke = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] };

describe('execution roles in IAM', () => {
  it('creates, reconciles both ways, and deletes a role', async () => {
    const account = await accountId(ctx.caller, iam);
    expect(account).toBe(ctx.account.accountId);
    const spec: DesiredRole = { name: 'restpath-shop-checkout', trustPolicy: trustPolicy(account, 'us-east-1', 'a1b2c3d4e5'), managedPolicyArns: [LAMBDA_ROLE], inlinePolicy: invoke, tags: { 'restpath.dev/owner': 'shop/RestPath/checkout' } };
    const first = await ensureRole(ctx.caller, iam, spec);
    expect(first).toEqual({ arn: `arn:aws:iam::${account}:role/restpath/restpath-shop-checkout`, created: true });
    const role = (await ctx.cli(['iam', 'get-role', '--role-name', spec.name])) as { Role: { AssumeRolePolicyDocument: unknown; Tags?: { Key: string; Value: string }[] } };
    expect(role.Role.AssumeRolePolicyDocument).toEqual(spec.trustPolicy);
    expect(role.Role.Tags).toEqual([{ Key: 'restpath.dev/owner', Value: 'shop/RestPath/checkout' }]);

    // In sync: nothing written.
    ctx.calls.reset();
    expect((await ensureRole(ctx.caller, iam, spec)).created).toBe(false);
    expect(Object.keys(ctx.calls.snapshot()).filter((k) => !k.startsWith('Get') && !k.startsWith('List'))).toEqual([]);

    // Both ways: the managed policy detached, the inline policy changed, then removed.
    await ensureRole(ctx.caller, iam, { ...spec, managedPolicyArns: [], inlinePolicy: { ...invoke, Statement: [{ ...invoke.Statement[0], Resource: 'arn:aws:lambda:us-east-1:1:function:f' }] } });
    expect(((await ctx.cli(['iam', 'list-attached-role-policies', '--role-name', spec.name])) as { AttachedPolicies: unknown[] }).AttachedPolicies).toEqual([]);
    const inline = (await ctx.cli(['iam', 'get-role-policy', '--role-name', spec.name, '--policy-name', 'restpath-inline'])) as { PolicyDocument: { Statement: { Resource: string }[] } };
    expect(inline.PolicyDocument.Statement[0]?.Resource).toBe('arn:aws:lambda:us-east-1:1:function:f');
    const { inlinePolicy: _dropped, ...withoutInline } = spec;
    await ensureRole(ctx.caller, iam, withoutInline);
    expect(((await ctx.cli(['iam', 'list-role-policies', '--role-name', spec.name])) as { PolicyNames: string[] }).PolicyNames).toEqual([]);

    await deleteRole(ctx.caller, iam, spec.name);
    await expect(ctx.cli(['iam', 'get-role', '--role-name', spec.name])).rejects.toThrow(/NoSuchEntity/);
    await deleteRole(ctx.caller, iam, spec.name); // already gone: fine
  });
});
