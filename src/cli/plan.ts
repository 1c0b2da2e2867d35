// `restpath-operator plan -f FILE`: what applying FILE would do in AWS, without doing it. The file's
// RestApi and RestPaths are laid over what the cluster already has for that API (when the cluster is
// reachable), the REST API is read from AWS, and the same diff the operator runs is printed, with the
// stage changes and whether a deployment would follow. Exit code 0, or 2 when it could not run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { DEPLOY_ANNOTATION, type RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import { observeApi } from '../aws/observe.js';
import { findRestApiByOwner } from '../aws/rest-api.js';
import { observeStages } from '../aws/stages.js';
import { ownerRef } from '../model/build.js';
import { keyOfPath } from '../model/from-objects.js';
import { authorizerRoleName, executionRoleName, ROLE_PATH } from '../model/roles.js';
import { authorizersWithRole } from '../plan/role-diff.js';
import { freshAccess, type DesiredApi, type ObservedApi } from '../model/state.js';
import { planRestApi, stageDecisionsAfter } from '../plan/api-plan.js';
import type { StageDecision } from '../plan/deployments.js';
import { describeOperation, type Operation } from '../plan/operations.js';
import type { ObservedStage } from '../plan/stages.js';
import { connect, getObject, listObjects, placedConnections, withConnectionOptions, type Connections } from './connections.js';
import { kubeErrorText } from '../kube/errors.js';

interface Manifest {
  kind?: string;
  metadata: { name: string; namespace?: string };
}

/** The text of a file, of standard input (-), or of a directory's YAML and JSON files (kubectl apply -f DIR). */
function readText(file: string): string {
  if (file === '-') return readFileSync(0, 'utf8');
  if (!statSync(file).isDirectory()) return readFileSync(file, 'utf8');
  return readdirSync(file).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => readFileSync(join(file, f), 'utf8')).join('\n---\n');
}

function readManifests(file: string, namespace: string): { apis: RestApi[]; paths: RestPath[]; skipped: string[] } {
  const docs = parseAllDocuments(readText(file)).map((d) => d.toJS() as Manifest | null).filter((d): d is Manifest => Boolean(d));
  const skipped = docs.filter((d) => d.kind !== 'RestApi' && d.kind !== 'RestPath').map((d) => `${d.kind ?? '?'}/${d.metadata.name}`);
  const inNs = <T extends Manifest>(d: T): T => ({ ...d, metadata: { ...d.metadata, namespace: d.metadata.namespace ?? namespace } });
  return {
    apis: docs.filter((d) => d.kind === 'RestApi').map((d) => inNs(d as unknown as RestApi)),
    paths: docs.filter((d) => d.kind === 'RestPath').map((d) => inNs(d as unknown as RestPath)),
    skipped,
  };
}

const emptyApi = (id: string): ObservedApi => ({ id, rootResourceId: '', settings: { name: '', description: '', endpointType: 'EDGE', binaryMediaTypes: [], vpcEndpointIds: [] }, tags: {}, resources: [], methods: [], gatewayResponses: {}, ...freshAccess() });

async function cluster<T>(c: Connections, what: () => Promise<T>, fallback: T, warnings: string[]): Promise<T> {
  try {
    return await what();
  } catch (error) {
    warnings.push(`the cluster could not be read (${kubeErrorText(error)}); planning from the file alone`);
    return fallback;
  }
}

/**
 * The CLI's answer, from the same pure decisions the operator's pass makes (plan/api-plan.ts): the
 * operations, and each stage's settings and deployment once they have run.
 */
export function planAnswer(input: { api: RestApi; paths: RestPath[]; leaving: RestPath[]; observed: ObservedApi; observedStages: ObservedStage[]; roleArns: ReadonlyMap<string, string>; authorizerRoleArns?: ReadonlyMap<string, string>; where: { region: string; accountId: string }; now: Date }): { desired: DesiredApi; operations: Operation[]; blocked: string[]; stages: StageDecision[] } {
  const { desired, operations, blocked } = planRestApi({ api: input.api, paths: input.paths, leaving: input.leaving, observed: input.observed, roleArns: input.roleArns, ...(input.authorizerRoleArns ? { authorizerRoleArns: input.authorizerRoleArns } : {}), where: input.where, options: { managedBy: 'restpath-operator' }, bulkCreate: true });
  return { desired, operations, blocked, stages: stageDecisionsAfter(input.api, input.paths, desired, input.observedStages, operations.length, input.now) };
}

async function planApi(home: Connections, namespace: string, name: string, fileApi: RestApi | undefined, filePaths: RestPath[]): Promise<string[]> {
  const warnings: string[] = [];
  const liveApi = await cluster(home, () => getObject<RestApi>(home, 'restapis', namespace, name), undefined, warnings);
  const api = fileApi ? { ...fileApi, status: liveApi?.status } : liveApi;
  if (!api) throw new Error(`RestApi ${namespace}/${name} is neither in the file nor in the cluster`);
  // Read AWS where the operator would write: the API's account and region.
  const c = await placedConnections(home, api);
  const livePaths = warnings.length > 0 ? [] : (await listObjects<RestPath>(c, 'restpaths', namespace)).filter((p) => p.spec.restApiRef?.name === name);
  const byName = new Map(livePaths.map((p) => [p.metadata.name, p]));
  // A RestPath new to the cluster is the youngest: it loses a conflict with any that exists.
  const now = new Date().toISOString();
  for (const p of filePaths) {
    const live = byName.get(p.metadata.name);
    byName.set(p.metadata.name, { ...p, metadata: { ...p.metadata, creationTimestamp: live?.metadata.creationTimestamp ?? p.metadata.creationTimestamp ?? now }, status: live?.status });
  }
  const paths = [...byName.values()].filter((p) => !p.metadata.deletionTimestamp);

  let restApiId = api.status?.id ?? api.spec.adoptId;
  restApiId ??= (await findRestApiByOwner(c.caller, c.clients, ownerRef(namespace, 'RestApi', name)))?.id;
  const observed = restApiId ? await observeApi(c.caller, c.clients, restApiId) : emptyApi('(new)');
  const account = await c.accountId().catch(() => 'ACCOUNT');
  // What the operator would use: the role ARN it recorded, else the one it would create.
  const roleArns = new Map(paths.flatMap((p) => {
    const arn = p.status?.executionRoleArn ?? (p.spec.executionRole ? `arn:aws:iam::${account}:role${ROLE_PATH}${executionRoleName(namespace, p.metadata.name)}` : undefined);
    return arn ? [[keyOfPath(p), arn] as const] : [];
  }));
  const authorizerRoleArns = new Map(authorizersWithRole(api).map((a) => [a.name, `arn:aws:iam::${account}:role${ROLE_PATH}${authorizerRoleName(namespace, name, a.name)}`] as const));
  const observedStages: ObservedStage[] = restApiId ? await observeStages(c.caller, c.clients, restApiId) : [];
  const answer = planAnswer({ api, paths, leaving: livePaths.filter((p) => p.metadata.deletionTimestamp), observed, observedStages, roleArns, authorizerRoleArns, where: { region: c.clients.region, accountId: account }, now: new Date() });
  const out: string[] = [...warnings.map((w) => `warning: ${w}`)];
  out.push(restApiId ? `RestApi ${namespace}/${name}: REST API ${restApiId} in ${c.clients.region}` : `RestApi ${namespace}/${name}: a new REST API would be created in ${c.clients.region} (CreateRestApi)`);
  const { operations } = answer;
  out.push(operations.length === 0 ? '  no changes to paths, methods, integrations, authorizers, models, validators, gateway responses, policy or tags' : `  ${operations.length} operation(s):`);
  operations.forEach((op, i) => out.push(`  ${String(i + 1).padStart(3)}. ${describeOperation(op)}`));
  for (const c2 of answer.desired.conflicts) out.push(`  conflict: ${c2.httpMethod} ${c2.path} is declared by ${c2.keptBy} (older); ${c2.refused} would get Ready=False, reason=Conflict`);
  for (const r of answer.desired.refused) out.push(`  refused: ${r.httpMethod} ${r.path} (${r.owner}): ${r.message}; it would get Ready=False, reason=${r.reason}`);
  for (const p of answer.desired.problems) out.push(`  not applied: ${p.message} (reason=${p.reason})`);
  for (const b of answer.blocked) out.push(`  waits: ${b}`);
  for (const d of answer.stages) {
    const settings = !d.observed ? 'would be created' : d.settings.length > 0 ? `settings: ${d.settings.map((p) => `${p.op} ${p.path}`).join(', ')}` : 'settings unchanged';
    const deployment = d.deploy
      ? d.deployTo === 'canary' ? `a deployment would follow, into the canary (${d.want.canary?.percentTraffic ?? 0}% of the stage's traffic)` : 'a deployment would follow'
      : d.waitsForAnnotation ? `no deployment (Manual: changes are served once ${DEPLOY_ANNOTATION} changes)` : 'no deployment';
    const promotion = d.promote ? `; the canary would be promoted first (deployment ${d.observed?.canary?.deploymentId ?? ''})` : '';
    out.push(`  stage ${d.name} (${d.manual ? 'Manual' : 'Automatic'}): ${settings}; ${deployment}${promotion}`);
  }
  return out;
}

export function addPlanCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('plan')
      .description('print the AWS operations applying a file of RestApi/RestPath manifests would run, and whether a deployment would follow')
      .requiredOption('-f, --filename <file>', 'manifests to plan: a file, a directory of them, or - for standard input')
      .option('-n, --namespace <ns>', 'namespace for manifests that name none', 'default'),
  ).action(async (opts: { filename: string; namespace: string; kubeconfig?: string; region: string; awsEndpoint?: string }) => {
    try {
      const { apis, paths, skipped } = readManifests(opts.filename, opts.namespace);
      const targets = new Map<string, { namespace: string; name: string; api?: RestApi; paths: RestPath[] }>();
      const target = (namespace: string, name: string) => {
        const key = `${namespace}/${name}`;
        if (!targets.has(key)) targets.set(key, { namespace, name, paths: [] });
        return targets.get(key)!;
      };
      for (const a of apis) target(a.metadata.namespace ?? opts.namespace, a.metadata.name).api = a;
      for (const p of paths) {
        if (!p.spec.restApiRef) throw new Error(`RestPath ${p.metadata.name} uses restApiId: plan works on RestApis the operator manages`);
        target(p.metadata.namespace ?? opts.namespace, p.spec.restApiRef.name).paths.push(p);
      }
      if (targets.size === 0) throw new Error(`no RestApi or RestPath in ${opts.filename}`);
      const c = connect(opts);
      for (const t of targets.values()) console.log((await planApi(c, t.namespace, t.name, t.api, t.paths)).join('\n'));
      if (skipped.length > 0) console.log(`not planned (only RestApi and RestPath are): ${skipped.join(', ')}`);
    } catch (error) {
      console.error(`plan: ${kubeErrorText(error)}`);
      process.exitCode = 2;
    }
  });
}
