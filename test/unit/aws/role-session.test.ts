// An AwsAccount's credentials: assumed once however many ask at the same time, kept until five
// minutes before they expire, assumed again after AWS refuses them, and a refusal of AssumeRole is an
// AssumeRoleError with AWS's words and the command to check (never the external id itself).
import { type AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { AwsAccountSpec } from '../../../src/api/aws-account.js';
import { AwsCaller } from '../../../src/aws/caller.js';
import { AssumeRoleError, RENEW_BEFORE_MS, RoleSession } from '../../../src/aws/role-session.js';

const SPEC: AwsAccountSpec = {
  accountId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/restpath', externalId: 'secret-ish-id', sessionTags: { team: 'a' },
  regions: ['eu-west-1'], namespaceSelector: {},
};

/** An STS client whose send() answers from `answer`, recording each AssumeRole input. */
function fakeSts(answer: (n: number) => Promise<unknown>) {
  const inputs: AssumeRoleCommand['input'][] = [];
  const sts = new STSClient({ region: 'us-east-1' });
  sts.send = ((command: AssumeRoleCommand) => {
    inputs.push(command.input);
    return answer(inputs.length);
  }) as typeof sts.send;
  return { sts, inputs };
}

const credentials = (n: number, expiresAt: number) => ({
  Credentials: { AccessKeyId: `ASIA${n}`, SecretAccessKey: `secret${n}`, SessionToken: `token${n}`, Expiration: new Date(expiresAt) },
  AssumedRoleUser: { Arn: 'arn:aws:sts::111111111111:assumed-role/restpath/restpath-operator', AssumedRoleId: 'AROA:restpath-operator' },
});

describe('RoleSession', () => {
  it('assumes once for concurrent askers, passes the external id and tags, and keeps the credentials until 5 minutes before expiry', async () => {
    let now = 1_000_000;
    const { sts, inputs } = fakeSts((n) => Promise.resolve(credentials(n, now + 3_600_000)));
    const session = new RoleSession(new AwsCaller(), sts, 'team-a', SPEC, () => now);
    const [a, b] = await Promise.all([session.provider(), session.provider()]);
    expect(inputs).toHaveLength(1);
    expect(a.accessKeyId).toBe(b.accessKeyId);
    expect(a).toMatchObject({ accessKeyId: 'ASIA1', sessionToken: 'token1' });
    expect(inputs[0]).toMatchObject({ RoleArn: SPEC.roleArn, RoleSessionName: 'restpath-operator', ExternalId: 'secret-ish-id', DurationSeconds: 3600, Tags: [{ Key: 'team', Value: 'a' }] });
    now += 3_600_000 - RENEW_BEFORE_MS - 1;
    expect((await session.provider()).accessKeyId).toBe('ASIA1');
    now += 2;
    expect((await session.provider()).accessKeyId).toBe('ASIA2');
    expect(inputs).toHaveLength(2);
  });

  it('assumes again after invalidate() (AWS refused the credentials as expired)', async () => {
    const { sts, inputs } = fakeSts((n) => Promise.resolve(credentials(n, Date.now() + 3_600_000)));
    const session = new RoleSession(new AwsCaller(), sts, 'team-a', SPEC);
    await session.provider();
    session.invalidate();
    expect((await session.provider()).accessKeyId).toBe('ASIA2');
    expect(inputs).toHaveLength(2);
  });

  it('a real SDK client signs with the renewed key after invalidate(), not the one it saw first', async () => {
    // The SDK memoizes credentials; a provider answer without a due expiration would be kept forever.
    const keys: string[] = [];
    const server = createServer((req, res) => {
      keys.push(/Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unsigned');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"item":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { sts } = fakeSts((n) => Promise.resolve(credentials(n, Date.now() + 3_600_000)));
      const session = new RoleSession(new AwsCaller(), sts, 'team-a', SPEC);
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new APIGatewayClient({ region: 'eu-west-1', endpoint, credentials: session.provider });
      await client.send(new GetRestApisCommand({}));
      await client.send(new GetRestApisCommand({}));
      session.invalidate();
      await client.send(new GetRestApisCommand({}));
      expect(keys).toEqual(['ASIA1', 'ASIA1', 'ASIA2']);
      client.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("turns AWS's refusal into an AssumeRoleError with its words and the command, without the external id's value", async () => {
    const denied = Object.assign(new Error('User: arn:aws:iam::222222222222:user/op is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/restpath'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const { sts } = fakeSts(() => Promise.reject(denied));
    const session = new RoleSession(new AwsCaller({ retry: { retries: 0 } }), sts, 'team-a', SPEC);
    const error = await session.info().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssumeRoleError);
    const e = error as AssumeRoleError;
    expect(e.code).toBe('AccessDenied');
    expect(e.message).toContain('Assuming arn:aws:iam::111111111111:role/restpath (AwsAccount team-a) failed: AccessDenied: User: arn:aws:iam::222222222222:user/op is not authorized');
    expect(e.command).toBe(`aws sts assume-role --role-arn arn:aws:iam::111111111111:role/restpath --role-session-name restpath-operator --external-id "$(kubectl get awsaccount team-a -o jsonpath='{.spec.externalId}')"`);
    expect(`${e.message} ${e.command}`).not.toContain('secret-ish-id');
  });
});
