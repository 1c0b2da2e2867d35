// An OpenAPI 3.x or Swagger 2.0 document (validated and dereferenced by the parser) -> one RestApi
// and one RestPath per path, with notes for everything that could not be expressed. The same function
// serves `import` (a document someone wrote) and `export` (a document rendered from a live API, with
// adoptId). Pure.
import { API_VERSION } from '../api/common.js';
import type { RestApi, RestApiSpec } from '../api/rest-api.js';
import type { Method, RestPath } from '../api/rest-path.js';
import { apiLevelOf } from './api-level.js';
import { corsOfPreflight } from './cors.js';
import { list, obj, operationsOf, securitySchemes, specVersion, str, UNSUPPORTED_OPERATIONS, X, type Obj } from './document.js';
import type { MissingIntegration } from './integration.js';
import { dnsLabel, fitted, restPathName, UniqueNames } from './names.js';
import { Notes, type ImportNote } from './notes.js';
import { methodOf, type OperationContext } from './operation.js';
import { DEFAULT_RESOURCES_PER_API } from '../model/resource-limit.js';
import { pathPrefixes, splitPath } from '../model/shapes.js';
import { ModelCatalog } from './schemas.js';
import { securityOf } from './security.js';

const SEGMENT = /^([a-zA-Z0-9._:-]+|\{[a-zA-Z0-9._-]+\+?\})$/;

export interface ImportOptions {
  /** The RestApi's metadata.name; default: from info.title. */
  apiName?: string;
  namespace?: string;
  missingIntegration: MissingIntegration;
  /** Export: the live REST API the RestApi adopts. */
  adoptId?: string;
  /** Turn CORS preflight methods into the RestPath's cors (import: yes; export keeps them as they are). */
  corsFromPreflights?: boolean;
  /** RestApi fields the document cannot carry (export: endpointType, tags, the models as AWS has them); they win. */
  apiSpec?: Partial<RestApiSpec>;
  /**
   * The document is an export of a live API (export.ts): keep what it says as AWS has it (path
   * parameters as declared, no path variables added, a MOCK's httpMethod, model names).
   */
  asExported?: boolean;
}

export interface ImportResult {
  api: RestApi;
  paths: RestPath[];
  notes: ImportNote[];
}

/** The path as a RestPath holds it, or why it cannot be one. */
export function restPathOf(path: string): { path: string } | { problem: string } {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (!trimmed.startsWith('/')) return { problem: "a path must start with '/'" };
  if (trimmed === '/') return { path: '/' };
  const segments = trimmed.slice(1).split('/');
  const bad = segments.find((s) => !SEGMENT.test(s));
  if (bad !== undefined) return { problem: `segment ${JSON.stringify(bad)} is neither letters, digits and ._:- nor one whole variable such as {id}` };
  if (segments.slice(0, -1).some((s) => s.endsWith('+}'))) return { problem: 'a greedy variable such as {proxy+} must be the last segment' };
  return { path: trimmed };
}

export function importDocument(doc: Obj, options: ImportOptions): ImportResult {
  const notes = new Notes();
  const version = specVersion(doc);
  const info = obj(doc.info);
  const title = str(info.title) ?? '';
  const apiName = options.apiName ?? (fitted(dnsLabel(title)) || 'imported-api');
  const level = apiLevelOf(doc, notes);
  const security = securityOf(securitySchemes(doc), notes);
  const asExported = options.asExported ?? false;
  const models = new ModelCatalog(doc, notes, asExported);
  const basePath = str(doc.basePath);
  if (basePath && basePath !== '/') notes.add('basePath', 'PathNotExpressible', `basePath ${basePath} is not part of the paths (API Gateway's basepath=ignore); serve it with a DomainName mapping of that base path`);
  const context: Omit<OperationContext, 'path'> = {
    proxyResponses: [], version, models, security, notes, defaultSecurity: doc.security, missingIntegration: options.missingIntegration,
    defaultValidator: str(doc[`${X}request-validator`]), validators: level.validatorNames, asExported,
    consumes: list(doc.consumes).filter((t): t is string => typeof t === 'string'),
    produces: list(doc.produces).filter((t): t is string => typeof t === 'string'),
  };
  const pathNames = new UniqueNames('-', (n) => fitted(n));
  const variableChild = new Map<string, string>();
  const seen = new Set<string>();
  const resources = new Set<string>();
  const paths: RestPath[] = [];
  // In the document's order: where two paths cannot both be, the first is kept.
  for (const [rawPath, value] of Object.entries(obj(doc.paths))) {
    const where = `paths.${rawPath}`;
    const parsed = restPathOf(rawPath);
    if ('problem' in parsed) {
      notes.add(where, 'PathNotExpressible', `${parsed.problem}: the path is not imported`);
      continue;
    }
    const path = parsed.path;
    if (seen.has(path)) {
      notes.add(where, 'PathNotExpressible', `${path} is already imported (a trailing '/' names the same resource): not imported twice`);
      continue;
    }
    const clash = siblingClash(path, variableChild);
    if (clash) {
      notes.add(where, 'PathNotExpressible', `${clash}: the path is not imported`);
      continue;
    }
    const item = obj(value);
    for (const key of UNSUPPORTED_OPERATIONS) if (item[key] !== undefined) notes.add(`${where}.${key}`, 'OperationNotSupported', `REST APIs have no ${key.toUpperCase()} method: left out`);
    const methods: Method[] = [];
    for (const { key, httpMethod, op } of operationsOf(item)) {
      const m = methodOf(httpMethod, op, list(item.parameters), `${where}.${key}`, { ...context, path });
      if (m) methods.push(m);
    }
    const preflight = options.corsFromPreflights === false ? undefined : methods.find((m) => corsOfPreflight(m));
    const cors = preflight ? corsOfPreflight(preflight) : undefined;
    // A path with nothing but a preflight keeps it as a method: cors needs a method to apply to.
    const declared = preflight && methods.length > 1 ? methods.filter((m) => m !== preflight) : methods;
    if (declared.length === 0) {
      if (operationsOf(item).length === 0) notes.add(where, 'PathNotExpressible', 'the path has no operations: a RestPath needs at least one method');
      continue;
    }
    recordVariables(path, variableChild);
    seen.add(path);
    for (const p of pathPrefixes(path)) resources.add(p);
    paths.push({
      apiVersion: API_VERSION,
      kind: 'RestPath',
      metadata: { name: pathNames.claim(restPathName(apiName, path)), ...(options.namespace ? { namespace: options.namespace } : {}) },
      spec: { restApiRef: { name: apiName }, path, methods: declared, ...(cors && declared !== methods ? { cors } : {}) },
    });
  }
  if (context.proxyResponses.length > 0) {
    notes.add('paths', 'ResponseNotExpressible', asExported
      ? `${context.proxyResponses.length} method(s) with a proxy integration have method responses in AWS, which a RestPath cannot declare (a proxy passes the backend's response through): applying these manifests deletes them, e.g. at ${context.proxyResponses[0]!}`
      : `the responses of ${context.proxyResponses.length} operation(s) with a proxy integration are documentation only (the backend's response is passed through; a RestPath declares none), e.g. ${context.proxyResponses[0]!}`);
  }
  if (resources.size + 1 > DEFAULT_RESOURCES_PER_API) notes.add('paths', 'OverLimit', `${resources.size + 1} resources (the root included); API Gateway allows ${DEFAULT_RESOURCES_PER_API} per API unless the quota is raised (the operator's --resources-per-api)`);
  const description = str(info.description) ?? '';
  if (description.length > 1024) notes.add('info.description', 'OverLimit', 'the description is longer than 1024 characters: cut');
  const spec: RestApiSpec = {
    ...(title ? { name: title.slice(0, 1024) } : {}),
    ...(description ? { description: description.slice(0, 1024) } : {}),
    ...(options.adoptId ? { adoptId: options.adoptId } : {}),
    ...(level.binaryMediaTypes.length > 0 ? { binaryMediaTypes: level.binaryMediaTypes } : {}),
    ...(level.gatewayResponses.length > 0 ? { gatewayResponses: level.gatewayResponses } : {}),
    ...(security.authorizers.length > 0 ? { authorizers: security.authorizers } : {}),
    ...(models.models().length > 0 ? { models: models.models() } : {}),
    ...(level.requestValidators.length > 0 ? { requestValidators: level.requestValidators } : {}),
    ...(level.policy ? { policy: level.policy } : {}),
    ...options.apiSpec,
  };
  const api: RestApi = { apiVersion: API_VERSION, kind: 'RestApi', metadata: { name: apiName, ...(options.namespace ? { namespace: options.namespace } : {}) }, spec };
  noteSize(api, notes);
  return { api, paths, notes: notes.items };
}

/** A resource has at most one variable child: /a/{id} and /a/{name} cannot both exist. */
/** kubectl's client-side apply keeps the whole object in a 256 KiB annotation; etcd holds 1.5 MiB. */
const CLIENT_SIDE_APPLY_MAX = 262_144;
const ETCD_MAX = 1_572_864;

function noteSize(api: RestApi, notes: Notes): void {
  const bytes = Buffer.byteLength(JSON.stringify(api));
  const kib = Math.ceil(bytes / 1024);
  if (bytes > ETCD_MAX) notes.add('components.schemas', 'OverLimit', `the RestApi is ${kib} KiB, more than etcd holds (1.5 MiB): no apply stores it; leave out models the methods do not need`);
  else if (bytes > CLIENT_SIDE_APPLY_MAX) notes.add('components.schemas', 'OverLimit', `the RestApi is ${kib} KiB (its models, mostly): kubectl apply refuses it client-side (256 KiB of last-applied annotation); apply it with kubectl apply --server-side`);
}

function siblingClash(path: string, variableChild: Map<string, string>): string | undefined {
  const prefixes = pathPrefixes(path);
  const found = prefixes.map((p) => {
    const { parentPath: parent, pathPart: part } = splitPath(p);
    const known = variableChild.get(parent);
    return part.startsWith('{') && known !== undefined && known !== part ? `${parent} already has the variable child ${known}; API Gateway allows one, so ${part} cannot be added` : undefined;
  }).find(Boolean);
  return found;
}

function recordVariables(path: string, variableChild: Map<string, string>): void {
  for (const p of pathPrefixes(path)) {
    const { parentPath, pathPart } = splitPath(p);
    if (pathPart.startsWith('{')) variableChild.set(parentPath, pathPart);
  }
}
