// The quota proxy must name operations as API Gateway's quotas do.
import { describe, expect, it } from 'vitest';
import { apiGatewayOperation } from '../../support/apigateway-routes.js';

describe('API Gateway route table', () => {
  it.each([
    ['POST', '/restapis', 'CreateRestApi'],
    ['POST', '/restapis?mode=import&failonwarnings=true', 'ImportRestApi'],
    ['PUT', '/restapis/a1?mode=overwrite&failonwarnings=true', 'PutRestApi'],
    ['GET', '/restapis?limit=500', 'GetRestApis'],
    ['DELETE', '/restapis/a1', 'DeleteRestApi'],
    ['PATCH', '/restapis/a1', 'UpdateRestApi'],
    ['GET', '/restapis/a1/resources?embed=methods&limit=500', 'GetResources'],
    ['POST', '/restapis/a1/resources/r0', 'CreateResource'],
    ['DELETE', '/restapis/a1/resources/r1', 'DeleteResource'],
    ['PUT', '/restapis/a1/resources/r1/methods/GET', 'PutMethod'],
    ['PATCH', '/restapis/a1/resources/r1/methods/GET', 'UpdateMethod'],
    ['PUT', '/restapis/a1/resources/r1/methods/GET/integration', 'PutIntegration'],
    ['PATCH', '/restapis/a1/resources/r1/methods/GET/integration', 'UpdateIntegration'],
    ['PUT', '/restapis/a1/resources/r1/methods/GET/responses/200', 'PutMethodResponse'],
    ['PUT', '/restapis/a1/resources/r1/methods/GET/integration/responses/200', 'PutIntegrationResponse'],
    ['POST', '/restapis/a1/deployments', 'CreateDeployment'],
    ['PATCH', '/restapis/a1/stages/prod', 'UpdateStage'],
    ['PUT', '/restapis/a1/gatewayresponses/DEFAULT_4XX', 'PutGatewayResponse'],
    ['GET', '/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fa1', 'GetTags'],
    ['GET', '/restapis/a1/authorizers', 'GetAuthorizers'],
    ['POST', '/restapis/a1/authorizers', 'CreateAuthorizer'],
    ['PATCH', '/restapis/a1/authorizers/z9', 'UpdateAuthorizer'],
    ['DELETE', '/restapis/a1/models/Order', 'DeleteModel'],
    ['POST', '/restapis/a1/requestvalidators', 'CreateRequestValidator'],
    ['GET', '/restapis/a1/requestvalidators', 'GetRequestValidators'],
    ['PUT', '/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fa1', 'TagResource'],
    ['POST', '/usageplans', 'CreateUsagePlan'],
    ['PATCH', '/usageplans/u1', 'UpdateUsagePlan'],
    ['POST', '/usageplans/u1/keys', 'CreateUsagePlanKey'],
    ['POST', '/apikeys', 'CreateApiKey'],
    ['POST', '/domainnames', 'CreateDomainName'],
    ['PATCH', '/domainnames/api.example.com', 'UpdateDomainName'],
    ['DELETE', '/domainnames/api.example.com', 'DeleteDomainName'],
    ['GET', '/domainnames/api.example.com/basepathmappings', 'GetBasePathMappings'],
    ['POST', '/domainnames/api.example.com/basepathmappings', 'CreateBasePathMapping'],
    ['PATCH', '/domainnames/api.example.com/basepathmappings/shop', 'UpdateBasePathMapping'],
    ['DELETE', '/domainnames/api.example.com/basepathmappings/%28none%29', 'DeleteBasePathMapping'],
    ['POST', '/', undefined],
  ])('%s %s is %s', (method, path, operation) => {
    expect(apiGatewayOperation(method, path)).toBe(operation);
  });
});
