// observe(api): one snapshot of a REST API per reconcile: the API, every resource with its methods
// (GetResources?embed=methods, 500 per page), the customized gateway responses and the tags. Four
// kinds of read, whatever the number of paths (one call per page of each).
import {
  GetGatewayResponsesCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetTagsCommand,
  type GatewayResponse,
  type Resource,
} from '@aws-sdk/client-api-gateway';
import type { ObservedApi, ObservedMethod, ObservedResource } from '../model/state.js';
import type { AwsCaller } from './caller.js';
import { restApiArn, type AwsClients } from './clients.js';
import type { HttpMethod } from '../api/rest-path.js';
import { API_GATEWAY_PAGE_SIZE, apiGatewayPage, paginate } from './paginate.js';
import { gatewayResponseFromAws, methodFromAws, settingsFromAws } from './shapes-from-aws.js';

export async function getAllResources(caller: AwsCaller, clients: AwsClients, restApiId: string): Promise<Resource[]> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  return paginate(caller, 'GetResources', async (position) =>
    apiGatewayPage(await clients.apigateway.send(new GetResourcesCommand({ restApiId, embed: ['methods'], limit, position }))),
  );
}

/** Every gateway response of the API (AWS lists the defaults too, `defaultResponse: true`). */
export async function allGatewayResponses(caller: AwsCaller, clients: AwsClients, restApiId: string): Promise<GatewayResponse[]> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  return paginate(caller, 'GetGatewayResponses', async (position) =>
    apiGatewayPage(await clients.apigateway.send(new GetGatewayResponsesCommand({ restApiId, limit, position }))),
  );
}

async function customizedGatewayResponses(caller: AwsCaller, clients: AwsClients, restApiId: string): Promise<GatewayResponse[]> {
  return (await allGatewayResponses(caller, clients, restApiId)).filter((r) => r.defaultResponse !== true);
}

export async function observeApi(caller: AwsCaller, clients: AwsClients, restApiId: string): Promise<ObservedApi> {
  const [api, resources, gatewayResponses, tags] = await Promise.all([
    caller.call('GetRestApi', () => clients.apigateway.send(new GetRestApiCommand({ restApiId }))),
    getAllResources(caller, clients, restApiId),
    customizedGatewayResponses(caller, clients, restApiId),
    caller.call('GetTags', () => clients.apigateway.send(new GetTagsCommand({ resourceArn: restApiArn(clients.region, restApiId) }))),
  ]);
  const root = resources.find((r) => r.path === '/');
  const observedResources: ObservedResource[] = [];
  const methods: ObservedMethod[] = [];
  for (const r of resources) {
    if (!r.id || !r.path) continue;
    for (const [httpMethod, m] of Object.entries(r.resourceMethods ?? {})) {
      methods.push({ path: r.path, httpMethod: httpMethod as HttpMethod, shape: methodFromAws(m) });
    }
    if (r.path !== '/') observedResources.push({ id: r.id, path: r.path, parentId: r.parentId ?? '', pathPart: r.pathPart ?? '' });
  }
  return {
    id: restApiId,
    rootResourceId: root?.id ?? api.rootResourceId ?? '',
    settings: settingsFromAws(api),
    // Tags set at creation come back with the API; tags set later with GetTags. AWS keeps one set;
    // LocalStack keeps two (test/aws-emulator/README.md), so read both.
    tags: { ...api.tags, ...tags.tags },
    resources: observedResources.sort((a, b) => a.path.localeCompare(b.path)),
    methods: methods.sort((a, b) => `${a.path} ${a.httpMethod}`.localeCompare(`${b.path} ${b.httpMethod}`)),
    gatewayResponses: Object.fromEntries(
      gatewayResponses.filter((r) => r.responseType).map((r) => [r.responseType as string, gatewayResponseFromAws(r)]),
    ),
    ...(api.policy ? { resourcePolicy: api.policy } : {}),
  };
}
