// `restpath-operator diagnose restpath NAME -n NS`: the runbook checks for one RestPath, from a laptop.
// Reads the RestPath, its RestApi and sibling RestPaths from the cluster and the REST API from AWS,
// runs the same pure checks the operator runs, and prints them as a table with the aws commands.
// Exit code 0 when every check passes, 1 when one fails, 2 when it could not run.
import type { Command } from 'commander';
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import { DiagnoseReads } from '../aws/diagnose-reads.js';
import { observeApi } from '../aws/observe.js';
import { observeStages } from '../aws/stages.js';
import { diagnoseApi } from '../controllers/path-diagnosis.js';
import { pathBelongsTo } from '../controllers/refs.js';
import type { ConditionFinding } from '../diagnose/index.js';
import { restPathKey } from '../model/build.js';
import { desiredFromObjects, pendingUsagePlans } from '../model/from-objects.js';
import { liveStages } from '../plan/deployments.js';
import type { UsagePlan } from '../api/usage-plan.js';
import { connect, getObject, listObjects, placedConnections, withConnectionOptions } from './connections.js';
import { kubeErrorText } from '../kube/errors.js';

export function renderFindings(findings: ConditionFinding[]): string {
  const rows = findings.map((f) => [f.type, f.status, f.reason]);
  const widths = [0, 1, 2].map((i) => Math.max(...[['CONDITION', 'STATUS', 'REASON'], ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const details = findings
    .filter((f) => f.status !== 'True')
    .flatMap((f) => [``, `${f.type} (${f.reason}):`, ...f.message.split(' | ').map((part) => {
      const [what, command] = part.split(' Check: ');
      return `  - ${what}${command ? `\n      $ ${command}` : ''}`;
    })]);
  return [line(['CONDITION', 'STATUS', 'REASON']), ...rows.map(line), ...details].join('\n');
}

export function addDiagnoseCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('diagnose')
      .description('run the runbook checks for one RestPath (403/404/5xx/429: what is wrong and the aws command that confirms it)')
      .argument('<kind>', 'restpath')
      .argument('<name>', 'the RestPath')
      .option('-n, --namespace <ns>', 'its namespace', 'default'),
  ).action(async (kind: string, name: string, opts: { namespace: string; kubeconfig?: string; region: string; awsEndpoint?: string }) => {
    try {
      if (!['restpath', 'restpaths', 'rp'].includes(kind)) throw new Error(`diagnose works on a restpath, not "${kind}"`);
      const home = connect(opts);
      const ns = opts.namespace;
      const path = await getObject<RestPath>(home, 'restpaths', ns, name);
      if (!path) throw new Error(`RestPath ${ns}/${name} not found`);
      const apiName = path.spec.restApiRef?.name;
      const api = apiName ? await getObject<RestApi>(home, 'restapis', ns, apiName) : undefined;
      // AWS as the operator sees it: the API's account and region.
      const c = api ? await placedConnections(home, api) : home;
      const restApiId = api?.status?.id ?? path.spec.restApiId ?? path.status?.restApiId;
      if (!restApiId) throw new Error(`RestPath ${ns}/${name} has no REST API yet (RestApi ${apiName ?? '?'} has no status.id)`);
      const siblings = (await listObjects<RestPath>(c, 'restpaths', ns)).filter((p) => pathBelongsTo(p, ns, apiName ?? `id:${restApiId}`));
      const roleArns = new Map(siblings.flatMap((p) => (p.status?.executionRoleArn ? [[restPathKey({ namespace: ns, name: p.metadata.name }), p.status.executionRoleArn] as const] : [])));
      const desired = desiredFromObjects({ namespace: ns, name: apiName ?? `id:${restApiId}`, spec: api?.spec ?? {} }, siblings, roleArns, { managedBy: 'restpath-operator' });
      const observed = await observeApi(c.caller, c.clients, restApiId);
      const observedStages = await observeStages(c.caller, c.clients, restApiId);
      const stages = api ? liveStages(api.spec.stages ?? [], observedStages, api.status?.stages ?? []) : [];
      const plans = apiName ? await listObjects<UsagePlan>(c, 'usageplans', ns).catch(() => []) : [];
      // The CLI always reads AWS as it is now (maxAgeMs 0): it is what someone asks for during an incident.
      const { findings } = await diagnoseApi(new DiagnoseReads(c.caller, c.clients, c.iam), {
        region: c.clients.region, accountId: await c.accountId(), restApiId, desired, observed, stages,
        changedAt: new Map([[restPathKey({ namespace: ns, name }), path.status?.changedAt]]), paths: [path], now: new Date(),
        pendingUsagePlans: pendingUsagePlans(apiName ?? '', plans), maxAgeMs: 0,
      });
      const mine = findings.get(restPathKey({ namespace: ns, name })) ?? [];
      if (mine.length === 0) throw new Error(`RestPath ${ns}/${name} declares no method the REST API has (conflict or pending?); see kubectl describe restpath ${name} -n ${ns}`);
      console.log(`RestPath ${ns}/${name}: ${path.spec.path} on REST API ${restApiId}\n`);
      console.log(renderFindings(mine));
      process.exitCode = mine.some((f) => f.status === 'False') ? 1 : 0;
    } catch (error) {
      console.error(`diagnose: ${kubeErrorText(error)}`);
      process.exitCode = 2;
    }
  });
}
