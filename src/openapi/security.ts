// Security schemes -> authorizers on the RestApi, and an operation's security requirement -> the
// method's authorization and apiKeyRequired. REST APIs enforce a requirement only through an API
// Gateway authorizer (x-amazon-apigateway-authorizer), IAM signatures (awsSigv4) or an API key in
// x-api-key; anything else is noted, never pretended. Pure.
import { LAMBDA_ARN as LAMBDA_ARN_PATTERN, USER_POOL_ARN as USER_POOL_ARN_PATTERN, type Authorizer } from '../api/access.js';
import { ROLE_ARN as ROLE_ARN_PATTERN } from '../api/integration.js';
import type { Method } from '../api/rest-path.js';
import { functionOfUri } from '../model/access.js';
import { list, num, obj, str, X, type Obj } from './document.js';
import { gatewayName, UniqueNames } from './names.js';
import { capped, type Notes } from './notes.js';

const MAX_AUTHORIZERS = 10;
// The CRD's own patterns, so an authorizer the importer writes is one the API server accepts.
const ROLE_ARN = new RegExp(ROLE_ARN_PATTERN);
const LAMBDA_ARN = new RegExp(LAMBDA_ARN_PATTERN);
const USER_POOL_ARN = new RegExp(USER_POOL_ARN_PATTERN);

/** What a security scheme gives a method. */
type SchemeUse = { kind: 'authorizer'; name: string; type: Authorizer['type'] } | { kind: 'iam' } | { kind: 'apiKey' };

export interface Security {
  authorizers: Authorizer[];
  schemes: Map<string, SchemeUse>;
}

export function securityOf(schemes: Record<string, Obj>, notes: Notes): Security {
  const names = new UniqueNames();
  const out: Security = { authorizers: [], schemes: new Map() };
  for (const [key, scheme] of Object.entries(schemes)) {
    const where = `securitySchemes.${key}`;
    const authType = str(scheme[`${X}authtype`])?.toLowerCase();
    const x = obj(scheme[`${X}authorizer`]);
    if (authType === 'awssigv4') {
      out.schemes.set(key, { kind: 'iam' });
      continue;
    }
    if (Object.keys(x).length > 0) {
      if (out.authorizers.length >= MAX_AUTHORIZERS) {
        notes.add(where, 'OverLimit', `an API has at most ${MAX_AUTHORIZERS} authorizers: this one is left out, and methods using it are not authorized by it`);
        continue;
      }
      const authorizer = authorizerOf(x, scheme, names.claim(gatewayName(key)), where, notes);
      if (authorizer) {
        if (authorizer.name !== key) notes.add(where, 'Renamed', `authorizer ${key} is named ${authorizer.name}`);
        out.authorizers.push(authorizer);
        out.schemes.set(key, { kind: 'authorizer', name: authorizer.name, type: authorizer.type });
      }
      continue;
    }
    if (str(scheme.type) === 'apiKey' && str(scheme.in) === 'header' && str(scheme.name)?.toLowerCase() === 'x-api-key') {
      out.schemes.set(key, { kind: 'apiKey' });
      continue;
    }
    notes.add(where, 'SecurityNotExpressible', `a ${str(scheme.type) ?? 'security'} scheme without ${X}authorizer is not enforced by a REST API (an API key must be the x-api-key header): methods that require it are imported without it`);
  }
  return out;
}

function authorizerOf(x: Obj, scheme: Obj, name: string, where: string, notes: Notes): Authorizer | undefined {
  const type = str(x.type)?.toUpperCase();
  const ttl = num(x.authorizerResultTtlInSeconds);
  if (ttl !== undefined && (ttl < 0 || ttl > 3600 || !Number.isInteger(ttl))) notes.add(where, 'InvalidValue', `authorizerResultTtlInSeconds ${ttl} is outside 0..3600: ${Math.min(3600, Math.max(0, Math.round(ttl)))} is used`);
  const common = {
    name,
    ...(ttl !== undefined ? { resultTtlSeconds: Math.min(3600, Math.max(0, Math.round(ttl))) } : {}),
  };
  if (type === 'COGNITO_USER_POOLS') {
    const given = list(x.providerARNs);
    const providerArns = [...new Set(given.filter((a): a is string => typeof a === 'string' && USER_POOL_ARN.test(a)))];
    if (providerArns.length < given.length) notes.add(where, 'InvalidValue', 'providerARNs that are not Cognito user pool ARNs (or repeat one) are left out');
    if (providerArns.length === 0) {
      notes.add(where, 'InvalidValue', 'a COGNITO_USER_POOLS authorizer needs providerARNs: left out');
      return undefined;
    }
    const source = str(x.identitySource) ?? (str(scheme.name) ? `method.request.header.${str(scheme.name)}` : undefined);
    return { ...common, type, providerArns, ...(source ? { identitySource: source } : {}) };
  }
  if (type !== 'TOKEN' && type !== 'REQUEST') {
    notes.add(where, 'InvalidValue', `authorizer type ${JSON.stringify(x.type)} is none of token, request, cognito_user_pools: left out`);
    return undefined;
  }
  const functionArn = functionOfUri(str(x.authorizerUri) ?? '');
  if (!functionArn || !LAMBDA_ARN.test(functionArn)) {
    notes.add(where, 'InvalidValue', `authorizerUri ${JSON.stringify(x.authorizerUri ?? '')} is not a Lambda invocation URI: left out`);
    return undefined;
  }
  const source = str(x.identitySource) ?? (type === 'TOKEN' && str(scheme.name) ? `method.request.header.${str(scheme.name)}` : undefined);
  const credentials = str(x.authorizerCredentials);
  if (credentials && !ROLE_ARN.test(credentials)) notes.add(where, 'InvalidValue', `authorizerCredentials ${JSON.stringify(credentials)} is not a role ARN: left out`);
  const validation = str(x.identityValidationExpression);
  return {
    ...common,
    type,
    functionArn,
    ...(source ? { identitySource: source } : {}),
    ...(validation && type === 'TOKEN' ? { identityValidationExpression: validation } : {}),
    ...(credentials && ROLE_ARN.test(credentials) ? { credentials: { roleArn: credentials } } : {}),
    ...(type === 'REQUEST' && !source && ttl === undefined ? { resultTtlSeconds: 0 } : {}),
  };
}

/** The method fields an operation's security gives: the first alternative that can be enforced. */
export function authorizationOf(requirements: unknown, security: Security, where: string, notes: Notes): Pick<Method, 'authorization' | 'apiKeyRequired'> {
  const alternatives = list(requirements).map((r) => obj(r));
  if (alternatives.length === 0) return {};
  const usable = alternatives.find((alt) => Object.keys(alt).every((k) => security.schemes.has(k))) ?? alternatives[0]!;
  if (alternatives.length > 1) notes.add(where, 'SecurityNotExpressible', `a method has one authorization: of ${alternatives.length} alternative security requirements, {${Object.keys(usable).join(', ')}} is used`);
  const out: Pick<Method, 'authorization' | 'apiKeyRequired'> = {};
  for (const [key, scopes] of Object.entries(usable)) {
    const use = security.schemes.get(key);
    if (!use) {
      notes.add(where, 'SecurityNotExpressible', `the method requires ${key}, which API Gateway cannot enforce here (see securitySchemes.${key}): it is imported WITHOUT it, so callers need no ${key}; add an authorizer before exposing it`);
      continue;
    }
    if (use.kind === 'apiKey') out.apiKeyRequired = true;
    else if (out.authorization) notes.add(where, 'SecurityNotExpressible', `a method has one authorizer: ${key} is not applied as well`);
    else if (use.kind === 'iam') out.authorization = { type: 'AWS_IAM' };
    else {
      const scopeList = capped([...new Set(list(scopes).filter((s): s is string => typeof s === 'string' && s.length <= 256))], 50, where, 'authorization scopes', notes);
      out.authorization = use.type === 'COGNITO_USER_POOLS'
        ? { type: 'COGNITO_USER_POOLS', authorizerRef: use.name, ...(scopeList.length > 0 ? { authorizationScopes: scopeList } : {}) }
        : { type: 'CUSTOM', authorizerRef: use.name };
    }
  }
  return out;
}
