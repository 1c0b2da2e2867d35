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
