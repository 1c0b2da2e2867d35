// What a reconciler needs, passed in (no module singletons): the AWS client layer, the one
// Kubernetes writer, the Event recorder, a logger and the operator's settings.
import type { AwsCaller } from '../aws/caller.js';
import type { AwsClients, IamClients } from '../aws/clients.js';
import type { EventInput } from '../kube/events.js';
import type { KubeWriter } from '../kube/writer.js';

export interface Logger {
  info: (fields: object, message: string) => void;
  warn: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
}

export interface OperatorSettings {
  /** restpath.dev/managed-by value. */
  managedBy: string;
  defaultTags: Record<string, string>;
  /** Namespaces where adoptId / restApiId may take over what the operator did not create ('*': all). */
  adoptNamespaces: string[];
}

export interface ControllerContext {
  caller: AwsCaller;
  clients: AwsClients;
  iam: IamClients;
  /** The AWS account id (for trust policies), looked up once. */
  accountId: () => Promise<string>;
  writer: KubeWriter;
  events: { record: (event: EventInput) => Promise<void> };
  log: Logger;
  settings: OperatorSettings;
  now: () => Date;
}

/** What one reconcile asks of the queue next. */
export type Outcome = { kind: 'done'; requeueAfterMs?: number } | { kind: 'retry'; error: unknown } | { kind: 'terminal'; reason: string; message: string };
