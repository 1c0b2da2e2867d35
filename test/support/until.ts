// Polling for an eventually-true condition in end-to-end tests: returns the probe's value once it is
// neither undefined nor '' (kubectl's jsonpath prints '' for a field not set yet); a failed probe counts
// as "not yet". On timeout the error says what was awaited and, when given, what the operator logged.
import { setTimeout as sleep } from 'node:timers/promises';

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, context: () => string = () => ''): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== '') return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000}s\n${context()}`);
    await sleep(300);
  }
}

/**
 * The negative of until, for what must NOT happen: polls the probe for windowMs and throws, with the
 * value seen, as soon as it returns one (neither undefined nor ''). Start it after an observable event
 * that marks the decision (so the window only guards against a late change), and name the window.
 */
export async function never<T>(what: string, probe: () => Promise<T | undefined>, windowMs: number, context: () => string = () => ''): Promise<void> {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== '') throw new Error(`${what}: happened (${JSON.stringify(value)}) within ${windowMs / 1000}s\n${context()}`);
    if (Date.now() - started > windowMs) return;
    await sleep(300);
  }
}
