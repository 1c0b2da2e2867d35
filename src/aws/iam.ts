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
import { INLINE_POLICY_NAME, ROLE_PATH, samePolicy } from '../model/roles.js';
import type { AwsCaller } from './caller.js';
import type { IamClients } from './clients.js';
import { isGone } from './errors.js';
import { iamPage, paginate } from './paginate.js';

export async function accountId(caller: AwsCaller, clients: IamClients): Promise<string> {
  const me = await caller.call('GetCallerIdentity', () => clients.sts.send(new GetCallerIdentityCommand({})));
  if (!me.Account) throw new Error('GetCallerIdentity returned no account');
  return me.Account;
}

export interface RoleSpec {
  name: string;
  trustPolicy: Record<string, unknown>;
  managedPolicyArns: string[];
  inlinePolicy?: Record<string, unknown>;
  tags: Record<string, string>;
}

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

/** Brings the role to `spec`; returns its ARN and whether it was just created (IAM is eventually consistent). */
export async function ensureRole(caller: AwsCaller, clients: IamClients, spec: RoleSpec): Promise<{ arn: string; created: boolean }> {
  const iam = clients.iam;
  let role = await caller
    .call('GetRole', () => iam.send(new GetRoleCommand({ RoleName: spec.name })))
    .then((r) => r.Role)
    .catch((error: unknown) => {
      if (isGone(error)) return undefined;
      throw error;
    });
  let created = false;
  if (!role) {
    const out = await caller.call('CreateRole', () =>
      iam.send(
        new CreateRoleCommand({
          RoleName: spec.name,
          Path: ROLE_PATH,
          AssumeRolePolicyDocument: JSON.stringify(spec.trustPolicy),
          Description: 'API Gateway execution role managed by restpath-operator',
          Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
    role = out.Role;
    created = true;
  } else if (!samePolicy(parsePolicy(role.AssumeRolePolicyDocument), spec.trustPolicy)) {
    await caller.call('UpdateAssumeRolePolicy', () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: spec.name, PolicyDocument: JSON.stringify(spec.trustPolicy) })));
  }
  if (!role?.Arn) throw new Error(`role ${spec.name} has no ARN`);

  const attached = await attachedRolePolicies(caller, clients, spec.name);
  const have = attached.map((p) => p.PolicyArn ?? '');
  for (const arn of spec.managedPolicyArns.filter((a) => !have.includes(a))) {
    await caller.call('AttachRolePolicy', () => iam.send(new AttachRolePolicyCommand({ RoleName: spec.name, PolicyArn: arn })));
  }
  for (const arn of have.filter((a) => !spec.managedPolicyArns.includes(a))) {
    await caller.call('DetachRolePolicy', () => iam.send(new DetachRolePolicyCommand({ RoleName: spec.name, PolicyArn: arn })));
  }

  const inline = await caller
    .call('GetRolePolicy', () => iam.send(new GetRolePolicyCommand({ RoleName: spec.name, PolicyName: INLINE_POLICY_NAME })))
    .then((p) => parsePolicy(p.PolicyDocument))
    .catch((error: unknown) => {
      if (isGone(error)) return undefined;
      throw error;
    });
  if (spec.inlinePolicy && !samePolicy(inline, spec.inlinePolicy)) {
    await caller.call('PutRolePolicy', () => iam.send(new PutRolePolicyCommand({ RoleName: spec.name, PolicyName: INLINE_POLICY_NAME, PolicyDocument: JSON.stringify(spec.inlinePolicy) })));
  } else if (!spec.inlinePolicy && inline !== undefined) {
    await caller.call('DeleteRolePolicy', () => iam.send(new DeleteRolePolicyCommand({ RoleName: spec.name, PolicyName: INLINE_POLICY_NAME })));
  }
  return { arn: role.Arn, created };
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
