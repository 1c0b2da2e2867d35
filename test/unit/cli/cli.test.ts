// The CLI as a user runs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { run } from '../../../scripts/testenv/run.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const cli = (args: string[]) => run(join(REPO, 'node_modules', '.bin', 'tsx'), [join(REPO, 'src', 'cli', 'main.ts'), ...args]);

describe('restpath-operator CLI', () => {
  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const result = await cli(['version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`restpath-operator ${version} (apigateway.restpath.dev/v1alpha1`);
  });

  it('prints the five CRDs as one YAML stream', async () => {
    const result = await cli(['crds']);
    expect(result.code).toBe(0);
    const names = parseAllDocuments(result.stdout).map((d) => (d.toJSON() as { metadata: { name: string } }).metadata.name);
    expect(names).toEqual(['restapis.apigateway.restpath.dev', 'restpaths.apigateway.restpath.dev', 'usageplans.apigateway.restpath.dev', 'domainnames.apigateway.restpath.dev', 'awsaccounts.apigateway.restpath.dev']);
  });

  it('rejects an unknown command with a non-zero exit and help', async () => {
    const result = await cli(['reconcile-everything']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'reconcile-everything'");
  });
});
