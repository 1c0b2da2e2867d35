// The manifest corpus under test/fixtures: each invalid manifest says in its header why it is invalid
// (first line), the message kubectl must print (`# expect:` lines) and, for rules about changes,
// which valid manifest to apply first (`# given:`).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export interface InvalidFixture {
  name: string;
  file: string;
  why: string;
  expect: string[];
  given?: string;
}

export function invalidFixtures(): InvalidFixture[] {
  const dir = join(FIXTURES, 'invalid');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const lines = readFileSync(join(dir, f), 'utf8').split('\n');
      const header = (key: string) => lines.filter((l) => l.startsWith(`# ${key}: `)).map((l) => l.slice(key.length + 4));
      const given = header('given')[0];
      return {
        name: f.replace(/\.yaml$/, ''),
        file: join(dir, f),
        why: (lines[0] ?? '').replace(/^# /, ''),
        expect: header('expect'),
        ...(given ? { given: join(FIXTURES, 'valid', given) } : {}),
      };
    });
}
