// Export's promise, on the shapes: a REST API made from manifests (planned and applied on the
// simulator until nothing is left to do), exported, and the operator's plan for the exported
// manifests against that same API is empty: no write. On the shipped examples and on the documents
// the import tests use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { RestApi } from '../../../src/api/rest-api.js';
import type { RestPath } from '../../../src/api/rest-path.js';
import { readOpenApi } from '../../../src/cli/import.js';
import { importDocument } from '../../../src/openapi/import.js';
import { EXAMPLES } from '../../support/examples.js';
import { exportRoundTrip, unmakeable } from '../../support/export-round-trip.js';
import { FIXTURES } from '../../support/fixtures.js';

function examples(): { api: RestApi; paths: RestPath[] } {
  const objects = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).flatMap((f) => parseAllDocuments(readFileSync(join(EXAMPLES, f), 'utf8')).map((d) => d.toJS() as RestApi | RestPath));
  return { api: objects.find((o): o is RestApi => o.kind === 'RestApi')!, paths: objects.filter((o): o is RestPath => o.kind === 'RestPath') };
}

/** What OpenAPI has no word for, and names that could collide with the document's own schemes. */
function corners(): { api: RestApi; paths: RestPath[] } {
  const H = { apiVersion: 'apigateway.restpath.dev/v1alpha1' as const, metadata: { name: 'corners', namespace: 'shop' } };
  const api: RestApi = { ...H, kind: 'RestApi', spec: { authorizers: [{ name: 'restpath_sigv4', type: 'TOKEN', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:auth' }] } };
  const mock = { type: 'MOCK' as const, httpMethod: 'POST' as const, requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: [{ statusCode: '200' }] };
  const path: RestPath = { ...H, metadata: { name: 'corners-item', namespace: 'shop' }, kind: 'RestPath', spec: {
    restApiRef: { name: 'corners' }, path: '/items/{id}',
    methods: [
      { httpMethod: 'GET', requestParameters: { 'method.request.path.id': false, 'method.request.multivaluequerystring.tag': true, 'method.request.multivalueheader.X-Trace': false }, integration: mock, methodResponses: [{ statusCode: '200' }] },
      { httpMethod: 'PUT', authorization: { type: 'CUSTOM', authorizerRef: 'restpath_sigv4' }, apiKeyRequired: true, integration: { type: 'HTTP_PROXY', httpMethod: 'PUT', uri: 'https://items.example.com/{id}' } },
      { httpMethod: 'DELETE', authorization: { type: 'AWS_IAM' }, integration: { type: 'HTTP_PROXY', httpMethod: 'DELETE', uri: 'https://items.example.com/{id}' } },
    ],
  } };
  return { api, paths: [path] };
}

async function imported(file: string): Promise<{ api: RestApi; paths: RestPath[] }> {
  const r = importDocument(await readOpenApi(join(FIXTURES, 'openapi', file)), { missingIntegration: { kind: 'mock' }, namespace: 'shop' });
  return { api: r.api, paths: r.paths };
}

describe('export, then plan the exported manifests against the same API', () => {
  it.each([
    ['the shipped examples', examples],
    ['shop-aws.yaml imported', () => imported('shop-aws.yaml')],
    ['pets-swagger2.yaml imported', () => imported('pets-swagger2.yaml')],
    ['multi-value and optional path parameters, a MOCK with a method, an authorizer named like a scheme', async () => Promise.resolve(corners())],
  ])('%s: the plan is empty', async (_name, load) => {
    const { api, paths } = await load();
    // Everything declared can be made: the export has the whole API to carry.
    expect(unmakeable(api, paths)).toEqual({ refused: [], problems: [], pending: [], conflicts: [] });
    const { live, exported, writes } = await exportRoundTrip(api, paths);
    expect(live.methods.length).toBeGreaterThan(0);
    expect(exported.api.spec.adoptId).toBe(live.id);
    expect(exported.paths.length).toBeGreaterThan(0);
    expect(writes).toEqual([]);
  });
});
