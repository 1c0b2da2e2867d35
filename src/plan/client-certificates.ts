// Client certificates, pure: which certificate each stage presents to its backends, and what to
// generate, re-describe or delete to get there. A certificate belongs to a RestApi stage by two tags
// (owner and stage), so one whose creation answer was lost is found again rather than made twice.
// The one a stage already uses is kept; more than one for a stage (a lost answer, then a retry) or
// one a stage no longer declares is deleted, but only after the stage stopped using it.
import type { Stage } from '../api/stage.js';

/** The tag naming the stage a client certificate was generated for (next to the owner tag). */
export const STAGE_TAG = 'restpath.dev/stage';

export interface ClientCertificateFacts {
  id: string;
  description: string;
  tags: Record<string, string>;
  expiresAt?: string;
}

export type ClientCertificateOperation =
  | { kind: 'generateClientCertificate'; stage: string; description: string }
  | { kind: 'describeClientCertificate'; id: string; stage: string; description: string }
  | ClientCertificateDeletion;

export interface ClientCertificateDeletion {
  kind: 'deleteClientCertificate';
  id: string;
  /** The stage it was generated for ('' when the tag is missing). */
  stage: string;
}

export interface ClientCertificatePlan {
  /** By stage: the certificate it keeps (absent: one is generated). */
  kept: Map<string, ClientCertificateFacts>;
  /** Generate and re-describe: before the stages are written. */
  before: ClientCertificateOperation[];
  /** Delete: after no stage uses them any more. */
  after: ClientCertificateDeletion[];
}

const wanted = (s: Stage) => s.clientCertificate?.enabled === true;
const certificateDescription = (owner: string, s: Stage) => s.clientCertificate?.description ?? `restpath-operator: ${owner} stage ${s.name}`;

/**
 * `owned`: the account's client certificates carrying `owner` in the owner tag; `inUse`: the
 * certificate id each existing stage has now.
 */
export function planClientCertificates(owner: string, ownerTag: string, stages: readonly Stage[], owned: readonly ClientCertificateFacts[], inUse: ReadonlyMap<string, string>): ClientCertificatePlan {
  const plan: ClientCertificatePlan = { kept: new Map(), before: [], after: [] };
  const mine = owned.filter((c) => c.tags[ownerTag] === owner);
  for (const stage of stages.filter(wanted)) {
    const candidates = mine.filter((c) => c.tags[STAGE_TAG] === stage.name);
    // The one in use, else the one valid longest.
    const keep = candidates.find((c) => c.id === inUse.get(stage.name)) ?? [...candidates].sort((a, b) => (b.expiresAt ?? '').localeCompare(a.expiresAt ?? '') || a.id.localeCompare(b.id))[0];
    const description = certificateDescription(owner, stage);
    if (!keep) plan.before.push({ kind: 'generateClientCertificate', stage: stage.name, description });
    else {
      plan.kept.set(stage.name, keep);
      if (keep.description !== description) plan.before.push({ kind: 'describeClientCertificate', id: keep.id, stage: stage.name, description });
    }
  }
  const keptIds = new Set([...plan.kept.values()].map((c) => c.id));
  for (const c of mine.filter((x) => !keptIds.has(x.id)).sort((a, b) => a.id.localeCompare(b.id))) {
    plan.after.push({ kind: 'deleteClientCertificate', id: c.id, stage: c.tags[STAGE_TAG] ?? '' });
  }
  return plan;
}

/** Whether a pass needs the account's client certificates at all (one list call): some stage has or had one. */
export function needsClientCertificates(stages: readonly Stage[], recorded: readonly { clientCertificate?: { id: string } }[]): boolean {
  return stages.some(wanted) || recorded.some((s) => s.clientCertificate);
}
