// Where each API key's value comes from: a Secret the user manages (valueFrom), or a Secret the
// operator generates and owns (generateInto). Returns the values wrapped in Sensitive, or the exact
// reason one cannot be read; generating writes the Secret before AWS ever sees the value, so a crash
// in between leaves a Secret to reuse, never an AWS key whose value nobody knows.
import { randomInt } from 'node:crypto';
import type { V1OwnerReference, V1Secret } from '@kubernetes/client-node';
import { DEFAULT_API_KEY_SECRET_KEY, type UsagePlan } from '../api/usage-plan.js';
import { isOwnedBy, secretValue, secretValueIsText, type SecretWriter } from '../kube/secrets.js';
import { Sensitive } from '../model/sensitive.js';
import type { KeyValue } from '../model/usage-plan.js';
import { API_VERSION } from './refs.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 40 characters from a CSPRNG over 62 symbols: about 238 bits, the length AWS's own keys have. */
export function generateApiKeyValue(length = 40): Sensitive {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALPHABET[randomInt(ALPHABET.length)];
  return new Sensitive(out);
}

export function ownerReferenceTo(plan: UsagePlan): V1OwnerReference {
  return { apiVersion: API_VERSION, kind: 'UsagePlan', name: plan.metadata.name, uid: plan.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export interface KeyValueSources {
  secret: (namespace: string, name: string) => V1Secret | undefined;
  writer: SecretWriter;
}

export async function resolveKeyValues(plan: UsagePlan, sources: KeyValueSources): Promise<{ values: Map<string, KeyValue>; generated: string[] }> {
  const namespace = plan.metadata.namespace ?? '';
  const values = new Map<string, KeyValue>();
  const generated: string[] = [];
  for (const key of plan.spec.apiKeys ?? []) {
    if (key.valueFrom) {
      const ref = key.valueFrom.secretKeyRef;
      const secret = sources.secret(namespace, ref.name);
      const value = secretValue(secret, ref.key);
      if (!secret) values.set(key.name, { reason: 'SecretNotFound', message: `API key ${key.name}: Secret ${namespace}/${ref.name} does not exist; create it with the key ${ref.key}. The AWS key is left as it is until then.` });
      else if (!value) values.set(key.name, { reason: 'SecretKeyNotFound', message: `API key ${key.name}: Secret ${namespace}/${ref.name} has no key ${ref.key} (it has: ${Object.keys(secret.data ?? {}).join(', ') || 'none'}). The AWS key is left as it is until then.` });
      else if (!secretValueIsText(secret, ref.key)) values.set(key.name, { reason: 'ApiKeyValueNotText', message: `API key ${key.name}: the value under ${ref.key} in Secret ${namespace}/${ref.name} is binary data, not UTF-8 text; API Gateway key values are text, so it is not sent (clients could not send the same value). Store the key value as text. The AWS key is left as it is until then.` });
      else values.set(key.name, { value });
      continue;
    }
    if (!key.generateInto) continue;
    const { secretName } = key.generateInto;
    const dataKey = key.generateInto.key ?? DEFAULT_API_KEY_SECRET_KEY;
    const secret = sources.secret(namespace, secretName);
    if (secret && !isOwnedBy(secret, plan.metadata.uid ?? '')) {
      values.set(key.name, { reason: 'SecretOwnedByOther', message: `API key ${key.name}: Secret ${namespace}/${secretName} exists and is not owned by this UsagePlan; the operator does not overwrite it. Delete it or choose another generateInto.secretName.` });
      continue;
    }
    const existing = secretValue(secret, dataKey);
    if (existing) {
      values.set(key.name, { value: existing });
      continue;
    }
    const value = generateApiKeyValue();
    await sources.writer.write(namespace, secretName, dataKey, value, ownerReferenceTo(plan), secret);
    generated.push(key.name);
    values.set(key.name, { value });
  }
  return { values, generated };
}
