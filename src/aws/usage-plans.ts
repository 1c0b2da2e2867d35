// Usage plans and API keys in API Gateway: observe (three paginated reads whatever the number of
// unchanged keys: the plan, its keys, and the account's API keys with values), find-or-create by owner
// tag, execute a plan of operations idempotently, and delete. Key values are sent to AWS and read back
// only to compare them; they stay wrapped in Sensitive everywhere else.
import {
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateApiKeyCommand,
  UpdateUsagePlanCommand,
  type ApiKey,
  type UsagePlan,
  type UsagePlanKey,
} from '@aws-sdk/client-api-gateway';
import { OWNER_TAG } from '../model/build.js';
import { Sensitive } from '../model/sensitive.js';
import { stageKey, type ApiStageShape, type DesiredUsagePlan, type UsagePlanShape } from '../model/usage-plan.js';
import type { ObservedApiKey, ObservedUsagePlan, UsagePlanOperation } from '../plan/usage-plan-diff.js';
import { createUnlessFound } from './ensure-created.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients } from './clients.js';
import { alreadyExists, classifyError, isGone } from './errors.js';
import { API_GATEWAY_PAGE_SIZE, apiGatewayPage, paginate } from './paginate.js';

export function usagePlanArn(region: string, id: string): string {
  return `arn:aws:apigateway:${region}::/usageplans/${id}`;
}

export function usagePlanShape(plan: UsagePlan): UsagePlanShape {
  const apiStages: ApiStageShape[] = (plan.apiStages ?? []).map((s) => ({
    apiId: s.apiId ?? '',
    stage: s.stage ?? '',
    throttle: Object.fromEntries(Object.entries(s.throttle ?? {}).map(([k, t]) => [k, { rateLimit: t.rateLimit ?? 0, burstLimit: t.burstLimit ?? 0 }])),
  }));
  apiStages.sort((a, b) => stageKey(a).localeCompare(stageKey(b)));
  return {
    name: plan.name ?? '',
    description: plan.description ?? '',
    throttle: plan.throttle ? { rateLimit: plan.throttle.rateLimit ?? 0, burstLimit: plan.throttle.burstLimit ?? 0 } : null,
    quota: plan.quota ? { limit: plan.quota.limit ?? 0, period: (plan.quota.period ?? 'DAY'), offset: plan.quota.offset ?? 0 } : null,
    apiStages,
  };
}

function keyFromAws(key: ApiKey, inPlan: boolean): ObservedApiKey {
  return {
    id: key.id ?? '',
    name: key.name ?? '',
    description: key.description ?? '',
    enabled: key.enabled ?? false,
    value: new Sensitive(key.value ?? ''),
    tags: key.tags ?? {},
    inPlan,
  };
}

/** Every API key in the account, 500 per page; with their values only when asked. */
export async function allApiKeys(caller: AwsCaller, clients: AwsClients, includeValues = true): Promise<ApiKey[]> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  return paginate(caller, 'GetApiKeys', async (position) => apiGatewayPage(await clients.apigateway.send(new GetApiKeysCommand({ includeValues, limit, position }))));
}

/** Every usage plan in the account, 500 per page. */
export async function allUsagePlans(caller: AwsCaller, clients: AwsClients): Promise<UsagePlan[]> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  return paginate(caller, 'GetUsagePlans', async (position) => apiGatewayPage(await clients.apigateway.send(new GetUsagePlansCommand({ limit, position }))));
}

/** The keys in one usage plan (id, name, type), 500 per page. */
export async function usagePlanKeys(caller: AwsCaller, clients: AwsClients, usagePlanId: string): Promise<UsagePlanKey[]> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  return paginate(caller, 'GetUsagePlanKeys', async (position) => apiGatewayPage(await clients.apigateway.send(new GetUsagePlanKeysCommand({ usagePlanId, limit, position }))));
}

async function planKeyIds(caller: AwsCaller, clients: AwsClients, usagePlanId: string): Promise<Set<string>> {
  return new Set((await usagePlanKeys(caller, clients, usagePlanId)).flatMap((k) => (k.id ? [k.id] : [])));
}

export interface UsagePlanSnapshot {
  plan: ObservedUsagePlan;
  /** Keys in the plan and keys this plan's owner created (found by owner tag). */
  keys: ObservedApiKey[];
}

/** The plan and the keys that matter to it; throws NotFound when the plan is gone. */
export async function observeUsagePlan(caller: AwsCaller, clients: AwsClients, usagePlanId: string, owner: string): Promise<UsagePlanSnapshot> {
  const plan = await caller.call('GetUsagePlan', () => clients.apigateway.send(new GetUsagePlanCommand({ usagePlanId })));
  const inPlan = await planKeyIds(caller, clients, usagePlanId);
  const keys = (await allApiKeys(caller, clients))
    .filter((k) => (k.id && inPlan.has(k.id)) || k.tags?.[OWNER_TAG] === owner)
    .map((k) => keyFromAws(k, inPlan.has(k.id ?? '')));
  return { plan: { id: plan.id ?? usagePlanId, plan: usagePlanShape(plan), tags: plan.tags ?? {} }, keys };
}

/** Every API key the owner created, in any plan or none (for deleting a plan). */
export async function ownedApiKeys(caller: AwsCaller, clients: AwsClients, owner: string): Promise<ObservedApiKey[]> {
  return (await allApiKeys(caller, clients)).filter((k) => k.tags?.[OWNER_TAG] === owner).map((k) => keyFromAws(k, false));
}

async function findUsagePlanByOwner(caller: AwsCaller, clients: AwsClients, owner: string): Promise<UsagePlan | undefined> {
  return (await allUsagePlans(caller, clients)).find((p) => p.tags?.[OWNER_TAG] === owner);
}

/** The plan carrying this owner tag: found (a create whose answer was lost) or created whole. */
export async function ensureUsagePlan(caller: AwsCaller, clients: AwsClients, desired: DesiredUsagePlan): Promise<{ id: string; created: boolean }> {
  const owner = desired.tags[OWNER_TAG];
  if (!owner) throw new Error(`ensureUsagePlan needs the ${OWNER_TAG} tag`);
  const existing = await findUsagePlanByOwner(caller, clients, owner);
  if (existing?.id) return { id: existing.id, created: false };
  const { plan } = desired;
  // A lost answer is looked for by the owner tag, never re-sent (names are not unique: a second plan).
  const made = await createUnlessFound(caller, 'CreateUsagePlan', () => findUsagePlanByOwner(caller, clients, owner), () =>
    clients.apigateway.send(
      new CreateUsagePlanCommand({
        name: plan.name,
        description: plan.description || undefined,
        ...(plan.throttle ? { throttle: plan.throttle } : {}),
        ...(plan.quota ? { quota: plan.quota } : {}),
        apiStages: plan.apiStages.map((s) => ({ apiId: s.apiId, stage: s.stage, ...(Object.keys(s.throttle).length > 0 ? { throttle: s.throttle } : {}) })),
        tags: desired.tags,
      }),
    ),
  );
  const created = made.value;
  if (!created.id) throw new Error('CreateUsagePlan returned no id');
  return { id: created.id, created: made.created };
}

export interface UsagePlanExecution {
  completed: number;
  total: number;
  failed?: { operation: UsagePlanOperation; error: unknown };
  /** Ids of keys created in this run, by key name. */
  createdKeys: Map<string, string>;
}

async function addToPlan(caller: AwsCaller, clients: AwsClients, usagePlanId: string, keyId: string): Promise<void> {
  try {
    await caller.call('CreateUsagePlanKey', () => clients.apigateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' })));
  } catch (error) {
    if (!alreadyExists(error)) throw error; // already in the plan: a retry whose first answer was lost
  }
}

/** CreateApiKey; a 409 means the value exists: ours if it carries our tags (a lost answer), else an error. */
async function createApiKey(caller: AwsCaller, clients: AwsClients, op: Extract<UsagePlanOperation, { kind: 'createApiKey' }>): Promise<string> {
  try {
    const created = await caller.call('CreateApiKey', () =>
      clients.apigateway.send(
        new CreateApiKeyCommand({ name: op.keyName, description: op.description || undefined, enabled: op.enabled, value: op.value.reveal(), tags: op.tags }),
      ),
    );
    if (!created.id) throw new Error('CreateApiKey returned no id');
    return created.id;
  } catch (error) {
    if (!alreadyExists(error)) throw error;
    const same = (await allApiKeys(caller, clients)).find((k) => op.value.equals(new Sensitive(k.value ?? '')));
    if (same?.id && same.tags?.[OWNER_TAG] === op.tags[OWNER_TAG]) return same.id;
    throw new ApiKeyValueInUseError(op.keyName, same?.id);
  }
}

/** API key values are unique in an account: this one is used by a key the plan does not own. */
export class ApiKeyValueInUseError extends Error {
  override readonly name = 'ApiKeyValueInUse';
  constructor(
    readonly keyName: string,
    readonly otherKeyId: string | undefined,
  ) {
    super(
      `the value of API key ${keyName} is already used by API key ${otherKeyId ?? '(unknown)'}, which this UsagePlan does not own; ` +
        'API Gateway key values are unique in an account, so give this key a value of its own',
    );
  }
}

export async function executeUsagePlan(caller: AwsCaller, clients: AwsClients, usagePlanId: string, plan: UsagePlanOperation[]): Promise<UsagePlanExecution> {
  const createdKeys = new Map<string, string>();
  const api = clients.apigateway;
  const arn = usagePlanArn(clients.region, usagePlanId);
  let completed = 0;
  for (const op of plan) {
    try {
      switch (op.kind) {
        case 'updateUsagePlan':
          await caller.call('UpdateUsagePlan', () => api.send(new UpdateUsagePlanCommand({ usagePlanId, patchOperations: op.patch })));
          break;
        case 'tagUsagePlan':
          await caller.call('TagResource', () => api.send(new TagResourceCommand({ resourceArn: arn, tags: op.tags })));
          break;
        case 'untagUsagePlan':
          await caller.call('UntagResource', () => api.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: op.keys })));
          break;
        case 'createApiKey': {
          const id = await createApiKey(caller, clients, op);
          await addToPlan(caller, clients, usagePlanId, id);
          createdKeys.set(op.keyName, id);
          break;
        }
        case 'addKeyToPlan':
          await addToPlan(caller, clients, usagePlanId, op.keyId);
          break;
        case 'updateApiKey':
          await caller.call('UpdateApiKey', () => api.send(new UpdateApiKeyCommand({ apiKey: op.keyId, patchOperations: op.patch })));
          break;
        case 'removeKeyFromPlan':
          await caller.call('DeleteUsagePlanKey', () => api.send(new DeleteUsagePlanKeyCommand({ usagePlanId, keyId: op.keyId }))).catch((e: unknown) => {
            if (!isGone(e)) throw e;
          });
          break;
        case 'deleteApiKey':
          await deleteApiKey(caller, clients, op.keyId);
          break;
      }
    } catch (error) {
      return { completed, total: plan.length, failed: { operation: op, error }, createdKeys };
    }
    completed += 1;
  }
  return { completed, total: plan.length, createdKeys };
}

export async function deleteApiKey(caller: AwsCaller, clients: AwsClients, keyId: string): Promise<void> {
  await caller.call('DeleteApiKey', () => clients.apigateway.send(new DeleteApiKeyCommand({ apiKey: keyId }))).catch((e: unknown) => {
    if (!isGone(e)) throw e;
  });
}

/**
 * Deletes the plan. Some accounts refuse to delete a plan that still names stages, so when the plain
 * delete is refused the stages are taken out first (one UpdateUsagePlan) and the delete is repeated.
 */
export async function deleteUsagePlan(caller: AwsCaller, clients: AwsClients, usagePlanId: string): Promise<void> {
  const del = () => caller.call('DeleteUsagePlan', () => clients.apigateway.send(new DeleteUsagePlanCommand({ usagePlanId })));
  try {
    await del();
  } catch (error) {
    if (isGone(error)) return;
    if (!['badRequest', 'conflict'].includes(classifyError(error))) throw error;
    const plan = await caller.call('GetUsagePlan', () => clients.apigateway.send(new GetUsagePlanCommand({ usagePlanId })));
    const patchOperations = (plan.apiStages ?? []).map((s) => ({ op: 'remove' as const, path: '/apiStages', value: `${s.apiId}:${s.stage}` }));
    if (patchOperations.length > 0) await caller.call('UpdateUsagePlan', () => clients.apigateway.send(new UpdateUsagePlanCommand({ usagePlanId, patchOperations })));
    await del();
  }
}
