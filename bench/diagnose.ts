// `make bench-diagnose`: AWS calls of the diagnose step, per pass and per RestPath, for a REST API of
// N paths (each a Lambda proxy with an execution role and an API key requirement) with one stage, one
// usage plan and one key, against the AWS emulator. The goal: path and integration checks use the
// shared observe snapshot (no extra calls); deployments are read once per deployment; IAM and usage
// reads happen once per resync (cold pass), not per path, and not at all within the resync (warm pass).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateApiKeyCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand } from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { RestApi } from '../src/api/rest-api.js';
import type { RestPath } from '../src/api/rest-path.js';
import { AwsCaller } from '../src/aws/caller.js';
import { createAwsClients, createIamClients } from '../src/aws/clients.js';
import { DiagnoseReads } from '../src/aws/diagnose-reads.js';
import { executePlan } from '../src/aws/execute.js';
import { CallCounter } from '../src/aws/metrics.js';
import { observeApi } from '../src/aws/observe.js';
import { ensureRestApi } from '../src/aws/rest-api.js';
import { createDeployment, ensureStage, observeStages } from '../src/aws/stages.js';
import { liveStages } from '../src/plan/deployments.js';
import { diagnoseApi } from '../src/controllers/path-diagnosis.js';
import { buildDesired } from '../src/model/build.js';
import { EMPTY_LEDGER } from '../src/model/state.js';
import { diff } from '../src/plan/diff.js';
import { desiredStage } from '../src/plan/stages.js';
import { startAwsEmulator } from '../scripts/testenv/aws-emulator.js';
import { stopAll } from '../scripts/testenv/processes.js';

const rows: string[][] = [];
const line = (...cells: (string | number)[]) => rows.push(cells.map(String));
const callsOf = (c: CallCounter) => `${c.total} (${Object.entries(c.snapshot()).map(([op, n]) => `${op.replace(' ok', '')} ${n}`).join(', ') || 'none'})`;

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'restpath-bench-'));
  const emulator = await startAwsEmulator(runDir);
  try {
    for (const n of [10, 100]) {
      const account = await emulator.freshAccount();
      const settings = { region: account.region, endpoint: emulator.endpoint, credentials: account };
      const clients = createAwsClients(settings);
      const iam = createIamClients(settings);
      const setup = new AwsCaller();
      const fn = `arn:aws:lambda:us-east-1:${account.accountId}:function:orders`;
      const roleArn = `arn:aws:iam::${account.accountId}:role/invoker`;
      await iam.iam.send(new CreateRoleCommand({ RoleName: 'invoker', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
      await iam.iam.send(new PutRolePolicyCommand({ RoleName: 'invoker', PolicyName: 'invoke', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn }] }) }));
      const api: RestApi = { apiVersion: 'apigateway.restpath.dev/v1alpha1', kind: 'RestApi', metadata: { name: 'bench', namespace: 'bench' }, spec: { stages: [{ name: 'live' }] } };
      const paths: RestPath[] = Array.from({ length: n }, (_, i) => ({
        apiVersion: 'apigateway.restpath.dev/v1alpha1',
        kind: 'RestPath',
        metadata: { name: `p${i}`, namespace: 'bench' },
        spec: { restApiRef: { name: 'bench' }, path: `/p${i}`, methods: [{ httpMethod: 'POST', apiKeyRequired: true, integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn}/invocations`, credentials: { roleArn } } }] },
      }));
      const desired = buildDesired({ namespace: 'bench', name: 'bench', spec: api.spec }, paths.map((p) => ({ namespace: 'bench', name: p.metadata.name, createdAt: '2026-01-01T00:00:00Z', spec: p.spec })), { managedBy: 'restpath-bench' });
      const { id } = await ensureRestApi(setup, clients, desired.settings, desired.tags);
      const result = await executePlan(setup, clients, await observeApi(setup, clients, id), diff(desired, await observeApi(setup, clients, id), EMPTY_LEDGER));
      if (result.failed) throw result.failed.error;
      const deploymentId = await createDeployment(setup, clients, id, 'bench');
      await ensureStage(setup, clients, id, undefined, desiredStage({ name: 'live' }, []), deploymentId);
      const plan = await clients.apigateway.send(new CreateUsagePlanCommand({ name: 'gold', apiStages: [{ apiId: id, stage: 'live' }], quota: { limit: 1000, period: 'DAY' } }));
      const key = await clients.apigateway.send(new CreateApiKeyCommand({ name: 'k', enabled: true, value: randomBytes(16).toString('hex') }));
      await clients.apigateway.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
      const withStatus: RestApi = { ...api, status: { id, stages: [{ name: 'live', deploymentId, deployedAt: new Date().toISOString() }] } };

      const calls = new CallCounter();
      const caller = new AwsCaller({ metrics: calls });
      const reads = new DiagnoseReads(caller, clients, iam);
      const pass = async (label: string, maxAgeMs: number) => {
        calls.reset();
        let started = performance.now();
        const observed = await observeApi(caller, clients, id);
        const live = liveStages(withStatus.spec.stages ?? [], await observeStages(caller, clients, id), withStatus.status?.stages ?? []);
        const shared = calls.total;
        const snapshotMs = performance.now() - started;
        calls.reset();
        started = performance.now();
        const { findings } = await diagnoseApi(reads, { region: account.region, accountId: account.accountId, restApiId: id, desired, observed, stages: live, paths, now: new Date(), maxAgeMs });
        const ms = performance.now() - started;
        const failing = [...findings.values()].flat().filter((f) => f.status !== 'True').map((f) => f.reason);
        line(`${n} paths: ${label}`, `snapshot ${shared} calls, ${snapshotMs.toFixed(0)} ms`, `diagnose ${callsOf(calls)}, ${(calls.total / n).toFixed(2)} per path, ${ms.toFixed(0)} ms`, `findings not True: ${failing.length === 0 ? 'none' : [...new Set(failing)].join(', ')}`);
      };
      // A resync may reuse facts younger than --diagnosis-max-age (default 5m, below the 10m resync, so
      // each resync reads them once); a pass someone asked for (a spec or annotation change) reads now.
      await pass('resync, facts older than the max age', 5 * 60_000);
      await pass('resync, facts younger than the max age', 5 * 60_000);
      await pass('requested (spec or annotation change)', 0);
    }
  } finally {
    await stopAll();
    rmSync(runDir, { recursive: true, force: true });
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`\nDiagnose pass: AWS calls beyond the shared snapshot (${emulator.kind})\n`);
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | '));
}

await main();
