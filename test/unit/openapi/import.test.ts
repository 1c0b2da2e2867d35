// The importer on documents written for it: what each extension becomes, and the note for each thing
// that cannot be expressed. The documents are validated and dereferenced by swagger-parser, as the
// CLI does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOpenApi } from '../../../src/cli/import.js';
import { importDocument, restPathOf, type ImportResult } from '../../../src/openapi/import.js';
import { FIXTURES } from '../../support/fixtures.js';

const mock = { missingIntegration: { kind: 'mock' } } as const;
const load = (file: string) => readOpenApi(join(FIXTURES, 'openapi', file));
const pathOf = (r: ImportResult, path: string) => r.paths.find((p) => p.spec.path === path)?.spec;
const methodOf = (r: ImportResult, path: string, m: string) => pathOf(r, path)?.methods.find((x) => x.httpMethod === m);
const reasonsAt = (r: ImportResult, where: string) => r.notes.filter((n) => n.where === where).map((n) => n.reason);

describe('restPathOf', () => {
  it.each([
    ['/', '/'],
    ['/orders/', '/orders'],
    ['/orders/{orderId}', '/orders/{orderId}'],
    ['/catalog/{proxy+}', '/catalog/{proxy+}'],
    ['/v1/a.b:c-d_e', '/v1/a.b:c-d_e'],
  ])('%s is the RestPath path %s', (input, path) => {
    expect(restPathOf(input)).toEqual({ path });
  });
  it.each([
    ['/files/{name}.pdf', 'segment "{name}.pdf"'],
    ['/a/{rest+}/b', 'greedy variable'],
    ['/a b', 'segment "a b"'],
    ['orders', "must start with '/'"],
    ['/a//b', 'segment ""'],
  ])('%s cannot be one (%s)', (input, problem) => {
    const r = restPathOf(input);
    expect('problem' in r && r.problem).toContain(problem);
  });
});

describe('an OpenAPI 3.0 document with API Gateway extensions', async () => {
  const r = importDocument(await load('shop-aws.yaml'), { ...mock, namespace: 'shop' });

  it('gives one RestApi named from the title and one RestPath per expressible path, in the namespace', () => {
    expect(r.api.metadata).toEqual({ name: 'shop-api', namespace: 'shop' });
    expect(r.api.spec.name).toBe('Shop API');
    expect(r.paths.map((p) => [p.metadata.name, p.spec.path, p.spec.restApiRef?.name])).toEqual([
      ['shop-api-orders', '/orders', 'shop-api'],
      ['shop-api-orders-orderid', '/orders/{orderId}', 'shop-api'],
      ['shop-api-catalog-proxy', '/catalog/{proxy+}', 'shop-api'],
    ]);
  });

  it('reads binary media types (~1 as /), gateway responses, the policy and the validators', () => {
    expect(r.api.spec.binaryMediaTypes).toEqual(['image/png', 'application/pdf']);
    expect(r.api.spec.gatewayResponses).toEqual([
      { type: 'DEFAULT_4XX', responseParameters: { 'gatewayresponse.header.X-Request-Id': 'context.requestId' }, responseTemplates: { 'application/json': '{"error":$context.error.messageString}' } },
      { type: 'THROTTLED', statusCode: '429' },
    ]);
    expect(r.api.spec.policy).toMatchObject({ Statement: [{ Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] });
    expect(r.api.spec.requestValidators).toEqual([{ name: 'all', validateBody: true, validateParameters: true }, { name: 'params-only', validateParameters: true }]);
    expect(methodOf(r, '/orders', 'GET')?.requestValidator).toBe('params-only');
    expect(methodOf(r, '/orders', 'POST')?.requestValidator).toBe('all');
  });

  it('makes the Lambda authorizer an authorizer and maps each security requirement', () => {
    expect(r.api.spec.authorizers).toEqual([{ name: 'shop-token', type: 'TOKEN', resultTtlSeconds: 60, functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-auth', identitySource: 'method.request.header.Authorization', identityValidationExpression: '^Bearer .+$' }]);
    expect(methodOf(r, '/orders', 'GET')).toMatchObject({ apiKeyRequired: true });
    expect(methodOf(r, '/orders', 'GET')?.authorization).toBeUndefined();
    expect(methodOf(r, '/orders', 'POST')).toMatchObject({ apiKeyRequired: true, authorization: { type: 'CUSTOM', authorizerRef: 'shop-token' } });
    expect(methodOf(r, '/orders/{orderId}', 'GET')?.authorization).toEqual({ type: 'AWS_IAM' });
    expect(methodOf(r, '/orders/{orderId}', 'DELETE')?.authorization).toBeUndefined();
    expect(reasonsAt(r, 'securitySchemes.oauth')).toEqual(['SecurityNotExpressible']);
  });

  it('models named schemas as draft 4 (references as #/models, a cycle closed by any), renames an Error of its own and takes a copy of Empty for the built-in', () => {
    const models = Object.fromEntries((r.api.spec.models ?? []).map((m) => [m.name, m.schema]));
    expect(Object.keys(models)).toEqual(['Order', 'Line', 'Error2']);
    expect(models.Order).toEqual({
      type: 'object', required: ['sku', 'quantity'],
      properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, note: { type: ['string', 'null'] }, lines: { type: 'array', items: { $ref: '#/models/Line' } } },
    });
    expect(models.Line).toEqual({ type: 'object', properties: { sku: { type: 'string' }, children: { type: 'array', items: {} } } });
    expect(r.notes.find((n) => n.where === 'schema Line')?.message).toBe('the schemas refer to each other in a cycle (Line -> Line); API Gateway cannot create such models, so the reference that closes it accepts anything');
    expect(methodOf(r, '/orders', 'POST')).toMatchObject({
      requestModels: { 'application/json': 'Order' },
      methodResponses: [{ statusCode: '201', responseParameters: { 'method.response.header.Location': true }, responseModels: { 'application/json': 'Order' } }, { statusCode: '400', responseModels: { 'application/json': 'Error2' } }],
    });
    expect(reasonsAt(r, 'schema Error')).toEqual(['Renamed']);
  });

  it('maps the integrations, responses keyed by status with their selection pattern', () => {
    expect(methodOf(r, '/orders', 'GET')?.integration).toEqual({ type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'https://orders.internal.example.com/orders', timeoutMillis: 10000, passthroughBehavior: 'WHEN_NO_MATCH' });
    expect(methodOf(r, '/orders', 'POST')?.integration).toMatchObject({
      type: 'AWS', credentials: { roleArn: 'arn:aws:iam::123456789012:role/shop-orders-sqs' },
      responses: [{ statusCode: '201', responseParameters: { 'method.response.header.Location': "'/orders'" } }, { statusCode: '400', selectionPattern: '4\\d{2}' }],
    });
    expect(methodOf(r, '/catalog/{proxy+}', 'ANY')).toMatchObject({ requestParameters: { 'method.request.path.proxy': true }, integration: { type: 'HTTP_PROXY', httpMethod: 'ANY' } });
  });

  it('turns the CORS preflight into the path\'s cors and keeps no OPTIONS method', () => {
    expect(pathOf(r, '/orders')?.cors).toEqual({ allowOrigins: ['https://shop.example.com'], allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Content-Type', 'Authorization', 'X-Api-Key'], maxAgeSeconds: 600 });
    expect(pathOf(r, '/orders')?.methods.map((m) => m.httpMethod)).toEqual(['GET', 'POST']);
  });

  it('notes everything it could not express, each with its reason', () => {
    expect(r.notes.map((n) => [n.where, n.reason])).toEqual(expect.arrayContaining([
      ['x-amazon-apigateway-minimum-compression-size', 'ExtensionNotSupported'],
      ['paths./orders.get', 'ParameterNotExpressible'],
      ['paths./orders.post', 'ResponseNotExpressible'],
      ['paths./orders/{orderId}.delete', 'NoIntegration'],
      ['paths./orders/{orderId}.trace', 'OperationNotSupported'],
      ['paths./orders/{id}/lines', 'PathNotExpressible'],
      ['paths./files/{name}.pdf', 'PathNotExpressible'],
      ['paths', 'ResponseNotExpressible'],
    ]));
    expect(r.notes.find((n) => n.where === 'paths./orders/{id}/lines')?.message).toBe('/orders already has the variable child {orderId}; API Gateway allows one, so {id} cannot be added: the path is not imported');
  });

  it('gives an operation without an integration a MOCK answering 501', () => {
    expect(methodOf(r, '/orders/{orderId}', 'DELETE')).toMatchObject({
      integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 501}' }, responses: [{ statusCode: '501' }] },
      methodResponses: [{ statusCode: '501' }, { statusCode: '204', responseModels: { 'application/json': 'Empty' } }],
    });
  });
});

describe('a Swagger 2.0 document without extensions', async () => {
  const doc = await load('pets-swagger2.yaml');

  it('takes bodies from body parameters, models from definitions (an inline response schema named after its operation), and the API key from any casing of x-api-key', () => {
    const r = importDocument(doc, mock);
    expect(r.api.metadata.name).toBe('pets');
    expect(r.api.spec.models?.map((m) => [m.name, m.schema])).toEqual([
      ['listPetsResponse200', { type: 'array', items: { $ref: '#/models/Pet' } }],
      ['Pet', { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 64 }, tag: { type: 'string' }, owner: { $ref: '#/models/Owner' } } }],
      ['Owner', { type: 'object', properties: { name: { type: 'string' } } }],
    ]);
    expect(methodOf(r, '/pets', 'POST')?.requestModels).toEqual({ 'application/json': 'Pet' });
    expect(methodOf(r, '/pets', 'GET')).toMatchObject({ apiKeyRequired: true, requestParameters: { 'method.request.querystring.limit': false, 'method.request.header.X-Trace': true } });
    expect(reasonsAt(r, 'basePath')).toEqual(['PathNotExpressible']);
    expect(reasonsAt(r, 'paths./pets/{petId}/photo.put')).toEqual(['NoIntegration', 'ParameterNotExpressible']);
  });

  it('with a backend, sends each operation to base URL + path, passing path variables on', () => {
    const r = importDocument(doc, { missingIntegration: { kind: 'http-proxy', baseUrl: 'https://pets.example.com/api/' }, apiName: 'petstore' });
    expect(r.api.metadata.name).toBe('petstore');
    expect(r.paths.map((p) => p.metadata.name)).toEqual(['petstore-pets', 'petstore-pets-petid-photo']);
    expect(methodOf(r, '/pets/{petId}/photo', 'PUT')?.integration).toEqual({
      type: 'HTTP_PROXY', httpMethod: 'PUT', uri: 'https://pets.example.com/api/pets/{petId}/photo',
      requestParameters: { 'integration.request.path.petId': 'method.request.path.petId' },
    });
  });
});

describe('what kubectl must read back', () => {
  it('writes YAML 1.1 quoting and no block scalars (a line of a template may start with a tab)', async () => {
    const { manifestYaml } = await import('../../../src/cli/manifest-files.js');
    const { parse } = await import('yaml');
    const object = { Version: '2012-10-17', on: 'yes', template: '#set($a = 1)\n\t$a\n' };
    const text = manifestYaml(object);
    expect(text).not.toMatch(/: [|>]/);
    expect(text).toContain('"2012-10-17"');
    expect(parse(text, { version: '1.1' })).toEqual(object);
  });

  it('notes a RestApi too big for client-side apply', () => {
    const big = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`M${i}`, { type: 'object', description: 'x'.repeat(8000) }]));
    const paths = Object.fromEntries(Object.keys(big).map((m) => [`/${m.toLowerCase()}`, { post: { requestBody: { content: { 'application/json': { schema: big[m] } } }, responses: { '200': { description: 'ok' } } } }]));
    const doc = { openapi: '3.0.3', info: { title: 'big', version: '1' }, paths, components: { schemas: big } };
    const r = importDocument(doc, mock);
    expect(r.notes.find((n) => n.where === 'components.schemas')?.message).toMatch(/^the RestApi is \d+ KiB \(its models, mostly\): kubectl apply refuses it client-side .*--server-side$/);
  });
});
