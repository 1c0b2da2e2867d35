// Who is told when an AWS call fails and is about to be retried. The caller (caller.ts) is shared by
// every pass in an account and region, so the listener travels with the pass's async context
// (AsyncLocalStorage): a retry in one REST API's pass is reported on that REST API, not on another
// that happens to run at the same time.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ErrorClass } from './errors.js';

export interface RetryNotice {
  /** The AWS operation, e.g. PutMethod. */
  operation: string;
  /** AWS's error name, or the network error's code (ECONNREFUSED, ...): never its message. */
  error: string;
  kind: ErrorClass;
  /** No answer at all (errors.ts isNetworkError): AWS unreachable rather than failing. */
  network: boolean;
}

export type RetryListener = (notice: RetryNotice) => void;

const listeners = new AsyncLocalStorage<RetryListener>();

/** Runs `work` with `listener` told of every AWS call retried inside it (awaited calls included). */
export function withRetryListener<T>(listener: RetryListener, work: () => Promise<T>): Promise<T> {
  return listeners.run(listener, work);
}

/** Tells the current pass's listener, if any, that a call is being retried. */
export function noticeRetry(notice: RetryNotice): void {
  listeners.getStore()?.(notice);
}
