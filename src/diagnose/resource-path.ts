// ResourcePathReady (the 404 runbook): is the path and each of its methods in API Gateway, does every
// stage exist, and does each stage's current deployment serve them? A route API Gateway does not know
// answers 403 Missing Authentication Token (not 404), which is what clients see in every case here.
// For browsers, a path with CORS must also answer its preflight and carry the headers (cors.ts); a
// stage's canary may serve the path differently (canary.ts).
import { canaryProblems } from './canary.js';
import { preflightProblems } from './cors.js';
import { CLIENT, findingFrom, type ConditionFinding, type Problem } from './findings.js';
import type { PathFacts } from './facts.js';

export function checkResourcePath(f: PathFacts): ConditionFinding {
  const problems: Problem[] = [];
  const id = f.restApiId;
  const resource = f.path === '/' ? { id: f.observed.rootResourceId } : f.observed.resources.find((r) => r.path === f.path);
  if (!resource) {
    problems.push({ reason: 'PathMissing', what: `${f.path} does not exist in REST API ${id}: clients get ${CLIENT.missingToken} once a deployment without it is served.`, command: `aws apigateway get-resources --rest-api-id ${id} --query "items[?path=='${f.path}']"` });
  } else {
    // A derived preflight that is missing is told by the CORS check, with what browsers see.
    for (const m of f.methods.filter((x) => !x.derived)) {
      if (!f.observed.methods.some((o) => o.path === f.path && o.httpMethod === m.httpMethod)) {
        problems.push({ reason: 'MethodMissing', what: `${m.httpMethod} ${f.path} does not exist in REST API ${id}: clients get ${CLIENT.missingToken} once a deployment without it is served.`, command: `aws apigateway get-method --rest-api-id ${id} --resource-id ${resource.id} --http-method ${m.httpMethod}` });
      }
    }
  }
  for (const s of f.stages) {
    if (!s.exists) {
      problems.push({ reason: 'StageMissing', what: `stage ${s.name} does not exist: clients of /${s.name}${f.path} get ${CLIENT.missingToken}.`, command: `aws apigateway get-stages --rest-api-id ${id}` });
      continue;
    }
    const canary = canaryProblems(f, s);
    problems.push(...canary.problems);
    const notServed = s.served ? f.methods.filter((m) => !s.served!.has(`${f.path} ${m.httpMethod}`) && !canary.explained.has(m.httpMethod)) : [];
    // A Manual stage deployed before this path changed: not served yet because nobody deployed it yet.
    const manualBehind = s.manual && Boolean(s.latestDeployedAt && f.changedAt && s.latestDeployedAt < f.changedAt);
    if (notServed.length > 0 && manualBehind) {
      problems.push({
        reason: 'DeploymentPending',
        what: `${notServed.map((m) => `${m.httpMethod} ${f.path}`).join(', ')} ${notServed.length > 1 ? 'are' : 'is'} not in deployment ${s.deploymentId} that stage ${s.name} serves: clients get ${CLIENT.missingToken} until the restpath.dev/deploy annotation on the RestApi changes (the stage is Manual).`,
        command: `aws apigateway get-deployment --rest-api-id ${id} --deployment-id ${s.deploymentId} --embed apisummary`,
      });
      continue;
    }
    if (notServed.length > 0) {
      problems.push({
        reason: 'NotDeployed',
        what: `${notServed.map((m) => `${m.httpMethod} ${f.path}`).join(', ')} ${notServed.length > 1 ? 'are' : 'is'} in REST API ${id} but not in deployment ${s.deploymentId} that stage ${s.name} serves: clients get ${CLIENT.missingToken}.`,
        command: `aws apigateway get-deployment --rest-api-id ${id} --deployment-id ${s.deploymentId} --embed apisummary`,
      });
    }
    if (s.latestDeploymentId && s.deploymentId !== s.latestDeploymentId && (!s.deploymentCreatedAt || !s.latestDeployedAt || s.deploymentCreatedAt < s.latestDeployedAt)) {
      problems.push({
        reason: 'StaleDeployment',
        what: `stage ${s.name} serves deployment ${s.deploymentId}${s.deploymentCreatedAt ? ` (created ${s.deploymentCreatedAt})` : ''}, older than ${s.latestDeploymentId} which the operator deployed${s.latestDeployedAt ? ` at ${s.latestDeployedAt}` : ''}: clients get the API as it was then, without the changes since.`,
        command: `aws apigateway get-stage --rest-api-id ${id} --stage-name ${s.name} --query deploymentId`,
      });
    } else if (s.latestDeployedAt && f.changedAt && s.latestDeployedAt < f.changedAt && canary.explained.size === 0) {
      problems.push({
        reason: 'DeploymentPending',
        what: `stage ${s.name} was last deployed at ${s.latestDeployedAt}, before ${f.path} changed at ${f.changedAt}: clients get it as it was then${s.manual ? ' until the restpath.dev/deploy annotation on the RestApi changes (the stage is Manual)' : ''}.`,
        command: `aws apigateway get-deployments --rest-api-id ${id}`,
      });
    }
  }
  problems.push(...preflightProblems(f));
  const one = f.methods.length === 1;
  return findingFrom('ResourcePathReady', problems, {
    reason: 'Served',
    message: `${f.methods.map((m) => m.httpMethod).join(', ')} ${f.path} ${one ? 'exists' : 'exist'} in REST API ${id} and ${one ? 'is' : 'are'} served on ${f.stages.map((s) => s.name).join(', ') || 'no stage yet'}.`,
  });
}
