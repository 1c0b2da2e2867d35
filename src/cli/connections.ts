// What the laptop commands (diagnose, plan) connect to: the cluster through a kubeconfig and AWS
// through the SDK's default credentials, with the same flags and environment variables as the controller.
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { GROUP, VERSION } from '../api/common.js';
import { AwsCaller } from '../aws/caller.js';
import { createAwsClients, createIamClients, type AwsClients, type IamClients } from '../aws/clients.js';
import { accountId } from '../aws/iam.js';

export interface Connections {
  kc: KubeConfig;
  objects: CustomObjectsApi;
  clients: AwsClients;
  iam: IamClients;
  caller: AwsCaller;
  accountId: () => Promise<string>;
}

export function withConnectionOptions(command: Command): Command {
  const env = process.env;
  return command
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)', env.KUBECONFIG)
    .option('--region <region>', 'AWS region (env AWS_REGION)', env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1')
    .option('--aws-endpoint <url>', 'AWS endpoint override, e.g. a local emulator (env AWS_ENDPOINT_URL)', env.AWS_ENDPOINT_URL);
}

export function connect(opts: { kubeconfig?: string; region: string; awsEndpoint?: string }): Connections {
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  const settings = { region: opts.region, ...(opts.awsEndpoint ? { endpoint: opts.awsEndpoint } : {}) };
  const caller = new AwsCaller();
  const iam = createIamClients(settings);
  let account: Promise<string> | undefined;
  return { kc, objects: kc.makeApiClient(CustomObjectsApi), clients: createAwsClients(settings), iam, caller, accountId: () => (account ??= accountId(caller, iam)) };
}

export async function getObject<T>(c: Connections, plural: string, namespace: string, name: string): Promise<T | undefined> {
  try {
    return (await c.objects.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name })) as T;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

export async function listObjects<T>(c: Connections, plural: string, namespace: string): Promise<T[]> {
  const out = (await c.objects.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace })) as { items: T[] };
  return out.items;
}
