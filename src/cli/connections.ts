// What the laptop commands (diagnose, plan) connect to: the cluster through a kubeconfig and AWS
// through the SDK's default credentials, with the same flags and environment variables as the controller.
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { AwsAccount } from '../api/aws-account.js';
import { AwsTargetRegistry } from '../aws/targets.js';
import { placementOf } from '../model/placement.js';
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
  /** Every account and region, for objects with accountRef or region. */
  targets: AwsTargetRegistry;
  /** The --region, where objects without accountRef and region are. */
  defaultRegion: string;
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
  const targets = new AwsTargetRegistry({ home: settings });
  return { kc, objects: kc.makeApiClient(CustomObjectsApi), clients: createAwsClients(settings), iam, caller, accountId: () => (account ??= accountId(caller, iam)), targets, defaultRegion: opts.region };
}

/**
 * The connections of the account and region `o` lives in, decided as the operator decides them
 * (model/placement.ts): its AwsAccount's role assumed with the caller's own credentials. A refusal
 * (account missing, namespace or region not allowed) is an error with the operator's message.
 */
export async function placedConnections(c: Connections, o: { kind: string; metadata: { name: string; namespace?: string }; spec: { accountRef?: { name: string }; region?: string } }): Promise<Connections> {
  const namespace = o.metadata.namespace ?? '';
  const ref = o.spec.accountRef?.name;
  const account = ref ? await getClusterObject<AwsAccount>(c, 'awsaccounts', ref) : undefined;
  const labels = ref ? await c.kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace }).then((n) => n.metadata?.labels ?? {}, () => undefined) : undefined;
  const verdict = placementOf({ kind: o.kind, name: o.metadata.name, namespace, spec: o.spec, namespaceLabels: labels, account: account?.spec, defaultRegion: c.defaultRegion });
  if (!verdict.ok) throw new Error(`${verdict.reason}: ${verdict.message}`);
  const placed = await c.targets.connection(verdict.placement);
  return { ...c, ...placed };
}

async function getClusterObject<T>(c: Connections, plural: string, name: string): Promise<T | undefined> {
  try {
    return (await c.objects.getClusterCustomObject({ group: GROUP, version: VERSION, plural, name })) as T;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
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
