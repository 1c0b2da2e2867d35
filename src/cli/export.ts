// `restpath-operator export --rest-api-id ID`: manifests for a live REST API (built by hand, SAM,
// Terraform or the aws CLI), a RestApi with adoptId and one RestPath per path with methods, for
// adoption and migration. Reads AWS with the caller's credentials in --region; the mapping is the
// pure export's (src/openapi/export.ts). Applied in a namespace the operator adopts in, the operator's
// plan for them writes only its ownership tags, unless a note says what else differs (a method
// response on a proxy integration, a name API Gateway allows and a RestApi does not):
// `restpath-operator plan -f DIR` shows it before anything is applied.
// Exit code 0, or 2 when it could not run.
import type { Command } from 'commander';
import { observeApi } from '../aws/observe.js';
import { observeStages } from '../aws/stages.js';
import { exportApi } from '../openapi/export.js';
import { describeNote } from '../openapi/notes.js';
import { connect, withConnectionOptions } from './connections.js';
import { writeManifests } from './manifest-files.js';
import { kubeErrorText } from '../kube/errors.js';

interface ExportFlags {
  restApiId: string;
  api?: string;
  namespace?: string;
  output?: string;
  kubeconfig?: string;
  region: string;
  awsEndpoint?: string;
}

export function addExportCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('export')
      .description('write a RestApi (adoptId) and RestPaths for a live REST API, for adoption and migration')
      .requiredOption('--rest-api-id <id>', 'the REST API to export')
      .option('--api <name>', "the RestApi's name (default: from the REST API's name)")
      .option('-n, --namespace <ns>', 'namespace to write into the manifests (one the operator adopts in: --adopt-namespaces)')
      .option('-o, --output <dir>', 'write one file per object into this directory (default: standard output)'),
  ).action(async (flags: ExportFlags) => {
    try {
      const c = connect(flags);
      const observed = await observeApi(c.caller, c.clients, flags.restApiId);
      const stages = (await observeStages(c.caller, c.clients, flags.restApiId)).map((s) => s.name);
      const result = await exportApi(observed, { stages, ...(flags.api ? { apiName: flags.api } : {}), ...(flags.namespace ? { namespace: flags.namespace } : {}) });
      const files = writeManifests([result.api, ...result.paths], result.notes, `exported from REST API ${flags.restApiId} in ${c.clients.region}`, flags.output);
      for (const n of result.notes) console.error(`note: ${describeNote(n)}`);
      console.error(`export: RestApi ${result.api.metadata.name} (adoptId ${flags.restApiId}) and ${result.paths.length} RestPath(s)${files.length > 0 ? ` in ${flags.output}` : ''}; ${result.notes.length} note(s)`);
    } catch (error) {
      console.error(`export: ${kubeErrorText(error)}`);
      process.exitCode = 2;
    }
  });
}
