#!/usr/bin/env node
// restpath-operator's command line: the controller, diagnose and plan (from a laptop), import and
// export (OpenAPI documents and live APIs to manifests), its version, and the CRDs it serves.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { renderCrds } from '../api/crd-files.js';
import { API_VERSION } from '../api/common.js';
import { addControllerCommand } from './controller.js';
import { addDiagnoseCommand } from './diagnose.js';
import { addExportCommand } from './export.js';
import { addImportCommand } from './import.js';
import { addPlanCommand } from './plan.js';

// Set by the bundler (scripts/build/bundle.ts); unbundled (dist/ or tsx) it comes from package.json.
declare const __RESTPATH_VERSION__: string | undefined;
const version = typeof __RESTPATH_VERSION__ === 'string'
  ? __RESTPATH_VERSION__
  : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function buildCli(): Command {
  const program = new Command('restpath-operator')
    .description('Kubernetes operator for AWS API Gateway REST APIs (RestApi, RestPath, UsagePlan).')
    .showHelpAfterError();
  program
    .command('version')
    .description('print the operator version and the API version it serves')
    .action(() => {
      console.log(`restpath-operator ${version} (${API_VERSION}, node ${process.version})`);
    });
  program
    .command('crds')
    .description('print the CustomResourceDefinitions, e.g. restpath-operator crds | kubectl apply --server-side -f -')
    .action(() => {
      process.stdout.write(renderCrds().map((f) => f.text).join('---\n'));
    });
  addControllerCommand(program);
  addDiagnoseCommand(program);
  addPlanCommand(program);
  addImportCommand(program);
  addExportCommand(program);
  return program;
}

await buildCli().parseAsync(process.argv);
