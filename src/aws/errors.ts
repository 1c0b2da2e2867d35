// The one table that says what an AWS error means for the caller: retry it, treat it as an answer
// (conflict, not found), or stop and tell the user (bad request).

export type ErrorClass = 'throttled' | 'transient' | 'badRequest' | 'conflict' | 'notFound' | 'terminal';

const BY_NAME: Record<string, ErrorClass> = {
  TooManyRequestsException: 'throttled',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  ServiceUnavailableException: 'transient',
  InternalFailure: 'transient',
  InternalError: 'transient',
  ServiceFailureException: 'transient',
  BadRequestException: 'badRequest',
  // The caller's own wrapper for a BadRequestException.
  AwsRequestError: 'badRequest',
  ValidationError: 'badRequest',
  MalformedPolicyDocument: 'badRequest',
  MalformedPolicyDocumentException: 'badRequest',
  InvalidInputException: 'badRequest',
  LimitExceeded: 'throttled',
  ConflictException: 'conflict',
  EntityAlreadyExists: 'conflict',
  EntityAlreadyExistsException: 'conflict',
  DeleteConflictException: 'conflict',
  NotFoundException: 'notFound',
  NoSuchEntity: 'notFound',
  NoSuchEntityException: 'notFound',
  UnauthorizedException: 'terminal',
  AccessDeniedException: 'terminal',
};

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

export function classifyError(error: unknown): ErrorClass {
  const e = asAwsError(error);
  // API Gateway's LimitExceededException is a rate limit when it says when to retry (Retry-After);
  // without that it is an account quota reached (usage plans, API keys): retrying cannot help.
  if (e.name === 'LimitExceededException') return retryAfterMs(error) !== undefined ? 'throttled' : 'badRequest';
  // 501 Not Implemented will not change on a retry, whatever its error type says (the emulators answer
  // "501 InternalFailure" for what they lack).
  if (e.$metadata?.httpStatusCode === 501) return 'terminal';
  const byName = e.name ? BY_NAME[e.name] : undefined;
  if (byName) return byName;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';

  if (status !== undefined && status >= 500) return 'transient';
  const code = e.code ?? asAwsError(e.cause).code;
  if ((code && NETWORK_CODES.has(code)) || e.name === 'TimeoutError' || /socket hang up|ECONNRESET/.test(e.message ?? '')) return 'transient';
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

/** AWS refused the request as invalid: retrying cannot help; the message goes to the user. */
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
