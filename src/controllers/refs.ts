// Names and references shared by the reconcilers.
import { GROUP, VERSION } from '../api/common.js';
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { UsagePlan } from '../api/usage-plan.js';
import type { DomainName } from '../api/domain-name.js';
import type { AwsAccount } from '../api/aws-account.js';
import type { CustomObjectRef } from '../kube/writer.js';

export const FINALIZER = `${GROUP}/cleanup`;
export const API_VERSION = `${GROUP}/${VERSION}`;

export function restApiRef(o: RestApi): CustomObjectRef {
  return { group: GROUP, version: VERSION, plural: 'restapis', namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

export function restPathRef(o: RestPath): CustomObjectRef {
  return { group: GROUP, version: VERSION, plural: 'restpaths', namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

export function usagePlanRef(o: UsagePlan): CustomObjectRef {
  return { group: GROUP, version: VERSION, plural: 'usageplans', namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

export function domainNameRef(o: DomainName): CustomObjectRef {
  return { group: GROUP, version: VERSION, plural: 'domainnames', namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

export function awsAccountRef(o: AwsAccount): CustomObjectRef {
  return { group: GROUP, version: VERSION, plural: 'awsaccounts', namespace: '', name: o.metadata.name };
}

/** Work-queue keys of AwsAccounts (cluster-scoped): "awsaccount:name". */
export const AWS_ACCOUNT_KEY_PREFIX = 'awsaccount:';

/** The AwsAccount an object names, if any. */
export function accountOf(o: { spec: { accountRef?: { name: string } } }): string | undefined {
  return o.spec.accountRef?.name;
}

/** Work-queue keys of DomainNames: "domainname:namespace/name". */
export const DOMAIN_NAME_KEY_PREFIX = 'domainname:';

/** RestApi names a DomainName's mappings point at. */
export function restApisOfDomain(d: DomainName): string[] {
  return [...new Set((d.spec.mappings ?? []).map((m) => m.restApiRef.name))];
}

/** Work-queue keys of UsagePlans: "usageplan:namespace/name" (RestApi keys have no prefix). */
export const USAGE_PLAN_KEY_PREFIX = 'usageplan:';

/** RestApi names a UsagePlan's stages point at. */
export function restApisOfPlan(p: UsagePlan): string[] {
  return [...new Set((p.spec.apiStages ?? []).map((s) => s.restApiRef.name))];
}

/** Secret names a UsagePlan reads or writes. */
export function secretsOfPlan(p: UsagePlan): string[] {
  return (p.spec.apiKeys ?? []).map((k) => k.valueFrom?.secretKeyRef.name ?? k.generateInto?.secretName ?? '').filter(Boolean);
}


/** Key prefix of a REST API managed elsewhere and named by RestPaths' restApiId. */
export const EXTERNAL_KEY_PREFIX = 'id:';

/** The work-queue key of the REST API a RestPath belongs to: "namespace/restApiName" or "namespace/id:restApiId". */
export function apiKeyOfPath(p: RestPath): string | undefined {
  const ns = p.metadata.namespace ?? '';
  if (p.spec.restApiRef) return `${ns}/${p.spec.restApiRef.name}`;
  return p.spec.restApiId ? `${ns}/${EXTERNAL_KEY_PREFIX}${p.spec.restApiId}` : undefined;
}

/** Whether a RestPath belongs to the API a key names. */
export function pathBelongsTo(p: RestPath, namespace: string, name: string): boolean {
  if (p.metadata.namespace !== namespace) return false;
  return name.startsWith(EXTERNAL_KEY_PREFIX) ? p.spec.restApiId === name.slice(EXTERNAL_KEY_PREFIX.length) : p.spec.restApiRef?.name === name;
}

export function regarding(o: RestApi | RestPath | UsagePlan | DomainName | AwsAccount) {
  return {
    apiVersion: API_VERSION,
    kind: o.kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    ...(o.metadata.uid ? { uid: o.metadata.uid } : {}),
  };
}
