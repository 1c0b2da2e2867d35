// Where the checks point: a path's resource id (for the aws commands they print), a method's
// execute-api ARN, the function behind a Lambda URI, and the IAM action an AWS integration performs.
// Shared by the checks, so none imports another to reach them.
import type { IntegrationShape } from '../model/shapes.js';
import type { PathFacts } from './facts.js';

const LAMBDA_FUNCTION = /:lambda:path\/2015-03-31\/functions\/(arn:[^/]+)\/invocations$/;
const SERVICE_ACTION = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:([a-z0-9.-]+):action\/([A-Za-z0-9]+)/;

/** The path's resource id in the snapshot; RESOURCE_ID (for the command's reader) when it is not there. */
export function resourceIdOf(f: PathFacts): string {
  return f.path === '/' ? f.observed.rootResourceId : (f.observed.resources.find((r) => r.path === f.path)?.id ?? 'RESOURCE_ID');
}

/** execute-api ARN of one method on one stage: arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH. */
export function methodArn(f: PathFacts, stage: string, httpMethod: string): string {
  return `arn:aws:execute-api:${f.region}:${f.accountId}:${f.restApiId}/${stage}/${httpMethod === 'ANY' ? '*' : httpMethod}${f.path === '/' ? '/' : f.path}`;
}

/** The function ARN of a Lambda invocation URI (arn:aws:apigateway:...:lambda:path/.../functions/ARN/invocations). */
export function lambdaFunctionOf(uri: string): string | undefined {
  return LAMBDA_FUNCTION.exec(uri)?.[1];
}

/** The IAM action (and resource) an AWS integration performs with its credentials, when the URI says. */
export function integrationAction(i: IntegrationShape): { action: string; resource: string } | undefined {
  const fn = lambdaFunctionOf(i.uri);
  if (fn) return { action: 'lambda:InvokeFunction', resource: fn };
  const action = SERVICE_ACTION.exec(i.uri);
  return action ? { action: `${action[1]}:${action[2]}`, resource: '*' } : undefined;
}
