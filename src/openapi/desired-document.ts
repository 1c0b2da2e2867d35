// The desired state of a REST API as one OpenAPI document, for creating a new API with one
// PutRestApi (bulk create) instead of one call per resource, method and response: the same renderer
// export uses, given the desired shapes. References to authorizers and validators the plan creates
// (REF_PREFIX ids) become their names in the document. Pure.
import { authorizerRef, validatorRef } from '../model/shapes.js';
import type { DesiredApi, ObservedApi } from '../model/state.js';
import { renderOpenApi } from './render.js';

/**
 * The document, and whether it carries the whole desired state (false: a method names an authorizer
 * by a foreign id, or has two integration responses without a selection pattern): only a complete
 * one may replace the per-operation create.
 */
export function desiredDocument(desired: DesiredApi, restApiId: string): { document: ReturnType<typeof renderOpenApi>['document']; complete: boolean } {
  const asObserved: ObservedApi = {
    id: restApiId,
    rootResourceId: '',
    settings: desired.settings,
    tags: {},
    resources: [],
    methods: desired.methods.map((m) => ({ path: m.path, httpMethod: m.httpMethod, shape: m.shape })),
    gatewayResponses: desired.gatewayResponses,
    ...(desired.policy !== undefined ? { resourcePolicy: desired.policy } : {}),
    authorizers: Object.fromEntries(Object.entries(desired.authorizers).map(([name, a]) => [name, { ...a, id: authorizerRef(name) }])),
    models: desired.models,
    requestValidators: Object.fromEntries(Object.entries(desired.requestValidators).map(([name, v]) => [name, { ...v, id: validatorRef(name) }])),
  };
  const known = new Set(Object.keys(desired.authorizers).map(authorizerRef));
  const complete = desired.methods.every((m) => !m.shape.authorizerId || known.has(m.shape.authorizerId));
  const { document, notes } = renderOpenApi(asObserved);
  return { document, complete: complete && notes.items.length === 0 };
}
