// The one error policy (like kube-rs's error_policy): what a failed step of a reconcile means for the
// object's conditions and for the queue. Every reconciler calls it, in one place each; nothing else
// decides whether an error is retried or reported as Stalled.
//   retry    throttling, network and 5xx trouble, a Kubernetes write conflict, anything unexpected:
//            Reconciling=True, retried with the queue's exponential backoff;
//   stalled  AWS refuses the request as invalid, an account quota is reached, or the operator is not
//            allowed to make the call: only a person can help (change the spec, delete unused things,
//            grant the permission), so Stalled=True, and the object is looked at again in 5 minutes
//            or as soon as it changes.
import { AwsRequestError, classifyError, errorName, failureName, isNetworkError } from '../aws/errors.js';
import { ApiKeyValueInUseError } from '../aws/usage-plans.js';
import { RoleNameTakenError } from '../plan/role-diff.js';
import { AssumeRoleError } from '../aws/role-session.js';
import type { Progress } from '../status/summary.js';
import type { Outcome } from './context.js';
import { isKubeApiError, kubeErrorText } from '../kube/errors.js';

export const STALLED_RECHECK_MS = 5 * 60_000;

export interface Verdict {
  reason: string;
  /** "<what> failed: <detail>". */
  message: string;
  /** What went wrong and what to do, without naming the step (for messages that name it themselves). */
  detail: string;
  disposition: 'retry' | 'stalled';
}

/** The AWS operation that was refused when a quota was reached, and the quota's own reason and advice. */
const QUOTAS: Record<string, { reason: string; advice: string }> = {
  createResource: { reason: 'ResourceLimitReached', advice: 'A REST API has at most 300 resources unless the quota "Resources per API" was raised (resources the operator does not manage count too); remove paths, or raise the quota and set --resources-per-api to it (aws apigateway get-resources --rest-api-id ID).' },
  createUsagePlan: { reason: 'UsagePlanLimitReached', advice: 'An account has at most 300 usage plans per Region; delete unused ones (aws apigateway get-usage-plans).' },
  createApiKey: { reason: 'ApiKeyLimitReached', advice: 'An account has at most 10,000 API keys per Region; delete unused ones (aws apigateway get-api-keys).' },
  createRestApi: { reason: 'RestApiLimitReached', advice: 'An account has at most 600 regional REST APIs per Region; delete unused ones (aws apigateway get-rest-apis).' },
  createRole: { reason: 'RoleLimitReached', advice: 'IAM allows 1,000 roles per account by default; delete unused ones or ask AWS for more (aws iam list-roles).' },
};

function awsMessage(error: unknown): string {
  if (error instanceof AwsRequestError) return error.awsMessage;
  return error instanceof Error ? error.message : String(error);
}

/**
 * What the failure of `what` (e.g. "Creating the usage plan") means. `operation`: the AWS operation or
 * plan step that failed, for quota reasons. `retryRefusals`: AWS's refusal may be IAM's eventual
 * consistency (a role created a moment ago), so even a bad request is retried.
 */
export function errorPolicy(error: unknown, what: string, options: { operation?: string; retryRefusals?: boolean } = {}): Verdict {
  const { reason, detail, disposition } = judge(error, options);
  return { reason, message: `${what} failed: ${detail}`, detail, disposition };
}

/** The reason, what went wrong (with advice), and the disposition, before it is said which step failed. */
function judge(error: unknown, options: { operation?: string; retryRefusals?: boolean }): Omit<Verdict, 'message'> {
  // The advice below starts a new sentence: AWS's own full stop is not doubled.
  const said = awsMessage(error).replace(/\.+$/, '');
  if (isKubeApiError(error)) return { reason: 'KubernetesWriteFailed', detail: kubeErrorText(error), disposition: 'retry' };
  if (error instanceof ApiKeyValueInUseError) return { reason: 'ApiKeyValueInUse', detail: error.message, disposition: 'stalled' };
  if (error instanceof RoleNameTakenError) return { reason: 'RoleNameTaken', detail: error.message, disposition: 'stalled' };
  // The AwsAccount's role cannot be assumed (trust policy, external id, the role gone): the platform
  // admin fixes it; the object is looked at again as soon as the AwsAccount is Ready.
  if (error instanceof AssumeRoleError) return { reason: 'AssumeRoleFailed', detail: `${error.message} Nothing is called in AWS in that account until the role can be assumed. Check: ${error.command}`, disposition: 'stalled' };
  // No answer at all (connection refused or reset, a timeout): say so, not a bare "Error".
  if (isNetworkError(error)) return { reason: 'AwsUnreachable', detail: `AWS could not be reached (${failureName(error)}): ${said}. The operator tries again`, disposition: 'retry' };
  const reason = error instanceof AwsRequestError ? error.code : errorName(error);
  switch (classifyError(error)) {
    case 'quotaReached': {
      const quota = options.operation ? QUOTAS[options.operation] : undefined;
      return { reason: quota?.reason ?? 'QuotaReached', detail: `${said}. ${quota?.advice ?? 'An AWS account quota is reached; see the Service Quotas console.'}`, disposition: 'stalled' };
    }
    case 'badRequest':
      return { reason, detail: `${said}. Fix the spec; the operator tries again when it changes.`, disposition: options.retryRefusals ? 'retry' : 'stalled' };
    case 'terminal':
      return { reason, detail: `${said}. The operator's AWS identity may lack a permission (see deploy/iam-policy.json).`, disposition: 'stalled' };
    default:
      return { reason, detail: said, disposition: 'retry' };
  }
}

/** A refusal that is no error (a guard: Conflict, OwnedByOther, AdoptionNotAllowed, ...): Stalled. */
export function stalledBy(reason: string, message: string): Verdict {
  return { reason, message, detail: message, disposition: 'stalled' };
}

export function progressOf(v: Verdict): Progress {
  return v.disposition === 'stalled' ? { kind: 'stalled', reason: v.reason, message: v.message } : { kind: 'reconciling', reason: v.reason, message: v.message };
}

/** What the queue does next after a pass whose first failure (if any) got `verdict`. */
export function outcomeOf(verdict: Verdict | undefined, error: unknown, recheckInMs?: number): Outcome {
  if (!verdict) return { kind: 'done', ...(recheckInMs !== undefined ? { requeueAfterMs: recheckInMs } : {}) };
  if (verdict.disposition === 'retry') return { kind: 'retry', error };
  return { kind: 'stalled', reason: verdict.reason, message: verdict.message, requeueAfterMs: STALLED_RECHECK_MS };
}
