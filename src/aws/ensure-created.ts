// Creates that AWS does not make idempotent: CreateRestApi and CreateUsagePlan accept the same name
// twice, so re-sending one whose answer was lost (a 5xx or a dropped connection after AWS acted) makes
// a duplicate. Instead: send once, and on such a failure look for it by its owner tag (set at
// creation) before sending again.
import type { AwsCaller } from './caller.js';
import { classifyError } from './errors.js';

export async function createUnlessFound<T>(caller: AwsCaller, operation: string, find: () => Promise<T | undefined>, create: () => Promise<T>, attempts = 5): Promise<{ value: T; created: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await caller.call(operation, create, { resend: false }), created: true };
    } catch (error) {
      if (attempt >= attempts || classifyError(error) !== 'transient') throw error;
      const found = await find();
      if (found !== undefined) return { value: found, created: false };
    }
  }
}
