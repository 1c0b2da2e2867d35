// The reason label of restpath_objects: a Ready condition's reason, from a fixed set. The operator's own
// reasons are listed here (test/unit/observability/reasons.test.ts fails when src/ writes one that is
// missing); an AWS error's reason is its error name, kept when aws/errors.ts knows it. Anything else is
// `Other`, so an unexpected error name can never grow the label's values (its name is in the condition).
import { KNOWN_ERROR_NAMES } from '../aws/errors.js';

/** Ready for an object whose status has no Ready condition yet (fresh, or the operator never got to it). */
export const NOT_RECONCILED = 'NotReconciledYet';
export const OTHER_REASON = 'Other';

/** Every reason the operator writes into Ready, Reconciling, Stalled, Synced or a runbook condition. */
export const OPERATOR_REASONS: readonly string[] = [
  // Ready=True and the summaries' fine states.
  'Ready', 'Paused', 'Reconciled', 'NotStalled', 'Synced',
  // Reconciling, then perhaps Stalled.
  'AwsRetrying', 'AwsUnreachable', 'WaitingForExecutionRole', 'UsagePlanPending', 'StageNotReady', 'RestApiNotFound', 'StageNotFound', 'UnknownMethod', 'SecretNotFound', 'SecretKeyNotFound', 'KubernetesWriteFailed',
  // Stalled: guards, refusals and quotas.
  'AuthorizerNotFound', 'AuthorizerTypeMismatch', 'RequestValidatorNotFound', 'ModelNotFound', 'ModelCycle', 'DeletionWaits',
  'Conflict', 'OwnedByOther', 'AdoptionNotAllowed', 'CrossNamespaceReference', 'SecretOwnedByOther', 'ApiKeyValueTooShort', 'ApiKeyValueNotText', 'ApiKeyValueInUse', 'RoleNameTaken', 'ResourceLimitReached',
  'RestApiLimitReached', 'UsagePlanLimitReached', 'ApiKeyLimitReached', 'RoleLimitReached', 'QuotaReached',
  // The runbook conditions (a False one that blocks makes Ready False with its reason).
  'Served', 'PathMissing', 'MethodMissing', 'StageMissing', 'NotDeployed', 'StaleDeployment', 'DeploymentPending', 'CanaryOnly', 'MissingInCanary',
  'PreflightMissing', 'PreflightWithoutCorsHeaders', 'ResponseWithoutCorsHeader', 'GatewayResponsesWithoutCors',
  'IntegrationsValid', 'IntegrationMissing', 'IntegrationDiffers', 'UndefinedStageVariable', 'VpcLinkNotAvailable', 'TimeoutOutOfRange', 'MalformedUri', 'CredentialsRoleMissing',
  'CorsFromBackend', 'RequestValidatorMissing', 'ModelMissing', 'ModelInvalid', 'ExecutionLogsNotDelivered',
  'PermissionsValid', 'SigV4Required', 'ExecutionRoleMissing', 'TrustPolicyDenies', 'TrustPolicyExcludesApi', 'ActionNotAllowed', 'ActionDenied', 'ResourcePolicyDenies', 'PolicyConditionsNotEvaluated', 'TrustConditionsNotEvaluated',
  'ResourcePolicyNoAllow', 'ResourcePolicyConditionsNotEvaluated', 'PreflightRequiresAuthorization', 'PreflightRequiresApiKey',
  'AuthorizerMissing', 'AuthorizerRoleMissing', 'AuthorizerRoleNotAssumable', 'AuthorizerCannotInvoke', 'AuthorizerConditionsNotEvaluated',
  'IdentityHeaderNotAllowedByCors', 'CognitoScopesMissing', 'AuthorizerCacheShared', 'CacheSharedAcrossCallers',
  'WithinLimits', 'NoUsagePlan', 'NoApiKey', 'ApiKeysDisabled', 'QuotaExhausted', 'PlanLimitUnreachable',
  // DomainName: ownership, then the certificate, mappings and DNS checks.
  'DomainNameExists', 'CertificateIssued', 'CertificateNotFound', 'CertificatePendingValidation', 'CertificateNotIssued', 'CertificateDoesNotCover', 'CertificateNotReadable',
  'MappingsServing', 'NoMappings', 'DnsPointsAtDomain', 'DnsNotPointingAtDomain', 'DnsRecordMissing', 'DnsZoneNotInAccount', 'DnsNotReadable', 'DnsEndpointNotWritten', 'DnsEndpointWritten',
  // Accounts and regions: placement, credentials, references between them.
  // Bulk create (one PutRestApi for a new REST API).
  'BulkCreated', 'BulkCreateRefused',
  'AccountNotFound', 'AccountNotAllowed', 'RegionNotAllowed', 'AssumeRoleFailed', 'CrossAccountReference', 'PlacementChanged', 'RoleAssumed',
  // An error that is not AWS's (errors.ts: errorName of an error without a name, a timeout).
  'Error', 'TimeoutError',
];

const KNOWN = new Set([...OPERATOR_REASONS, ...KNOWN_ERROR_NAMES, NOT_RECONCILED]);

/** The reason as a label value: itself when known, else `Other`. */
export function reasonLabel(reason: string | undefined): string {
  if (reason === undefined) return NOT_RECONCILED;
  return KNOWN.has(reason) ? reason : OTHER_REASON;
}
