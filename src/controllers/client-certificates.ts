// The client certificates step of the deploy line: carries out plan/client-certificates.ts (generate and
// re-describe before the stages are written, delete once no stage uses them) and, on deletion of a
// RestApi, deletes the ones it generated. One list call per pass, and none for an API whose stages
// never had one.
import type { RestApi } from '../api/rest-api.js';
import { OWNER_TAG, ownerRef } from '../model/build.js';
import { needsClientCertificates, planClientCertificates, STAGE_TAG, type ClientCertificateDeletion, type ClientCertificateFacts } from '../plan/client-certificates.js';
import type { ObservedStage } from '../plan/stages.js';
import type { EventSpec } from '../status/rest-api-pass.js';
import type { ControllerContext } from './context.js';

export interface ClientCertificatesStep {
  /** By stage: the certificate it presents after this pass. */
  byStage: Map<string, ClientCertificateFacts>;
  /** Deletions to run once the stages no longer use them. */
  after: ClientCertificateDeletion[];
}

const ownerOf = (api: RestApi) => ownerRef(api.metadata.namespace ?? '', 'RestApi', api.metadata.name);

/** Generates and re-describes what the stages need; `tags` are the REST API's (owner tag included); Events go into `events`. */
export async function prepareClientCertificates(ctx: ControllerContext, api: RestApi, observed: readonly ObservedStage[], tags: Record<string, string>, events: EventSpec[]): Promise<ClientCertificatesStep> {
  const stages = api.spec.stages ?? [];
  const step: ClientCertificatesStep = { byStage: new Map(), after: [] };
  if (!needsClientCertificates(stages, api.status?.stages ?? [])) return step;
  const owned = await ctx.aws.ownedClientCertificates(ownerOf(api));
  const inUse = new Map(observed.filter((s) => s.clientCertificateId).map((s) => [s.name, s.clientCertificateId]));
  const plan = planClientCertificates(ownerOf(api), OWNER_TAG, stages, owned, inUse);
  step.byStage = plan.kept;
  step.after = plan.after;
  for (const op of plan.before) {
    if (op.kind === 'generateClientCertificate') {
      const made = await ctx.aws.generateClientCertificate(op.description, { ...tags, [STAGE_TAG]: op.stage });
      step.byStage.set(op.stage, made);
      events.push({ type: 'Normal', reason: 'Created', action: 'Deploy', note: `Generated client certificate ${made.id} for stage ${op.stage}${made.expiresAt ? ` (expires ${made.expiresAt})` : ''}; backends get its PEM with aws apigateway get-client-certificate --client-certificate-id ${made.id}` });
    } else if (op.kind === 'describeClientCertificate') {
      await ctx.aws.describeClientCertificate(op.id, op.description);
      step.byStage.set(op.stage, { ...step.byStage.get(op.stage)!, description: op.description });
    }
  }
  return step;
}

/** The deletions, after the stages were written. */
export async function finishClientCertificates(ctx: ControllerContext, step: ClientCertificatesStep, events: EventSpec[]): Promise<void> {
  for (const op of step.after) {
    await ctx.aws.deleteClientCertificate(op.id);
    events.push({ type: 'Normal', reason: 'Deleted', action: 'Deploy', note: `Deleted client certificate ${op.id}${op.stage ? ` (stage ${op.stage})` : ''}: no stage presents it any more` });
  }
}

/** On deletion of the RestApi: every client certificate it generated. */
export async function deleteClientCertificatesOf(ctx: ControllerContext, api: RestApi): Promise<void> {
  if (!needsClientCertificates(api.spec.stages ?? [], api.status?.stages ?? [])) return;
  for (const c of await ctx.aws.ownedClientCertificates(ownerOf(api))) await ctx.aws.deleteClientCertificate(c.id);
}
