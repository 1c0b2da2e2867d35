// execute(plan): runs the operations in order through the one caller. Idempotent, so a run killed at
// any point and started again converges without duplicates: a create that meets the thing already
// there reads it and goes on; a delete of something already gone counts as done. Stops at the first
// failure and reports how far it got, so the status can say exactly what is half-applied.
import {
  type APIGatewayClient,
  CreateResourceCommand,
  DeleteGatewayResponseCommand,
  DeleteIntegrationResponseCommand,
  DeleteMethodCommand,
  DeleteMethodResponseCommand,
  DeleteResourceCommand,
  GetMethodCommand,
  GetMethodResponseCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  PutRestApiCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateIntegrationCommand,
  UpdateIntegrationResponseCommand,
  UpdateMethodCommand,
  UpdateMethodResponseCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import type { ObservedApi } from '../model/state.js';
import { parseRef } from '../model/shapes.js';
import { methodPatch } from '../plan/diff.js';
import type { Operation, PatchOperation } from '../plan/operations.js';
import { mapPatch } from '../plan/patch.js';
import type { AwsCaller } from './caller.js';
import { restApiArn, type AwsClients } from './clients.js';
import { alreadyExists, ImportRefused, isGone } from './errors.js';
import { getAllResources } from './observe.js';
import { runAccessOperation } from './execute-access.js';
import { methodFromAws } from './shapes-from-aws.js';

export interface ExecutionResult {
  /** Operations that completed, in order. */
  completed: number;
  total: number;
  /** The operation that failed and why; absent when the whole plan ran. */
  failed?: { operation: Operation; error: unknown };
  /** Resource ids by path after the run (observed ones plus those created). */
  resourceIds: Map<string, string>;
}

/** '' means "not set": leave the field out of a Put request. */
function set<T extends string>(value: T): T | undefined {
  return value === '' ? undefined : value;
}

function orUndefined<T extends object>(map: T): T | undefined {
  return Object.keys(map).length > 0 ? map : undefined;
}

class Executor {
  readonly ids: Map<string, string>;
  /** Authorizer and validator ids by name: the observed ones and those this run created. */
  private readonly authorizerIds: Map<string, string>;
  private readonly validatorIds: Map<string, string>;

  constructor(
    private readonly caller: AwsCaller,
    private readonly clients: AwsClients,
    private readonly api: ObservedApi,
  ) {
    this.ids = new Map([['/', api.rootResourceId], ...api.resources.map((r) => [r.path, r.id] as const)]);
    this.authorizerIds = new Map(Object.entries(api.authorizers).map(([name, a]) => [name, a.id]));
    this.validatorIds = new Map(Object.entries(api.requestValidators).map(([name, v]) => [name, v.id]));
  }

  /** A method's ref to an authorizer or validator made earlier in this plan, as its id. */
  private resolve(value: string): string {
    const ref = parseRef(value);
    if (!ref) return value;
    const id = (ref.kind === 'authorizer' ? this.authorizerIds : this.validatorIds).get(ref.name);
    if (!id) throw new Error(`no ${ref.kind} ${ref.name} in REST API ${this.api.id}`);
    return id;
  }

  private resolvePatch(patch: PatchOperation[]): PatchOperation[] {
    return patch.map((p) => (p.value !== undefined && (p.path === '/authorizerId' || p.path === '/requestValidatorId') ? { ...p, value: this.resolve(p.value) } : p));
  }



  private get restApiId(): string {
    return this.api.id;
  }

  private resourceId(path: string): string {
    const id = this.ids.get(path);
    if (!id) throw new Error(`no resource id known for ${path}`);
    return id;
  }

  private send<T>(operation: string, request: (gw: APIGatewayClient) => Promise<T>): Promise<T> {
    return this.caller.call(operation, () => request(this.clients.apigateway));
  }

  /** Runs a delete; "already gone" is success. */
  private async remove(operation: string, request: (gw: APIGatewayClient) => Promise<unknown>): Promise<void> {
    try {
      await this.send(operation, request);
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }

  async run(op: Operation): Promise<void> {
    const restApiId = this.restApiId;
    switch (op.kind) {
      case 'putRestApi':
        return this.putRestApi(op);
      case 'updateRestApi':
        return void (await this.send('UpdateRestApi', (gw) => gw.send(new UpdateRestApiCommand({ restApiId, patchOperations: op.patch }))));
      case 'tagRestApi':
        return void (await this.send('TagResource', (gw) => gw.send(new TagResourceCommand({ resourceArn: restApiArn(this.clients.region, restApiId), tags: op.tags }))));
      case 'untagRestApi':
        return void (await this.send('UntagResource', (gw) => gw.send(new UntagResourceCommand({ resourceArn: restApiArn(this.clients.region, restApiId), tagKeys: op.keys }))));
      case 'createResource':
        return this.createResource(op.path, op.parentPath, op.pathPart);
      case 'deleteResource': {
        const id = this.ids.get(op.path);
        if (id) await this.remove('DeleteResource', (gw) => gw.send(new DeleteResourceCommand({ restApiId, resourceId: id })));
        for (const path of [...this.ids.keys()]) if (path === op.path || path.startsWith(`${op.path}/`)) this.ids.delete(path);
        return;
      }
      case 'putMethod':
        return this.putMethod(op);
      case 'updateMethod':
        return void (await this.send('UpdateMethod', (gw) => gw.send(new UpdateMethodCommand({ restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod, patchOperations: this.resolvePatch(op.patch) }))));
      case 'deleteMethod':
        return this.remove('DeleteMethod', (gw) => gw.send(new DeleteMethodCommand({ restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod })));
      case 'putIntegration': {
        const i = op.integration;
        // PutIntegration creates or replaces: running it twice is harmless.
        return void (await this.send('PutIntegration', (gw) => gw.send(new PutIntegrationCommand({
          restApiId,
          resourceId: this.resourceId(op.path),
          httpMethod: op.httpMethod,
          type: i.type,
          integrationHttpMethod: set(i.httpMethod),
          uri: set(i.uri),
          connectionType: i.connectionType,
          connectionId: set(i.connectionId),
          credentials: set(i.credentials),
          requestParameters: orUndefined(i.requestParameters),
          requestTemplates: orUndefined(i.requestTemplates),
          cacheKeyParameters: i.cacheKeyParameters.length > 0 ? i.cacheKeyParameters : undefined,
          passthroughBehavior: set(i.passthroughBehavior),
          contentHandling: set(i.contentHandling) as 'CONVERT_TO_BINARY' | 'CONVERT_TO_TEXT' | undefined,
          timeoutInMillis: i.timeoutInMillis,
        }))));
      }
      case 'updateIntegration':
        return void (await this.send('UpdateIntegration', (gw) => gw.send(new UpdateIntegrationCommand({ restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod, patchOperations: op.patch }))));
      case 'putMethodResponse':
        return this.putMethodResponse(op);
      case 'updateMethodResponse':
        return void (await this.send('UpdateMethodResponse', (gw) => gw.send(new UpdateMethodResponseCommand({ restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod, statusCode: op.statusCode, patchOperations: op.patch }))));
      case 'deleteMethodResponse':
        return this.remove('DeleteMethodResponse', (gw) => gw.send(new DeleteMethodResponseCommand({ restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod, statusCode: op.statusCode })));
      case 'putIntegrationResponse': {
        const r = op.response;
        // PutIntegrationResponse creates or replaces.
        return void (await this.send('PutIntegrationResponse', (gw) => gw.send(new PutIntegrationResponseCommand({
          restApiId,
          resourceId: this.resourceId(op.path),
          httpMethod: op.httpMethod,
          statusCode: op.statusCode,
          selectionPattern: set(r.selectionPattern),
          responseParameters: orUndefined(r.responseParameters),
          responseTemplates: orUndefined(r.responseTemplates),
          contentHandling: set(r.contentHandling) as 'CONVERT_TO_BINARY' | 'CONVERT_TO_TEXT' | undefined,
        }))));
      }
      case 'updateIntegrationResponse':
        return void (await this.send('UpdateIntegrationResponse', (gw) => gw.send(new UpdateIntegrationResponseCommand({ restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod, statusCode: op.statusCode, patchOperations: op.patch }))));
      case 'deleteIntegrationResponse':
        return this.remove('DeleteIntegrationResponse', (gw) => gw.send(new DeleteIntegrationResponseCommand({ restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod, statusCode: op.statusCode })));
      case 'putGatewayResponse': {
        const r = op.response;
        return void (await this.send('PutGatewayResponse', (gw) => gw.send(new PutGatewayResponseCommand({
          restApiId,
          responseType: op.responseType as never,
          statusCode: set(r.statusCode),
          responseParameters: orUndefined(r.responseParameters),
          responseTemplates: orUndefined(r.responseTemplates),
        }))));
      }
      case 'deleteGatewayResponse':
        return this.remove('DeleteGatewayResponse', (gw) => gw.send(new DeleteGatewayResponseCommand({ restApiId, responseType: op.responseType as never })));
      default:
        return runAccessOperation({ restApiId, send: (name, request) => this.send(name, request), remove: (name, request) => this.remove(name, request), authorizerIds: this.authorizerIds, validatorIds: this.validatorIds }, op);
    }
  }

  /**
   * Bulk create. Overwrite (merge would equal it on an empty API, but the emulator ignores the mode);
   * failOnWarnings, so AWS rolls back instead of leaving a partial API. Resending is harmless: the same
   * document overwrites the same. The new resource ids are read back by the pass, not here.
   */
  private async putRestApi(op: Extract<Operation, { kind: 'putRestApi' }>): Promise<void> {
    const body = new TextEncoder().encode(JSON.stringify(op.document));
    const answer = await this.send('PutRestApi', (gw) => gw.send(new PutRestApiCommand({ restApiId: this.restApiId, mode: 'overwrite', failOnWarnings: true, body })));
    // AWS never answers success with warnings under failOnWarnings; an emulator that does is refused alike.
    if (answer.warnings && answer.warnings.length > 0) throw new ImportRefused(answer.warnings);
    for (const path of [...this.ids.keys()]) if (path !== '/') this.ids.delete(path);
  }

  private async createResource(path: string, parentPath: string, pathPart: string): Promise<void> {
    if (this.ids.has(path)) return;
    try {
      const created = await this.send('CreateResource', (gw) => gw.send(new CreateResourceCommand({ restApiId: this.restApiId, parentId: this.resourceId(parentPath), pathPart })));
      if (created.id) this.ids.set(path, created.id);
    } catch (error) {
      if (!alreadyExists(error)) throw error;
      // Created by an earlier run that did not live to record it: find it and go on.
      for (const r of await getAllResources(this.caller, this.clients, this.restApiId)) if (r.path && r.id) this.ids.set(r.path, r.id);
      if (!this.ids.has(path)) throw error;
    }
  }

  private async putMethod(op: Extract<Operation, { kind: 'putMethod' }>): Promise<void> {
    const m = { ...op.method, authorizerId: this.resolve(op.method.authorizerId), requestValidatorId: this.resolve(op.method.requestValidatorId) };
    const target = { restApiId: this.restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod };
    try {
      await this.send('PutMethod', (gw) => gw.send(new PutMethodCommand({
        ...target,
        authorizationType: m.authorizationType,
        authorizerId: set(m.authorizerId),
        authorizationScopes: m.authorizationScopes.length > 0 ? m.authorizationScopes : undefined,
        apiKeyRequired: m.apiKeyRequired,
        operationName: set(m.operationName),
        requestParameters: orUndefined(m.requestParameters),
        requestValidatorId: set(m.requestValidatorId),
        requestModels: orUndefined(m.requestModels),
      })));
    } catch (error) {
      if (!alreadyExists(error)) throw error;
      // The method is there already (an earlier run): bring it to the desired settings in place.
      const current = methodFromAws(await this.send('GetMethod', (gw) => gw.send(new GetMethodCommand(target))));
      const patch = methodPatch(current, { ...current, ...m });
      if (patch.length > 0) await this.send('UpdateMethod', (gw) => gw.send(new UpdateMethodCommand({ ...target, patchOperations: patch })));
    }
  }

  private async putMethodResponse(op: Extract<Operation, { kind: 'putMethodResponse' }>): Promise<void> {
    const target = { restApiId: this.restApiId, resourceId: this.resourceId(op.path), httpMethod: op.httpMethod, statusCode: op.statusCode };
    try {
      await this.send('PutMethodResponse', (gw) => gw.send(new PutMethodResponseCommand({
        ...target,
        responseParameters: orUndefined(op.response.responseParameters),
        responseModels: orUndefined(op.response.responseModels),
      })));
    } catch (error) {
      if (!alreadyExists(error)) throw error;
      const current = await this.send('GetMethodResponse', (gw) => gw.send(new GetMethodResponseCommand(target)));
      const patch: PatchOperation[] = [
        ...mapPatch('/responseParameters', current.responseParameters ?? {}, op.response.responseParameters),
        ...mapPatch('/responseModels', Object.fromEntries(Object.entries(current.responseModels ?? {}).map(([k, v]) => [k, v ?? ''])), op.response.responseModels),
      ];
      if (patch.length > 0) await this.send('UpdateMethodResponse', (gw) => gw.send(new UpdateMethodResponseCommand({ ...target, patchOperations: patch })));
    }
  }
}

export async function executePlan(caller: AwsCaller, clients: AwsClients, observed: ObservedApi, ops: Operation[]): Promise<ExecutionResult> {
  const executor = new Executor(caller, clients, observed);
  for (const [index, operation] of ops.entries()) {
    try {
      await executor.run(operation);
    } catch (error) {
      return { completed: index, total: ops.length, failed: { operation, error }, resourceIds: executor.ids };
    }
  }
  return { completed: ops.length, total: ops.length, resourceIds: executor.ids };
}
