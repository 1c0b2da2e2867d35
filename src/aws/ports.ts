// The real AWS behind the reconcilers' ports (controllers/ports.ts): API Gateway and IAM through the
// one client layer (AwsCaller: rate limits, retries, metrics). The account id is looked up once.
import type { DomainNameAws, RestApiAws, UsagePlanAws } from '../controllers/ports.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients, IamClients } from './clients.js';
import { executePlan } from './execute.js';
import { accountId, changeRole, deleteRole, observeRole } from './iam.js';
import { observeApi } from './observe.js';
import { deleteRestApi, ensureRestApi } from './rest-api.js';
import { createDeployment, ensureStage, observeStages } from './stages.js';
import { deleteApiKey, deleteUsagePlan, ensureUsagePlan, executeUsagePlan, observeUsagePlan, ownedApiKeys } from './usage-plans.js';
import { UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import type { CertificateFacts, DnsFacts } from '../diagnose/domain-name.js';
import { createDomainName, deleteDomainName, executeDomainName, observeDomainName, observeMappings, readCertificate, readDns, type DomainClients } from './domain-names.js';
import { FactCache } from './fact-cache.js';
import { deleteClientCertificate, describeClientCertificate, generateClientCertificate, ownedClientCertificates } from './client-certificates.js';
import { OWNER_TAG } from '../model/build.js';
import { associateWebAcl, disassociateWebAcl } from './web-acl.js';

/** `knownAccountId`: an AwsAccount's (no lookup); unset: the operator's own, asked of STS once. */
export function awsPorts(caller: AwsCaller, clients: AwsClients, iam: IamClients, domains: DomainClients, now: () => number = Date.now, knownAccountId?: string): RestApiAws & UsagePlanAws & DomainNameAws {
  let account: Promise<string> | undefined = knownAccountId ? Promise.resolve(knownAccountId) : undefined;
  const certificates = new FactCache<CertificateFacts | undefined>(now);
  const records = new FactCache<DnsFacts>(now);
  return {
    region: clients.region,
    accountId: () => {
      account ??= accountId(caller, iam).catch((error: unknown) => {
        account = undefined; // looked up again next time
        throw error;
      });
      return account;
    },
    ensureRestApi: (settings, tags) => ensureRestApi(caller, clients, settings, tags),
    deleteRestApi: (id) => deleteRestApi(caller, clients, id),
    observeApi: (id, reuse) => observeApi(caller, clients, id, reuse),
    executePlan: (observed, plan) => executePlan(caller, clients, observed, plan),
    observeStages: (id) => observeStages(caller, clients, id),
    writeStage: async (restApiId, observed, want, patch, deploymentId) => {
      if (!observed) {
        await ensureStage(caller, clients, restApiId, undefined, want, deploymentId);
        return;
      }
      if (patch.length === 0) return;
      await caller.call('UpdateStage', () => clients.apigateway.send(new UpdateStageCommand({ restApiId, stageName: want.name, patchOperations: patch })));
    },
    createDeployment: (id, description, canary) => createDeployment(caller, clients, id, description, canary),
    associateWebAcl: (id, stage, arn) => associateWebAcl(caller, clients, id, stage, arn),
    disassociateWebAcl: (id, stage) => disassociateWebAcl(caller, clients, id, stage),
    ownedClientCertificates: (owner) => ownedClientCertificates(caller, clients, OWNER_TAG, owner),
    generateClientCertificate: (description, tags) => generateClientCertificate(caller, clients, description, tags),
    describeClientCertificate: (id, description) => describeClientCertificate(caller, clients, id, description),
    deleteClientCertificate: (id) => deleteClientCertificate(caller, clients, id),
    observeRole: (name) => observeRole(caller, iam, name),
    changeRole: (want, changes) => changeRole(caller, iam, want, changes),
    deleteRole: (name) => deleteRole(caller, iam, name),
    ensureUsagePlan: (desired) => ensureUsagePlan(caller, clients, desired),
    observeUsagePlan: (id, owner) => observeUsagePlan(caller, clients, id, owner),
    executeUsagePlan: (id, ops) => executeUsagePlan(caller, clients, id, ops),
    ownedApiKeys: (owner) => ownedApiKeys(caller, clients, owner),
    deleteApiKey: (id) => deleteApiKey(caller, clients, id),
    deleteUsagePlan: (id) => deleteUsagePlan(caller, clients, id),
    observeDomainName: (name) => observeDomainName(caller, clients, name),
    observeMappings: (name) => observeMappings(caller, clients, name),
    createDomainName: (desired) => createDomainName(caller, clients, desired),
    executeDomainName: (name, ops) => executeDomainName(caller, clients, name, ops),
    deleteDomainName: (name) => deleteDomainName(caller, clients, name),
    certificate: (arn, maxAgeMs) => certificates.get(arn, maxAgeMs, () => readCertificate(caller, domains, arn)),
    dns: (name, maxAgeMs) => records.get(name, maxAgeMs, () => readDns(caller, domains, name)),
  };
}
