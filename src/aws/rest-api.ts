// Creating, finding and deleting the REST API itself. API Gateway names are not unique, so a create
// whose id was lost would become a duplicate API: before creating, look for the API carrying this
// object's owner tag.
import { CreateRestApiCommand, DeleteRestApiCommand, GetRestApisCommand, type RestApi } from '@aws-sdk/client-api-gateway';
import { OWNER_TAG } from '../model/build.js';
import type { ApiSettings, StringMap } from '../model/shapes.js';
import type { ObservedApi } from '../model/state.js';
import { settingsFromAws } from './shapes-from-aws.js';
import { createUnlessFound } from './ensure-created.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients } from './clients.js';
import { isGone } from './errors.js';
import { API_GATEWAY_PAGE_SIZE, apiGatewayPage, findPaged, paginate, type Page } from './paginate.js';

function restApisPage(clients: AwsClients): (position: string | undefined) => Promise<Page<RestApi>> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  return async (position) => apiGatewayPage(await clients.apigateway.send(new GetRestApisCommand({ limit, position })));
}

/** Every REST API in the account and Region. */
export async function allRestApis(caller: AwsCaller, clients: AwsClients): Promise<RestApi[]> {
  return paginate(caller, 'GetRestApis', restApisPage(clients));
}

/** The REST API carrying this owner tag; stops reading at the page it is on. */
export async function findRestApiByOwner(caller: AwsCaller, clients: AwsClients, owner: string): Promise<RestApi | undefined> {
  return findPaged(caller, 'GetRestApis', restApisPage(clients), (api) => api.tags?.[OWNER_TAG] === owner);
}

export interface EnsuredRestApi {
  id: string;
  rootResourceId: string;
  created: boolean;
  /** A REST API just created holds its root resource and nothing else: its snapshot needs no read. */
  fresh?: ObservedApi;
}

/** What CreateRestApi made: the root resource, the settings and tags it was given. */
function freshSnapshot(created: RestApi, tags: StringMap): ObservedApi {
  return {
    id: created.id ?? '', rootResourceId: created.rootResourceId ?? '', settings: settingsFromAws(created), tags: { ...tags, ...created.tags },
    resources: [], methods: [], gatewayResponses: {}, authorizers: {}, models: {}, requestValidators: {},
  };
}

/** The id of the REST API owned by `tags[OWNER_TAG]`: found, or created with its settings and tags. */
export async function ensureRestApi(
  caller: AwsCaller,
  clients: AwsClients,
  settings: ApiSettings,
  tags: StringMap,
): Promise<EnsuredRestApi> {
  const owner = tags[OWNER_TAG];
  if (!owner) throw new Error(`ensureRestApi needs the ${OWNER_TAG} tag`);
  const existing = await findRestApiByOwner(caller, clients, owner);
  if (existing?.id) return { id: existing.id, rootResourceId: existing.rootResourceId ?? '', created: false };
  // A lost answer is looked for by the owner tag, never re-sent (names are not unique: a duplicate).
  const made = await createUnlessFound(caller, 'CreateRestApi', () => findRestApiByOwner(caller, clients, owner), () =>
    clients.apigateway.send(
      new CreateRestApiCommand({
        name: settings.name,
        description: settings.description || undefined,
        endpointConfiguration: { types: [settings.endpointType] },
        binaryMediaTypes: settings.binaryMediaTypes.length > 0 ? settings.binaryMediaTypes : undefined,
        // Tagged at creation, so ownership is provable from the first moment the API exists.
        tags,
      }),
    ),
  );
  const created = made.value;
  if (!created.id) throw new Error('CreateRestApi returned no id');
  return { id: created.id, rootResourceId: created.rootResourceId ?? '', created: made.created, ...(made.created && created.rootResourceId ? { fresh: freshSnapshot(created, tags) } : {}) };
}

export async function deleteRestApi(caller: AwsCaller, clients: AwsClients, restApiId: string): Promise<void> {
  try {
    await caller.call('DeleteRestApi', () => clients.apigateway.send(new DeleteRestApiCommand({ restApiId })));
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}
