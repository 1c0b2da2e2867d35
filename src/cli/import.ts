// `restpath-operator import -f spec.yaml`: an OpenAPI 3.0/3.1 or Swagger 2.0 document -> a RestApi and
// one RestPath per path. The document is validated and its $refs resolved by swagger-parser; the
// conversion is the pure importer's (src/openapi). What could not be expressed is listed on standard
// error and atop the manifests. Exit code 0; 1 with --fail-on-notes when something was not expressed;
// 2 when the document could not be read.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Command } from 'commander';
import { importDocument } from '../openapi/import.js';
import type { MissingIntegration } from '../openapi/integration.js';
import { describeNote } from '../openapi/notes.js';
import type { Obj } from '../openapi/document.js';
import { writeManifests } from './manifest-files.js';

/** The document validated (OpenAPI's own schema) and dereferenced, or the parser's reason. */
export async function readOpenApi(file: string): Promise<Obj> {
  try {
    return (await SwaggerParser.validate(file)) as unknown as Obj;
  } catch (error) {
    throw new Error(`${file} is not a valid OpenAPI or Swagger document: ${error instanceof Error ? error.message.split('\n').slice(0, 6).join('; ') : String(error)}`, { cause: error });
  }
}

interface ImportFlags {
  filename: string;
  api?: string;
  namespace?: string;
  output?: string;
  backend?: string;
  failOnNotes?: boolean;
}

export function addImportCommand(program: Command): void {
  program
    .command('import')
    .description('turn an OpenAPI 3.x or Swagger 2.0 document into a RestApi and one RestPath per path')
    .requiredOption('-f, --filename <file>', 'the document (YAML or JSON)')
    .option('--api <name>', "the RestApi's name (default: from info.title)")
    .option('-n, --namespace <ns>', 'namespace to write into the manifests (default: none, kubectl -n decides)')
    .option('-o, --output <dir>', 'write one file per object into this directory (default: standard output)')
    .option('--backend <url>', 'operations without x-amazon-apigateway-integration get HTTP_PROXY to this base URL plus their path (default: MOCK answering 501)')
    .option('--fail-on-notes', 'exit 1 when anything was not expressed')
    .action(async (flags: ImportFlags) => {
      try {
        if (flags.backend && !/^https?:\/\/[^/\s]+/.test(flags.backend)) throw new Error(`--backend ${flags.backend} is not an http:// or https:// URL`);
        const doc = await readOpenApi(flags.filename);
        const missingIntegration: MissingIntegration = flags.backend ? { kind: 'http-proxy', baseUrl: flags.backend } : { kind: 'mock' };
        const result = importDocument(doc, { missingIntegration, ...(flags.api ? { apiName: flags.api } : {}), ...(flags.namespace ? { namespace: flags.namespace } : {}) });
        const files = writeManifests([result.api, ...result.paths], result.notes, `imported from ${flags.filename}`, flags.output);
        for (const n of result.notes) console.error(`note: ${describeNote(n)}`);
        console.error(`import: RestApi ${result.api.metadata.name} and ${result.paths.length} RestPath(s)${files.length > 0 ? ` in ${flags.output}` : ''}; ${result.notes.length} note(s)`);
        if (flags.failOnNotes && result.notes.length > 0) process.exitCode = 1;
      } catch (error) {
        console.error(`import: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 2;
      }
    });
}
