// What integration tests use to reach the AWS emulator: a fresh account per test file, the quota
// proxy in front (so quotas and faults apply as they would in AWS), the operator's own client layer,
// and the aws CLI pointed straight at the emulator for "someone changed it by hand".
import { inject } from 'vitest';
import { AwsCaller } from '../../src/aws/caller.js';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { CallCounter } from '../../src/aws/metrics.js';
import type { RateLimiter } from '../../src/aws/rate-limiter.js';
import { freshAccount, type AwsAccount } from '../../scripts/testenv/aws-emulator.js';
import { run } from '../../scripts/testenv/run.js';
import { QuotaProxy, type QuotaProxyOptions } from './quota-proxy.js';

export interface AwsTestContext {
  account: AwsAccount;
  proxy: QuotaProxy;
  clients: AwsClients;
  caller: AwsCaller;
  calls: CallCounter;
  /** The aws CLI against the emulator directly (not through the proxy); parsed JSON output. */
  cli: (args: string[]) => Promise<unknown>;
  close: () => Promise<void>;
}

export async function awsTestContext(proxyOptions: Omit<QuotaProxyOptions, 'target'> = {}, limiter?: RateLimiter): Promise<AwsTestContext> {
  const endpoint = inject('awsEndpoint');
  const account = await freshAccount(inject('awsEmulator'), endpoint);
  const proxy = await QuotaProxy.start({ target: endpoint, ...proxyOptions });
  const clients = createAwsClients({ region: account.region, endpoint: proxy.endpoint, credentials: account });
  const calls = new CallCounter();
  const caller = new AwsCaller({ metrics: calls, ...(limiter ? { limiter } : {}), retry: { minDelayMs: 50, maxDelayMs: 1000 } });
  return { account, proxy, clients, caller, calls, cli: awsCli(account), close: () => proxy.close() };
}

/** The aws CLI as a user runs it, straight at the emulator (the shared one unless `endpoint`), in `account`; parsed JSON output. */
export function awsCli(account: AwsAccount, endpoint = inject('awsEndpoint')): (args: string[]) => Promise<unknown> {
  return async (args) => {
    const result = await run(inject('awsCli'), ['--endpoint-url', endpoint, '--region', account.region, '--output', 'json', ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey, AWS_MAX_ATTEMPTS: '1' },
    });
    if (result.code !== 0) throw new Error(`aws ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout || '{}') as unknown;
  };
}
