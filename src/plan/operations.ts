// The operations a plan is made of. Resources are referred to by path: a path created earlier in the
// same plan has no id until it runs, so the executor resolves paths to ids as it goes.
import type { HttpMethod } from '../api/rest-path.js';
import type {
  AuthorizerShape,
  GatewayResponseShape,
  ModelShape,
  RequestValidatorShape,
  IntegrationResponseShape,
  IntegrationShape,
  MethodResponseShape,
  MethodShape,
  StringMap,
} from '../model/shapes.js';

/** One API Gateway patch operation (RFC 6902-like; '/' inside a key is written '~1'). */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: string;
}

interface OnMethod {
  path: string;
  httpMethod: HttpMethod;
}

/**
 * Bulk create: the whole desired state of a REST API that has no resources yet, as one OpenAPI
 * document put with PutRestApi (overwrite, failOnWarnings). `paths` and `methods` say what it
 * creates; `replaces` how many per-operation calls it stands for.
 */
export interface PutRestApiOperation {
  kind: 'putRestApi';
  document: Record<string, unknown>;
  paths: string[];
  methods: number;
  replaces: number;
}

export type Operation =
  | PutRestApiOperation
  | { kind: 'updateRestApi'; patch: PatchOperation[] }
  | { kind: 'tagRestApi'; tags: StringMap }
  | { kind: 'untagRestApi'; keys: string[] }
  | { kind: 'createResource'; path: string; parentPath: string; pathPart: string }
  | { kind: 'deleteResource'; path: string }
  | ({ kind: 'putMethod'; method: Omit<MethodShape, 'responses' | 'integration'> } & OnMethod)
  | ({ kind: 'updateMethod'; patch: PatchOperation[] } & OnMethod)
  | ({ kind: 'deleteMethod' } & OnMethod)
  | ({ kind: 'putIntegration'; integration: Omit<IntegrationShape, 'responses'> } & OnMethod)
  | ({ kind: 'updateIntegration'; patch: PatchOperation[] } & OnMethod)
  | ({ kind: 'putMethodResponse'; statusCode: string; response: MethodResponseShape } & OnMethod)
  | ({ kind: 'updateMethodResponse'; statusCode: string; patch: PatchOperation[] } & OnMethod)
  | ({ kind: 'deleteMethodResponse'; statusCode: string } & OnMethod)
  | ({ kind: 'putIntegrationResponse'; statusCode: string; response: IntegrationResponseShape } & OnMethod)
  | ({ kind: 'updateIntegrationResponse'; statusCode: string; patch: PatchOperation[] } & OnMethod)
  | ({ kind: 'deleteIntegrationResponse'; statusCode: string } & OnMethod)
  | { kind: 'putGatewayResponse'; responseType: string; response: GatewayResponseShape }
  | { kind: 'deleteGatewayResponse'; responseType: string }
  | { kind: 'createAuthorizer'; name: string; authorizer: AuthorizerShape }
  | { kind: 'updateAuthorizer'; name: string; patch: PatchOperation[] }
  | { kind: 'deleteAuthorizer'; name: string }
  | { kind: 'createModel'; name: string; model: ModelShape }
  | { kind: 'updateModel'; name: string; patch: PatchOperation[] }
  | { kind: 'deleteModel'; name: string }
  | { kind: 'createRequestValidator'; name: string; validator: RequestValidatorShape }
  | { kind: 'updateRequestValidator'; name: string; patch: PatchOperation[] }
  | { kind: 'deleteRequestValidator'; name: string };

const NAMED: Partial<Record<Operation['kind'], string>> = {
  createAuthorizer: 'create authorizer', updateAuthorizer: 'update authorizer', deleteAuthorizer: 'delete authorizer',
  createModel: 'create model', updateModel: 'update model', deleteModel: 'delete model',
  createRequestValidator: 'create request validator', updateRequestValidator: 'update request validator', deleteRequestValidator: 'delete request validator',
};

export type OperationKind = Operation['kind'];

/** A one-line description for logs, Events and `restpath-operator plan`. */
export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case 'putRestApi':
      return `create ${op.methods} method(s) on ${op.paths.length} path(s) with one PutRestApi (bulk create, instead of ${op.replaces} calls)`;
    case 'updateRestApi':
      return `update REST API (${op.patch.map((p) => `${p.op} ${p.path}`).join(', ')})`;
    case 'tagRestApi':
      return `tag REST API (${Object.keys(op.tags).join(', ')})`;
    case 'untagRestApi':
      return `untag REST API (${op.keys.join(', ')})`;
    case 'createResource':
    case 'deleteResource':
      return `${op.kind === 'createResource' ? 'create' : 'delete'} resource ${op.path}`;
    case 'putGatewayResponse':
    case 'deleteGatewayResponse':
      return `${op.kind === 'putGatewayResponse' ? 'put' : 'reset'} gateway response ${op.responseType}`;
    case 'createAuthorizer':
    case 'updateAuthorizer':
    case 'deleteAuthorizer':
    case 'createModel':
    case 'updateModel':
    case 'deleteModel':
    case 'createRequestValidator':
    case 'updateRequestValidator':
    case 'deleteRequestValidator':
      return `${NAMED[op.kind] ?? op.kind} ${op.name}${'patch' in op ? ` (${op.patch.map((p) => `${p.op} ${p.path}`).join(', ')})` : ''}`;
    default: {
      const target = `${op.httpMethod} ${op.path}`;
      const status = 'statusCode' in op ? ` ${op.statusCode}` : '';
      const patch = 'patch' in op ? ` (${op.patch.map((p) => `${p.op} ${p.path}`).join(', ')})` : '';
      return `${op.kind} ${target}${status}${patch}`;
    }
  }
}

/** The paths an operation writes to (a bulk create: every path its document carries). */
export function touchedPaths(op: Operation): string[] {
  if (op.kind === 'putRestApi') return op.paths;
  return 'path' in op ? [op.path] : [];
}
