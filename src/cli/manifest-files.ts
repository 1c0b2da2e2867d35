// Writing generated manifests: one YAML stream to standard output, or one file per object in a
// directory (kubectl apply -f DIR), with the notes on what was left out at the top where a reviewer
// reads first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describeNote, type ImportNote } from '../openapi/notes.js';

interface Named {
  kind: string;
  metadata: { name: string };
}

const comment = (notes: readonly ImportNote[], header: string): string =>
  notes.length === 0 ? `# ${header}: everything was expressed\n` : [`# ${header}: ${notes.length} note(s), not expressed or changed:`, ...notes.map((n) => `#   ${describeNote(n)}`)].join('\n') + '\n';

/**
 * One object as YAML kubectl reads back exactly: 1.1 quoting (an unquoted 2012-10-17 is a date there,
 * yes a boolean) and no block scalars (kubectl's parser refuses a tab that starts a line of one).
 */
export function manifestYaml(o: object): string {
  return stringify(o, { lineWidth: 0, version: '1.1', blockQuote: false });
}

/** Returns the files written (none for standard output). */
export function writeManifests(objects: readonly Named[], notes: readonly ImportNote[], header: string, dir?: string): string[] {
  const yaml = (o: Named) => manifestYaml(o);
  if (!dir) {
    process.stdout.write(comment(notes, header) + objects.map(yaml).join('---\n'));
    return [];
  }
  mkdirSync(dir, { recursive: true });
  const files = objects.map((o, i) => {
    const file = join(dir, `${String(i).padStart(3, '0')}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`);
    writeFileSync(file, (i === 0 ? comment(notes, header) : '') + yaml(o));
    return file;
  });
  writeFileSync(join(dir, 'NOTES.txt'), comment(notes, header).replace(/^# ?/gm, ''));
  return files;
}
