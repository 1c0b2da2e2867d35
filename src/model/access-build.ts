// The access part of the desired state of one REST API: its authorizers, validators, models and
// resource policy, and how a method's names (authorizerRef, requestValidator, requestModels) resolve
// against them. A name is resolved against what the RestApi declares first, then against what the
// REST API has in AWS (an API managed elsewhere declares nothing); a name found in neither refuses
// the method, with a message naming it. Pure.
import type { RestApiSpec } from '../api/rest-api.js';
import type { Method } from '../api/rest-path.js';
import { authorizerShape, comparablePolicy, desiredModels, resolvedPolicy, validatorShape, type ApiTarget, type DesiredModels } from './access.js';
import type { MethodRefs } from './normalize.js';
import { authorizerRef, validatorRef, type AuthorizerShape, type RequestValidatorShape } from './shapes.js';
import type { ApiProblem } from './state.js';

/** The models every REST API has from its creation. */
export const BUILT_IN_MODELS = ['Empty', 'Error'];

export interface AccessTarget extends ApiTarget {
  /** Ids of the authorizers and validators AWS has, by name. */
  authorizerIds: Readonly<Record<string, string>>;
  validatorIds: Readonly<Record<string, string>>;
  /** Models AWS has, by name. */
  existingModels: readonly string[];
  /** Execution-role ARNs of authorizers with credentials.executionRole, by authorizer name. */
  authorizerRoleArns: ReadonlyMap<string, string>;
}

export type RefsResult = MethodRefs | { refused: { reason: string; message: string } } | { pending: string };

export interface Access {
  authorizers: Record<string, AuthorizerShape>;
  heldAuthorizers: string[];
  validators: Record<string, RequestValidatorShape>;
  models: DesiredModels;
  policy?: string;
  problems: ApiProblem[];
  refsOf(method: Method): RefsResult;
}

const CUSTOM_TYPES = new Set(['TOKEN', 'REQUEST']);

export function accessOf(spec: RestApiSpec, target: AccessTarget | undefined): Access {
  const region = target?.region ?? '';
  const authorizers: Record<string, AuthorizerShape> = {};
  const waitingForRole = new Set<string>();
  const types = new Map<string, string>();
  for (const a of spec.authorizers ?? []) {
    types.set(a.name, a.type);
    let credentials = a.credentials?.roleArn ?? '';
    if (a.credentials?.executionRole) {
      const arn = target?.authorizerRoleArns.get(a.name);
      if (!arn) {
        waitingForRole.add(a.name);
        continue;
      }
      credentials = arn;
    }
    authorizers[a.name] = authorizerShape(a, region, credentials);
  }
  const validators: Record<string, RequestValidatorShape> = {};
  for (const v of spec.requestValidators ?? []) validators[v.name] = validatorShape(v);
  const existingModels = new Set([...BUILT_IN_MODELS, ...(target?.existingModels ?? [])]);
  const models = desiredModels(spec.models ?? [], target?.restApiId ?? '', existingModels);
  const policy = spec.policy ? comparablePolicy(resolvedPolicy(spec.policy, target ?? { region: '', accountId: '', restApiId: '' })) : undefined;

  const refsOf = (method: Method): RefsResult => {
    const at = method.authorization;
    let authorizerId = at?.authorizerId ?? '';
    if (at?.authorizerRef) {
      const name = at.authorizerRef;
      if (waitingForRole.has(name)) return { pending: `waiting for the execution role of authorizer ${name} to be created` };
      const declaredType = types.get(name);
      const id = target?.authorizerIds[name];
      if (!declaredType && !id) {
        return { refused: { reason: 'AuthorizerNotFound', message: `authorization.authorizerRef names authorizer ${name}, which the RestApi's spec.authorizers does not declare (and the REST API does not have)` } };
      }
      const cognito = at.type === 'COGNITO_USER_POOLS';
      if (declaredType && (cognito ? declaredType !== 'COGNITO_USER_POOLS' : !CUSTOM_TYPES.has(declaredType))) {
        return { refused: { reason: 'AuthorizerTypeMismatch', message: `authorization type ${at.type} cannot use authorizer ${name} of type ${declaredType}: CUSTOM takes TOKEN or REQUEST authorizers, COGNITO_USER_POOLS takes COGNITO_USER_POOLS ones` } };
      }
      authorizerId = id ?? authorizerRef(name);
    }
    let requestValidatorId = '';
    if (method.requestValidator) {
      const name = method.requestValidator;
      const id = target?.validatorIds[name];
      if (!(name in validators) && !id) {
        return { refused: { reason: 'RequestValidatorNotFound', message: `requestValidator names ${name}, which the RestApi's spec.requestValidators does not declare (and the REST API does not have)` } };
      }
      requestValidatorId = id ?? validatorRef(name);
    }
    const missing = Object.values(method.requestModels ?? {}).filter((m) => !(m in models.models) && !existingModels.has(m));
    if (missing.length > 0) {
      const why = missing.map((m) => models.leftOut.get(m)).find((reason) => reason !== undefined);
      return { refused: { reason: 'ModelNotFound', message: `requestModels names ${[...new Set(missing)].join(', ')}, which the RestApi's spec.models does not declare${why ? ` in a form API Gateway accepts (${why})` : ''}` } };
    }
    return { authorizerId, requestValidatorId };
  };
  return { authorizers, heldAuthorizers: [...waitingForRole].sort(), validators, models, ...(policy !== undefined ? { policy } : {}), problems: models.problems, refsOf };
}
