// The one table that says what an AWS error means for the caller: retry it, treat it as an answer
// (conflict, not found), or stop and tell the user (bad request, an account quota reached). Nothing
// outside this file reads AWS's error names or message text to decide what an error means.

export type ErrorClass = 'throttled' | 'transient' | 'credentials' | 'badRequest' | 'quotaReached' | 'conflict' | 'notFound' | 'terminal';

const BY_NAME: Record<string, ErrorClass> = {
  TooManyRequestsException: 'throttled',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  ServiceUnavailableException: 'transient',
  InternalFailure: 'transient',
  InternalError: 'transient',
  ServiceFailureException: 'transient',
  BadRequestException: 'badRequest',
  ValidationError: 'badRequest',
  MalformedPolicyDocument: 'badRequest',
  MalformedPolicyDocumentException: 'badRequest',
  InvalidInputException: 'badRequest',
  // IAM: an account quota (roles per account, policies per role, ...), not a rate limit.
  LimitExceeded: 'quotaReached',
  ConflictException: 'conflict',
  EntityAlreadyExists: 'conflict',
  EntityAlreadyExistsException: 'conflict',
  DeleteConflictException: 'conflict',
  NotFoundException: 'notFound',
  NoSuchEntity: 'notFound',
  NoSuchEntityException: 'notFound',
  // The credentials were refused (expired, or the session revoked): assumed ones are assumed again.
  ExpiredToken: 'credentials',
  ExpiredTokenException: 'credentials',
  InvalidClientTokenId: 'credentials',
  UnrecognizedClientException: 'credentials',
  UnauthorizedException: 'terminal',
  AccessDeniedException: 'terminal',
};

/** The AWS error names this table knows: the condition reasons an AWS error can give (observability/reasons.ts). */
export const KNOWN_ERROR_NAMES: readonly string[] = [...Object.keys(BY_NAME), 'LimitExceededException'];

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  retryAfterSeconds?: string;
  cause?: unknown;
}

function asAwsError(error: unknown): AwsLikeError {
  return typeof error === 'object' && error !== null ? (error) : {};
}

/**
 * Some account quotas come back as a plain BadRequestException whose message names the limit
 * (e.g. usage plans or API keys per Region). Both a limit word and an "exceeded/reached" word are
 * required, so validation messages that merely mention a throttle limit stay bad requests.
 */
const QUOTA_MESSAGE = /\b(limits?|maximum|max|quotas?)\b.*\b(exceed\w*|reached)\b|\b(exceed\w*|reached)\b.*\b(limits?|maximum|max|quotas?)\b/i;

/** A refusal named `name` with `message` (and Retry-After or not): which of the refusal classes. */
function refusalClass(name: string | undefined, message: string | undefined, retryAfter: boolean): ErrorClass | undefined {
  // LimitExceededException is a rate limit when AWS says when to retry (Retry-After, API Gateway's
  // 429s); without that it is an account quota reached (API Gateway usage plans and API keys, IAM's
  // roles and policies): retrying cannot help.
  if (name === 'LimitExceededException') return retryAfter ? 'throttled' : 'quotaReached';
  if (name === 'BadRequestException' && QUOTA_MESSAGE.test(message ?? '')) return 'quotaReached';
  return undefined;
}

export function classifyError(error: unknown): ErrorClass {
  // The caller's own wrapper for a refusal: a quota reached or a bad request, as the error it wraps.
  if (error instanceof AwsRequestError) {
    return classifyError(error.cause ?? { name: error.code, message: error.awsMessage }) === 'quotaReached' ? 'quotaReached' : 'badRequest';
  }
  const e = asAwsError(error);
  const refusal = refusalClass(e.name, e.message, retryAfterMs(error) !== undefined);
  if (refusal) return refusal;
  // 501 Not Implemented will not change on a retry, whatever its error type says (the emulators answer
  // "501 InternalFailure" for what they lack).
  if (e.$metadata?.httpStatusCode === 501) return 'terminal';
  const byName = e.name ? BY_NAME[e.name] : undefined;
  if (byName) return byName;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';

  if (status !== undefined && status >= 500) return 'transient';
  if (isNetworkError(error)) return 'transient';
  return 'terminal';
}

/** Seconds AWS asked us to wait (the Retry-After header API Gateway sends with 429s), if any. */
export function retryAfterMs(error: unknown): number | undefined {
  const seconds = Number(asAwsError(error).retryAfterSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

export function errorName(error: unknown): string {
  return asAwsError(error).name ?? 'Error';
}

/** AWS could not be reached at all (connection refused or reset, DNS, a timeout): no answer, not a refusal. */
export function isNetworkError(error: unknown): boolean {
  const e = asAwsError(error);
  const code = e.code ?? asAwsError(e.cause).code;
  return (code !== undefined && NETWORK_CODES.has(code)) || e.name === 'TimeoutError' || /socket hang up|ECONNRESET/.test(e.message ?? '');
}

/** An error's name for a status message: AWS's error name, or a network error's code (never its message). */
export function failureName(error: unknown): string {
  const e = asAwsError(error);
  if (e.name && e.name !== 'Error') return e.name;
  return e.code ?? asAwsError(e.cause).code ?? (/socket hang up/.test(e.message ?? '') ? 'ECONNRESET' : 'Error');
}

/** The thing is not there (404 NotFound, IAM NoSuchEntity): for a delete, done; for a read, absent. */
export function isGone(error: unknown): boolean {
  return classifyError(error) === 'notFound';
}

/** The thing is there already (409 Conflict, IAM EntityAlreadyExists): a create that had gone through. */
export function alreadyExists(error: unknown): boolean {
  return classifyError(error) === 'conflict';
}

/** An account quota is reached (roles, policies per role, usage plans, API keys, ...): retrying cannot help. */
export function quotaReached(error: unknown): boolean {
  return classifyError(error) === 'quotaReached';
}

/**
 * AWS refused the request (invalid, or an account quota reached): retrying cannot help; the message
 * goes to the user. `classifyError` of it says which (badRequest or quotaReached).
 */
export class AwsRequestError extends Error {
  constructor(
    readonly operation: string,
    readonly code: string,
    readonly awsMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${code}: ${awsMessage}`, options);
    this.name = 'AwsRequestError';
  }
}

/**
 * AWS refused an OpenAPI import (PutRestApi with failOnWarnings): what it listed, item by item. An
 * emulator that imports anyway and answers with `warnings` is refused the same way by the executor.
 */
export class ImportRefused extends Error {
  constructor(readonly items: string[]) {
    super(`PutRestApi refused the document: ${items.join('; ')}`);
    this.name = 'ImportRefused';
  }
}

/**
 * The items of a refused import, or undefined when `error` is no refusal of the document (a quota, a
 * network error). AWS's BadRequestException lists them one per line after a heading such as
 * "Errors found during import:" or "Warnings found during import:".
 */
export function importRefusalItems(error: unknown): string[] | undefined {
  if (error instanceof ImportRefused) return error.items;
  if (classifyError(error) !== 'badRequest') return undefined;
  const message = error instanceof AwsRequestError ? error.awsMessage : (asAwsError(error).message ?? '');
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const items = /found during import:?$/i.test(lines[0] ?? '') ? lines.slice(1) : lines;
  return (items.length > 0 ? items : [failureName(error)]).slice(0, 20).map((l) => l.slice(0, 1024));
}
