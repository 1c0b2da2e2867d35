// observe(api): one snapshot of a REST API per reconcile: the API, every resource with its methods
// (GetResources?embed=methods, 500 per page), the customized gateway responses, the tags, and the
// authorizers, models and request validators. Seven kinds of read, whatever the number of paths (one
// call per page of each).
import {
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetModelsCommand,
  GetRequestValidatorsCommand,
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
import { authorizerFromAws, gatewayResponseFromAws, methodFromAws, modelFromAws, settingsFromAws, validatorFromAws } from './shapes-from-aws.js';

/** The authorizers, models and request validators of one REST API, by name. */
async function accessPieces(caller: AwsCaller, clients: AwsClients, restApiId: string): Promise<Pick<ObservedApi, 'authorizers' | 'models' | 'requestValidators'>> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  const [authorizers, models, validators] = await Promise.all([
    paginate(caller, 'GetAuthorizers', async (position) => apiGatewayPage(await clients.apigateway.send(new GetAuthorizersCommand({ restApiId, limit, position })))),
    paginate(caller, 'GetModels', async (position) => apiGatewayPage(await clients.apigateway.send(new GetModelsCommand({ restApiId, limit, position })))),
    paginate(caller, 'GetRequestValidators', async (position) => apiGatewayPage(await clients.apigateway.send(new GetRequestValidatorsCommand({ restApiId, limit, position })))),
  ]);
  return {
    authorizers: Object.fromEntries(authorizers.filter((a) => a.name).map((a) => [a.name!, authorizerFromAws(a)])),
    models: Object.fromEntries(models.filter((m) => m.name).map((m) => [m.name!, modelFromAws(m)])),
    requestValidators: Object.fromEntries(validators.filter((v) => v.name).map((v) => [v.name!, validatorFromAws(v)])),
  };
}

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
  const [api, resources, gatewayResponses, tags, access] = await Promise.all([
    caller.call('GetRestApi', () => clients.apigateway.send(new GetRestApiCommand({ restApiId }))),
    getAllResources(caller, clients, restApiId),
    customizedGatewayResponses(caller, clients, restApiId),
    caller.call('GetTags', () => clients.apigateway.send(new GetTagsCommand({ resourceArn: restApiArn(clients.region, restApiId) }))),
    accessPieces(caller, clients, restApiId),
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
    ...access,
  };
}
