// A pure model of how API Gateway applies each operation, from its API reference: PutX creates or
// replaces, UpdateX applies patch operations, deleting a resource deletes its subtree. Used by the
// property tests ("running diff(d, o) on o yields d") and by `restpath-operator plan` dry runs; the
// integration tests check the real emulator agrees.
import type { BoolMap, IntegrationShape, MethodShape, StringMap } from '../model/shapes.js';
import { methodKey, parseRef, splitPath } from '../model/shapes.js';
import type { ObservedApi, ObservedMethod } from '../model/state.js';
import type { Operation, PatchOperation } from './operations.js';
import { unescapeKey } from './patch.js';
import { applyAccess } from './simulate-access.js';
import { simulatePutRestApi } from './simulate-import.js';

export type Field = { kind: 'string' } | { kind: 'number' } | { kind: 'boolean' } | { kind: 'stringMap' } | { kind: 'boolMap' } | { kind: 'valueSet' } | { kind: 'pathSet' };

const METHOD_FIELDS: Record<string, Field> = {
  authorizationType: { kind: 'string' },
  authorizerId: { kind: 'string' },
  authorizationScopes: { kind: 'valueSet' },
  apiKeyRequired: { kind: 'boolean' },
  operationName: { kind: 'string' },
  requestParameters: { kind: 'boolMap' },
  requestValidatorId: { kind: 'string' },
  requestModels: { kind: 'stringMap' },
};
const INTEGRATION_FIELDS: Record<string, Field> = {
  uri: { kind: 'string' },
  httpMethod: { kind: 'string' },
  connectionType: { kind: 'string' },
  connectionId: { kind: 'string' },
  timeoutInMillis: { kind: 'number' },
  requestParameters: { kind: 'stringMap' },
  requestTemplates: { kind: 'stringMap' },
  passthroughBehavior: { kind: 'string' },
  contentHandling: { kind: 'string' },
  credentials: { kind: 'string' },
};
const METHOD_RESPONSE_FIELDS: Record<string, Field> = { responseParameters: { kind: 'boolMap' }, responseModels: { kind: 'stringMap' } };
const INTEGRATION_RESPONSE_FIELDS: Record<string, Field> = {
  selectionPattern: { kind: 'string' },
  responseParameters: { kind: 'stringMap' },
  responseTemplates: { kind: 'stringMap' },
  contentHandling: { kind: 'string' },
};

export class SimulationError extends Error {}

/** Applies patch operations to a copy of `target` (API Gateway's UpdateX semantics). */
export function applyPatch<T extends object>(target: T, patch: PatchOperation[], fields: Record<string, Field>): T {
  const out = structuredClone(target) as Record<string, unknown>;
  for (const op of patch) {
    const [name = '', key] = op.path.slice(1).split('/', 2);
    const field = fields[name];
    if (!field) throw new SimulationError(`unsupported patch path ${op.path}`);
    const value = op.value ?? '';
    switch (field.kind) {
      case 'string':
        out[name] = op.op === 'remove' ? '' : value;
        break;
      case 'number':
        out[name] = Number(value);
        break;
      case 'boolean':
        out[name] = value === 'true';
        break;
      case 'stringMap':
      case 'boolMap': {
        if (key === undefined) throw new SimulationError(`patch path ${op.path} needs a key`);
        const map = { ...(out[name] as StringMap | BoolMap) } as Record<string, string | boolean>;
        if (op.op === 'remove') delete map[unescapeKey(key)];
        else map[unescapeKey(key)] = field.kind === 'boolMap' ? value === 'true' : value;
        out[name] = map;
        break;
      }
      case 'valueSet':
      case 'pathSet': {
        const element = field.kind === 'pathSet' ? unescapeKey(key ?? '') : value;
        const set = new Set(out[name] as string[]);
        if (op.op === 'remove') set.delete(element);
        else set.add(element);
        out[name] = [...set].sort();
        break;
      }
    }
  }
  return out as T;
}

function findMethod(state: ObservedApi, path: string, httpMethod: string): ObservedMethod {
  const m = state.methods.find((x) => methodKey(x.path, x.httpMethod) === methodKey(path, httpMethod));
  if (!m) throw new SimulationError(`NotFoundException: no method ${httpMethod} ${path}`);
  return m;
}

function requireIntegration(m: ObservedMethod): IntegrationShape {
  if (!m.shape.integration) throw new SimulationError(`NotFoundException: no integration on ${m.httpMethod} ${m.path}`);
  return m.shape.integration;
}

/** A ref to an authorizer or validator made earlier in the plan, as the id the simulated AWS gave it. */
export function resolveRef(state: ObservedApi, value: string): string {
  const ref = parseRef(value);
  if (!ref) return value;
  const id = (ref.kind === 'authorizer' ? state.authorizers[ref.name] : state.requestValidators[ref.name])?.id;
  if (!id) throw new SimulationError(`NotFoundException: ${ref.kind} ${ref.name}`);
  return id;
}

function applyOne(state: ObservedApi, op: Operation, nextId: () => string): void {
  if (applyAccess(state, op, nextId)) return;
  switch (op.kind) {
    case 'putRestApi':
      Object.assign(state, simulatePutRestApi(state, op.document, nextId));
      return;
    case 'updateRestApi': {
      const special = new Set(['/endpointConfiguration/types/0', '/endpointConfiguration/vpcEndpointIds', '/policy']);
      const settings = { ...state.settings, endpointType: state.settings.endpointType as string };
      const other = op.patch.filter((p) => !special.has(p.path));
      const endpoint = op.patch.find((p) => p.path === '/endpointConfiguration/types/0');
      const patched = applyPatch(settings, other, { name: { kind: 'string' }, description: { kind: 'string' }, binaryMediaTypes: { kind: 'pathSet' } });
      const vpce = new Set(state.settings.vpcEndpointIds);
      for (const p of op.patch.filter((x) => x.path === '/endpointConfiguration/vpcEndpointIds')) {
        if (p.op === 'remove') vpce.delete(p.value ?? '');
        else vpce.add(p.value ?? '');
      }
      state.settings = { ...patched, vpcEndpointIds: [...vpce].sort(), endpointType: (endpoint?.value ?? patched.endpointType) as ObservedApi['settings']['endpointType'] };
      const policy = op.patch.find((p) => p.path === '/policy');
      if (policy) {
        if (policy.value) state.resourcePolicy = policy.value;
        else delete state.resourcePolicy;
      }
      return;
    }
    case 'tagRestApi':
      state.tags = { ...state.tags, ...op.tags };
      return;
    case 'untagRestApi':
      state.tags = Object.fromEntries(Object.entries(state.tags).filter(([k]) => !op.keys.includes(k)));
      return;
    case 'createResource': {
      if (state.resources.some((r) => r.path === op.path)) throw new SimulationError(`ConflictException: ${op.path} exists`);
      const parentId = op.parentPath === '/' ? state.rootResourceId : state.resources.find((r) => r.path === op.parentPath)?.id;
      if (!parentId) throw new SimulationError(`NotFoundException: parent ${op.parentPath} of ${op.path}`);
      state.resources.push({ id: nextId(), path: op.path, parentId, pathPart: splitPath(op.path).pathPart });
      return;
    }
    case 'deleteResource': {
      const inside = (p: string) => p === op.path || p.startsWith(`${op.path}/`);
      if (!state.resources.some((r) => r.path === op.path)) throw new SimulationError(`NotFoundException: ${op.path}`);
      state.resources = state.resources.filter((r) => !inside(r.path));
      state.methods = state.methods.filter((m) => !inside(m.path));
      return;
    }
    case 'putMethod': {
      if (op.path !== '/' && !state.resources.some((r) => r.path === op.path)) throw new SimulationError(`NotFoundException: ${op.path}`);
      if (state.methods.some((m) => methodKey(m.path, m.httpMethod) === methodKey(op.path, op.httpMethod))) {
        throw new SimulationError(`ConflictException: ${op.httpMethod} ${op.path} exists`);
      }
      const shape: MethodShape = { ...structuredClone(op.method), authorizerId: resolveRef(state, op.method.authorizerId), requestValidatorId: resolveRef(state, op.method.requestValidatorId), responses: {}, integration: null };
      state.methods.push({ path: op.path, httpMethod: op.httpMethod, shape });
      return;
    }
    case 'updateMethod': {
      const m = findMethod(state, op.path, op.httpMethod);
      m.shape = applyPatch(m.shape, op.patch.map((p) => (p.value !== undefined ? { ...p, value: resolveRef(state, p.value) } : p)), METHOD_FIELDS);
      return;
    }
    case 'deleteMethod':
      findMethod(state, op.path, op.httpMethod);
      state.methods = state.methods.filter((m) => methodKey(m.path, m.httpMethod) !== methodKey(op.path, op.httpMethod));
      return;
    case 'putIntegration': {
      const m = findMethod(state, op.path, op.httpMethod);
      m.shape.integration = { ...structuredClone(op.integration), responses: {} };
      return;
    }
    case 'updateIntegration': {
      const m = findMethod(state, op.path, op.httpMethod);
      m.shape.integration = applyPatch(requireIntegration(m), op.patch, INTEGRATION_FIELDS);
      return;
    }
    case 'putMethodResponse': {
      const m = findMethod(state, op.path, op.httpMethod);
      m.shape.responses = { ...m.shape.responses, [op.statusCode]: structuredClone(op.response) };
      return;
    }
    case 'updateMethodResponse': {
      const m = findMethod(state, op.path, op.httpMethod);
      const before = m.shape.responses[op.statusCode];
      if (!before) throw new SimulationError(`NotFoundException: method response ${op.statusCode}`);
      m.shape.responses = { ...m.shape.responses, [op.statusCode]: applyPatch(before, op.patch, METHOD_RESPONSE_FIELDS) };
      return;
    }
    case 'deleteMethodResponse': {
      const m = findMethod(state, op.path, op.httpMethod);
      m.shape.responses = Object.fromEntries(Object.entries(m.shape.responses).filter(([code]) => code !== op.statusCode));
      return;
    }
    case 'putIntegrationResponse': {
      const m = findMethod(state, op.path, op.httpMethod);
      const integration = requireIntegration(m);
      if (!m.shape.responses[op.statusCode]) throw new SimulationError(`NotFoundException: no method response ${op.statusCode}`);
      integration.responses = { ...integration.responses, [op.statusCode]: structuredClone(op.response) };
      return;
    }
    case 'updateIntegrationResponse': {
      const integration = requireIntegration(findMethod(state, op.path, op.httpMethod));
      const before = integration.responses[op.statusCode];
      if (!before) throw new SimulationError(`NotFoundException: integration response ${op.statusCode}`);
      integration.responses = { ...integration.responses, [op.statusCode]: applyPatch(before, op.patch, INTEGRATION_RESPONSE_FIELDS) };
      return;
    }
    case 'deleteIntegrationResponse': {
      const integration = requireIntegration(findMethod(state, op.path, op.httpMethod));
      integration.responses = Object.fromEntries(Object.entries(integration.responses).filter(([code]) => code !== op.statusCode));
      return;
    }
    case 'putGatewayResponse':
      state.gatewayResponses = { ...state.gatewayResponses, [op.responseType]: structuredClone(op.response) };
      return;
    case 'deleteGatewayResponse':
      state.gatewayResponses = Object.fromEntries(Object.entries(state.gatewayResponses).filter(([t]) => t !== op.responseType));
      return;
  }
}

/** The observed state after API Gateway ran `ops` on `observed` (which is not modified). */
export function simulate(observed: ObservedApi, ops: Operation[]): ObservedApi {
  const state = structuredClone(observed);
  let counter = 0;
  const nextId = () => `sim${(counter += 1).toString().padStart(6, '0')}`;
  for (const op of ops) applyOne(state, op, nextId);
  return state;
}
