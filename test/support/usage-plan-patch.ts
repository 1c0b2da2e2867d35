// UpdateUsagePlan's patch operations applied to a usage plan's shape, as API Gateway documents them
// (/name, /description, /throttle/*, /quota/*, /apiStages add/remove "apiId:stage", and
// /apiStages/{apiId:stage}/throttle/{/path/METHOD}/rateLimit|burstLimit): the in-memory AWS uses it.
import type { UsagePlanShape } from '../../src/model/usage-plan.js';
import type { PatchOperation } from '../../src/plan/operations.js';

export function applyUsagePlanPatch(shape: UsagePlanShape, patch: readonly PatchOperation[]): UsagePlanShape {
  const s: UsagePlanShape = structuredClone(shape);
  for (const p of patch) {
    const value = p.value ?? '';
    if (p.path === '/name') s.name = value;
    else if (p.path === '/description') s.description = value;
    else if (p.path === '/throttle') s.throttle = null;
    else if (p.path.startsWith('/throttle/')) {
      s.throttle ??= { rateLimit: 0, burstLimit: 0 };
      s.throttle[p.path.slice('/throttle/'.length) as 'rateLimit' | 'burstLimit'] = Number(value);
    } else if (p.path === '/quota') s.quota = null;
    else if (p.path.startsWith('/quota/')) {
      s.quota ??= { limit: 0, period: 'DAY', offset: 0 };
      const field = p.path.slice('/quota/'.length);
      if (field === 'period') s.quota.period = value as typeof s.quota.period;
      else s.quota[field as 'limit' | 'offset'] = Number(value);
    } else if (p.path === '/apiStages') {
      const [apiId = '', stage = ''] = value.split(':');
      if (p.op === 'remove') s.apiStages = s.apiStages.filter((x) => !(x.apiId === apiId && x.stage === stage));
      else s.apiStages.push({ apiId, stage, throttle: {} });
    } else if (p.path.startsWith('/apiStages/')) {
      const rest = p.path.slice('/apiStages/'.length);
      const at = rest.indexOf('/throttle/');
      const [apiId = '', stage = ''] = rest.slice(0, at).split(':');
      const target = s.apiStages.find((x) => x.apiId === apiId && x.stage === stage);
      if (!target) throw new Error(`no stage ${apiId}:${stage} in the plan`);
      const key = rest.slice(at + '/throttle/'.length);
      const field = /\/(rateLimit|burstLimit)$/.exec(key);
      if (!field) delete target.throttle[key];
      else {
        const method = key.slice(0, -field[0].length);
        target.throttle[method] ??= { rateLimit: 0, burstLimit: 0 };
        target.throttle[method][field[1] as 'rateLimit' | 'burstLimit'] = Number(value);
      }
    } else throw new Error(`UpdateUsagePlan: unsupported patch path ${p.path}`);
  }
  s.apiStages.sort((a, b) => `${a.apiId}:${a.stage}`.localeCompare(`${b.apiId}:${b.stage}`));
  return s;
}
