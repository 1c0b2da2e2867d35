// Client certificates in API Gateway (account-wide, per region): listed with their tags, generated
// with the owner and stage tags so a create whose answer was lost is found again, re-described, and
// deleted (one already gone counts as deleted).
import { DeleteClientCertificateCommand, GenerateClientCertificateCommand, GetClientCertificatesCommand, UpdateClientCertificateCommand, type ClientCertificate } from '@aws-sdk/client-api-gateway';
import type { ClientCertificateFacts } from '../plan/client-certificates.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients } from './clients.js';
import { isGone } from './errors.js';
import { API_GATEWAY_PAGE_SIZE, apiGatewayPage, paginate } from './paginate.js';

function certificateFromAws(c: ClientCertificate): ClientCertificateFacts {
  return { id: c.clientCertificateId ?? '', description: c.description ?? '', tags: { ...c.tags }, ...(c.expirationDate ? { expiresAt: c.expirationDate.toISOString() } : {}) };
}

/** The account's client certificates carrying `owner` in `ownerTag`, 500 per page. */
export async function ownedClientCertificates(caller: AwsCaller, clients: AwsClients, ownerTag: string, owner: string): Promise<ClientCertificateFacts[]> {
  const limit = clients.pageSize ?? API_GATEWAY_PAGE_SIZE;
  const all = await paginate(caller, 'GetClientCertificates', async (position) => apiGatewayPage(await clients.apigateway.send(new GetClientCertificatesCommand({ limit, position }))));
  return all.filter((c) => c.tags?.[ownerTag] === owner).map(certificateFromAws);
}

export async function generateClientCertificate(caller: AwsCaller, clients: AwsClients, description: string, tags: Record<string, string>): Promise<ClientCertificateFacts> {
  const out = await caller.call('GenerateClientCertificate', () => clients.apigateway.send(new GenerateClientCertificateCommand({ description, tags })));
  if (!out.clientCertificateId) throw new Error('GenerateClientCertificate returned no id');
  return certificateFromAws(out);
}

export async function describeClientCertificate(caller: AwsCaller, clients: AwsClients, id: string, description: string): Promise<void> {
  await caller.call('UpdateClientCertificate', () => clients.apigateway.send(new UpdateClientCertificateCommand({ clientCertificateId: id, patchOperations: [{ op: 'replace', path: '/description', value: description }] })));
}

export async function deleteClientCertificate(caller: AwsCaller, clients: AwsClients, id: string): Promise<void> {
  try {
    await caller.call('DeleteClientCertificate', () => clients.apigateway.send(new DeleteClientCertificateCommand({ clientCertificateId: id })));
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}
