// deploy/argocd/argocd-cm.yaml from the health checks in deploy/argocd/health/: one key
// resource.customizations.health.<group>_<kind> per file, its value exactly the file's text, so the
// Lua that is tested is the Lua users install. test/unit/argocd/argocd-cm.test.ts fails when they drift.
// Usage: npx tsx scripts/argocd-cm.ts            (write)
//        npx tsx scripts/argocd-cm.ts --check    (exit 1 when argocd-cm.yaml is stale)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';

const ARGOCD = join(import.meta.dirname, '..', 'deploy', 'argocd');
export const ARGOCD_CM = join(ARGOCD, 'argocd-cm.yaml');

const HEADER = `# Argo CD health checks for restpath-operator's kinds (RestApi, RestPath, UsagePlan, DomainName, AwsAccount).
# Generated from deploy/argocd/health/*.lua by scripts/argocd-cm.ts: edit those files, not this one.
# Merge it into Argo CD's ConfigMap (docs/gitops-argocd.md):
#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file deploy/argocd/argocd-cm.yaml
`;

/** The health scripts by their argocd-cm key, in file-name order. */
export function healthScripts(): { key: string; file: string; text: string }[] {
  return readdirSync(join(ARGOCD, 'health'))
    .filter((f) => f.endsWith('.lua'))
    .sort()
    .map((f) => ({ key: `resource.customizations.health.${f.replace(/\.lua$/, '')}`, file: join(ARGOCD, 'health', f), text: readFileSync(join(ARGOCD, 'health', f), 'utf8') }));
}

export function renderArgocdCm(): string {
  // No namespace: Argo CD runs in argocd by default but not always; kubectl -n says where.
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' } },
    data: Object.fromEntries(healthScripts().map((s) => [s.key, s.text])),
  };
  // Literal blocks, never folded: the values must stay byte for byte the Lua files.
  return HEADER + stringify(cm, { lineWidth: 0, blockQuote: 'literal' });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = renderArgocdCm();
  const current = (() => {
    try {
      return readFileSync(ARGOCD_CM, 'utf8');
    } catch {
      return '';
    }
  })();
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${ARGOCD_CM} is out of date: run npx tsx scripts/argocd-cm.ts`);
      process.exit(1);
    }
    console.log('deploy/argocd/argocd-cm.yaml is up to date');
  } else {
    writeFileSync(ARGOCD_CM, text);
    console.log(`wrote ${ARGOCD_CM}`);
  }
}
