// Renders the CRDs as the YAML files committed under crds/.
import { stringify } from 'yaml';
import { allCustomResourceDefinitions } from './crds.js';

const HEADER = '# Generated from src/api by `npm run crds`. Do not edit: change the TypeBox schema instead.\n';

export function renderCrdFiles(): { fileName: string; text: string }[] {
  return allCustomResourceDefinitions().map(({ fileName, crd }) => ({
    fileName,
    text: HEADER + stringify(crd, { lineWidth: 0 }),
  }));
}
