// Writes crds/*.yaml from the TypeBox schemas in src/api (the one source of truth), and the same CRDs
// into the Helm chart's crds/ (charts/restpath-operator/crds/: a chart cannot read files outside itself,
// and Helm installs every file there as a CRD, so it gets no kustomization.yaml), and docs/reference.md
// (every field and CEL rule, src/api/reference.ts).
// Usage: npm run crds            (write)
//        npm run crds -- --check (exit 1 when a CRD folder differs from what would be written)
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { renderCrdFiles, renderCrds } from '../src/api/crd-files.js';
import { renderReference } from '../src/api/reference.js';

const repo = join(import.meta.dirname, '..');
const targets = [
  { dir: join(repo, 'crds'), files: renderCrdFiles() },
  { dir: join(repo, 'charts', 'restpath-operator', 'crds'), files: renderCrds() },
  // The field reference users read, from the same CRDs.
  { dir: join(repo, 'docs'), files: [{ fileName: 'reference.md', text: renderReference() }] },
];
const check = process.argv.includes('--check');
let stale = 0;
for (const { dir, files } of targets) {
  await mkdir(dir, { recursive: true });
  for (const { fileName, text } of files) {
    const path = join(dir, fileName);
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current === text) continue;
    stale += 1;
    if (check) console.error(`${path} is out of date: run npm run crds`);
    else await writeFile(path, text);
  }
}
if (check && stale > 0) process.exit(1);
console.log(check ? 'crds/ and the chart\'s crds/ are up to date' : `wrote ${stale} file(s) to ${targets.map((t) => t.dir).join(' and ')}`);
