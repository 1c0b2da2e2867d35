// A real browser for the CORS tests: Debian's Chromium, headless, driven by playwright-core (the driver
// only: it brings no browser). A page served from a local origin calls another origin with `fetch`
// inside the page, and the test reads what the browser itself decided: the value or the TypeError the
// page's script sees, the console line Chromium logs ("... has been blocked by CORS policy: ...") and
// the CORS error code from the DevTools protocol. Nothing here builds the request by hand.
//
// Network: the page server listens on 127.0.0.1 only, and Chromium can reach nothing but loopback. Every
// other request (its own background traffic to Google hosts included) goes to the page server as its
// proxy, which refuses it and records it in `offLoopback`; host names other than localhost do not
// resolve, so nothing asks DNS either. close() stops every browser process (by pid) and the page server.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { runStep } from '../../scripts/testenv/run.js';
import { until } from './until.js';

const REPO = join(import.meta.dirname, '..', '..');

/** What the page's `fetch` settled to: `ok` says the promise resolved (an HTTP 500 the browser lets JS read is ok: true). */
export type FetchOutcome =
  | { ok: true; status: number; statusText: string; responseType: string; body: string; headers: Record<string, string> }
  | { ok: false; error: string };

/** A request Chromium reported failed (DevTools Network.loadingFailed), with its CORS error code when CORS was the cause. */
export interface NetworkFailure {
  /** '' for a failed preflight: DevTools names only the request it was for (a 'Fetch' failure follows). */
  url: string;
  resourceType: string;
  errorText: string;
  corsError?: string;
  failedParameter?: string;
}

export type CorsFetchResult = FetchOutcome & {
  /** The page's console errors and warnings during the call, as Chromium worded them. */
  console: string[];
  failures: NetworkFailure[];
  /** Chromium said CORS blocked it: a "blocked by CORS policy" console line or a CORS error code. */
  blockedByCors: boolean;
};

export interface CorsFetchRequest {
  /** Where the page comes from: one of `session.origins` (default: the localhost one). */
  pageOrigin?: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  credentials?: 'include' | 'omit' | 'same-origin';
  body?: string;
  /** Cookies the browser holds for `url`'s host before the call (sent only when credentials allow). */
  cookies?: Record<string, string>;
  timeoutMs?: number;
}

/** Where Chromium is: $CHROMIUM_PATH, else Debian's binary, else `chromium` on PATH. */
function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  // Debian's /usr/bin/chromium is a shell wrapper that sources /etc/chromium.d (extension loading,
  // Google API keys, a /dev/shm check that misparses findmnt here): the binary behind it takes only
  // the flags given below.
  if (existsSync('/usr/lib/chromium/chromium')) return '/usr/lib/chromium/chromium';
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'chromium')).find((p) => existsSync(p));
}

let installing: Promise<string> | undefined;
/** Chromium's path, installing Debian's package first when missing (scripts/testenv/install-chromium.sh). */
export function ensureChromium(): Promise<string> {
  const found = findChromium();
  if (found) return Promise.resolve(found);
  installing ??= runStep('installing chromium (scripts/testenv/install-chromium.sh)', 'bash', [join(REPO, 'scripts', 'testenv', 'install-chromium.sh')]).then(() => {
    const path = findChromium();
    if (!path) throw new Error('install-chromium.sh ran but no chromium binary was found');
    return path;
  });
  installing.catch(() => (installing = undefined));
  return installing;
}

interface Proc {
  pid: number;
  pgid: number;
  marked: boolean;
}

/** Every live process (zombies left out), its process group and whether `marker` (NAME=value) is in its environment. */
function scanProcesses(marker: string): Proc[] {
  const needle = Buffer.from(`\0${marker}\0`);
  const procs: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie has exited; only its parent (here often init, which reaps every few seconds) can clear it.
      if (state === 'Z') continue;
      const pgid = Number(pgrp);
      const marked = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${entry}/environ`)]).includes(needle);
      procs.push({ pid: Number(entry), pgid, marked });
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return procs;
}

const MARKER = 'RESTPATH_BROWSER_SESSION';

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

/** Best effort: waits for `condition` (test/support/until.ts polls it) and goes on when it does not come. */
const settle = (what: string, condition: () => boolean, ms: number): Promise<unknown> =>
  until(what, () => Promise.resolve(condition() || undefined), ms).catch(() => undefined);

export class BrowserSession {
  /** The page's two origins: both are http://…:port of the page server, and cross-origin to any other port. */
  readonly origins: { localhost: string; loopback: string };
  /** The process groups this browser's processes were seen in (see processes()). */
  private readonly groups = new Set<number>();

  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    port: number,
    readonly executable: string,
    readonly version: string,
    /** NAME=value in the environment the browser was started with (see processes()). */
    private readonly marker: string,
    readonly launchMs: number,
    /** Requests Chromium tried to send off loopback, caught by the page server acting as its proxy. */
    readonly offLoopback: readonly string[],
  ) {
    this.origins = { localhost: `http://localhost:${port}`, loopback: `http://127.0.0.1:${port}` };
  }

  static async launch(): Promise<BrowserSession> {
    const executable = await ensureChromium();
    const offLoopback: string[] = [];
    const server = createServer((req, res) => {
      // A proxied request names an absolute URL: it was meant for another host, and goes nowhere.
      if (req.url?.startsWith('http://')) {
        offLoopback.push(`${req.method} ${req.url}`);
        res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' }).end('off-loopback request refused by the test harness');
        return;
      }
      if (req.url === '/favicon.ico') return void res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>cors harness</title>');
    });
    server.on('connect', (req, socket) => {
      offLoopback.push(`CONNECT ${req.url}`);
      socket.destroy();
    });
    const port = await listen(server);
    const sessionId = randomUUID();
    const started = Date.now();
    let browser: Browser;
    try {
      browser = await chromium.launch({
        executablePath: executable,
        headless: true,
        env: { ...process.env, [MARKER]: sessionId },
        args: [
          '--no-sandbox', // as root Chromium's sandbox cannot start
          '--disable-dev-shm-usage', // a container's /dev/shm may be 64 MB, which crashes renderers (Debian's wrapper adds it too)
          `--proxy-server=http://127.0.0.1:${port}`,
          '--proxy-bypass-list=localhost;127.0.0.1',
          // IP literals go through these rules too, so 127.0.0.1 is excluded as well as localhost.
          '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
        ],
      });
    } catch (err) {
      server.close();
      throw err;
    }
    const launchMs = Date.now() - started;
    const session = new BrowserSession(browser, server, port, executable, browser.version(), `${MARKER}=${sessionId}`, launchMs, offLoopback);
    session.processes(); // remember the browser's process group now, while its leader runs
    return session;
  }

  /**
   * Runs `fetch` inside a page from `pageOrigin`, in a fresh browser context (its own cookies, HTTP
   * cache and CORS preflight cache, so one call's cached preflight never answers another's).
   */
  async corsFetch(request: CorsFetchRequest): Promise<CorsFetchResult> {
    const pageOrigin = request.pageOrigin ?? this.origins.localhost;
    if (!Object.values(this.origins).includes(pageOrigin)) throw new Error(`pageOrigin ${pageOrigin} is not one of ${Object.values(this.origins).join(', ')}`);
    const context: BrowserContext = await this.browser.newContext();
    try {
      if (request.cookies) {
        await context.addCookies(Object.entries(request.cookies).map(([name, value]) => ({ name, value, url: new URL(request.url).origin })));
      }
      const page = await context.newPage();
      const console: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') console.push(m.text());
      });
      // The CORS error code is only in the DevTools protocol, not in Playwright's request events.
      const cdp = await context.newCDPSession(page);
      const urls = new Map<string, string>();
      const failures: NetworkFailure[] = [];
      cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
      cdp.on('Network.loadingFailed', (e) => {
        failures.push({
          url: urls.get(e.requestId) ?? '',
          resourceType: e.type,
          errorText: e.errorText,
          ...(e.corsErrorStatus ? { corsError: e.corsErrorStatus.corsError, failedParameter: e.corsErrorStatus.failedParameter } : {}),
        });
      });
      await cdp.send('Network.enable');
      await page.goto(`${pageOrigin}/`);

      const init = { method: request.method ?? 'GET', headers: request.headers ?? {}, credentials: request.credentials ?? 'same-origin', body: request.body };
      const outcome = await page.evaluate(
        async ({ url, init, timeoutMs }): Promise<FetchOutcome> => {
          try {
            const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
            // Only what CORS lets JS see: the safelisted headers and those the server exposed.
            const headers: Record<string, string> = {};
            res.headers.forEach((value, name) => (headers[name] = value));
            return { ok: true, status: res.status, statusText: res.statusText, responseType: res.type, body: await res.text(), headers };
          } catch (err) {
            return { ok: false, error: String(err) };
          }
        },
        { url: request.url, init, timeoutMs: request.timeoutMs ?? 10_000 },
      );
      if (!outcome.ok) {
        // Chromium reports the failure and logs its reason asynchronously to the page's rejection; its
        // last word on a failed load is "Failed to load resource: net::…", after any CORS line.
        await settle('Chromium reporting the failed load', () => failures.some((f) => f.resourceType === 'Fetch') && console.some((line) => line.startsWith('Failed to load resource')), 2_000);
      }
      const blockedByCors = console.some((line) => line.includes('blocked by CORS policy')) || failures.some((f) => f.corsError !== undefined);
      return { ...outcome, console, failures: [...failures], blockedByCors };
    } finally {
      await context.close();
    }
  }

  /**
   * The pids of this browser's processes still running. Not all stay under the browser's pid: its
   * crashpad handlers detach (setsid, reparented to init), and the zygotes are reparented to init
   * when the browser exits, so a browser that died or hung would leave them behind. The browser and
   * the crashpad handlers keep the environment they were started with, so the session's marker finds
   * them; the zygotes overwrite theirs (their process title) but stay in the browser's process group,
   * and so do the renderers they fork.
   */
  processes(): number[] {
    const procs = scanProcesses(this.marker);
    for (const p of procs) if (p.marked) this.groups.add(p.pgid);
    return procs.filter((p) => p.marked || this.groups.has(p.pgid)).map((p) => p.pid);
  }

  /**
   * Stops the browser, then each of its processes still running (SIGTERM, then SIGKILL, by pid), then
   * the page server. Browser.close() normally ends them all; the signals are for a browser that did not.
   */
  async close(): Promise<void> {
    this.processes(); // remember the groups while the browser still runs
    await this.browser.close().catch(() => undefined);
    const signal = (name: NodeJS.Signals) => {
      for (const pid of this.processes()) {
        try {
          process.kill(pid, name);
        } catch {
          /* exited meanwhile */
        }
      }
    };
    signal('SIGTERM');
    await settle('the browser exiting on SIGTERM', () => this.processes().length === 0, 3_000);
    signal('SIGKILL');
    await settle('the browser exiting on SIGKILL', () => this.processes().length === 0, 2_000);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
