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
import { keyOfPath } from '../../../src/model/from-objects.js';
import type { ObservedApi } from '../../../src/model/state.js';
import { exportApi } from '../../../src/openapi/export.js';
import { importDocument } from '../../../src/openapi/import.js';
import { planRestApi } from '../../../src/plan/api-plan.js';
import { describeOperation } from '../../../src/plan/operations.js';
import { authorizersWithRole } from '../../../src/plan/role-diff.js';
import { simulate } from '../../../src/plan/simulate.js';
import { emptyApi } from '../../support/arbitraries.js';
import { EXAMPLES } from '../../support/examples.js';
import { FIXTURES } from '../../support/fixtures.js';

const where = { region: 'eu-west-1', accountId: '123456789012' };
const options = { managedBy: 'restpath-operator' };

function planOf(api: RestApi, paths: RestPath[], observed: ObservedApi) {
  const roleArns = new Map(paths.filter((p) => p.spec.executionRole).map((p) => [keyOfPath(p), `arn:aws:iam::${where.accountId}:role/restpath/${p.metadata.name}`] as const));
  const authorizerRoleArns = new Map(authorizersWithRole(api).map((a) => [a.name, `arn:aws:iam::${where.accountId}:role/restpath/authorizer-${a.name}`] as const));
  return planRestApi({ api, paths, leaving: [], observed, roleArns, authorizerRoleArns, where, options });
}
const plan = (api: RestApi, paths: RestPath[], observed: ObservedApi) => planOf(api, paths, observed).operations;

/** The API the operator converges to for these manifests: passes on the simulator until a plan is empty. */
function liveFrom(api: RestApi, paths: RestPath[]): ObservedApi {
  let live = emptyApi();
  for (let pass = 0; pass < 5; pass++) {
    const operations = plan(api, paths, live);
    if (operations.length === 0) return live;
    live = simulate(live, operations);
  }
  throw new Error(`no convergence: ${plan(api, paths, live).map(describeOperation).join('; ')}`);
}

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
    const { refused, problems, pending, conflicts } = planOf(api, paths, emptyApi()).desired;
    expect({ refused, problems, pending, conflicts }).toEqual({ refused: [], problems: [], pending: [], conflicts: [] });
    const live = liveFrom(api, paths);
    expect(live.methods.length).toBeGreaterThan(0);
    const exported = await exportApi(live, { apiName: api.metadata.name, namespace: api.metadata.namespace ?? 'shop' });
    expect(exported.api.spec.adoptId).toBe(live.id);
    expect(exported.paths.length).toBeGreaterThan(0);
    expect(plan(exported.api, exported.paths, live).map(describeOperation)).toEqual([]);
  });
});
