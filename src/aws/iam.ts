// The execution roles the operator manages, in IAM: created with the ownership tags, trust policy,
// managed policy attachments and one inline policy reconciled both ways, and deleted with their
// policies detached first (IAM refuses to delete a role that still has them).
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type AttachedPolicy,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { OWNER_TAG } from '../model/build.js';
import { INLINE_POLICY_NAME, ROLE_PATH } from '../model/roles.js';
import { RoleNameTakenError, type DesiredRole, type ObservedRole, type RoleChange } from '../plan/role-diff.js';
import type { AwsCaller } from './caller.js';
import type { IamClients } from './clients.js';
import { alreadyExists, isGone } from './errors.js';
import { iamPage, paginate } from './paginate.js';

export async function accountId(caller: AwsCaller, clients: IamClients): Promise<string> {
  const me = await caller.call('GetCallerIdentity', () => clients.sts.send(new GetCallerIdentityCommand({})));
  if (!me.Account) throw new Error('GetCallerIdentity returned no account');
  return me.Account;
}


const ownerOf = (tags: { Key?: string; Value?: string }[] | undefined) => tags?.find((t) => t.Key === OWNER_TAG)?.Value;

export function parsePolicy(document: string | undefined): unknown {
  return document ? (JSON.parse(decodeURIComponent(document)) as unknown) : undefined;
}

/** The managed policies attached to a role, every page. */
export async function attachedRolePolicies(caller: AwsCaller, clients: IamClients, roleName: string): Promise<AttachedPolicy[]> {
  return paginate(caller, 'ListAttachedRolePolicies', async (Marker) => {
    const answer = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, MaxItems: clients.pageSize, Marker }));
    return iamPage(answer.AttachedPolicies, answer);
  });
}

/** The names of a role's inline policies, every page. */
export async function inlineRolePolicyNames(caller: AwsCaller, clients: IamClients, roleName: string): Promise<string[]> {
  return paginate(caller, 'ListRolePolicies', async (Marker) => {
    const answer = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName, MaxItems: clients.pageSize, Marker }));
    return iamPage(answer.PolicyNames, answer);
  });
}

/** The role as IAM has it (trust policy, attached managed policies, the operator's inline policy); undefined when missing. */
export async function observeRole(caller: AwsCaller, clients: IamClients, name: string): Promise<ObservedRole | undefined> {
  const iam = clients.iam;
  const role = await caller
    .call('GetRole', () => iam.send(new GetRoleCommand({ RoleName: name })))
    .then((r) => r.Role)
    .catch((error: unknown) => {
      if (isGone(error)) return undefined;
      throw error;
    });
  if (!role?.Arn) return undefined;
  const attached = await attachedRolePolicies(caller, clients, name);
  const inline = await caller
    .call('GetRolePolicy', () => iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: INLINE_POLICY_NAME })))
    .then((p) => parsePolicy(p.PolicyDocument))
    .catch((error: unknown) => {
      if (isGone(error)) return undefined;
      throw error;
    });
  return { arn: role.Arn, trustPolicy: parsePolicy(role.AssumeRolePolicyDocument), managedPolicyArns: attached.map((p) => p.PolicyArn ?? '').sort(), inlinePolicy: inline, owner: ownerOf(role.Tags) };
}

/**
 * CreateRole. Role names are unique, so a create re-sent after its answer was lost (a 5xx or a dropped
 * connection after IAM made it) is refused with EntityAlreadyExists: the role is ours when it carries
 * our owner tag, and the pass goes on with it; another's role of that name is never taken over.
 */
async function createRole(caller: AwsCaller, clients: IamClients, want: DesiredRole): Promise<string | undefined> {
  const RoleName = want.name;
  try {
    const out = await caller.call('CreateRole', () =>
      clients.iam.send(
        new CreateRoleCommand({
          RoleName,
          Path: ROLE_PATH,
          AssumeRolePolicyDocument: JSON.stringify(want.trustPolicy),
          Description: 'API Gateway execution role managed by restpath-operator',
          Tags: Object.entries(want.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
    return out.Role?.Arn;
  } catch (error) {
    if (!alreadyExists(error)) throw error;
    const role = (await caller.call('GetRole', () => clients.iam.send(new GetRoleCommand({ RoleName })))).Role;
    const owner = ownerOf(role?.Tags);
    if (role?.Arn && owner === want.tags[OWNER_TAG]) return role.Arn;
    throw new RoleNameTakenError(RoleName, owner);
  }
}

/** Carries out the changes plan/role-diff.ts computed; returns the role's ARN. */
export async function changeRole(caller: AwsCaller, clients: IamClients, want: DesiredRole, changes: readonly RoleChange[]): Promise<string> {
  const iam = clients.iam;
  const RoleName = want.name;
  let arn: string | undefined;
  for (const c of changes) {
    switch (c.kind) {
      case 'createRole':
        arn = await createRole(caller, clients, want);
        break;
      case 'updateTrustPolicy':
        await caller.call('UpdateAssumeRolePolicy', () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: JSON.stringify(want.trustPolicy) })));
        break;
      case 'attachPolicy':
        await caller.call('AttachRolePolicy', () => iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: c.policyArn })));
        break;
      case 'detachPolicy':
        await caller.call('DetachRolePolicy', () => iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: c.policyArn })));
        break;
      case 'putInlinePolicy':
        await caller.call('PutRolePolicy', () => iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: INLINE_POLICY_NAME, PolicyDocument: JSON.stringify(want.inlinePolicy) })));
        break;
      case 'deleteInlinePolicy':
        await caller.call('DeleteRolePolicy', () => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: INLINE_POLICY_NAME })));
        break;
    }
  }
  arn ??= (await caller.call('GetRole', () => iam.send(new GetRoleCommand({ RoleName })))).Role?.Arn;
  if (!arn) throw new Error(`role ${RoleName} has no ARN`);
  return arn;
}

export async function deleteRole(caller: AwsCaller, clients: IamClients, name: string): Promise<void> {
  const iam = clients.iam;
  const gone = (error: unknown) => {
    if (!isGone(error)) throw error;
  };
  const attached = await attachedRolePolicies(caller, clients, name).catch((e: unknown) => (gone(e), undefined));
  if (!attached) return;
  for (const p of attached) {
    await caller.call('DetachRolePolicy', () => iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: p.PolicyArn }))).catch(gone);
  }
  await caller.call('DeleteRolePolicy', () => iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: INLINE_POLICY_NAME }))).catch(gone);
  await caller.call('DeleteRole', () => iam.send(new DeleteRoleCommand({ RoleName: name }))).catch(gone);
}
