// AWS's account quotas on usage plans (300) and API keys (10,000) cannot be reached in a test, so the
// quota proxy answers CreateUsagePlan and CreateApiKey the way API Gateway does when they are:
// LimitExceededException without Retry-After. The operator must say so in Ready and an Event, and
// recover once a change (here an edit of the plan) makes it try again.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { objectsIn } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { QuotaProxy } from '../support/quota-proxy.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'limits');
let operator: RunningOperator;
let proxy: QuotaProxy;
const { apply, waitFor, until, events, condition } = objectsIn(kubectl, namespace, () => operator.logs());

// Refused for as long as the quota stays reached, i.e. until the test takes the fault away.
const limit = (operation: string, message: string) => ({ operation, times: 1000, status: 429, error: { type: 'LimitExceededException', message } });

beforeAll(async () => {
  proxy = await QuotaProxy.start({ target: inject('awsEndpoint'), quotas: false, faults: [limit('CreateUsagePlan', 'Usage plans limit exceeded')] });
  operator = await startOperator(['--namespaces', namespace()], undefined, proxy.endpoint);
});
afterAll(async () => {
  await operator?.stop();
  await proxy?.close();
});

const plan = (description: string) => `apiVersion: apigateway.restpath.dev/v1alpha1
kind: UsagePlan
metadata: { name: capped }
spec:
  description: ${description}
  apiKeys: [{ name: k, generateInto: { secretName: capped-key } }]
`;

describe('AWS account quotas on usage plans and API keys', () => {
  it('reports UsagePlanLimitReached, then ApiKeyLimitReached, and converges once AWS accepts', async () => {
    await apply(plan('first'));
    const stuck = await waitFor('usageplan/capped', 'Ready', 'False', 'UsagePlanLimitReached');
    expect(condition(stuck, 'Ready')?.message).toContain('An account has at most 300 usage plans per Region');
    await until('a UsagePlanLimitReached Event', async () => (await events('capped')).find((e) => e.reason === 'UsagePlanLimitReached' && e.type === 'Warning'));

    proxy.faults = [limit('CreateApiKey', 'API keys limit exceeded')];
    await apply(plan('second'));
    const keyStuck = await waitFor('usageplan/capped', 'Ready', 'False', 'ApiKeyLimitReached');
    expect(condition(keyStuck, 'Ready')?.message).toContain('at most 10,000 API keys per Region');
    await until('an ApiKeyLimitReached Event', async () => (await events('capped')).find((e) => e.reason === 'ApiKeyLimitReached'));

    proxy.faults = [];
    await apply(plan('third'));
    const fine = await waitFor<{ apiKeys?: { id?: string }[] }>('usageplan/capped', 'Ready', 'True');
    expect(fine.status?.apiKeys?.[0]?.id).toBeTruthy();
    expect(proxy.counts.faulted.CreateUsagePlan).toBeGreaterThanOrEqual(1);
    expect(proxy.counts.faulted.CreateApiKey).toBeGreaterThanOrEqual(1);
  });
});
