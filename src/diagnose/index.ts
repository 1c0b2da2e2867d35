// diagnose(facts) -> one finding per runbook condition for one RestPath. Pure.
import type { PathFacts } from './facts.js';
import type { ConditionFinding } from './findings.js';
import { checkIntegration } from './integration.js';
import { checkPermissions } from './permissions.js';
import { checkResourcePath } from './resource-path.js';
import { checkThrottling } from './throttling.js';

export type { ConditionFinding } from './findings.js';
export type { PathFacts, RoleFacts, StageFacts, UsagePlanFacts } from './facts.js';

export const RUNBOOK_CONDITIONS = ['ResourcePathReady', 'IntegrationReady', 'PermissionsReady', 'ThrottlingReady'] as const;

export function diagnosePath(facts: PathFacts): ConditionFinding[] {
  return [checkResourcePath(facts), checkIntegration(facts), checkPermissions(facts), checkThrottling(facts)];
}
