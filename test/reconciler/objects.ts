// Small manifests for the reconciler tier, built like the YAML users apply.
import type { V1Secret } from '@kubernetes/client-node';
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import type { UsagePlan } from '../../src/api/usage-plan.js';
import type { AwsAccount } from '../../src/api/aws-account.js';

type Spec<T extends { spec: unknown }> = T['spec'];

export function restApi(name: string, spec: Partial<Spec<RestApi>> = {}, annotations?: Record<string, string>): RestApi {
  return {
    apiVersion: 'apigateway.restpath.dev/v1alpha1',
    kind: 'RestApi',
    metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { name: `${name}-api`, endpointType: 'REGIONAL', stages: [{ name: 'dev', deployment: 'Automatic' }], ...spec },
  };
}

export const mock = (httpMethod: 'GET' | 'POST' | 'DELETE' = 'GET', extra: Partial<RestPath['spec']['methods'][number]> = {}): RestPath['spec']['methods'][number] => ({
  httpMethod,
  integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } },
  ...extra,
});

export const http = (uri: string, httpMethod: 'GET' | 'POST' = 'GET'): RestPath['spec']['methods'][number] => ({
  httpMethod,
  integration: { type: 'HTTP_PROXY', httpMethod, uri },
});

export function restPath(name: string, path: string, methods: RestPath['spec']['methods'], extra: Partial<Spec<RestPath>> = {}, api = 'shop'): RestPath {
  return {
    apiVersion: 'apigateway.restpath.dev/v1alpha1',
    kind: 'RestPath',
    metadata: { name, namespace: 'default' },
    spec: { restApiRef: { name: api }, path, methods, ...extra },
  };
}

export function usagePlan(name: string, spec: Partial<Spec<UsagePlan>> = {}): UsagePlan {
  return {
    apiVersion: 'apigateway.restpath.dev/v1alpha1',
    kind: 'UsagePlan',
    metadata: { name, namespace: 'default' },
    spec: { name: `${name}-plan`, apiStages: [{ restApiRef: { name: 'shop' }, stage: 'dev' }], ...spec },
  };
}

/** A Secret as the API server keeps it: values base64 in `data`. */
export function secret(name: string, values: Record<string, string>): V1Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
}

type ApiKeySpec = NonNullable<Spec<UsagePlan>['apiKeys']>[number];

/** An API key whose value the user brings in Secret `secretName` under `key`. */
export const keyFrom = (name: string, secretName: string, key = 'apiKey', extra: Partial<ApiKeySpec> = {}): ApiKeySpec => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } }, ...extra });

/** An API key whose value the operator generates into Secret `secretName`. */
export const generated = (name: string, secretName: string, extra: Partial<ApiKeySpec> = {}): ApiKeySpec => ({ name, generateInto: { secretName }, ...extra });

/** An AwsAccount (cluster-scoped) for namespaces labelled team=<name>, in `regions` (the first is its default). */
export function awsAccount(name: string, accountId: string, regions: string[], selector: Record<string, string> = { team: name }): AwsAccount {
  return {
    apiVersion: 'apigateway.restpath.dev/v1alpha1',
    kind: 'AwsAccount',
    metadata: { name },
    spec: { accountId, roleArn: `arn:aws:iam::${accountId}:role/restpath`, regions, namespaceSelector: { matchLabels: selector } },
  };
}
