// Reading an OpenAPI 3.x or Swagger 2.0 document the parser has validated and dereferenced: small,
// typed accessors over plain JSON (the importer never trusts a field's type), the operations of a path
// item and the version differences the importer needs. Pure.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: unknown };

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A map of strings, the other values left out. */
export function strings(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(obj(v)).flatMap(([k, x]) => (typeof x === 'string' ? [[k, x] as const] : [])));
}

/** The API Gateway extension prefix: x-amazon-apigateway-integration and the rest. */
export const X = 'x-amazon-apigateway-';

export type SpecVersion = 'swagger2' | 'openapi3';
export function specVersion(doc: Obj): SpecVersion {
  return str(doc.swagger)?.startsWith('2.') ? 'swagger2' : 'openapi3';
}

/** OpenAPI operation keys and the REST API method each becomes. */
export const OPERATION_METHODS: Readonly<Record<string, string>> = {
  get: 'GET', put: 'PUT', post: 'POST', delete: 'DELETE', patch: 'PATCH', head: 'HEAD', options: 'OPTIONS', [`${X}any-method`]: 'ANY',
};
/** Operation keys API Gateway REST APIs have no method for. */
export const UNSUPPORTED_OPERATIONS = ['trace', 'query'] as const;

export interface Operation {
  key: string;
  httpMethod: string;
  op: Obj;
}

export function operationsOf(pathItem: Obj): Operation[] {
  return Object.entries(OPERATION_METHODS).flatMap(([key, httpMethod]) => (isObj(pathItem[key]) ? [{ key, httpMethod, op: pathItem[key] }] : []));
}

/** The named schemas: components.schemas (3.x) or definitions (2.0). */
export function namedSchemas(doc: Obj): [string, Obj][] {
  const schemas = specVersion(doc) === 'swagger2' ? obj(doc.definitions) : obj(obj(doc.components).schemas);
  return Object.entries(schemas).flatMap(([k, v]) => (isObj(v) ? [[k, v] as [string, Obj]] : []));
}

/** The security schemes: components.securitySchemes (3.x) or securityDefinitions (2.0). */
export function securitySchemes(doc: Obj): Record<string, Obj> {
  const schemes = specVersion(doc) === 'swagger2' ? obj(doc.securityDefinitions) : obj(obj(doc.components).securitySchemes);
  return Object.fromEntries(Object.entries(schemes).filter(([, v]) => isObj(v))) as Record<string, Obj>;
}
