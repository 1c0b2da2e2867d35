// Execution roles, pure: the desired IAM role of a RestPath that asks for one, and the changes that
// bring the role IAM has to it. The AWS adapter reads the role and carries the changes out; a paused
// API lists them as waiting instead.
import type { Authorizer } from '../api/access.js';
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import { MANAGED_BY_TAG, OWNER_TAG, ownerRef } from '../model/build.js';
import { authorizerRoleName, executionRoleName, samePolicy, trustPolicy } from '../model/roles.js';

export interface DesiredRole {
  name: string;
  trustPolicy: Record<string, unknown>;
  managedPolicyArns: string[];
  inlinePolicy?: Record<string, unknown>;
  tags: Record<string, string>;
}

export interface ObservedRole {
  arn: string;
  trustPolicy: unknown;
  managedPolicyArns: string[];
  /** The operator's inline policy (restpath-inline), undefined when there is none. */
  inlinePolicy: unknown;
  /** The role's restpath.dev/owner tag, undefined when it has none. */
  owner: string | undefined;
}

/** An IAM role of the name the operator gives this execution role exists and is not the operator's. */
export class RoleNameTakenError extends Error {
  override readonly name = 'RoleNameTaken';
  constructor(
    readonly roleName: string,
    readonly owner: string | undefined,
  ) {
    super(
      `IAM role ${roleName} exists and ${owner ? `belongs to ${owner} (tag ${OWNER_TAG})` : `has no ${OWNER_TAG} tag`}: the operator does not take over a role it did not create. ` +
        `Delete or rename it (aws iam get-role --role-name ${roleName}), or give the method's integration credentials.roleArn of a role of your own.`,
    );
  }
}

/** The refusal when the role IAM has under `want`'s name is another's (its owner tag is not ours). */
export function roleNameTaken(want: DesiredRole, have: ObservedRole | undefined): RoleNameTakenError | undefined {
  return have && have.owner !== want.tags[OWNER_TAG] ? new RoleNameTakenError(want.name, have.owner) : undefined;
}

export type RoleChange =
  | { kind: 'createRole' }
  | { kind: 'updateTrustPolicy' }
  | { kind: 'attachPolicy'; policyArn: string }
  | { kind: 'detachPolicy'; policyArn: string }
  | { kind: 'putInlinePolicy' }
  | { kind: 'deleteInlinePolicy' };

export interface RoleContext {
  accountId: string;
  region: string;
  restApiId: string;
  managedBy: string;
  defaultTags: Record<string, string>;
}

/** The role a RestPath's spec.executionRole asks for; undefined when it asks for none. */
export function desiredRole(p: RestPath, c: RoleContext): DesiredRole | undefined {
  const role = p.spec.executionRole;
  if (!role) return undefined;
  const namespace = p.metadata.namespace ?? '';
  return {
    name: executionRoleName(namespace, p.metadata.name),
    trustPolicy: trustPolicy(c.accountId, c.region, c.restApiId),
    managedPolicyArns: [...(role.managedPolicyArns ?? [])].sort(),
    ...(role.inlinePolicy ? { inlinePolicy: role.inlinePolicy } : {}),
    tags: { ...c.defaultTags, [MANAGED_BY_TAG]: c.managedBy, [OWNER_TAG]: ownerRef(namespace, 'RestPath', p.metadata.name) },
  };
}

/** The authorizers of a RestApi that ask for an operator-managed role (credentials.executionRole). */
export function authorizersWithRole(api: RestApi): Authorizer[] {
  return (api.spec.authorizers ?? []).filter((a) => a.credentials?.executionRole && a.functionArn);
}

/** The role of an authorizer: API Gateway may assume it for this API and it may invoke exactly the authorizer's function. */
export function desiredAuthorizerRole(api: RestApi, authorizer: Authorizer, c: RoleContext): DesiredRole {
  const namespace = api.metadata.namespace ?? '';
  return {
    name: authorizerRoleName(namespace, api.metadata.name, authorizer.name),
    trustPolicy: trustPolicy(c.accountId, c.region, c.restApiId),
    managedPolicyArns: [],
    inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: authorizer.functionArn }] },
    tags: { ...c.defaultTags, [MANAGED_BY_TAG]: c.managedBy, [OWNER_TAG]: ownerRef(namespace, 'RestApi', api.metadata.name) },
  };
}

/** What to change so the role IAM has becomes `want`; a missing role is created with everything. */
export function roleChanges(want: DesiredRole, have: ObservedRole | undefined): RoleChange[] {
  const current: ObservedRole = have ?? { arn: '', trustPolicy: want.trustPolicy, managedPolicyArns: [], inlinePolicy: undefined, owner: want.tags[OWNER_TAG] };
  const out: RoleChange[] = have ? [] : [{ kind: 'createRole' }];
  if (!samePolicy(current.trustPolicy, want.trustPolicy)) out.push({ kind: 'updateTrustPolicy' });
  for (const policyArn of want.managedPolicyArns.filter((a) => !current.managedPolicyArns.includes(a))) out.push({ kind: 'attachPolicy', policyArn });
  for (const policyArn of current.managedPolicyArns.filter((a) => !want.managedPolicyArns.includes(a))) out.push({ kind: 'detachPolicy', policyArn });
  if (want.inlinePolicy && !samePolicy(current.inlinePolicy, want.inlinePolicy)) out.push({ kind: 'putInlinePolicy' });
  else if (!want.inlinePolicy && current.inlinePolicy !== undefined) out.push({ kind: 'deleteInlinePolicy' });
  return out;
}

export function describeRoleChange(role: string, c: RoleChange): string {
  switch (c.kind) {
    case 'createRole':
      return `create IAM role ${role}`;
    case 'updateTrustPolicy':
      return `update the trust policy of role ${role}`;
    case 'attachPolicy':
      return `attach ${c.policyArn} to role ${role}`;
    case 'detachPolicy':
      return `detach ${c.policyArn} from role ${role}`;
    case 'putInlinePolicy':
      return `put the inline policy of role ${role}`;
    case 'deleteInlinePolicy':
      return `delete the inline policy of role ${role}`;
  }
}
