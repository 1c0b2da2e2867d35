// A cache of facts read from AWS for the runbook: each read says how old an answer may be.
import type { Dated } from '../controllers/ports.js';

/** Answers younger than the caller's bound are reused; loads in flight are shared. */
export class FactCache<T> {
  private readonly entries = new Map<string, Promise<Dated<T>>>();
  constructor(private readonly now: () => number) {}
  get(key: string, maxAgeMs: number, load: () => Promise<T>): Promise<Dated<T>> {
    const hit = this.entries.get(key);
    if (hit && maxAgeMs > 0) {
      return hit.then((d) => (this.now() - d.readAt < maxAgeMs ? d : this.load(key, load)));
    }
    return this.load(key, load);
  }
  private load(key: string, load: () => Promise<T>): Promise<Dated<T>> {
    const readAt = this.now();
    const value = load().then((v) => ({ value: v, readAt }));
    this.entries.set(key, value);
    value.catch(() => this.entries.delete(key));
    return value;
  }
  forget(key: string): void {
    this.entries.delete(key);
  }
}
