// API Gateway's REST routes -> operation names (as in its API reference), so the quota proxy can
// apply per-operation quotas and count calls the way AWS's control plane does.

const NOUNS: [RegExp, string][] = [
  [/^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[^/]+\/integration\/responses\/[^/]+$/, 'IntegrationResponse'],
  [/^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[^/]+\/integration$/, 'Integration'],
  [/^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[^/]+\/responses\/[^/]+$/, 'MethodResponse'],
  [/^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[^/]+$/, 'Method'],
  [/^\/restapis\/[^/]+\/resources\/[^/]+$/, 'Resource'],
  [/^\/restapis\/[^/]+\/resources$/, 'Resources'],
  [/^\/restapis\/[^/]+\/deployments\/[^/]+$/, 'Deployment'],
  [/^\/restapis\/[^/]+\/deployments$/, 'Deployments'],
  [/^\/restapis\/[^/]+\/stages\/[^/]+$/, 'Stage'],
  [/^\/restapis\/[^/]+\/stages$/, 'Stages'],
  [/^\/restapis\/[^/]+\/gatewayresponses\/[^/]+$/, 'GatewayResponse'],
  [/^\/restapis\/[^/]+\/gatewayresponses$/, 'GatewayResponses'],
  [/^\/restapis\/[^/]+\/authorizers\/[^/]+$/, 'Authorizer'],
  [/^\/restapis\/[^/]+\/authorizers$/, 'Authorizers'],
  [/^\/restapis\/[^/]+\/models\/[^/]+$/, 'Model'],
  [/^\/restapis\/[^/]+\/models$/, 'Models'],
  [/^\/restapis\/[^/]+\/requestvalidators\/[^/]+$/, 'RequestValidator'],
  [/^\/restapis\/[^/]+\/requestvalidators$/, 'RequestValidators'],
  [/^\/restapis\/[^/]+$/, 'RestApi'],
  [/^\/restapis$/, 'RestApis'],
  [/^\/usageplans\/[^/]+\/keys\/[^/]+$/, 'UsagePlanKey'],
  [/^\/usageplans\/[^/]+\/keys$/, 'UsagePlanKeys'],
  [/^\/usageplans\/[^/]+\/usage$/, 'Usage'],
  [/^\/usageplans\/[^/]+$/, 'UsagePlan'],
  [/^\/usageplans$/, 'UsagePlans'],
  [/^\/apikeys\/[^/]+$/, 'ApiKey'],
  [/^\/apikeys$/, 'ApiKeys'],
  [/^\/domainnames\/[^/]+\/basepathmappings\/[^/]+$/, 'BasePathMapping'],
  [/^\/domainnames\/[^/]+\/basepathmappings$/, 'BasePathMappings'],
  [/^\/domainnames\/[^/]+$/, 'DomainName'],
  [/^\/domainnames$/, 'DomainNames'],
  [/^\/tags\/.+$/, 'Tags'],
  [/^\/account$/, 'Account'],
];

const VERBS: Record<string, string> = { GET: 'Get', PUT: 'Put', PATCH: 'Update', DELETE: 'Delete' };

/** The operation name for an API Gateway request, or undefined for anything else (IAM, STS). */
export function apiGatewayOperation(method: string, rawPath: string): string | undefined {
  const path = decodeURIComponent(rawPath.split('?')[0] ?? '');
  const noun = NOUNS.find(([re]) => re.test(path))?.[1];
  if (!noun) return undefined;
  if (noun === 'Tags') return { GET: 'GetTags', PUT: 'TagResource', DELETE: 'UntagResource' }[method];
  if (method === 'POST') {
    // POST to a collection creates one; POST /restapis/{id}/resources/{parentId} creates a child resource.
    if (noun === 'Resource') return 'CreateResource';
    // POST /restapis?mode=import creates an API from an OpenAPI document, under a quota of its own.
    if (noun === 'RestApis' && /[?&]mode=import(&|$)/.test(rawPath)) return 'ImportRestApi';
    return `Create${noun.replace(/s$/, '')}`;
  }
  if (noun === 'RestApi' && method === 'PUT') return 'PutRestApi';
  const verb = VERBS[method];
  return verb ? `${verb}${noun}` : undefined;
}
