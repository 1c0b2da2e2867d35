// diff(desired, observed, ledger) -> the ordered operations that make AWS match the desired state.
// Empty when in sync. Order: API settings and tags; new resources, parents first; per method:
// method, integration, method responses, integration responses (create before their dependants);
// then deletions, children first. In-place PATCH wherever API Gateway allows it. Only what the
// desired state declares or the ledger says the operator wrote is ever deleted.
import { methodKey, pathDepth } from '../model/shapes.js';
import type { GatewayResponseShape, IntegrationShape, MethodShape } from '../model/shapes.js';
import type { DesiredApi, DesiredMethod, ObservedApi, ObservedMethod, OwnershipLedger } from '../model/state.js';
import { OWNERSHIP_TAG_PREFIX } from '../api/common.js';
import type { Operation, PatchOperation } from './operations.js';
import { mapPatch, replaceIfChanged, setPatch, valueSetPatch } from './patch.js';
import { accessDeletions, accessUpserts } from './access-diff.js';
import { comparablePolicyText } from '../model/access.js';
import { EMPTY_LEDGER } from '../model/state.js';

/** The resource policy: written when declared and different; removed only when the ledger says it is ours. */
function policyPatch(desired: DesiredApi, observed: ObservedApi, ledger: OwnershipLedger): PatchOperation[] {
  const have = observed.resourcePolicy ? comparablePolicyText(observed.resourcePolicy) : '';
  if (desired.policy !== undefined) return have === desired.policy ? [] : [{ op: 'replace', path: '/policy', value: desired.policy }];
  return have !== '' && ledger.resourcePolicy ? [{ op: 'replace', path: '/policy', value: '' }] : [];
}

export function settingsPatch(desired: DesiredApi, observed: ObservedApi, ledger: OwnershipLedger = EMPTY_LEDGER): PatchOperation[] {
  const d = desired.settings;
  const o = observed.settings;
  const vpce = '/endpointConfiguration/vpcEndpointIds';
  // VPC endpoints go before a type change (a REGIONAL API has none) and come after one (to PRIVATE).
  return [
    ...replaceIfChanged('/name', o.name, d.name),
    ...replaceIfChanged('/description', o.description, d.description),
    ...o.vpcEndpointIds.filter((id) => !d.vpcEndpointIds.includes(id)).map((value): PatchOperation => ({ op: 'remove', path: vpce, value })),
    ...(o.endpointType === d.endpointType ? [] : [{ op: 'replace' as const, path: '/endpointConfiguration/types/0', value: d.endpointType }]),
    ...d.vpcEndpointIds.filter((id) => !o.vpcEndpointIds.includes(id)).map((value): PatchOperation => ({ op: 'add', path: vpce, value })),
    ...setPatch('/binaryMediaTypes', o.binaryMediaTypes, d.binaryMediaTypes),
    ...policyPatch(desired, observed, ledger),
  ];
}

function tagOperations(desired: DesiredApi, observed: ObservedApi, ledger: OwnershipLedger): Operation[] {
  const toSet = Object.fromEntries(Object.entries(desired.tags).filter(([k, v]) => observed.tags[k] !== v));
  const toRemove = Object.keys(observed.tags)
    .filter((k) => !(k in desired.tags) && (ledger.tags.includes(k) || k.startsWith(OWNERSHIP_TAG_PREFIX)))
    .sort();
  return [
    ...(Object.keys(toSet).length > 0 ? [{ kind: 'tagRestApi' as const, tags: toSet }] : []),
    ...(toRemove.length > 0 ? [{ kind: 'untagRestApi' as const, keys: toRemove }] : []),
  ];
}

export function methodPatch(from: MethodShape, to: MethodShape): PatchOperation[] {
  return [
    ...replaceIfChanged('/authorizationType', from.authorizationType, to.authorizationType),
    ...replaceIfChanged('/authorizerId', from.authorizerId, to.authorizerId),
    ...valueSetPatch('/authorizationScopes', from.authorizationScopes, to.authorizationScopes),
    ...replaceIfChanged('/apiKeyRequired', from.apiKeyRequired, to.apiKeyRequired),
    ...replaceIfChanged('/operationName', from.operationName, to.operationName),
    ...mapPatch('/requestParameters', from.requestParameters, to.requestParameters),
    ...replaceIfChanged('/requestValidatorId', from.requestValidatorId, to.requestValidatorId),
    ...mapPatch('/requestModels', from.requestModels, to.requestModels),
  ];
}

export function integrationPatch(from: IntegrationShape, to: IntegrationShape): PatchOperation[] {
  return [
    ...replaceIfChanged('/uri', from.uri, to.uri),
    ...replaceIfChanged('/httpMethod', from.httpMethod, to.httpMethod),
    ...replaceIfChanged('/connectionType', from.connectionType, to.connectionType),
    ...replaceIfChanged('/connectionId', from.connectionId, to.connectionId),
    ...replaceIfChanged('/timeoutInMillis', from.timeoutInMillis, to.timeoutInMillis),
    ...mapPatch('/requestParameters', from.requestParameters, to.requestParameters),
    ...mapPatch('/requestTemplates', from.requestTemplates, to.requestTemplates),
    ...replaceIfChanged('/passthroughBehavior', from.passthroughBehavior, to.passthroughBehavior),
    ...replaceIfChanged('/contentHandling', from.contentHandling, to.contentHandling),
    ...replaceIfChanged('/credentials', from.credentials, to.credentials),
  ];
}

/** A gateway response whose statusCode is not declared takes whatever AWS reports for it. */
function gatewayResponseInSync(desired: GatewayResponseShape, observed: GatewayResponseShape | undefined): boolean {
  if (!observed) return false;
  return (
    (desired.statusCode === '' || desired.statusCode === observed.statusCode) &&
    mapPatch('', observed.responseParameters, desired.responseParameters).length === 0 &&
    mapPatch('', observed.responseTemplates, desired.responseTemplates).length === 0
  );
}

function withoutChildren<T extends { responses: unknown; integration?: unknown }>(shape: T): Omit<T, 'responses' | 'integration'> {
  const { responses: _r, integration: _i, ...rest } = shape;
  return rest;
}

function methodOperations(d: DesiredMethod, o: ObservedMethod | undefined): Operation[] {
  const at = { path: d.path, httpMethod: d.httpMethod };
  const ops: Operation[] = [];
  const want = d.shape;
  const integration = want.integration;
  if (!o) {
    ops.push({ kind: 'putMethod', ...at, method: withoutChildren(want) });
  } else {
    const patch = methodPatch(o.shape, want);
    if (patch.length > 0) ops.push({ kind: 'updateMethod', ...at, patch });
  }
  const had = o?.shape.integration ?? null;
  // A new integration, or one of another type (API Gateway cannot patch the type) or other cache keys
  // (UpdateIntegration documents no patch path for cacheKeyParameters; PutIntegration sets them), is
  // put whole; PutIntegration replaces the integration and its responses, so all responses are put again.
  const integrationReplaced = integration !== null && (had === null || had.type !== integration.type || had.cacheKeyParameters.join() !== integration.cacheKeyParameters.join());
  if (integration && integrationReplaced) {
    ops.push({ kind: 'putIntegration', ...at, integration: withoutChildren(integration) });
  } else if (integration && had) {
    const patch = integrationPatch(had, integration);
    if (patch.length > 0) ops.push({ kind: 'updateIntegration', ...at, patch });
  }

  const hadMethodResponses = o?.shape.responses ?? {};
  for (const [statusCode, response] of Object.entries(want.responses).sort()) {
    const before = hadMethodResponses[statusCode];
    if (!before) {
      ops.push({ kind: 'putMethodResponse', ...at, statusCode, response });
    } else {
      const patch = [
        ...mapPatch('/responseParameters', before.responseParameters, response.responseParameters),
        ...mapPatch('/responseModels', before.responseModels, response.responseModels),
      ];
      if (patch.length > 0) ops.push({ kind: 'updateMethodResponse', ...at, statusCode, patch });
    }
  }

  const hadIntegrationResponses = integrationReplaced ? {} : (had?.responses ?? {});
  for (const [statusCode, response] of Object.entries(integration?.responses ?? {}).sort()) {
    const before = hadIntegrationResponses[statusCode];
    if (!before) {
      ops.push({ kind: 'putIntegrationResponse', ...at, statusCode, response });
    } else {
      const patch = [
        ...replaceIfChanged('/selectionPattern', before.selectionPattern, response.selectionPattern),
        ...mapPatch('/responseParameters', before.responseParameters, response.responseParameters),
        ...mapPatch('/responseTemplates', before.responseTemplates, response.responseTemplates),
        ...replaceIfChanged('/contentHandling', before.contentHandling, response.contentHandling),
      ];
      if (patch.length > 0) ops.push({ kind: 'updateIntegrationResponse', ...at, statusCode, patch });
    }
  }
  if (!integrationReplaced) {
    for (const statusCode of Object.keys(had?.responses ?? {}).sort()) {
      if (!(statusCode in (integration?.responses ?? {}))) ops.push({ kind: 'deleteIntegrationResponse', ...at, statusCode });
    }
  }
  for (const statusCode of Object.keys(hadMethodResponses).sort()) {
    if (!(statusCode in want.responses)) ops.push({ kind: 'deleteMethodResponse', ...at, statusCode });
  }
  return ops;
}

export function diff(desired: DesiredApi, observed: ObservedApi, ledger: OwnershipLedger): Operation[] {
  return planDiff(desired, observed, ledger).operations;
}

/** The operations, and the deletions that wait because something that stays still uses what would go. */
export function planDiff(desired: DesiredApi, observed: ObservedApi, ledger: OwnershipLedger): { operations: Operation[]; blocked: string[] } {
  const ops: Operation[] = [];
  const settings = settingsPatch(desired, observed, ledger);
  if (settings.length > 0) ops.push({ kind: 'updateRestApi', patch: settings });
  ops.push(...tagOperations(desired, observed, ledger));

  const observedPaths = new Set(observed.resources.map((r) => r.path));
  const creates = desired.resources
    .filter((r) => !observedPaths.has(r.path))
    .sort((a, b) => pathDepth(a.path) - pathDepth(b.path) || a.path.localeCompare(b.path));
  for (const r of creates) ops.push({ kind: 'createResource', path: r.path, parentPath: r.parentPath, pathPart: r.pathPart });

  for (const [type, response] of Object.entries(desired.gatewayResponses).sort()) {
    if (!gatewayResponseInSync(response, observed.gatewayResponses[type])) {
      ops.push({ kind: 'putGatewayResponse', responseType: type, response });
    }
  }

  ops.push(...accessUpserts(desired, observed));

  const observedMethods = new Map(observed.methods.map((m) => [methodKey(m.path, m.httpMethod), m]));
  for (const d of desired.methods) ops.push(...methodOperations(d, observedMethods.get(methodKey(d.path, d.httpMethod))));

  // Deletions. A method goes when the ledger says we wrote it and nothing declares it any more
  // (a declared but pending method is kept as it is).
  const keep = new Set([...desired.methods, ...desired.pending, ...desired.refused].map((m) => methodKey(m.path, m.httpMethod)));
  const ledgerMethods = new Set(ledger.methods);
  const surviving = observed.methods.filter((m) => {
    const key = methodKey(m.path, m.httpMethod);
    return keep.has(key) || !ledgerMethods.has(key);
  });
  for (const m of observed.methods) {
    const key = methodKey(m.path, m.httpMethod);
    if (!keep.has(key) && ledgerMethods.has(key)) ops.push({ kind: 'deleteMethod', path: m.path, httpMethod: m.httpMethod });
  }

  // A segment goes when the ledger has it, nothing declared needs it, and nothing that stays (a
  // method or segment that is not ours) sits at or below it: deleting a segment deletes its subtree.
  const desiredPaths = new Set(desired.resources.map((r) => r.path));
  const ledgerResources = new Set(ledger.resources);
  const under = (path: string, parent: string) => path === parent || path.startsWith(`${parent}/`);
  const deletable = new Set(observed.resources.filter((r) => !desiredPaths.has(r.path) && ledgerResources.has(r.path)).map((r) => r.path));
  let changed = true;
  while (changed) {
    changed = false;
    for (const path of deletable) {
      const blocked =
        surviving.some((m) => under(m.path, path)) ||
        observed.resources.some((r) => under(r.path, path) && !deletable.has(r.path));
      if (blocked) {
        deletable.delete(path);
        changed = true;
      }
    }
  }
  for (const path of [...deletable].sort((a, b) => pathDepth(b) - pathDepth(a) || a.localeCompare(b))) {
    ops.push({ kind: 'deleteResource', path });
  }

  for (const type of Object.keys(observed.gatewayResponses).sort()) {
    if (!(type in desired.gatewayResponses) && ledger.gatewayResponses.includes(type)) {
      ops.push({ kind: 'deleteGatewayResponse', responseType: type });
    }
  }

  // What stays once the plan ran: declared methods as desired, the rest as AWS has them; a deleted
  // segment takes the methods under it along.
  const desiredByKey = new Map(desired.methods.map((m) => [methodKey(m.path, m.httpMethod), m.shape]));
  const goneUnder = (path: string) => [...deletable].some((d) => under(path, d));
  const methodsAfter = [
    ...desired.methods.map((m) => ({ key: `${m.httpMethod} ${m.path}`, shape: m.shape })),
    ...surviving.filter((m) => !desiredByKey.has(methodKey(m.path, m.httpMethod)) && !goneUnder(m.path)).map((m) => ({ key: `${m.httpMethod} ${m.path}`, shape: m.shape })),
  ];
  const deletions = accessDeletions(desired, observed, ledger, methodsAfter);
  return { operations: [...ops, ...deletions.operations], blocked: deletions.blocked };
}
