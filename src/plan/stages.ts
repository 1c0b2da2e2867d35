// Stages, pure: the desired settings of each stage (variables, default and per-method throttling) and
// the UpdateStage patch that brings an observed stage there. Method settings are keyed as API Gateway
// keys them: "*/*" for the stage default, "~1orders~1{orderId}/GET" for one method.
import type { Stage } from '../api/rest-api.js';
import type { Throttling } from '../api/common.js';
import type { StringMap } from '../model/shapes.js';
import type { PatchOperation } from './operations.js';
import { escapeKey, mapPatch, replaceIfChanged } from './patch.js';

export interface ThrottleSetting {
  rateLimit: number;
  burstLimit: number;
}

export interface StageShape {
  name: string;
  description: string;
  variables: StringMap;
  /** Keyed by "*\/*" or "<escaped path>/<METHOD>". */
  throttling: Record<string, ThrottleSetting>;
}

export interface ObservedStage extends StageShape {
  deploymentId: string;
}

export const STAGE_DEFAULT = '*/*';

export function methodSettingKey(path: string, httpMethod: string): string {
  return `${escapeKey(path)}/${httpMethod}`;
}

/** The desired stage: its own settings plus the per-method throttling RestPaths declare. */
export function desiredStage(stage: Stage, methodThrottling: { path: string; httpMethod: string; throttling: Throttling }[]): StageShape {
  const throttling: StageShape['throttling'] = {};
  if (stage.throttling) throttling[STAGE_DEFAULT] = { ...stage.throttling };
  for (const m of methodThrottling) throttling[methodSettingKey(m.path, m.httpMethod)] = { ...m.throttling };
  return { name: stage.name, description: stage.description ?? '', variables: { ...stage.variables }, throttling };
}

function throttlePatch(key: string, from: ThrottleSetting | undefined, to: ThrottleSetting | undefined): PatchOperation[] {
  // API Gateway removes method settings field by field ("/{resourcePath}/{httpMethod}/throttling/rateLimit");
  // a whole "/{resourcePath}/{httpMethod}" is not a valid path.
  if (!to) return from ? [{ op: 'remove', path: `/${key}/throttling/rateLimit` }, { op: 'remove', path: `/${key}/throttling/burstLimit` }] : [];
  return [
    ...replaceIfChanged(`/${key}/throttling/rateLimit`, from?.rateLimit ?? -1, to.rateLimit),
    ...replaceIfChanged(`/${key}/throttling/burstLimit`, from?.burstLimit ?? -1, to.burstLimit),
  ];
}

/** UpdateStage operations from `observed` to `desired` (and to `deploymentId`, when given). */
export function stagePatch(observed: ObservedStage, desired: StageShape, deploymentId?: string): PatchOperation[] {
  const keys = [...new Set([...Object.keys(observed.throttling), ...Object.keys(desired.throttling)])].sort();
  return [
    ...(deploymentId ? replaceIfChanged('/deploymentId', observed.deploymentId, deploymentId) : []),
    ...replaceIfChanged('/description', observed.description, desired.description),
    ...mapPatch('/variables', observed.variables, desired.variables).map((op) => (op.op === 'add' ? { ...op, op: 'replace' as const } : op)),
    ...keys.flatMap((k) => throttlePatch(k, observed.throttling[k], desired.throttling[k])),
  ];
}
