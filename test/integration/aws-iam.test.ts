// Execution roles in the emulator's IAM: created with trust policy and tags, managed policies and the
// inline policy reconciled both ways, deleted with everything attached to them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIamClients, type IamClients } from '../../src/aws/clients.js';
import { accountId, changeRole, deleteRole, observeRole } from '../../src/aws/iam.js';
import { RoleNameTakenError, roleChanges, type DesiredRole } from '../../src/plan/role-diff.js';
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

// The emulator loads its IAM provider on the first call and each `aws` CLI run starts a Python: a
// minute can pass on two busy cores (CI ran out of the default 60 s once).
const IAM_TIMEOUT = { timeout: 180_000 };

describe('execution roles in IAM', () => {
  it('creates, reconciles both ways, and deletes a role', IAM_TIMEOUT, async () => {
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

  it('a CreateRole whose answer was lost (IAM made the role, the connection dropped) is re-sent, refused as existing, and goes on with the one role', IAM_TIMEOUT, async () => {
    const account = await accountId(ctx.caller, iam);
    const spec: DesiredRole = { name: 'restpath-shop-lost', trustPolicy: trustPolicy(account, 'us-east-1', 'a1b2c3d4e5'), managedPolicyArns: [LAMBDA_ROLE], tags: { 'restpath.dev/owner': 'shop/RestPath/lost' } };
    ctx.proxy.faults = [{ operation: 'CreateRole', times: 1, drop: true, afterForwarding: true }];
    ctx.proxy.resetCounts();
    const made = await ensureRole(ctx.caller, iam, spec);
    expect(ctx.proxy.faults[0]!.times).toBe(0);
    expect(made).toEqual({ arn: `arn:aws:iam::${account}:role/restpath/restpath-shop-lost`, created: true });
    // Sent twice (the second refused with EntityAlreadyExists), then the rest of the changes in the same call.
    expect(ctx.proxy.counts.passed.CreateRole).toBe(1);
    expect(ctx.proxy.counts.faulted.CreateRole).toBe(1);
    const roles = ((await ctx.cli(['iam', 'list-roles', '--path-prefix', '/restpath/'])) as { Roles: { RoleName: string }[] }).Roles.filter((r) => r.RoleName === spec.name);
    expect(roles).toHaveLength(1);
    expect(((await ctx.cli(['iam', 'list-attached-role-policies', '--role-name', spec.name])) as { AttachedPolicies: { PolicyArn: string }[] }).AttachedPolicies.map((p) => p.PolicyArn)).toEqual([LAMBDA_ROLE]);
    await deleteRole(ctx.caller, iam, spec.name);
  });

  it("never takes over another's role of the same name: observed with its owner, refused as RoleNameTaken when the create races it", IAM_TIMEOUT, async () => {
    const account = await accountId(ctx.caller, iam);
    const theirs = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await ctx.cli(['iam', 'create-role', '--role-name', 'restpath-shop-taken', '--path', '/restpath/', '--assume-role-policy-document', JSON.stringify(theirs), '--tags', 'Key=team,Value=payments']);
    const spec: DesiredRole = { name: 'restpath-shop-taken', trustPolicy: trustPolicy(account, 'us-east-1', 'a1b2c3d4e5'), managedPolicyArns: [], tags: { 'restpath.dev/owner': 'shop/RestPath/taken' } };
    expect((await observeRole(ctx.caller, iam, spec.name))?.owner).toBeUndefined();
    // The race: it did not exist when observed, so the plan says create.
    const refused = await changeRole(ctx.caller, iam, spec, [{ kind: 'createRole' }, { kind: 'updateTrustPolicy' }]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RoleNameTakenError);
    expect((refused as Error).message).toContain('IAM role restpath-shop-taken exists and has no restpath.dev/owner tag');
    expect(((await ctx.cli(['iam', 'get-role', '--role-name', spec.name])) as { Role: { AssumeRolePolicyDocument: unknown } }).Role.AssumeRolePolicyDocument).toEqual(theirs);
    await ctx.cli(['iam', 'delete-role', '--role-name', spec.name]);
  });
});
