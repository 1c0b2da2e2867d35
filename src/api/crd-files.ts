// Renders the CRDs as the YAML files committed under crds/.
import { stringify } from 'yaml';
import { allCustomResourceDefinitions } from './crds.js';

const HEADER = '# Generated from src/api by `npm run crds`. Do not edit: change the TypeBox schema instead.\n';

export function renderCrdFiles(): { fileName: string; text: string }[] {
  const crds = allCustomResourceDefinitions().map(({ fileName, crd }) => ({
    fileName,
    text: HEADER + stringify(crd, { lineWidth: 0 }),
  }));
  // A kustomization, so deploy/ can include the CRDs as a base (kustomize loads no loose files from outside its root).
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: crds.map((c) => c.fileName) };
  return [...crds, { fileName: 'kustomization.yaml', text: HEADER + stringify(kustomization) }];
}

/** Only the CRDs (for `restpath-operator crds`). */
export function renderCrds(): { fileName: string; text: string }[] {
  return renderCrdFiles().filter((f) => f.fileName !== 'kustomization.yaml');
}
