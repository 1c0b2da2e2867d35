// Key values from Secrets (resolveKeyValues): a value in `data` that is not UTF-8 text is refused with
// its own reason. Decoding it would replace the invalid bytes with U+FFFD and send AWS a value that is
// not the Secret's, one no client could send (found by the fuzz tier, test/e2e/fuzz.test.ts).
import type { V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { UsagePlan } from '../../../src/api/usage-plan.js';
import { resolveKeyValues } from '../../../src/controllers/api-key-values.js';
import type { SecretWriter } from '../../../src/kube/secrets.js';

const plan = (secretName: string): UsagePlan => ({
  apiVersion: 'apigateway.restpath.dev/v1alpha1',
  kind: 'UsagePlan',
  metadata: { name: 'gold', namespace: 'shop', uid: 'u1' },
  spec: { apiKeys: [{ name: 'partner', valueFrom: { secretKeyRef: { name: secretName, key: 'apiKey' } } }] },
});
const secrets: Record<string, V1Secret> = {
  binary: { metadata: { name: 'binary' }, data: { apiKey: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, ...Array<number>(20).fill(0x61)]).toString('base64') } },
  text: { metadata: { name: 'text' }, data: { apiKey: Buffer.from('partner-key-välue-0123456789', 'utf8').toString('base64') } },
};
// valueFrom never writes a Secret.
const writer = { write: () => Promise.reject(new Error('no write expected')) } as unknown as SecretWriter;
const resolve = (name: string) => resolveKeyValues(plan(name), { secret: (_ns, n) => secrets[n], writer });

describe('API key values from Secrets', () => {
  it('refuses a value that is binary data, naming the Secret and key but not the value', async () => {
    const { values } = await resolve('binary');
    const found = values.get('partner');
    expect(found).toMatchObject({ reason: 'ApiKeyValueNotText' });
    expect(found && 'message' in found ? found.message : '').toContain('Secret shop/binary');
    expect(found && 'message' in found ? found.message : '').not.toContain('\uFFFD');
  });

  it('takes UTF-8 text from data as it is, non-ASCII included', async () => {
    const found = (await resolve('text')).values.get('partner');
    expect(found && 'value' in found ? found.value.reveal() : undefined).toBe('partner-key-välue-0123456789');
  });
});
