// `npm run build`, second step: the compiled CLI (dist/cli/main.js, from tsc) and the production
// dependencies it imports, bundled into one ES module, dist/restpath-operator.mjs, which the image
// and the Deployment run. Why a bundle: @kubernetes/client-node's entry point loads every generated
// API class (about 28 MB of JavaScript; V8 keeps each module's source to compile it lazily), of which
// the operator uses five. The bundle keeps what is reachable: the idle operator's RSS drops by about a
// quarter (bench/controller.ts). It is not minified, so stack traces keep their function names.
//
// Also written: dist/restpath-operator.packages.json, the packages (name@version) whose code is in the
// bundle (the image test checks that each is a production dependency), and their license files in
// dist/restpath-operator.licenses.txt (a bundle drops the LICENSE files node_modules would carry).
import { execFileSync } from 'node:child_process';
import { build, type Plugin } from 'esbuild';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
const out = join(repo, 'dist', 'restpath-operator.mjs');

// The bundle holds the production dependencies only. A module that merely tries an optional package
// (debug's `try { require('supports-color') }`) would otherwise get whatever a dev dependency put in
// node_modules; such a package stays an import that fails at run time, as in a production install.
const production = new Set(
  execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repo, encoding: 'utf8' }).trim().split('\n').slice(1),
);
const productionOnly: Plugin = {
  name: 'production-dependencies-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'inner' || args.path.startsWith('node:')) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
      const dir = resolved.path && /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(resolved.path)?.[1];
      return dir && !production.has(dir) ? { path: args.path, external: true } : undefined;
    });
  },
};

const result = await build({
  entryPoints: [join(repo, 'dist', 'cli', 'main.js')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node26',
  metafile: true,
  legalComments: 'none', // the license files themselves go to restpath-operator.licenses.txt
  logLevel: 'warning',
  plugins: [productionOnly],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __restpathCreateRequire } from 'node:module';\nconst require = __restpathCreateRequire(import.meta.url);" },
  // The CLI reads its version from package.json next to dist/ when unbundled; the bundle carries it.
  define: { __RESTPATH_VERSION__: JSON.stringify(pkg.version) },
  // tr46 (under node-fetch, under client-node) asks for the deprecated built-in punycode (DEP0040:
  // a warning on every start); the npm package of the same name is its drop-in replacement.
  alias: { punycode: 'punycode/' },
});

// node_modules/<name>/... or node_modules/@scope/<name>/..., innermost node_modules wins.
const packageDir = (input: string): string | undefined => {
  const m = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? join(repo, input.slice(0, m.index + m[0].length)) : undefined;
};
const dirs = new Map<string, string>(); // name@version -> folder
for (const input of Object.keys(result.metafile.inputs)) {
  const dir = packageDir(input);
  if (!dir) continue;
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  dirs.set(`${meta.name}@${meta.version}`, dir);
}
const packages = [...dirs.keys()].sort();
writeFileSync(join(repo, 'dist', 'restpath-operator.packages.json'), `${JSON.stringify(packages, null, 2)}\n`);
const licenseText = (dir: string): string => {
  const file = readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
  if (file) return readFileSync(join(dir, file), 'utf8').trim();
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { license?: string };
  return `(no license file in the package; package.json says: ${meta.license ?? 'nothing'})`;
};
writeFileSync(join(repo, 'dist', 'restpath-operator.licenses.txt'),
  packages.map((p) => `${'='.repeat(78)}\n${p}\n${'='.repeat(78)}\n${licenseText(dirs.get(p)!)}\n`).join('\n'));

const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('.mjs'))!]!.bytes;
console.log(`bundled ${Object.keys(result.metafile.inputs).length} modules of ${packages.length} packages into dist/restpath-operator.mjs (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
