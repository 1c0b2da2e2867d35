// How fresh the IAM and usage-plan facts behind PermissionsReady and ThrottlingReady are, as a new
// user meets it: a Lambda proxy path with an execution role (inline policy) and an API key from a
// UsagePlan. With writes paused, the role's inline policy is deleted and the key disabled with the aws
// CLI; touching the RestApi (an annotation change: a pass someone asked for) must read the facts now
// and report both, while Synced names the role write that waits for the pause to end. Unpausing puts
// the policy back; re-enabling the key and touching again clears ThrottlingReady.
// Second part: with --diagnosis-max-age 10m and a short resync, a resync pass (no change to any
// object) reuses the facts read before the break and says so ("as read at"), until the RestApi is
// touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { invokeStage, objectsIn, type KubeObject } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';

/** RestApi shop (stage live), RestPath checkout (GET, API key, Lambda proxy with an execution role), UsagePlan partners (one generated key). */
function manifests(accountId: string, region: string): string {
  const fn = `arn:aws:lambda:${region}:${accountId}:function:shop-checkout`;
  return `${H}
kind: RestApi
metadata: { name: shop }
spec:
  stages: [{ name: live }]
---
${H}
kind: RestPath
metadata: { name: checkout }
spec:
  restApiRef: { name: shop }
  path: /checkout
  methods:
    - httpMethod: GET
      apiKeyRequired: true
      integration:
        type: AWS_PROXY
        httpMethod: POST
        uri: arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${fn}/invocations
        credentials: { executionRole: true }
  executionRole:
    inlinePolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: lambda:InvokeFunction
          Resource: ${fn}
---
${H}
kind: UsagePlan
metadata: { name: partners }
spec:
  apiStages: [{ restApiRef: { name: shop }, stage: live }]
  apiKeys:
    - name: partner
      generateInto: { secretName: partner-key }
`;
}

const FACTS_AGE = /\(IAM and usage-plan facts as read at (\S+); annotate the RestApi to read them now\.\)$/;

/** One namespace with its own operator, and what the tests need to reach into it. */
function world(prefix: string, operatorArgs: string[]) {
  const namespace = useFreshNamespace(kubectl, prefix);
  let operator: RunningOperator | undefined;
  const objects = objectsIn(kubectl, namespace, () => operator?.logs() ?? '(the operator is not running)');
  beforeAll(async () => {
    operator = await startOperator(['--namespaces', namespace(), ...operatorArgs]);
  });
  afterAll(async () => {
    await operator?.stop();
  });
  const aws = (args: string[]) => operator!.aws(args);
  const annotate = (...args: string[]) => kubectl.ok(['annotate', 'restapi', 'shop', '-n', namespace(), '--overwrite', ...args]);
  let touches = 0;
  return {
    namespace,
    ...objects,
    aws,
    operator: () => operator!,
    /** What a user does to have the RestApi looked at now. */
    touch: () => annotate(`restpath.dev/reconcile-requested-at=${Date.now()}-${(touches += 1)}`),
    pause: () => annotate('restpath.dev/paused=true'),
    unpause: () => annotate('restpath.dev/paused-'),
    /** Applies the three objects and waits until each is Ready; returns the names and ids AWS uses. */
    async setUp() {
      await objects.apply(manifests(operator!.account.accountId, operator!.account.region));
      for (const o of ['restapi/shop', 'restpath/checkout', 'usageplan/partners']) await objects.waitFor(o, 'Ready', 'True', undefined, 120_000);
      const path = await objects.get<{ executionRoleArn?: string }>('restpath/checkout');
      expect(objects.condition(path, 'PermissionsReady')).toMatchObject({ status: 'True' });
      expect(objects.condition(path, 'ThrottlingReady')).toMatchObject({ status: 'True' });
      const role = (path.status?.executionRoleArn ?? '').split('/').pop() ?? '';
      expect(role).toMatch(/^restpath-/);
      const plan = await objects.get<{ apiKeys?: { name: string; id?: string; enabled?: boolean }[] }>('usageplan/partners');
      const keyId = plan.status?.apiKeys?.[0]?.id ?? '';
      expect(plan.status?.apiKeys).toEqual([{ name: 'partner', id: keyId, enabled: true }]);
      const apiId = (await objects.get<{ id?: string }>('restapi/shop')).status?.id ?? '';
      const secret = await objects.get('secret/partner-key');
      const keyValue = Buffer.from(secret.data?.apiKey ?? '', 'base64').toString();
      expect(keyValue.length).toBeGreaterThanOrEqual(20);
      return { role, keyId, apiId, keyValue };
    },
  };
}

type Obj = KubeObject<Record<string, unknown>>;

describe('a pass someone asked for reads IAM and usage-plan facts now', { timeout: 300_000 }, () => {
  const w = world('freshness', []);
  let ids: Awaited<ReturnType<typeof w.setUp>>;

  it('reports a deleted inline policy and a disabled key on the touch, with the role write waiting while paused', async () => {
    ids = await w.setUp();
    const before = await invokeStage(ids.apiId, 'live', '/checkout', { 'x-api-key': ids.keyValue });
    // Past the API key check (no Lambda runs in the emulator): whatever the backend answers, not 403.
    expect(before.status, before.body).not.toBe(403);

    await w.pause();
    await w.waitFor('restapi/shop', 'Synced', 'False', 'Paused');
    await w.aws(['iam', 'delete-role-policy', '--role-name', ids.role, '--policy-name', 'restpath-inline']);
    await w.aws(['apigateway', 'update-api-key', '--api-key', ids.keyId, '--patch-operations', 'op=replace,path=/enabled,value=false']);
    await expect(w.aws(['iam', 'list-role-policies', '--role-name', ids.role])).resolves.toEqual({ PolicyNames: [] });
    // The emulator's data plane refuses the disabled key at once.
    const disabled = await invokeStage(ids.apiId, 'live', '/checkout', { 'x-api-key': ids.keyValue });
    expect(disabled.status, disabled.body).toBe(403);

    await w.touch();
    // What restpath/checkout said, pass by pass, and whether the key stayed disabled: shown if a wait fails.
    const seen: string[] = [];
    const sample = async () => {
      const o = await w.get('restpath/checkout');
      const line = ['PermissionsReady', 'ThrottlingReady'].map((t) => `${t}=${w.condition(o, t)?.status}/${w.condition(o, t)?.reason}`).join(' ');
      if (!seen.at(-1)?.endsWith(line)) seen.push(`${new Date().toISOString()} ${line}`);
      return o;
    };
    const history = async () => {
      const key = (await w.aws(['apigateway', 'get-api-key', '--api-key', ids.keyId]).catch((e: Error) => e.message)) as { enabled?: boolean };
      const planEvents = (await w.events('partners')).map((e) => `${e.type} ${e.reason}: ${e.note}`);
      return `seen on restpath/checkout:\n${seen.join('\n')}\nkey ${ids.keyId} enabled in AWS now: ${String(key.enabled)}\nEvents of usageplan/partners:\n${planEvents.join('\n')}`;
    };
    const path = await w.until('PermissionsReady=False (ActionNotAllowed) on restpath/checkout', async () => {
      const o = await sample();
      return w.condition(o, 'PermissionsReady')?.reason === 'ActionNotAllowed' ? o : undefined;
    }, 60_000);
    const permissions = w.condition(path, 'PermissionsReady')!.message;
    expect(permissions).toContain(`no attached or inline policy of role ${ids.role} allows lambda:InvokeFunction`);
    const throttled = await w.until('ThrottlingReady=False (ApiKeysDisabled) on restpath/checkout', async () => {
      const o = await sample();
      return w.condition(o, 'ThrottlingReady')?.reason === 'ApiKeysDisabled' ? o : undefined;
    }, 30_000).catch(async (e: Error) => {
      const failure = `${e.message.split('\n')[0]}\n${await history()}`;
      expect.soft(failure, 'ThrottlingReady=False (ApiKeysDisabled) after the touch').toBeUndefined();
      return undefined;
    });
    if (throttled) {
      expect(w.condition(throttled, 'ThrottlingReady')).toMatchObject({ status: 'False' });
      expect(w.condition(throttled, 'ThrottlingReady')!.message).toContain(`every key in the usage plans covering stage live is disabled (partner ${ids.keyId})`);
      expect(w.condition(throttled, 'ThrottlingReady')!.message).not.toMatch(FACTS_AGE);
    }
    // Read in that pass, so neither message says how old its facts are.
    expect(permissions).not.toMatch(FACTS_AGE);
    expect(w.condition(path, 'Ready')).toMatchObject({ status: 'False' });

    const api = await w.get('restapi/shop');
    const synced = w.condition(api, 'Synced')!;
    expect(synced).toMatchObject({ status: 'False', reason: 'Paused' });
    expect(synced.message).toContain(`put the inline policy of role ${ids.role}`);
    expect(synced.message).toMatch(/[1-9]\d* write\(s\) wait: /);
    expect(synced.message).not.toMatch(/\b0 (operation|write)\(s\)/);
    expect(synced.message).not.toMatch(/wait: *[.;]/);
    expect(w.condition(api, 'Reconciling')).toMatchObject({ status: 'True', reason: 'Paused' });
    // Nothing was written while paused.
    await expect(w.aws(['iam', 'list-role-policies', '--role-name', ids.role])).resolves.toEqual({ PolicyNames: [] });

    // The key's clients are refused, as the message says (while the key is disabled).
    if (throttled) {
      const refused = await invokeStage(ids.apiId, 'live', '/checkout', { 'x-api-key': ids.keyValue });
      expect(refused.status, refused.body).toBe(403);
    }
  });

  it('unpausing puts the inline policy back (PermissionsReady=True); re-enabling the key and touching clears ThrottlingReady', async () => {
    await w.unpause();
    await w.waitFor('restpath/checkout', 'PermissionsReady', 'True', undefined, 60_000);
    await expect(w.aws(['iam', 'list-role-policies', '--role-name', ids.role])).resolves.toEqual({ PolicyNames: ['restpath-inline'] });
    const policy = (await w.aws(['iam', 'get-role-policy', '--role-name', ids.role, '--policy-name', 'restpath-inline'])) as { PolicyDocument: { Statement: { Action: string }[] } };
    expect(policy.PolicyDocument.Statement[0]?.Action).toBe('lambda:InvokeFunction');
    const api = await w.waitFor('restapi/shop', 'Synced', 'True');
    expect(w.condition(api, 'Reconciling')).toMatchObject({ status: 'False' });

    await w.aws(['apigateway', 'update-api-key', '--api-key', ids.keyId, '--patch-operations', 'op=replace,path=/enabled,value=true']);
    await w.touch();
    await w.waitFor('restpath/checkout', 'ThrottlingReady', 'True', undefined, 60_000);
    await w.waitFor('restpath/checkout', 'Ready', 'True');
    const after = await invokeStage(ids.apiId, 'live', '/checkout', { 'x-api-key': ids.keyValue });
    expect(after.status, after.body).not.toBe(403);
  });
});

describe('a resync pass reuses facts younger than --diagnosis-max-age and says when they were read', { timeout: 300_000 }, () => {
  const w = world('stale-facts', ['--diagnosis-max-age', '10m', '--resync', '3s']);

  it('keeps PermissionsReady=True "as read at" a time before the break until the RestApi is touched', async () => {
    const ids = await w.setUp();
    await w.pause();
    await w.waitFor('restapi/shop', 'Synced', 'False', 'Paused');
    const brokenAt = new Date();
    await w.aws(['iam', 'delete-role-policy', '--role-name', ids.role, '--policy-name', 'restpath-inline']);

    // The next resync pass sees the role as it is (the waiting write) but diagnoses from the cached facts.
    const stale = await w.until('a resync pass listing the waiting role write on restpath/checkout', async () => {
      const o = await w.get('restpath/checkout');
      return w.condition(o, 'Synced')?.message.includes(`put the inline policy of role ${ids.role}`) ? o : undefined;
    }, 30_000);
    const permissions = w.condition(stale, 'PermissionsReady')!;
    expect(permissions.status, permissions.message).toBe('True');
    const readAt = FACTS_AGE.exec(permissions.message)?.[1];
    expect(readAt, permissions.message).toBeTruthy();
    expect(Date.parse(readAt!)).toBeLessThan(brokenAt.getTime());
    expect(w.condition(stale, 'ThrottlingReady')?.message).toMatch(FACTS_AGE);

    await w.touch();
    const fresh: Obj = await w.waitFor('restpath/checkout', 'PermissionsReady', 'False', 'ActionNotAllowed', 30_000);
    expect(w.condition(fresh, 'PermissionsReady')!.message).not.toMatch(FACTS_AGE);

    await w.unpause();
    await w.waitFor('restpath/checkout', 'PermissionsReady', 'True', undefined, 60_000);
    await w.waitFor('restpath/checkout', 'Ready', 'True');
  });
});
