// Building API Gateway patch operations from two normalized values.
import type { BoolMap, StringMap } from '../model/shapes.js';
import type { PatchOperation } from './operations.js';

/** JSON-pointer escaping API Gateway uses for keys inside a patch path. */
export function escapeKey(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function unescapeKey(key: string): string {
  return key.replaceAll('~1', '/').replaceAll('~0', '~');
}

export function replaceIfChanged(path: string, from: string | number | boolean, to: string | number | boolean): PatchOperation[] {
  return from === to ? [] : [{ op: 'replace', path, value: String(to) }];
}

/** add/replace/remove operations that turn map `from` into map `to` under `prefix`. */
export function mapPatch(prefix: string, from: StringMap | BoolMap, to: StringMap | BoolMap): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const key of Object.keys(to).sort()) {
    const value = String(to[key]);
    if (!(key in from)) ops.push({ op: 'add', path: `${prefix}/${escapeKey(key)}`, value });
    else if (String(from[key]) !== value) ops.push({ op: 'replace', path: `${prefix}/${escapeKey(key)}`, value });
  }
  for (const key of Object.keys(from).sort()) {
    if (!(key in to)) ops.push({ op: 'remove', path: `${prefix}/${escapeKey(key)}` });
  }
  return ops;
}

/** add/remove operations on `path` with the element as the value (authorizationScopes, providerARNs). */
export function valueSetPatch(path: string, from: readonly string[], to: readonly string[]): PatchOperation[] {
  return [
    ...to.filter((v) => !from.includes(v)).map((value): PatchOperation => ({ op: 'add', path, value })),
    ...from.filter((v) => !to.includes(v)).map((value): PatchOperation => ({ op: 'remove', path, value })),
  ];
}

/** add/remove operations that turn set `from` into set `to`, one element per operation. */
export function setPatch(prefix: string, from: string[], to: string[]): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const v of to) if (!from.includes(v)) ops.push({ op: 'add', path: `${prefix}/${escapeKey(v)}` });
  for (const v of from) if (!to.includes(v)) ops.push({ op: 'remove', path: `${prefix}/${escapeKey(v)}` });
  return ops;
}
