// Every paged AWS read, one way: a page at a time through AwsCaller (so the rate limiter, retries and
// metrics apply per page), following the continuation token until AWS gives none. API Gateway pages
// with `limit` + `position`; IAM with `MaxItems` + `Marker` / `IsTruncated`.
import type { AwsCaller } from './caller.js';

/** One page of a read: its items and the token for the next page (none: this was the last). */
export interface Page<T> {
  items: readonly T[] | undefined;
  next: string | undefined;
}

/** API Gateway's largest page (`limit`, for every Get* list read); its default is 25. */
export const API_GATEWAY_PAGE_SIZE = 500;

/**
 * The pages of one read, lazily: `fetch(token)` sends one request (token undefined for the first) and
 * says what came back. Stops when a page has no next token; a token equal to the one just sent would
 * loop forever, so it is an error.
 */
export async function* pages<T>(caller: AwsCaller, operation: string, fetch: (token: string | undefined) => Promise<Page<T>>): AsyncGenerator<readonly T[]> {
  let token: string | undefined;
  do {
    const sent = token;
    const page = await caller.call(operation, () => fetch(sent));
    yield page.items ?? [];
    token = page.next || undefined;
    if (token !== undefined && token === sent) throw new Error(`${operation} answered the same page token twice (${token})`);
  } while (token !== undefined);
}

/** Every item of a paged read, all pages. */
export async function paginate<T>(caller: AwsCaller, operation: string, fetch: (token: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const items of pages(caller, operation, fetch)) out.push(...items);
  return out;
}

/** The first item of a paged read that matches; reads no page after the one it is on. */
export async function findPaged<T>(
  caller: AwsCaller,
  operation: string,
  fetch: (token: string | undefined) => Promise<Page<T>>,
  match: (item: T) => boolean,
): Promise<T | undefined> {
  for await (const items of pages(caller, operation, fetch)) {
    const found = items.find(match);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** An API Gateway answer (`items`, `position`) as a page. */
export function apiGatewayPage<T>(answer: { items?: T[]; position?: string }): Page<T> {
  return { items: answer.items, next: answer.position };
}

/** An IAM list answer as a page: the next `Marker` only while `IsTruncated`. */
export function iamPage<T>(items: T[] | undefined, answer: { IsTruncated?: boolean; Marker?: string }): Page<T> {
  return { items, next: answer.IsTruncated ? answer.Marker : undefined };
}
