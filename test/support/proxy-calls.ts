// What the quota proxy knows of a request before it answers or forwards it: who signed it, which
// account it counts for, the service and the operation. STS requests are read whole to find
// AssumeRole and its RoleArn (query protocol: `Action=AssumeRole&RoleArn=...` in a form body); the
// body is then forwarded unchanged. STS and IAM are told apart by the signature's service.
import type { IncomingMessage } from 'node:http';
import { apiGatewayOperation } from './apigateway-routes.js';
import { parseSignature, queryParameters, roleAccount, type Caller, type SessionRegistry } from './sigv4-account.js';

export interface Call {
  /** Who signed the request. */
  caller: Caller;
  /** The account it is counted for and fault rules match: the caller's; for AssumeRole, the role's. */
  account: string;
  /** The signature's service (apigateway, sts, iam ...), undefined when unsigned. */
  service: string | undefined;
  /** An API Gateway or IAM operation, 'AssumeRole', or undefined for anything else (counted as 'other'). */
  operation: string | undefined;
  /** The request body when the proxy had to read it (STS); forwarded unchanged. */
  body?: Buffer;
  /** AssumeRole's RoleArn. */
  roleArn?: string;
}

export async function readBody(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Who calls, which service and operation; reads the body of STS and IAM requests (their Action). */
export async function classify(req: IncomingMessage, sessions: SessionRegistry): Promise<Call> {
  const url = req.url ?? '/';
  const signature = parseSignature(req.headers, url);
  const caller = sessions.callerOf(signature);
  const call = { caller, account: caller.account, service: signature?.service };
  if (call.service === 'sts') {
    const body = await readBody(req);
    const params = queryParameters(url, body);
    if (params.get('Action') !== 'AssumeRole') return { ...call, operation: undefined, body };
    const roleArn = params.get('RoleArn') ?? '';
    return { ...call, account: roleAccount(roleArn) ?? caller.account, operation: 'AssumeRole', body, roleArn };
  }
  if (call.service === 'iam') {
    // IAM is query protocol too: the operation is the form body's Action (CreateRole, GetRole ...).
    const body = await readBody(req);
    return { ...call, operation: queryParameters(url, body).get('Action') ?? undefined, body };
  }
  return { ...call, operation: apiGatewayOperation(req.method ?? 'GET', url) };
}
