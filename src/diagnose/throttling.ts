// ThrottlingReady (the 429 / API key runbook): a method that requires an API key needs a usage plan
// covering its stage with at least one enabled key in it; a key whose quota is used up gets 429; a
// usage plan's per-method limit for each key above the method's own stage limit (which counts all
// clients together) is never reached: keys get 429 at the stage's limit first.
// Usage data comes from GetUsage; where it cannot be read the quota check is left out, not guessed.
import { CLIENT, findingFrom, type ConditionFinding, type Problem } from './findings.js';
import type { PathFacts } from './facts.js';

export function checkThrottling(f: PathFacts): ConditionFinding {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const id = f.restApiId;
  for (const s of f.stages.filter((x) => x.exists)) {
    if (!f.usagePlans) continue;
    const plans = f.usagePlans.get(s.name) ?? [];
    const planCommand = `aws apigateway get-usage-plans --query "items[?apiStages[?apiId=='${id}' && stage=='${s.name}']]"`;
    for (const m of f.methods) {
      const where = `${m.httpMethod} ${f.path} on stage ${s.name}`;
      const pending = f.pendingUsagePlans?.get(s.name) ?? [];
      if (m.shape.apiKeyRequired && pending.length > 0 && !plans.some((p) => p.keys.some((k) => k.enabled))) {
        // Its UsagePlan is in the cluster and on its way to AWS: pending, not a failure (Unknown).
        problems.push({ reason: 'UsagePlanPending', what: `${where} requires an API key; UsagePlan ${pending.join(', ')} covers stage ${s.name} but is not applied to AWS yet: clients get ${CLIENT.forbidden} until it is.`, command: planCommand, undecided: true });
        continue;
      }
      if (m.shape.apiKeyRequired) {
        if (plans.length === 0) {
          problems.push({ reason: 'NoUsagePlan', what: `${where} requires an API key, but no usage plan covers stage ${s.name} of REST API ${id}: every client gets ${CLIENT.forbidden}.`, command: planCommand });
          continue;
        }
        const keys = plans.flatMap((p) => p.keys.map((k) => ({ ...k, plan: p })));
        const enabled = keys.filter((k) => k.enabled);
        if (enabled.length === 0) {
          const first = plans[0]!;
          problems.push({
            reason: keys.length === 0 ? 'NoApiKey' : 'ApiKeysDisabled',
            what: `${where} requires an API key, but ${keys.length === 0 ? `the usage plans covering stage ${s.name} (${plans.map((p) => p.name).join(', ')}) have no keys` : `every key in the usage plans covering stage ${s.name} is disabled (${keys.map((k) => `${k.name} ${k.id}`).join(', ')})`}: every client gets ${CLIENT.forbidden}.`,
            command: `aws apigateway get-usage-plan-keys --usage-plan-id ${first.id}`,
          });
        } else {
          const disabled = keys.filter((k) => !k.enabled);
          if (disabled.length > 0) notes.push(`Disabled keys on stage ${s.name} (clients using them get ${CLIENT.forbidden}): ${disabled.map((k) => `${k.name} ${k.id}`).join(', ')}.`);
          for (const k of enabled.filter((x) => x.remaining === 0)) {
            problems.push({
              reason: 'QuotaExhausted',
              what: `${where}: API key ${k.name} (${k.id}) used up its quota of ${k.plan.quota?.limit ?? '?'} per ${k.plan.quota?.period ?? 'period'} in usage plan ${k.plan.name}: its clients get ${CLIENT.limitExceeded} until the period ends.`,
              command: `aws apigateway get-usage --usage-plan-id ${k.plan.id} --key-id ${k.id} --start-date START --end-date END`,
            });
          }
        }
      }
      const stageLimit = f.methodThrottling.get(m.httpMethod) ?? s.throttle;
      for (const p of plans) {
        const perKey = p.methodThrottle[`${f.path === '/' ? '/' : f.path}/${m.httpMethod}`];
        if (stageLimit && perKey && perKey.rateLimit > stageLimit.rateLimit) {
          problems.push({
            reason: 'PlanLimitUnreachable',
            what: `usage plan ${p.name} lets each key make ${perKey.rateLimit} requests/s to ${where}, but the stage limits that method to ${stageLimit.rateLimit}/s for all clients together: keys get ${CLIENT.tooMany} above ${stageLimit.rateLimit}/s.`,
            command: `aws apigateway get-stage --rest-api-id ${id} --stage-name ${s.name} --query methodSettings`,
          });
        }
      }
    }
  }
  const ok = { reason: 'WithinLimits', message: notes.length > 0 ? notes.join(' ') : `API keys, usage plans and limits for ${f.path} let clients through.` };
  return findingFrom('ThrottlingReady', problems, ok);
}
