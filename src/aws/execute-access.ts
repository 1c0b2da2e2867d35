// The executor's authorizers, models and request validators: created before the methods that name
// them (their new ids are recorded for the methods' refs), patched in place, deleted by name.
import {
  type APIGatewayClient,
  CreateAuthorizerCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  DeleteAuthorizerCommand,
  DeleteModelCommand,
  DeleteRequestValidatorCommand,
  UpdateAuthorizerCommand,
  UpdateModelCommand,
  UpdateRequestValidatorCommand,
} from '@aws-sdk/client-api-gateway';
import type { Operation } from '../plan/operations.js';
import { alreadyExists } from './errors.js';

export interface AccessExecution {
  restApiId: string;
  send<T>(operation: string, request: (gw: APIGatewayClient) => Promise<T>): Promise<T>;
  /** A delete; "already gone" is success. */
  remove(operation: string, request: (gw: APIGatewayClient) => Promise<unknown>): Promise<void>;
  authorizerIds: Map<string, string>;
  validatorIds: Map<string, string>;
}

/** '' means "not set": leave the field out of a request. */
const set = (value: string): string | undefined => (value === '' ? undefined : value);

export async function runAccessOperation(x: AccessExecution, op: Operation): Promise<void> {
  const restApiId = x.restApiId;
  switch (op.kind) {
    case 'createAuthorizer': {
      const a = op.authorizer;
      const created = await x.send('CreateAuthorizer', (gw) => gw.send(new CreateAuthorizerCommand({
        restApiId,
        name: op.name,
        type: a.type,
        authorizerUri: set(a.authorizerUri),
        identitySource: set(a.identitySource),
        identityValidationExpression: set(a.identityValidationExpression),
        authorizerResultTtlInSeconds: a.resultTtlSeconds,
        providerARNs: a.providerArns.length > 0 ? a.providerArns : undefined,
        authorizerCredentials: set(a.credentials),
      })));
      if (created.id) x.authorizerIds.set(op.name, created.id);
      return;
    }
    case 'updateAuthorizer': {
      const authorizerId = x.authorizerIds.get(op.name);
      if (!authorizerId) throw new Error(`no authorizer ${op.name} in REST API ${restApiId}`);
      return void (await x.send('UpdateAuthorizer', (gw) => gw.send(new UpdateAuthorizerCommand({ restApiId, authorizerId, patchOperations: op.patch }))));
    }
    case 'deleteAuthorizer': {
      const authorizerId = x.authorizerIds.get(op.name);
      if (authorizerId) await x.remove('DeleteAuthorizer', (gw) => gw.send(new DeleteAuthorizerCommand({ restApiId, authorizerId })));
      x.authorizerIds.delete(op.name);
      return;
    }
    case 'createModel':
      try {
        await x.send('CreateModel', (gw) => gw.send(new CreateModelCommand({ restApiId, name: op.name, contentType: op.model.contentType, schema: op.model.schema, description: set(op.model.description) })));
      } catch (error) {
        if (!alreadyExists(error)) throw error;
        // Made by an earlier run that did not live to see it: bring it to the desired schema.
        await x.send('UpdateModel', (gw) => gw.send(new UpdateModelCommand({ restApiId, modelName: op.name, patchOperations: [{ op: 'replace', path: '/schema', value: op.model.schema }] })));
      }
      return;
    case 'updateModel':
      return void (await x.send('UpdateModel', (gw) => gw.send(new UpdateModelCommand({ restApiId, modelName: op.name, patchOperations: op.patch }))));
    case 'deleteModel':
      return x.remove('DeleteModel', (gw) => gw.send(new DeleteModelCommand({ restApiId, modelName: op.name })));
    case 'createRequestValidator': {
      const created = await x.send('CreateRequestValidator', (gw) => gw.send(new CreateRequestValidatorCommand({ restApiId, name: op.name, validateRequestBody: op.validator.validateBody, validateRequestParameters: op.validator.validateParameters })));
      if (created.id) x.validatorIds.set(op.name, created.id);
      return;
    }
    case 'updateRequestValidator': {
      const requestValidatorId = x.validatorIds.get(op.name);
      if (!requestValidatorId) throw new Error(`no request validator ${op.name} in REST API ${restApiId}`);
      return void (await x.send('UpdateRequestValidator', (gw) => gw.send(new UpdateRequestValidatorCommand({ restApiId, requestValidatorId, patchOperations: op.patch }))));
    }
    case 'deleteRequestValidator': {
      const requestValidatorId = x.validatorIds.get(op.name);
      if (requestValidatorId) await x.remove('DeleteRequestValidator', (gw) => gw.send(new DeleteRequestValidatorCommand({ restApiId, requestValidatorId })));
      x.validatorIds.delete(op.name);
      return;
    }
    default:
      throw new Error(`unknown operation ${op.kind}`);
  }
}
