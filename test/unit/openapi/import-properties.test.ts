// Properties of the importer over generated documents: nothing is dropped without a note, every
// RestPath is one the CRD accepts by its path rules, and names are unique DNS labels.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importDocument, restPathOf } from '../../../src/openapi/import.js';

const segment = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}$/),
  fc.stringMatching(/^[a-z]{1,6}$/).map((v) => `{${v}}`),
  fc.constantFrom('{proxy+}', 'a b', '{x}.json', 'ümlaut', ''),
);
const rawPath = fc.array(segment, { minLength: 0, maxLength: 4 }).chain((parts) => fc.constantFrom(`/${parts.join('/')}`, `/${parts.join('/')}/`));
const operationKey = fc.constantFrom('get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace', 'x-amazon-apigateway-any-method');
const integration = fc.oneof(
  fc.constant(undefined),
  fc.constant({ type: 'http_proxy', httpMethod: 'GET', uri: 'https://backend.example.com/x' }),
  fc.constant({ type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }),
  fc.constant({ type: 'sideways', uri: 'nowhere' }),
);
const pathItem = fc.dictionary(operationKey, integration.map((x) => ({ responses: { '200': { description: 'ok' } }, ...(x ? { 'x-amazon-apigateway-integration': x } : {}) })), { minKeys: 0, maxKeys: 4 });
const documents = fc.record({ title: fc.string({ maxLength: 40 }), paths: fc.dictionary(rawPath, pathItem, { maxKeys: 12 }) }).map(({ title, paths }) => ({ openapi: '3.0.3', info: { title, version: '1' }, paths }));

describe('importDocument over generated documents', () => {
  it('imports each path and operation or notes why not', () => {
    fc.assert(fc.property(documents, (doc) => {
      const r = importDocument(doc, { missingIntegration: { kind: 'mock' } });
      const noted = (where: string) => r.notes.some((n) => n.where === where || n.where.startsWith(`${where}.`));
      for (const [raw, item] of Object.entries(doc.paths)) {
        const parsed = restPathOf(raw);
        const restPath = 'path' in parsed ? r.paths.find((p) => p.spec.path === parsed.path) : undefined;
        if (!restPath) {
          expect(noted(`paths.${raw}`) || ('path' in parsed && raw !== parsed.path), `${raw} is neither imported nor noted`).toBe(true);
          continue;
        }
        for (const key of Object.keys(item)) {
          const method = key === 'x-amazon-apigateway-any-method' ? 'ANY' : key.toUpperCase();
          const kept = restPath.spec.methods.some((m) => m.httpMethod === method) || (method === 'OPTIONS' && restPath.spec.cors !== undefined);
          if (restPath.metadata.name && raw === restPath.spec.path) expect(kept || noted(`paths.${raw}.${key}`), `${key} ${raw} is neither a method nor noted`).toBe(true);
        }
      }
      const names = [r.api.metadata.name, ...r.paths.map((p) => p.metadata.name)];
      for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      expect(new Set(r.paths.map((p) => p.metadata.name)).size).toBe(r.paths.length);
      expect(new Set(r.paths.map((p) => p.spec.path)).size).toBe(r.paths.length);
      for (const p of r.paths) {
        expect(restPathOf(p.spec.path)).toEqual({ path: p.spec.path });
        expect(p.spec.methods.length).toBeGreaterThan(0);
        expect(p.spec.methods.length).toBeLessThanOrEqual(8);
      }
    }), { seed: 18, numRuns: 300 });
  });
});
