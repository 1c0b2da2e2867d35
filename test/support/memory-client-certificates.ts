// Client certificates for the in-memory AWS, as API Gateway documents them: generated with the tags
// given (valid for a year), re-described, deleted (404 when already gone, which the port absorbs as
// the real adapter does), at most 60 per account and region (LimitExceededException beyond).
import type { RestApiAws } from '../../src/controllers/ports.js';
import type { ClientCertificateFacts } from '../../src/plan/client-certificates.js';
import { AwsFault } from './memory-aws.js';

const PER_ACCOUNT = 60;
const YEAR_MS = 365 * 24 * 3600 * 1000;

export class MemoryClientCertificates implements Pick<RestApiAws, 'ownedClientCertificates' | 'generateClientCertificate' | 'describeClientCertificate' | 'deleteClientCertificate'> {
  readonly certificates = new Map<string, ClientCertificateFacts>();
  private counter = 0;

  constructor(
    private readonly call: (what: string) => void,
    private readonly now: () => number,
    private readonly ownerTag: string,
  ) {}

  async ownedClientCertificates(owner: string): Promise<ClientCertificateFacts[]> {
    this.call('ownedClientCertificates');
    return [...this.certificates.values()].filter((c) => c.tags[this.ownerTag] === owner).map((c) => structuredClone(c));
  }

  async generateClientCertificate(description: string, tags: Record<string, string>): Promise<ClientCertificateFacts> {
    this.call('generateClientCertificate');
    if (this.certificates.size >= PER_ACCOUNT) throw new AwsFault('LimitExceededException', `Maximum number of client certificates (${PER_ACCOUNT}) reached`, { httpStatusCode: 429 });
    const id = `cc${(this.counter += 1).toString(36).padStart(6, '0')}`;
    const made: ClientCertificateFacts = { id, description, tags: { ...tags }, expiresAt: new Date(this.now() + YEAR_MS).toISOString() };
    this.certificates.set(id, made);
    return structuredClone(made);
  }

  async describeClientCertificate(id: string, description: string): Promise<void> {
    this.call('describeClientCertificate');
    const c = this.certificates.get(id);
    if (!c) throw new AwsFault('NotFoundException', `Client certificate ID ${id} not found`, { httpStatusCode: 404 });
    c.description = description;
  }

  async deleteClientCertificate(id: string): Promise<void> {
    this.call('deleteClientCertificate');
    this.certificates.delete(id);
  }
}
