// The browser CORS harness (test/support/browser.ts) proven against a tiny local API whose CORS headers
// each test sets: headless Chromium must fail exactly where browsers fail without the headers, and
// succeed with them. What is asserted is what the browser reported (the page's fetch result, Chromium's
// console line and CORS error code) and what the API saw arrive, never a request made by hand.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrowserSession } from '../support/browser.js';

interface CorsHeaders {
  allowOrigin?: string;
  allowHeaders?: string;
  allowCredentials?: boolean;
  exposeHeaders?: string;
}

interface Seen {
  method: string;
  url: string;
  origin: string | undefined;
  cookie: string | undefined;
  custom: string | undefined;
  requestHeaders: string | undefined;
}

interface Api {
  url: string;
  /** The CORS headers of every answer, preflight and actual (set per test). */
  cors: CorsHeaders;
  seen: Seen[];
  close: () => Promise<void>;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** A stand-in for a stage: JSON on GET/POST, 204 on OPTIONS, with exactly the CORS headers `api.cors` names. */
async function startApi(): Promise<Api> {
  const api: Omit<Api, 'url' | 'close'> = { cors: {}, seen: [] };
  const server: Server = createServer((req, res) => {
    api.seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      origin: header(req, 'origin'),
      cookie: header(req, 'cookie'),
      custom: header(req, 'x-custom'),
      requestHeaders: header(req, 'access-control-request-headers'),
    });
    const { allowOrigin, allowHeaders, allowCredentials, exposeHeaders } = api.cors;
    const cors: Record<string, string> = {
      ...(allowOrigin ? { 'access-control-allow-origin': allowOrigin } : {}),
      ...(allowHeaders ? { 'access-control-allow-headers': allowHeaders } : {}),
      ...(allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
      ...(exposeHeaders ? { 'access-control-expose-headers': exposeHeaders } : {}),
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST' }).end();
    res.writeHead(200, { ...cors, 'content-type': 'application/json', 'x-request-id': 'req-1' }).end(JSON.stringify({ stage: 'test', path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return Object.assign(api, { url, close });
}

/** Whether `pid` still runs: a zombie has exited, and waits only for init (its parent now) to reap it. */
const isRunning = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

let browser: BrowserSession;
let api: Api;

beforeAll(async () => {
  api = await startApi();
  browser = await BrowserSession.launch();
  console.log(`[browser-cors] Chromium ${browser.version} (${browser.executable}) launched in ${browser.launchMs} ms`);
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

beforeEach(() => {
  api.cors = {};
  api.seen.length = 0;
});

describe('simple GET', () => {
  it('without CORS headers: the request reaches the API, but the browser hides the answer from the page', async () => {
    const page = browser.origins.localhost;
    const result = await browser.corsFetch({ pageOrigin: page, url: `${api.url}/items` });

    expect(result).toMatchObject({ ok: false, error: 'TypeError: Failed to fetch', blockedByCors: true });
    expect(result.console.join('\n')).toContain(`Access to fetch at '${api.url}/items' from origin '${page}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present`);
    expect(result.failures).toContainEqual(expect.objectContaining({ url: `${api.url}/items`, resourceType: 'Fetch', corsError: 'MissingAllowOriginHeader' }));
    // No preflight for a simple request: the GET itself went out, with the page's Origin.
    expect(api.seen).toEqual([expect.objectContaining({ method: 'GET', url: '/items', origin: page })]);
  });

  it('with Access-Control-Allow-Origin naming the page origin: the page reads the body, and only the exposed headers', async () => {
    api.cors = { allowOrigin: browser.origins.localhost };
    const result = await browser.corsFetch({ url: `${api.url}/items` });

    expect(result).toMatchObject({ ok: true, status: 200, responseType: 'cors', blockedByCors: false, failures: [] });
    if (!result.ok) throw new Error(result.error);
    expect(JSON.parse(result.body)).toEqual({ stage: 'test', path: '/items' });
    expect(result.headers['content-type']).toBe('application/json'); // CORS-safelisted
    expect(result.headers).not.toHaveProperty('x-request-id'); // sent, but not exposed

    api.cors = { allowOrigin: browser.origins.localhost, exposeHeaders: 'X-Request-Id' };
    const exposed = await browser.corsFetch({ url: `${api.url}/items` });
    expect(exposed).toMatchObject({ ok: true, headers: { 'x-request-id': 'req-1' } });
  });

  it('with Access-Control-Allow-Origin naming another origin: blocked', async () => {
    api.cors = { allowOrigin: browser.origins.loopback }; // same host and port, other host name: another origin
    const result = await browser.corsFetch({ pageOrigin: browser.origins.localhost, url: `${api.url}/items` });

    expect(result).toMatchObject({ ok: false, blockedByCors: true });
    expect(result.console.join('\n')).toContain(`has a value '${browser.origins.loopback}' that is not equal to the supplied origin`);
    expect(result.failures).toContainEqual(expect.objectContaining({ corsError: 'AllowOriginMismatch' }));
  });
});

describe('a custom header: preflight', () => {
  it('the browser sends OPTIONS first; without Access-Control-Allow-Headers it stops there', async () => {
    api.cors = { allowOrigin: browser.origins.localhost };
    const result = await browser.corsFetch({ url: `${api.url}/items`, headers: { 'X-Custom': 'yes' } });

    expect(result).toMatchObject({ ok: false, error: 'TypeError: Failed to fetch', blockedByCors: true });
    expect(result.console.join('\n')).toContain('Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response');
    expect(result.failures).toContainEqual(expect.objectContaining({ corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-custom' }));
    // Only the preflight arrived: the GET with the header was never sent.
    expect(api.seen).toEqual([expect.objectContaining({ method: 'OPTIONS', url: '/items', requestHeaders: 'x-custom', custom: undefined })]);
  });

  it('with Access-Control-Allow-Headers: OPTIONS, then the GET carrying the header, and the page reads the answer', async () => {
    api.cors = { allowOrigin: browser.origins.localhost, allowHeaders: 'X-Custom' };
    const result = await browser.corsFetch({ url: `${api.url}/items`, headers: { 'X-Custom': 'yes' } });

    expect(result).toMatchObject({ ok: true, status: 200, blockedByCors: false });
    expect(api.seen.map((s) => s.method)).toEqual(['OPTIONS', 'GET']);
    expect(api.seen[1]).toMatchObject({ custom: 'yes', origin: browser.origins.localhost });
  });

  it('a preflight without Access-Control-Allow-Origin fails as a preflight failure', async () => {
    const result = await browser.corsFetch({ url: `${api.url}/items`, method: 'POST', headers: { 'X-Custom': 'yes' }, body: '{}' });

    expect(result).toMatchObject({ ok: false, blockedByCors: true });
    expect(result.console.join('\n')).toContain("Response to preflight request doesn't pass access control check");
    expect(result.failures).toContainEqual(expect.objectContaining({ corsError: 'PreflightMissingAllowOriginHeader' }));
    expect(api.seen.map((s) => s.method)).toEqual(['OPTIONS']);
  });
});

describe("credentials: 'include'", () => {
  // The page on 127.0.0.1:A and the API on 127.0.0.1:B are cross-origin but same-site, so the
  // browser does send the API's cookie when credentials allow.
  const cookies = { session: 'abc' };

  it('with Access-Control-Allow-Origin: * the cookie is sent, but the answer is withheld from the page', async () => {
    api.cors = { allowOrigin: '*' };
    const result = await browser.corsFetch({ pageOrigin: browser.origins.loopback, url: `${api.url}/me`, credentials: 'include', cookies });

    expect(result).toMatchObject({ ok: false, blockedByCors: true });
    expect(result.console.join('\n')).toContain("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'");
    expect(result.failures).toContainEqual(expect.objectContaining({ corsError: 'WildcardOriginNotAllowed' }));
    expect(api.seen).toEqual([expect.objectContaining({ method: 'GET', cookie: 'session=abc' })]);
  });

  it('with the exact origin but no Access-Control-Allow-Credentials: blocked', async () => {
    api.cors = { allowOrigin: browser.origins.loopback };
    const result = await browser.corsFetch({ pageOrigin: browser.origins.loopback, url: `${api.url}/me`, credentials: 'include', cookies });

    expect(result).toMatchObject({ ok: false, blockedByCors: true });
    expect(result.console.join('\n')).toContain("The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true'");
    expect(result.failures).toContainEqual(expect.objectContaining({ corsError: 'InvalidAllowCredentials' }));
  });

  it('with the exact origin and Access-Control-Allow-Credentials: true the page reads the answer', async () => {
    api.cors = { allowOrigin: browser.origins.loopback, allowCredentials: true };
    const result = await browser.corsFetch({ pageOrigin: browser.origins.loopback, url: `${api.url}/me`, credentials: 'include', cookies });

    expect(result).toMatchObject({ ok: true, status: 200, blockedByCors: false });
    expect(api.seen).toEqual([expect.objectContaining({ cookie: 'session=abc', origin: browser.origins.loopback })]);
  });

  it("with credentials: 'omit' the wildcard is enough, and no cookie is sent", async () => {
    api.cors = { allowOrigin: '*' };
    const result = await browser.corsFetch({ pageOrigin: browser.origins.loopback, url: `${api.url}/me`, credentials: 'omit', cookies });

    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(api.seen).toEqual([expect.objectContaining({ cookie: undefined })]);
  });
});

describe('the harness', () => {
  it('keeps the browser on loopback: a request for another host is caught by the page server, not sent', async () => {
    const result = await browser.corsFetch({ url: 'http://example.invalid/probe' });

    expect(result.ok).toBe(false);
    expect(browser.offLoopback).toContain('GET http://example.invalid/probe');
  });

  it('close() stops every browser process and the page server', async () => {
    const own = await BrowserSession.launch();
    // The browser, its two zygotes, its two crashpad handlers and the renderer of the page the call opens.
    await own.corsFetch({ url: `${own.origins.loopback}/` });
    const pids = own.processes();
    expect(pids.length).toBeGreaterThan(4);
    await own.close();

    expect(own.processes()).toEqual([]);
    expect(pids.filter(isRunning)).toEqual([]);
    const afterClose = await fetch(`${own.origins.loopback}/`).then(
      () => 'answered',
      (err: Error) => err.message,
    );
    expect(afterClose).toBe('fetch failed'); // nothing listens on the page port any more
  });
});
