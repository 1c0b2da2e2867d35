// model(spec) for a UsagePlan: its spec plus what it points at (the RestApis' ids and stages, the
// methods their RestPaths declare, the key values held in Secrets) -> the desired usage plan and API
// keys, and the problems that keep parts of the spec from being applied. What cannot be applied is
// left out of the desired state and reported; it is never silently dropped.
import { OWNERSHIP_TAG_PREFIX } from '../api/common.js';
import type { UsagePlanSpec } from '../api/usage-plan.js';
import { MANAGED_BY_TAG, OWNER_TAG, ownerRef, type ModelOptions } from './build.js';
import type { Sensitive } from './sensitive.js';
import type { StringMap } from './shapes.js';

/** Tag on each API key the operator creates: the key's name in the spec (AWS names are not unique). */
export const API_KEY_NAME_TAG = `${OWNERSHIP_TAG_PREFIX}api-key`;

/** API Gateway refuses API key values shorter than this. */
export const MIN_API_KEY_LENGTH = 20;

export interface ThrottleShape {
  rateLimit: number;
  burstLimit: number;
}

export interface QuotaShape {
  limit: number;
  period: 'DAY' | 'WEEK' | 'MONTH';
  offset: number;
}

export interface ApiStageShape {
  apiId: string;
  stage: string;
  /** Keyed by "/path/METHOD", as API Gateway keys them. */
  throttle: Record<string, ThrottleShape>;
}

/** A usage plan's settings, normalized so that "in sync" is equality. apiStages sorted by apiId:stage. */
export interface UsagePlanShape {
  name: string;
  description: string;
  throttle: ThrottleShape | null;
  quota: QuotaShape | null;
  apiStages: ApiStageShape[];
}

export interface DesiredApiKey {
  name: string;
  description: string;
  enabled: boolean;
  /** undefined when the value cannot be read now (e.g. its Secret is missing): the key is left as it is. */
  value: Sensitive | undefined;
}

export interface DesiredUsagePlan {
  plan: UsagePlanShape;
  tags: StringMap;
  keys: DesiredApiKey[];
  /** Tags on every API key the operator creates for this plan (ownership plus the key's name tag). */
  keyTags: (keyName: string) => StringMap;
}

/** What the cluster says about a RestApi a plan names. */
export interface RestApiFacts {
  /** The REST API's id, once the operator has created or adopted it. */
  id: string | undefined;
  /** Stages its spec declares. */
  declaredStages: string[];
  /** Stages that exist in API Gateway (its status). */
  readyStages: string[];
  /** "PATH METHOD" for every method its RestPaths declare. */
  methods: Set<string>;
}

export type KeyValue = { value: Sensitive } | Problem;

export interface Problem {
  reason: string;
  message: string;
}

export interface UsagePlanInput {
  namespace: string;
  name: string;
  spec: UsagePlanSpec;
  restApi: (name: string) => RestApiFacts | undefined;
  /** The value of each key by spec name, or why it cannot be read. */
  keyValues: ReadonlyMap<string, KeyValue>;
}

export function usagePlanOwner(namespace: string, name: string): string {
  return ownerRef(namespace, 'UsagePlan', name);
}

/** "/orders/{orderId}/GET" -> the path and method; the root's key is "//GET". */
export function parseThrottleKey(key: string): { path: string; httpMethod: string } {
  const at = key.lastIndexOf('/');
  const path = key.slice(0, at);
  return { path: path === '' ? '/' : path, httpMethod: key.slice(at + 1) };
}

function declares(facts: RestApiFacts, key: string): boolean {
  const { path, httpMethod } = parseThrottleKey(key);
  if (httpMethod === '*') return [...facts.methods].some((m) => m.startsWith(`${path} `));
  return facts.methods.has(`${path} ${httpMethod}`);
}

export function buildUsagePlan(input: UsagePlanInput, options: ModelOptions): { desired: DesiredUsagePlan; problems: Problem[] } {
  const { namespace, name, spec } = input;
  const problems: Problem[] = [];
  const apiStages: ApiStageShape[] = [];
  for (const entry of spec.apiStages ?? []) {
    const ref = entry.restApiRef;
    const where = `apiStages ${ref.name}/${entry.stage}`;
    if (ref.namespace && ref.namespace !== namespace) {
      problems.push({ reason: 'CrossNamespaceReference', message: `${where}: RestApi ${ref.namespace}/${ref.name} is in another namespace; a UsagePlan may only name RestApis in its own namespace (${namespace}).` });
      continue;
    }
    const facts = input.restApi(ref.name);
    if (!facts) {
      problems.push({ reason: 'RestApiNotFound', message: `${where}: RestApi ${ref.name} does not exist in namespace ${namespace}; the stage is added to the plan once it does.` });
      continue;
    }
    if (!facts.declaredStages.includes(entry.stage)) {
      const known = facts.declaredStages.length > 0 ? facts.declaredStages.join(', ') : 'none';
      problems.push({ reason: 'StageNotFound', message: `${where}: RestApi ${ref.name} declares no stage ${entry.stage} (its stages: ${known}).` });
      continue;
    }
    if (!facts.id || !facts.readyStages.includes(entry.stage)) {
      problems.push({ reason: 'StageNotReady', message: `${where}: stage ${entry.stage} of RestApi ${ref.name} is not created in API Gateway yet; it is added to the plan once it is.` });
      continue;
    }
    const throttle: Record<string, ThrottleShape> = {};
    const unknown: string[] = [];
    for (const [key, limits] of Object.entries(entry.methodThrottle ?? {})) {
      if (declares(facts, key)) throttle[key] = { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit };
      else unknown.push(key);
    }
    if (unknown.length > 0) {
      problems.push({
        reason: 'UnknownMethod',
        message: `${where}: methodThrottle ${unknown.join(', ')} ${unknown.length > 1 ? 'name methods' : 'names a method'} that no RestPath of RestApi ${ref.name} declares; ${unknown.length > 1 ? 'they are' : 'it is'} not applied.`,
      });
    }
    apiStages.push({ apiId: facts.id, stage: entry.stage, throttle });
  }
  apiStages.sort((a, b) => stageKey(a).localeCompare(stageKey(b)));

  const keys: DesiredApiKey[] = [];
  for (const key of spec.apiKeys ?? []) {
    const found = input.keyValues.get(key.name);
    let value: Sensitive | undefined;
    if (!found) problems.push({ reason: 'SecretNotFound', message: `API key ${key.name}: its value has not been read yet.` });
    else if ('value' in found) {
      if (found.value.length < MIN_API_KEY_LENGTH) {
        problems.push({ reason: 'ApiKeyValueTooShort', message: `API key ${key.name}: the value in its Secret has ${found.value.length} characters; API Gateway needs at least ${MIN_API_KEY_LENGTH}. The key is left as it is.` });
      } else value = found.value;
    } else problems.push(found);
    keys.push({ name: key.name, description: key.description ?? '', enabled: key.enabled ?? true, value });
  }

  const owner = usagePlanOwner(namespace, name);
  const ownership = { [MANAGED_BY_TAG]: options.managedBy, [OWNER_TAG]: owner };
  return {
    desired: {
      plan: {
        name: spec.name ?? `${namespace}-${name}`,
        description: spec.description ?? '',
        throttle: spec.throttle ? { rateLimit: spec.throttle.rateLimit, burstLimit: spec.throttle.burstLimit } : null,
        quota: spec.quota ? { limit: spec.quota.limit, period: spec.quota.period, offset: spec.quota.offset ?? 0 } : null,
        apiStages,
      },
      tags: { ...options.defaultTags, ...spec.tags, ...ownership },
      keys,
      keyTags: (keyName) => ({ ...options.defaultTags, ...ownership, [API_KEY_NAME_TAG]: keyName }),
    },
    problems,
  };
}

export function stageKey(s: { apiId: string; stage: string }): string {
  return `${s.apiId}:${s.stage}`;
}
