// Small manifests for the reconciler tier, built like the YAML users apply.
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import type { UsagePlan } from '../../src/api/usage-plan.js';

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
