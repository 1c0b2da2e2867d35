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

/** Parts of a snapshot besides the resources and methods, each one read (GetResources is always read). */
export type SnapshotPart = 'settings' | 'tags' | 'gatewayResponses' | 'authorizers' | 'models' | 'requestValidators';

/** A read-back may take parts from an earlier snapshot: those a write did not touch. */
export interface Reuse {
  from: ObservedApi;
  parts: readonly SnapshotPart[];
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

export async function observeApi(caller: AwsCaller, clients: AwsClients, restApiId: string, reuse?: Reuse): Promise<ObservedApi> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  const read = <T>(part: SnapshotPart, fetch: () => Promise<T>): Promise<T | undefined> => (reuse?.parts.includes(part) ? Promise.resolve(undefined) : fetch());
  const [api, resources, gatewayResponses, tags, authorizers, models, validators] = await Promise.all([
    read('settings', () => caller.call('GetRestApi', () => clients.apigateway.send(new GetRestApiCommand({ restApiId })))),
    getAllResources(caller, clients, restApiId),
    read('gatewayResponses', () => customizedGatewayResponses(caller, clients, restApiId)),
    read('tags', () => caller.call('GetTags', () => clients.apigateway.send(new GetTagsCommand({ resourceArn: restApiArn(clients.region, restApiId) })))),
    read('authorizers', () => paginate(caller, 'GetAuthorizers', async (position) => apiGatewayPage(await clients.apigateway.send(new GetAuthorizersCommand({ restApiId, limit, position }))))),
    read('models', () => paginate(caller, 'GetModels', async (position) => apiGatewayPage(await clients.apigateway.send(new GetModelsCommand({ restApiId, limit, position }))))),
    read('requestValidators', () => paginate(caller, 'GetRequestValidators', async (position) => apiGatewayPage(await clients.apigateway.send(new GetRequestValidatorsCommand({ restApiId, limit, position }))))),
  ]);
  const from = reuse?.from;
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
  const policy = api ? api.policy : from?.resourcePolicy;
  return {
    id: restApiId,
    rootResourceId: root?.id ?? api?.rootResourceId ?? from?.rootResourceId ?? '',
    settings: api ? settingsFromAws(api) : from!.settings,
    // Tags set at creation come back with the API; tags set later with GetTags. AWS keeps one set;
    // LocalStack keeps two (test/aws-emulator/README.md), so read both.
    tags: tags && api ? { ...api.tags, ...tags.tags } : tags ? { ...from?.tags, ...tags.tags } : from!.tags,
    resources: observedResources.sort((a, b) => a.path.localeCompare(b.path)),
    methods: methods.sort((a, b) => `${a.path} ${a.httpMethod}`.localeCompare(`${b.path} ${b.httpMethod}`)),
    gatewayResponses: gatewayResponses
      ? Object.fromEntries(gatewayResponses.filter((r) => r.responseType).map((r) => [r.responseType as string, gatewayResponseFromAws(r)]))
      : from!.gatewayResponses,
    ...(policy ? { resourcePolicy: policy } : {}),
    authorizers: authorizers ? Object.fromEntries(authorizers.filter((a) => a.name).map((a) => [a.name!, authorizerFromAws(a)])) : from!.authorizers,
    models: models ? Object.fromEntries(models.filter((m) => m.name).map((m) => [m.name!, modelFromAws(m)])) : from!.models,
    requestValidators: validators ? Object.fromEntries(validators.filter((v) => v.name).map((v) => [v.name!, validatorFromAws(v)])) : from!.requestValidators,
  };
}
