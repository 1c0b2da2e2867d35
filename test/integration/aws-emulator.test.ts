// The AWS side of the harness, driven with the aws CLI as a user would: the emulator answers API
// Gateway and IAM calls, and each test file's fresh account starts empty.
import { inject, describe, expect, it } from 'vitest';
import { freshAccount, type AwsAccount } from '../../scripts/testenv/aws-emulator.js';
import { awsCli } from '../support/aws.js';

const endpoint = inject('awsEndpoint');
const kind = inject('awsEmulator');

const aws = (account: AwsAccount, args: string[]) => awsCli(account)(args);

describe(`AWS emulator (${kind})`, () => {
  it('creates and lists a REST API with its root resource', async () => {
    const account = await freshAccount(kind, endpoint);
    const api = (await aws(account, ['apigateway', 'create-rest-api', '--name', 'harness', '--endpoint-configuration', 'types=REGIONAL'])) as { id: string };
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
    const resources = (await aws(account, ['apigateway', 'get-resources', '--rest-api-id', api.id])) as { items: { path: string }[] };
    expect(resources.items.map((r) => r.path)).toEqual(['/']);
    const listed = (await aws(account, ['apigateway', 'get-rest-apis'])) as { items: { id: string }[] };
    expect(listed.items.map((a) => a.id)).toEqual([api.id]);
  });

  it('gives each fresh account a clean state', async () => {
    const first = await freshAccount(kind, endpoint);
    await aws(first, ['apigateway', 'create-rest-api', '--name', 'left-behind']);
    await aws(first, ['iam', 'create-role', '--role-name', 'left-behind', '--assume-role-policy-document',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]}']);
    const second = await freshAccount(kind, endpoint);
    expect(((await aws(second, ['apigateway', 'get-rest-apis'])) as { items: unknown[] }).items).toEqual([]);
    const roles = (await aws(second, ['iam', 'list-roles'])) as { Roles: { RoleName: string }[] };
    expect(roles.Roles.map((r) => r.RoleName)).not.toContain('left-behind');
  });

  it('answers a missing REST API with NotFoundException', async () => {
    const account = await freshAccount(kind, endpoint);
    await expect(aws(account, ['apigateway', 'get-rest-api', '--rest-api-id', 'abcdefghij'])).rejects.toThrow(/NotFoundException/);
  });
});
