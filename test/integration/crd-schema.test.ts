// What the API server does with valid manifests: defaults filled in, descriptions served to
// `kubectl explain`, the status subresource kept apart from spec, and change rules that allow
// what AWS can change in place.
import { describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'crd-schema');

const API = 'apiVersion: apigateway.restpath.dev/v1alpha1';

async function applyAndGet(manifest: string): Promise<Record<string, unknown>> {
  const out = await kubectl.ok(['apply', '-n', namespace(), '-o', 'json', '-f', '-'], manifest);
  return JSON.parse(out) as Record<string, unknown>;
}

describe('CRD defaults and subresources', () => {
  it('fills in the documented defaults', async () => {
    const api = await applyAndGet(`${API}\nkind: RestApi\nmetadata: { name: defaults }\nspec:\n  stages: [{ name: prod }]\n`);
    expect(api).toMatchObject({ spec: { endpointType: 'REGIONAL', stages: [{ name: 'prod', deployment: 'Automatic' }] } });

    const path = await applyAndGet(`${API}
kind: RestPath
metadata: { name: defaults }
spec:
  restApiRef: { name: defaults }
  path: /orders
  methods:
    - httpMethod: GET
      authorization: {}
      integration: { type: HTTP_PROXY, httpMethod: GET, uri: "http://orders.internal/orders", connection: {} }
`);
    expect(path).toMatchObject({
      spec: {
        methods: [
          {
            apiKeyRequired: false,
            authorization: { type: 'NONE' },
            integration: { timeoutMillis: 29000, connection: { type: 'INTERNET' } },
          },
        ],
      },
    });

    const plan = await applyAndGet(`${API}
kind: UsagePlan
metadata: { name: defaults }
spec:
  quota: { limit: 10, period: WEEK }
  apiKeys: [{ name: k, generateInto: { secretName: k } }]
`);
    expect(plan).toMatchObject({ spec: { quota: { offset: 0 }, apiKeys: [{ enabled: true, generateInto: { key: 'apiKey' } }] } });
  });

  it('serves field descriptions to kubectl explain', async () => {
    // kubectl wraps long descriptions; compare with white space folded.
    const explain = async (field: string) => (await kubectl.ok(['explain', field])).replace(/\s+/g, ' ');
    expect(await explain('restpath.spec.methods.integration.timeoutMillis')).toContain('Integration timeout in milliseconds, 50 to 29000.');
    expect(await explain('rp.spec.path')).toContain('a greedy {proxy+} is allowed as the last segment');
    expect(await explain('up.spec.apiKeys')).toContain('never in a spec, status, Event or log');
  });

  it('keeps status out of spec writes (status subresource)', async () => {
    const applied = await applyAndGet(`${API}\nkind: RestApi\nmetadata: { name: status-sub }\nspec: {}\nstatus: { id: abcdefghij }\n`);
    expect(applied).not.toHaveProperty('status.id');
    await kubectl.ok(['patch', 'restapi', 'status-sub', '-n', namespace(), '--subresource=status', '--type=merge', '-p', '{"status":{"id":"abcdefghij"}}']);
    expect(await kubectl.ok(['get', 'ra', 'status-sub', '-n', namespace(), '-o', 'jsonpath={.status.id}'])).toBe('abcdefghij');
  });

  it('allows changes AWS makes in place (endpoint type, path, methods)', async () => {
    await applyAndGet(`${API}\nkind: RestApi\nmetadata: { name: mutable }\nspec: { endpointType: REGIONAL, region: eu-west-1 }\n`);
    const changed = await applyAndGet(`${API}\nkind: RestApi\nmetadata: { name: mutable }\nspec: { endpointType: EDGE, region: eu-west-1 }\n`);
    expect(changed).toMatchObject({ spec: { endpointType: 'EDGE' } });
    await applyAndGet(`${API}\nkind: RestApi\nmetadata: { name: private }\nspec: { endpointType: PRIVATE, policy: { Version: "2012-10-17", Statement: [] } }\n`);
    const regional = await applyAndGet(`${API}\nkind: RestApi\nmetadata: { name: private }\nspec: { endpointType: REGIONAL, policy: { Version: "2012-10-17", Statement: [] } }\n`);
    expect(regional).toMatchObject({ spec: { endpointType: 'REGIONAL' } });
    const rp = (path: string, method: string) =>
      `${API}\nkind: RestPath\nmetadata: { name: mutable }\nspec:\n  restApiRef: { name: mutable }\n  path: ${path}\n  methods: [{ httpMethod: ${method}, integration: { type: MOCK } }]\n`;
    await applyAndGet(rp('/a', 'GET'));
    expect(await applyAndGet(rp('/b/{id}', 'POST'))).toMatchObject({ spec: { path: '/b/{id}', methods: [{ httpMethod: 'POST' }] } });
  });
});
