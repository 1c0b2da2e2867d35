// AWS WAF (v2, regional) associations of API Gateway stages.
import { AssociateWebACLCommand, DisassociateWebACLCommand } from '@aws-sdk/client-wafv2';
import { stageResourceArn } from '../plan/web-acl.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients } from './clients.js';

export async function associateWebAcl(caller: AwsCaller, clients: AwsClients, restApiId: string, stage: string, webAclArn: string): Promise<void> {
  const ResourceArn = stageResourceArn(clients.region, restApiId, stage);
  await caller.call('AssociateWebACL', () => clients.wafv2.send(new AssociateWebACLCommand({ WebACLArn: webAclArn, ResourceArn })));
}

export async function disassociateWebAcl(caller: AwsCaller, clients: AwsClients, restApiId: string, stage: string): Promise<void> {
  const ResourceArn = stageResourceArn(clients.region, restApiId, stage);
  await caller.call('DisassociateWebACL', () => clients.wafv2.send(new DisassociateWebACLCommand({ ResourceArn })));
}
