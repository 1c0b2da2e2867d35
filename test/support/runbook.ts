// What the runbook e2e tests read off a RestPath: the condition as `kubectl describe` shows it (kept
// under .test-results/runbook/ for the record of what users see), and the aws command its message
// gives, as argv, so the test can run it and confirm the finding.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Kubectl } from '../../scripts/testenv/kubectl.js';
import type { KubeObject, objectsIn } from './objects.js';

/** The aws command(s) a condition's message gives (its first finding), as argv without the leading "aws" (double quotes respected). */
export function commandFor(message: string): string[][] {
  // A message built on facts read in an earlier pass ends with when they were read: not part of the command.
  const check = /Check: (aws .+?)(?: \| |$)/.exec(message.replace(/ \([^()]*facts as read at [^()]*\)$/, ''))?.[1];
  expect(check, `no command in: ${message}`).toBeTruthy();
  const commands: string[][] = [[]];
  for (const token of check!.match(/"[^"]*"|\S+/g) ?? []) {
    if (token === '&&') commands.push([]);
    else commands.at(-1)!.push(token.replace(/^"|"$/g, ''));
  }
  return commands.map((argv) => argv.slice(1));
}

export function runbookReader(kubectl: Kubectl, namespace: () => string, objects: ReturnType<typeof objectsIn>) {
  /** RestPath `name` once condition `type` is False (or `status`) with `reason`; what describe printed. */
  return async function describeShows(name: string, type: string, reason: string, status = 'False'): Promise<{ message: string; described: string; object: KubeObject }> {
    const object = await objects.waitFor<Record<string, unknown>>(`restpath/${name}`, type, status, reason, 90_000);
    const described = await kubectl.ok(['describe', 'restpath', name, '-n', namespace()]);
    const dir = join(import.meta.dirname, '..', '..', '.test-results', 'runbook');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${reason}.txt`), described);
    expect(described).toContain(`Type:                  ${type}`);
    expect(described).toContain(`Reason:                ${reason}`);
    return { message: objects.condition(object, type)!.message, described, object };
  };
}
