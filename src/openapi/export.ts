// A live REST API (as the operator observes it) -> a RestApi with adoptId and one RestPath per path
// with methods: rendered as the OpenAPI document API Gateway would export, then imported, so export
// and import are one mapping read both ways. What the manifests do not declare (stages, resources
// without methods) is noted: the operator leaves it as it is. Pure but for the parser's in-memory
// dereferencing.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Model } from '../api/access.js';
import { OWNERSHIP_TAG_PREFIX } from '../api/common.js';
import { freshAccess, type ObservedApi } from '../model/state.js';
import { canonicalJson, parseAwsJson, withModelNames } from '../model/access.js';
import type { Obj } from './document.js';
import { importDocument, type ImportResult } from './import.js';
import { dnsLabel, fitted } from './names.js';
import { capped } from './notes.js';
import { renderOpenApi } from './render.js';

const MAX_TAGS = 40;

export interface ExportOptions {
  apiName?: string;
  namespace?: string;
  /** Stage names in AWS, for the note that they are left as they are. */
  stages?: readonly string[];
}

const BUILT_IN = freshAccess().models;

/** The models as AWS has them (the built-ins left out unless changed), their references as #/models/NAME. */
function modelsOf(api: ObservedApi): Model[] {
  return Object.entries(api.models)
    .filter(([name, m]) => !(BUILT_IN[name] && canonicalJson(parseAwsJson(BUILT_IN[name].schema)) === canonicalJson(parseAwsJson(m.schema))))
    .map(([name, m]) => ({
      name,
      contentType: m.contentType,
      ...(m.description ? { description: m.description } : {}),
      schema: (withModelNames(parseAwsJson(m.schema) ?? {}) ?? {}) as Record<string, unknown>,
    }));
}

export async function exportApi(api: ObservedApi, options: ExportOptions = {}): Promise<ImportResult> {
  const { document, notes } = renderOpenApi(api);
  // The models travel as AWS has them (apiSpec.models): the document's schemas only need to be there
  // for the operations' references to name them, so a schema's own references (or one to a file or
  // URL) are never resolved.
  const components = document.components as { schemas?: Record<string, unknown> } | undefined;
  if (components?.schemas) components.schemas = Object.fromEntries(Object.keys(components.schemas).map((name) => [name, { title: name }]));
  const dereferenced = (await SwaggerParser.dereference(structuredClone(document) as never, { resolve: { external: false } })) as unknown as Obj;
  const userTags = Object.entries(api.tags).filter(([k]) => !k.startsWith(OWNERSHIP_TAG_PREFIX) && !k.startsWith('aws:'));
  const tags = Object.fromEntries(capped(userTags, MAX_TAGS, 'tags', 'tags (a RestApi declares 40)', notes));
  if (api.settings.endpointType === 'PRIVATE' && !api.resourcePolicy) notes.add('policy', 'InvalidValue', 'a PRIVATE API without a resource policy serves nobody, and a RestApi must declare one (spec.policy): add it before applying');
  const models = modelsOf(api);
  const result = importDocument(dereferenced, {
    apiName: options.apiName ?? (fitted(dnsLabel(api.settings.name)) || api.id),
    ...(options.namespace ? { namespace: options.namespace } : {}),
    adoptId: api.id,
    missingIntegration: { kind: 'mock' },
    corsFromPreflights: false,
    asExported: true,
    apiSpec: {
      name: api.settings.name,
      ...(api.settings.description ? { description: api.settings.description } : {}),
      endpointType: api.settings.endpointType,
      ...(api.settings.vpcEndpointIds.length > 0 ? { vpcEndpointIds: api.settings.vpcEndpointIds } : {}),
      ...(Object.keys(tags).length > 0 ? { tags } : {}),
      ...(models.length > 0 ? { models } : {}),
    },
  });
  const withMethods = new Set(api.methods.map((m) => m.path));
  const bare = api.resources.filter((r) => !withMethods.has(r.path) && !api.resources.some((c) => c.parentId === r.id));
  for (const r of bare) notes.add(`resource ${r.path}`, 'LeftAsIs', `${r.path} (${r.id}) has no methods: a RestPath needs one, so it is not declared and stays as it is`);
  if (options.stages?.length) notes.add('stages', 'LeftAsIs', `stages ${options.stages.join(', ')} are not declared (the operator leaves undeclared stages alone; add spec.stages to manage them, and they are deployed on every change)`);
  return { ...result, notes: [...notes.items, ...result.notes] };
}
