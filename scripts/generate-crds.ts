// Writes crds/*.yaml from the TypeBox schemas in src/api (the one source of truth).
// Usage: npm run crds            (write)
//        npm run crds -- --check (exit 1 when crds/ differs from what would be written)
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { renderCrdFiles } from '../src/api/crd-files.js';

const dir = join(import.meta.dirname, '..', 'crds');
const check = process.argv.includes('--check');
await mkdir(dir, { recursive: true });
let stale = 0;
for (const { fileName, text } of renderCrdFiles()) {
  const path = join(dir, fileName);
  const current = await readFile(path, 'utf8').catch(() => '');
  if (current === text) continue;
  stale += 1;
  if (check) console.error(`${path} is out of date: run npm run crds`);
  else await writeFile(path, text);
}
if (check && stale > 0) process.exit(1);
console.log(check ? 'crds/ is up to date' : `wrote ${stale} CRD file(s) to ${dir}`);
