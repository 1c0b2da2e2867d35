// Schemas -> API Gateway models. A request body or response that names a schema gets that schema as
// a model; an inline one gets a model named after its operation. Schemas are written as JSON Schema
// draft 4 (what API Gateway validates with): OpenAPI-only keywords are left out, nullable and const
// become their draft 4 forms, and a named schema inside another becomes {"$ref": "#/models/NAME"}.
// API Gateway creates a model only after the models it refers to, so a recursive schema cannot be
// one: the reference that closes the cycle accepts anything, and a note says so. The parser's dereferencing keeps one object per named schema,
// which is how a use is recognised as that schema. Pure.
import type { Model } from '../api/access.js';
import { isObj, list, namedSchemas, type Json, type Obj } from './document.js';
import { BUILT_IN_MODELS } from '../model/access.js';
import { modelName, UniqueNames } from './names.js';
import type { Notes } from './notes.js';

/** API Gateway's model quota per API, and the CRD's. */
export const MAX_MODELS = 100;
/** Keywords of OpenAPI's schema dialect with no meaning to a draft 4 validator. */
const DOCUMENTATION_ONLY = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator', 'readOnly', 'writeOnly', 'deprecated', 'nullable', '$schema', '$id', '$comment', 'contentMediaType', 'contentEncoding']);
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_SINGLES = ['not', 'additionalProperties', 'additionalItems'];

/** A schema that says no more than API Gateway's Empty and Error models. */
function isBuiltIn(schema: Obj): boolean {
  const { $schema: _s, title: _t, type, properties, ...rest } = schema;
  const only = Object.keys(rest).length === 0 && type === 'object';
  const message = isObj(properties) ? Object.keys(properties) : [];
  return only && (message.length === 0 || (message.length === 1 && message[0] === 'message' && isObj(properties) && isObj(properties.message) && properties.message.type === 'string'));
}

export class ModelCatalog {
  private readonly names = new UniqueNames('');
  private readonly named = new Map<Obj, string>();
  private readonly chosen = new Map<Obj, string>();
  private readonly out: Model[] = [];
  /** The named schemas being converted, outermost first: meeting one again closes a cycle. */
  private readonly converting: Obj[] = [];

  /** `keepNames`: an exported document's schemas are AWS's models, named as they are. */
  constructor(doc: Obj, private readonly notes: Notes, private readonly keepNames = false) {
    if (!keepNames) for (const builtIn of BUILT_IN_MODELS) this.names.claim(builtIn);
    for (const [key, schema] of namedSchemas(doc)) this.named.set(schema, key);
  }

  /** The model for a body or response schema, added on first use; undefined past the limit. */
  use(schema: Obj, inlineName: string, where: string): string | undefined {
    const known = this.chosen.get(schema);
    if (known) return known;
    if (this.out.length >= MAX_MODELS) {
      this.notes.add(where, 'OverLimit', `a schema would be model number ${this.out.length + 1}; an API has at most ${MAX_MODELS} models, so it is not checked here`);
      return undefined;
    }
    const key = this.named.get(schema);
    // The document's own copy of a built-in model (API Gateway's export writes them out) is the built-in.
    if (key !== undefined && ((BUILT_IN_MODELS.includes(key) && isBuiltIn(schema)) || this.keepNames)) return key;
    const name = this.names.claim(modelName(key ?? inlineName));
    if (key !== undefined && name !== key) this.notes.add(`schema ${key}`, 'Renamed', `model ${key} is named ${name} (letters and digits only, and not Empty or Error)`);
    this.chosen.set(schema, name);
    const model: Model = { name, contentType: 'application/json', schema: {} };
    this.out.push(model);
    this.converting.push(schema);
    model.schema = this.draft4(schema, schema, where, new Set()) as Record<string, unknown>;
    this.converting.pop();
    const description = typeof schema.description === 'string' ? schema.description.slice(0, 1024) : '';
    if (description) model.description = description;
    return name;
  }

  models(): Model[] {
    return this.out;
  }

  private draft4(schema: Obj, root: Obj, where: string, path: Set<Obj>): Json {
    // A named schema inside another, or inside itself (recursion), is a reference to its model.
    if (this.named.has(schema) && (schema !== root || path.size > 0)) {
      if (this.converting.includes(schema)) {
        const cycle = [...this.converting.slice(this.converting.indexOf(schema)), schema].map((s) => this.named.get(s)!).join(' -> ');
        this.notes.add(`schema ${this.named.get(schema)!}`, 'SchemaNotExpressible', `the schemas refer to each other in a cycle (${cycle}); API Gateway cannot create such models, so the reference that closes it accepts anything`);
        return {};
      }
      const name = this.use(schema, this.named.get(schema)!, where);
      return name ? { $ref: `#/models/${name}` } : {};
    }
    if (path.has(schema)) return {};
    path.add(schema);
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(schema)) {
      if (DOCUMENTATION_ONLY.has(k) || k.startsWith('x-')) continue;
      if (SCHEMA_MAPS.includes(k) && isObj(v)) out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, isObj(s) ? this.draft4(s, root, where, path) : {}]));
      else if (SCHEMA_LISTS.includes(k)) out[k] = list(v).map((s) => (isObj(s) ? this.draft4(s, root, where, path) : {}));
      else if ((SCHEMA_SINGLES.includes(k) || k === 'items') && isObj(v)) out[k] = this.draft4(v, root, where, path);
      else if (k === 'items' && Array.isArray(v)) out[k] = v.map((s) => (isObj(s) ? this.draft4(s, root, where, path) : {}));
      else if (k === 'const') out.enum = [v as Json];
      else if ((k === 'exclusiveMinimum' || k === 'exclusiveMaximum') && typeof v === 'number') {
        out[k === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = v;
        out[k] = true;
      } else out[k] = v as Json;
    }
    if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
    path.delete(schema);
    return out;
  }
}
