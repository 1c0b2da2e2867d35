// Execution roles, pure: the deterministic name of the role the operator manages for a RestPath
// (within IAM's 64 characters) and its trust policy, which lets only API Gateway assume it, only for
// this account and this REST API (aws:SourceAccount, aws:SourceArn: the confused-deputy guard).
import { createHash } from 'node:crypto';
import { canonicalJson } from './access.js';

const ROLE_NAME_LIMIT = 64;
export const ROLE_PATH = '/restpath/';
export const INLINE_POLICY_NAME = 'restpath-inline';

function boundedName(full: string, identity: string): string {
  const name = full.replace(/[^\w+=,.@-]/g, '-');
  if (name.length <= ROLE_NAME_LIMIT) return name;
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 8);
  return `${name.slice(0, ROLE_NAME_LIMIT - 9)}-${hash}`;
}

export function executionRoleName(namespace: string, name: string): string {
  return boundedName(`restpath-${namespace}-${name}`, `${namespace}/${name}`);
}

/** The role of an authorizer with credentials.executionRole (the "authz-" prefix keeps it apart from RestPaths' roles). */
export function authorizerRoleName(namespace: string, restApi: string, authorizer: string): string {
  return boundedName(`restpath-authz-${namespace}-${restApi}-${authorizer}`, `${namespace}/${restApi}/authorizer/${authorizer}`);
}

export function trustPolicy(accountId: string, region: string, restApiId: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': accountId },
          ArnLike: { 'aws:SourceArn': `arn:aws:execute-api:${region}:${accountId}:${restApiId}/*` },
        },
      },
    ],
  };
}

/** Policy documents compare by content, not by formatting or key order. */
export function samePolicy(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
