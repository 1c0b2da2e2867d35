// The access pieces of a plan: authorizers, request validators and models created or patched before
// the methods that name them, and deleted after the methods that used them, only when the ledger says
// the operator wrote them and nothing that stays still uses them (API Gateway refuses to delete an
// authorizer, validator or model in use; the plan waits instead and says which methods hold it).
import type { AuthorizerShape, MethodShape, ModelShape, RequestValidatorShape } from '../model/shapes.js';
import type { DesiredApi, ObservedApi, OwnershipLedger } from '../model/state.js';
import { modelRefs } from '../model/access.js';
import type { Operation, PatchOperation } from './operations.js';
import { replaceIfChanged, valueSetPatch } from './patch.js';

export function authorizerPatch(from: AuthorizerShape, to: AuthorizerShape): PatchOperation[] {
  return [
    ...replaceIfChanged('/type', from.type, to.type),
    ...replaceIfChanged('/authorizerUri', from.authorizerUri, to.authorizerUri),
    ...replaceIfChanged('/identitySource', from.identitySource, to.identitySource),
    ...replaceIfChanged('/identityValidationExpression', from.identityValidationExpression, to.identityValidationExpression),
    ...replaceIfChanged('/authorizerResultTtlInSeconds', from.resultTtlSeconds, to.resultTtlSeconds),
    ...replaceIfChanged('/authorizerCredentials', from.credentials, to.credentials),
    ...valueSetPatch('/providerARNs', from.providerArns, to.providerArns),
  ];
}

export function validatorPatch(from: RequestValidatorShape, to: RequestValidatorShape): PatchOperation[] {
  return [
    ...replaceIfChanged('/validateRequestBody', from.validateBody, to.validateBody),
    ...replaceIfChanged('/validateRequestParameters', from.validateParameters, to.validateParameters),
  ];
}

export function modelPatch(from: ModelShape, to: ModelShape): PatchOperation[] {
  return [...replaceIfChanged('/schema', from.schema, to.schema), ...replaceIfChanged('/description', from.description, to.description)];
}

/** Creates and updates, in the order the methods need them: authorizers, validators, models (dependencies first). */
export function accessUpserts(desired: DesiredApi, observed: ObservedApi): Operation[] {
  const ops: Operation[] = [];
  for (const [name, authorizer] of Object.entries(desired.authorizers).sort(([a], [b]) => a.localeCompare(b))) {
    const had = observed.authorizers[name];
    if (!had) ops.push({ kind: 'createAuthorizer', name, authorizer });
    else {
      const patch = authorizerPatch(had, authorizer);
      if (patch.length > 0) ops.push({ kind: 'updateAuthorizer', name, patch });
    }
  }
  for (const [name, validator] of Object.entries(desired.requestValidators).sort(([a], [b]) => a.localeCompare(b))) {
    const had = observed.requestValidators[name];
    if (!had) ops.push({ kind: 'createRequestValidator', name, validator });
    else {
      const patch = validatorPatch(had, validator);
      if (patch.length > 0) ops.push({ kind: 'updateRequestValidator', name, patch });
    }
  }
  for (const name of desired.modelOrder) {
    const model = desired.models[name]!;
    const had = observed.models[name];
    if (!had) ops.push({ kind: 'createModel', name, model });
    else if (had.contentType !== model.contentType) {
      // API Gateway cannot patch a model's content type: it is made again.
      ops.push({ kind: 'deleteModel', name }, { kind: 'createModel', name, model });
    } else {
      const patch = modelPatch(had, model);
      if (patch.length > 0) ops.push({ kind: 'updateModel', name, patch });
    }
  }
  return ops;
}

export interface AccessDeletions {
  operations: Operation[];
  /** Deletions that wait: what still uses the piece, described for the status. */
  blocked: string[];
}

/**
 * Deletions of what the ledger says is ours and nothing declares any more. `methodsAfter`: every
 * method that stays once the plan ran (declared ones as desired, the rest as AWS has them).
 */
export function accessDeletions(desired: DesiredApi, observed: ObservedApi, ledger: OwnershipLedger, methodsAfter: readonly { key: string; shape: MethodShape }[]): AccessDeletions {
  const operations: Operation[] = [];
  const blocked: string[] = [];
  const users = (test: (m: MethodShape) => boolean) => methodsAfter.filter((m) => test(m.shape)).map((m) => m.key);
  const holdOrDelete = (what: string, usedBy: string[], op: Operation) => {
    if (usedBy.length === 0) operations.push(op);
    else blocked.push(`${what} is no longer declared but ${usedBy.slice(0, 5).join(', ')}${usedBy.length > 5 ? ` and ${usedBy.length - 5} more` : ''} still use${usedBy.length === 1 ? 's' : ''} it: it is deleted once no method does`);
  };

  // Models: a model other kept models refer to stays too; dependants go first.
  const keptModels = new Map(Object.entries(observed.models).filter(([name]) => name in desired.models || !ledger.models.includes(name)));
  const goners = Object.keys(observed.models).filter((name) => !(name in desired.models) && ledger.models.includes(name)).sort();
  const refsOf = (name: string) => {
    const schema = keptModels.get(name)?.schema ?? observed.models[name]?.schema ?? '{}';
    try {
      return modelRefs(JSON.parse(schema));
    } catch {
      return [];
    }
  };
  const remaining = new Set(goners);
  while (remaining.size > 0) {
    const next = [...remaining].find((name) => ![...remaining].some((other) => other !== name && refsOf(other).includes(name)));
    const name = next ?? [...remaining][0]!;
    remaining.delete(name);
    const byModels = [...keptModels.keys()].filter((k) => refsOf(k).includes(name)).map((k) => `model ${k}`);
    const byMethods = users((m) => Object.values(m.requestModels).includes(name));
    holdOrDelete(`model ${name}`, [...byMethods, ...byModels], { kind: 'deleteModel', name });
    if (byMethods.length > 0 || byModels.length > 0) keptModels.set(name, observed.models[name]!);
  }
  for (const [name, v] of Object.entries(observed.requestValidators).sort(([a], [b]) => a.localeCompare(b))) {
    if (name in desired.requestValidators || !ledger.requestValidators.includes(name)) continue;
    holdOrDelete(`request validator ${name} (${v.id})`, users((m) => m.requestValidatorId === v.id), { kind: 'deleteRequestValidator', name });
  }
  for (const [name, a] of Object.entries(observed.authorizers).sort(([x], [y]) => x.localeCompare(y))) {
    if (name in desired.authorizers || desired.heldAuthorizers.includes(name) || !ledger.authorizers.includes(name)) continue;
    holdOrDelete(`authorizer ${name} (${a.id})`, users((m) => m.authorizerId === a.id), { kind: 'deleteAuthorizer', name });
  }
  return { operations, blocked };
}
