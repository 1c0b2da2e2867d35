// Who is calling, for the quota proxy: the access key, region and service of a request's SigV4
// signature, and the account behind the key. LocalStack takes a 12-digit access key id as the
// account id; an assumed-role key (LSIA...) is mapped to its account by the STS AssumeRole answer
// that passed through the proxy. The registry also remembers which role each key was issued for,
// so sessions of one role can be expired together (LocalStack never expires or revokes anything).
import type { IncomingHttpHeaders } from 'node:http';

/** The credential scope of a SigV4 signature: `Credential=AKID/20261203/eu-west-1/apigateway/aws4_request`. */
export interface Signature {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** The caller of one request: its account and region (the quota bucket) and how it signed. */
export interface Caller {
  /** The account id, the access key itself when it maps to none, or 'unknown' when unsigned. */
  account: string;
  /** `${account}/${region}`, or 'unknown' for a request without a SigV4 signature. */
  bucket: string;
  signature?: Signature;
}

const SCOPE = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** The signature's credential scope, from the Authorization header or a presigned URL's X-Amz-Credential. */
export function parseSignature(headers: IncomingHttpHeaders, url = '/'): Signature | undefined {
  const authorization = headers.authorization;
  let match = typeof authorization === 'string' && authorization.startsWith('AWS4-HMAC-SHA256') ? SCOPE.exec(authorization) : null;
  if (!match) {
    const credential = new URL(url, 'http://proxy').searchParams.get('X-Amz-Credential');
    match = credential ? SCOPE.exec(`Credential=${credential}`) : null;
  }
  if (!match) return undefined;
  const [, accessKeyId = '', date = '', region = '', service = ''] = match;
  return { accessKeyId, date, region, service };
}

/** A query-protocol request's parameters (STS, IAM): the URL's query and a form-encoded body. */
export function queryParameters(url: string, body: Buffer): URLSearchParams {
  const params = new URL(url, 'http://proxy').searchParams;
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.set(key, value);
  return params;
}

/** The account of a role ARN (`arn:aws:iam::ACCOUNT:role/NAME`), or undefined. */
export function roleAccount(roleArn: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):role\//.exec(roleArn)?.[1];
}

/** The key and account of an AssumeRole answer (`<AccessKeyId>`, `<AssumedRoleUser><Arn>arn:aws:sts::ACCOUNT:assumed-role/...`). */
export function parseAssumeRoleAnswer(xml: string): { accessKeyId: string; account: string } | undefined {
  const accessKeyId = /<AccessKeyId>\s*([^<\s]+)\s*<\/AccessKeyId>/.exec(xml)?.[1];
  const user = /<AssumedRoleUser>([\s\S]*?)<\/AssumedRoleUser>/.exec(xml)?.[1] ?? '';
  const account = /<Arn>\s*arn:[^:]+:sts::(\d{12}):assumed-role\/[^<]*<\/Arn>/.exec(user)?.[1];
  return accessKeyId && account ? { accessKeyId, account } : undefined;
}

/** One assumed-role session seen by the proxy. */
export interface Session {
  accessKeyId: string;
  account: string;
  /** The RoleArn of the AssumeRole request that issued the key. */
  roleArn: string;
  expired: boolean;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  /** The account of an access key: a 12-digit key is the account; else the one learned from AssumeRole; else the key. */
  accountOf(accessKeyId: string): string {
    if (/^\d{12}$/.test(accessKeyId)) return accessKeyId;
    return this.sessions.get(accessKeyId)?.account ?? accessKeyId;
  }

  callerOf(signature: Signature | undefined): Caller {
    if (!signature) return { account: 'unknown', bucket: 'unknown' };
    const account = this.accountOf(signature.accessKeyId);
    return { account, bucket: `${account}/${signature.region}`, signature };
  }

  /** Remembers the key an AssumeRole answer issued for `roleArn`; undefined when the answer names none. */
  learn(roleArn: string, answerXml: string): Session | undefined {
    const answer = parseAssumeRoleAnswer(answerXml);
    if (!answer) return undefined;
    const session: Session = { ...answer, roleArn, expired: false };
    this.sessions.set(answer.accessKeyId, session);
    return session;
  }

  session(accessKeyId: string): Session | undefined {
    return this.sessions.get(accessKeyId);
  }

  isExpired(accessKeyId: string): boolean {
    return this.sessions.get(accessKeyId)?.expired === true;
  }

  /** Expires every key issued so far for `roleArn`; returns how many were still valid. */
  expire(roleArn: string): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.roleArn !== roleArn || session.expired) continue;
      session.expired = true;
      count += 1;
    }
    return count;
  }
}
