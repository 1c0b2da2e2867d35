// A stage with a canary serves two deployments: percentTraffic of its requests get the canary's, the
// rest the stage's. A path the two differ on answers differently by chance: a method only the canary
// has gets 403 Missing Authentication Token for the other share of requests, one the canary lacks for
// the canary's share. With the deployments' API summaries (GetDeployment embed=apisummary) that is
// known per method; without them (an API that does not report it), from when the path changed against
// when each deployment was made. Changes reach the canary first by design, so CanaryOnly does not hold
// Ready back; MissingInCanary (the canary is older than the stage: pointed there by hand) does.
import { CLIENT, type Problem } from './findings.js';
import type { PathFacts, StageFacts } from './facts.js';

const share = (percent: number) => `${Number((100 - percent).toFixed(2))}%`;

/** The canary's problems for this path on stage `s`, and the methods they already explain. */
export function canaryProblems(f: PathFacts, s: StageFacts): { problems: Problem[]; explained: Set<string> } {
  const c = s.canary;
  const problems: Problem[] = [];
  const explained = new Set<string>();
  if (!c) return { problems, explained };
  const id = f.restApiId;
  const route = (m: string) => `${f.path} ${m}`;
  const methods = f.methods.map((m) => m.httpMethod);
  if (s.served && c.served) {
    const onlyCanary = methods.filter((m) => c.served!.has(route(m)) && !s.served!.has(route(m)));
    const notInCanary = methods.filter((m) => s.served!.has(route(m)) && !c.served!.has(route(m)));
    const list = (ms: string[]) => `${ms.map((m) => `${m} ${f.path}`).join(', ')} ${ms.length > 1 ? 'are' : 'is'}`;
    if (onlyCanary.length > 0) {
      for (const m of onlyCanary) explained.add(m);
      problems.push({
        reason: 'CanaryOnly',
        what: `${list(onlyCanary)} in the canary of stage ${s.name} (deployment ${c.deploymentId}, ${c.percentTraffic}% of requests) but not in deployment ${s.deploymentId} the stage serves: the other ${share(c.percentTraffic)} get ${CLIENT.missingToken} until the canary is promoted (restpath.dev/promote).`,
        command: `aws apigateway get-deployment --rest-api-id ${id} --deployment-id ${s.deploymentId} --embed apisummary`,
      });
    }
    if (notInCanary.length > 0) {
      problems.push({
        reason: 'MissingInCanary',
        what: `${list(notInCanary)} served by stage ${s.name} (deployment ${s.deploymentId}) but not by its canary (deployment ${c.deploymentId}): ${c.percentTraffic}% of requests get ${CLIENT.missingToken}.`,
        command: `aws apigateway get-deployment --rest-api-id ${id} --deployment-id ${c.deploymentId} --embed apisummary`,
      });
    }
    return { problems, explained };
  }
  // No summaries: the change is newer than the stage's deployment and not newer than the canary's.
  if (f.changedAt && s.latestDeployedAt && s.latestDeployedAt < f.changedAt && c.deployedAt && c.deployedAt >= f.changedAt) {
    for (const m of methods) explained.add(m);
    problems.push({
      reason: 'CanaryOnly',
      what: `stage ${s.name} serves ${f.path} as it changed at ${f.changedAt} only from its canary (deployment ${c.deploymentId}, ${c.percentTraffic}% of requests); the other ${share(c.percentTraffic)} get deployment ${s.deploymentId} from before the change (a path or method new in it: ${CLIENT.missingToken}) until the canary is promoted (restpath.dev/promote).`,
      command: `aws apigateway get-stage --rest-api-id ${id} --stage-name ${s.name} --query "[deploymentId,canarySettings]"`,
    });
  }
  return { problems, explained };
}
