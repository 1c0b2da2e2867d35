// `restpath-operator plan -f FILE`: what applying FILE would do in AWS, without doing it. The file's
// RestApi and RestPaths are laid over what the cluster already has for that API (when the cluster is
// reachable), the REST API is read from AWS, and the same diff the operator runs is printed, with the
// stage changes and whether a deployment would follow. Exit code 0, or 2 when it could not run.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { DEPLOY_ANNOTATION, type RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import { observeApi } from '../aws/observe.js';
import { findRestApiByOwner } from '../aws/rest-api.js';
import { observeStages } from '../aws/stages.js';
import { ledgerOfObjects } from '../controllers/api-state.js';
import { buildDesired, ownerRef } from '../model/build.js';
import { executionRoleName, ROLE_PATH } from '../model/roles.js';
import type { ObservedApi } from '../model/state.js';
import { diff } from '../plan/diff.js';
import { describeOperation } from '../plan/operations.js';
import { desiredStage, stagePatch, type ObservedStage } from '../plan/stages.js';
import { connect, getObject, listObjects, withConnectionOptions, type Connections } from './connections.js';

interface Manifest {
  kind?: string;
  metadata: { name: string; namespace?: string };
}

function readManifests(file: string, namespace: string): { apis: RestApi[]; paths: RestPath[]; skipped: string[] } {
  const docs = parseAllDocuments(readFileSync(file === '-' ? 0 : file, 'utf8')).map((d) => d.toJS() as Manifest | null).filter((d): d is Manifest => Boolean(d));
  const skipped = docs.filter((d) => d.kind !== 'RestApi' && d.kind !== 'RestPath').map((d) => `${d.kind ?? '?'}/${d.metadata.name}`);
  const inNs = <T extends Manifest>(d: T): T => ({ ...d, metadata: { ...d.metadata, namespace: d.metadata.namespace ?? namespace } });
  return {
    apis: docs.filter((d) => d.kind === 'RestApi').map((d) => inNs(d as unknown as RestApi)),
    paths: docs.filter((d) => d.kind === 'RestPath').map((d) => inNs(d as unknown as RestPath)),
    skipped,
  };
}

const emptyApi = (id: string): ObservedApi => ({ id, rootResourceId: '', settings: { name: '', description: '', endpointType: 'EDGE', binaryMediaTypes: [] }, tags: {}, resources: [], methods: [], gatewayResponses: {} });

async function cluster<T>(c: Connections, what: () => Promise<T>, fallback: T, warnings: string[]): Promise<T> {
  try {
    return await what();
  } catch (error) {
    warnings.push(`the cluster could not be read (${(error as Error).message}); planning from the file alone`);
    return fallback;
  }
}

async function planApi(c: Connections, namespace: string, name: string, fileApi: RestApi | undefined, filePaths: RestPath[]): Promise<string[]> {
  const warnings: string[] = [];
  const liveApi = await cluster(c, () => getObject<RestApi>(c, 'restapis', namespace, name), undefined, warnings);
  const api = fileApi ? { ...fileApi, status: liveApi?.status } : liveApi;
  if (!api) throw new Error(`RestApi ${namespace}/${name} is neither in the file nor in the cluster`);
  const livePaths = warnings.length > 0 ? [] : (await listObjects<RestPath>(c, 'restpaths', namespace)).filter((p) => p.spec.restApiRef?.name === name);
  const byName = new Map(livePaths.map((p) => [p.metadata.name, p]));
  for (const p of filePaths) byName.set(p.metadata.name, { ...p, status: byName.get(p.metadata.name)?.status });
  const paths = [...byName.values()].filter((p) => !p.metadata.deletionTimestamp);

  let restApiId = api.status?.id ?? api.spec.adoptId;
  restApiId ??= (await findRestApiByOwner(c.caller, c.clients, ownerRef(namespace, 'RestApi', name)))?.id;
  const observed = restApiId ? await observeApi(c.caller, c.clients, restApiId) : emptyApi('(new)');
  const account = await c.accountId().catch(() => 'ACCOUNT');
  const desired = buildDesired(
    { namespace, name, spec: api.spec },
    paths.map((p) => {
      const arn = p.status?.executionRoleArn ?? (p.spec.executionRole ? `arn:aws:iam::${account}:role${ROLE_PATH}${executionRoleName(namespace, p.metadata.name)}` : undefined);
      return { namespace, name: p.metadata.name, createdAt: p.metadata.creationTimestamp ?? new Date().toISOString(), spec: p.spec, ...(arn ? { executionRoleArn: arn } : {}) };
    }),
    { managedBy: 'restpath-operator' },
  );
  const operations = diff(desired, observed, ledgerOfObjects({ ...api, status: liveApi?.status }, livePaths));
  const out: string[] = [...warnings.map((w) => `warning: ${w}`)];
  out.push(restApiId ? `RestApi ${namespace}/${name}: REST API ${restApiId} in ${c.clients.region}` : `RestApi ${namespace}/${name}: a new REST API would be created in ${c.clients.region} (CreateRestApi)`);
  out.push(operations.length === 0 ? '  no changes to paths, methods, integrations, gateway responses or tags' : `  ${operations.length} operation(s):`);
  operations.forEach((op, i) => out.push(`  ${String(i + 1).padStart(3)}. ${describeOperation(op)}`));
  for (const c2 of desired.conflicts) out.push(`  conflict: ${c2.httpMethod} ${c2.path} is declared by ${c2.keptBy} (older); ${c2.refused} would get Ready=False, reason=Conflict`);

  const observedStages: ObservedStage[] = restApiId ? await observeStages(c.caller, c.clients, restApiId) : [];
  const throttled = paths.flatMap((p) => p.spec.methods.filter((m) => m.throttling).map((m) => ({ path: p.spec.path, httpMethod: m.httpMethod, throttling: m.throttling! })));
  const annotation = api.metadata.annotations?.[DEPLOY_ANNOTATION];
  for (const stage of api.spec.stages ?? []) {
    const have = observedStages.find((s) => s.name === stage.name);
    const want = desiredStage(stage, throttled);
    const patch = have ? stagePatch(have, want) : [];
    const manual = stage.deployment === 'Manual';
    const previous = api.status?.stages?.find((s) => s.name === stage.name);
    const deploys = !have || (manual ? annotation !== undefined && annotation !== previous?.deployedAnnotation : operations.length > 0);
    const settings = !have ? 'would be created' : patch.length > 0 ? `settings: ${patch.map((p) => `${p.op} ${p.path}`).join(', ')}` : 'settings unchanged';
    const deployment = deploys ? 'a deployment would follow' : manual && operations.length > 0 ? `no deployment (Manual: changes are served once ${DEPLOY_ANNOTATION} changes)` : 'no deployment';
    out.push(`  stage ${stage.name} (${manual ? 'Manual' : 'Automatic'}): ${settings}; ${deployment}`);
  }
  return out;
}

export function addPlanCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('plan')
      .description('print the AWS operations applying a file of RestApi/RestPath manifests would run, and whether a deployment would follow')
      .requiredOption('-f, --filename <file>', 'manifests to plan (- for standard input)')
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
      console.error(`plan: ${(error as Error).message}`);
      process.exitCode = 2;
    }
  });
}
