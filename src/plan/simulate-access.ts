// The simulator's authorizers, models and request validators (API Gateway's Create/Update/Delete of
// each; deleting one a method still uses is a ConflictException, as in AWS).
import type { ObservedApi } from '../model/state.js';
import type { Operation } from './operations.js';
import { applyPatch, SimulationError, type Field } from './simulate.js';

const AUTHORIZER_FIELDS: Record<string, Field> = {
  type: { kind: 'string' },
  authorizerUri: { kind: 'string' },
  identitySource: { kind: 'string' },
  identityValidationExpression: { kind: 'string' },
  authorizerResultTtlInSeconds: { kind: 'number' },
  authorizerCredentials: { kind: 'string' },
  providerARNs: { kind: 'valueSet' },
};

/** Applies `op` when it is one of these; false when it is not. */
export function applyAccess(state: ObservedApi, op: Operation, nextId: () => string): boolean {
  switch (op.kind) {
    case 'createAuthorizer':
      if (op.name in state.authorizers) throw new SimulationError(`ConflictException: authorizer ${op.name} exists`);
      state.authorizers = { ...state.authorizers, [op.name]: { ...structuredClone(op.authorizer), id: nextId() } };
      return true;
    case 'updateAuthorizer': {
      const a = state.authorizers[op.name];
      if (!a) throw new SimulationError(`NotFoundException: authorizer ${op.name}`);
      const aws = applyPatch({ type: a.type, authorizerUri: a.authorizerUri, identitySource: a.identitySource, identityValidationExpression: a.identityValidationExpression, authorizerResultTtlInSeconds: a.resultTtlSeconds, authorizerCredentials: a.credentials, providerARNs: a.providerArns }, op.patch, AUTHORIZER_FIELDS);
      state.authorizers = {
        ...state.authorizers,
        [op.name]: { id: a.id, type: aws.type, authorizerUri: aws.authorizerUri, identitySource: aws.identitySource, identityValidationExpression: aws.identityValidationExpression, resultTtlSeconds: aws.authorizerResultTtlInSeconds, credentials: aws.authorizerCredentials, providerArns: aws.providerARNs },
      };
      return true;
    }
    case 'deleteAuthorizer': {
      const a = state.authorizers[op.name];
      if (a && state.methods.some((m) => m.shape.authorizerId === a.id)) throw new SimulationError(`ConflictException: authorizer ${op.name} is in use`);
      state.authorizers = Object.fromEntries(Object.entries(state.authorizers).filter(([n]) => n !== op.name));
      return true;
    }
    case 'createModel':
      if (op.name in state.models) throw new SimulationError(`ConflictException: model ${op.name} exists`);
      state.models = { ...state.models, [op.name]: structuredClone(op.model) };
      return true;
    case 'updateModel': {
      const m = state.models[op.name];
      if (!m) throw new SimulationError(`NotFoundException: model ${op.name}`);
      state.models = { ...state.models, [op.name]: applyPatch(m, op.patch, { schema: { kind: 'string' }, description: { kind: 'string' } }) };
      return true;
    }
    case 'deleteModel':
      if (state.methods.some((m) => Object.values(m.shape.requestModels).includes(op.name))) throw new SimulationError(`ConflictException: model ${op.name} is in use`);
      state.models = Object.fromEntries(Object.entries(state.models).filter(([n]) => n !== op.name));
      return true;
    case 'createRequestValidator':
      if (op.name in state.requestValidators) throw new SimulationError(`ConflictException: request validator ${op.name} exists`);
      state.requestValidators = { ...state.requestValidators, [op.name]: { ...structuredClone(op.validator), id: nextId() } };
      return true;
    case 'updateRequestValidator': {
      const v = state.requestValidators[op.name];
      if (!v) throw new SimulationError(`NotFoundException: request validator ${op.name}`);
      const patched = applyPatch({ validateRequestBody: v.validateBody, validateRequestParameters: v.validateParameters }, op.patch, { validateRequestBody: { kind: 'boolean' }, validateRequestParameters: { kind: 'boolean' } });
      state.requestValidators = { ...state.requestValidators, [op.name]: { id: v.id, validateBody: patched.validateRequestBody, validateParameters: patched.validateRequestParameters } };
      return true;
    }
    case 'deleteRequestValidator': {
      const v = state.requestValidators[op.name];
      if (v && state.methods.some((m) => m.shape.requestValidatorId === v.id)) throw new SimulationError(`ConflictException: request validator ${op.name} is in use`);
      state.requestValidators = Object.fromEntries(Object.entries(state.requestValidators).filter(([n]) => n !== op.name));
      return true;
    }
    default:
      return false;
  }
}
