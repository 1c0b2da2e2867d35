// Where an object's AWS resources live: which account (an AwsAccount's role, or the operator's own
// identity) and which region, and whether its namespace may go there. Decided here once, for the
// operator and the CLI alike; nothing is called in AWS for an object this refuses.
import type { AwsAccountSpec } from '../api/aws-account.js';
import { describeSelector, matchesSelector } from './label-selector.js';

export interface PlacementInput {
  kind: string;
  name: string;
  namespace: string;
  spec: { accountRef?: { name: string }; region?: string };
  /** The namespace's labels; undefined while the namespace is not (yet) known. */
  namespaceLabels: Readonly<Record<string, string>> | undefined;
  /** The AwsAccount spec.accountRef names; undefined when there is no such AwsAccount. */
  account: AwsAccountSpec | undefined;
  /** The operator's --region. */
  defaultRegion: string;
}

/** `account` unset: the operator's own identity. */
export interface Placement {
  account?: { name: string; spec: AwsAccountSpec };
  region: string;
}

export type PlacementRefusal = {
  reason: 'AccountNotFound' | 'AccountNotAllowed' | 'RegionNotAllowed';
  message: string;
};

export type PlacementVerdict = { ok: true; placement: Placement } | ({ ok: false } & PlacementRefusal);

export function placementOf(input: PlacementInput): PlacementVerdict {
  const ref = input.spec.accountRef;
  if (!ref) return { ok: true, placement: { region: input.spec.region ?? input.defaultRegion } };
  const what = `${input.kind} ${input.namespace}/${input.name}`;
  const account = input.account;
  if (!account) {
    return {
      ok: false,
      reason: 'AccountNotFound',
      message: `AwsAccount ${ref.name} does not exist; ${what} is applied once it does (an AwsAccount is cluster-scoped, created by the platform admin). Nothing is called in AWS until then. Check: kubectl get awsaccounts`,
    };
  }
  if (!input.namespaceLabels || !matchesSelector(account.namespaceSelector, input.namespaceLabels)) {
    const labels = Object.entries(input.namespaceLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '(none)';
    return {
      ok: false,
      reason: 'AccountNotAllowed',
      message:
        `AwsAccount ${ref.name} (account ${account.accountId}) may not be used from namespace ${input.namespace}: its namespaceSelector ` +
        `(${describeSelector(account.namespaceSelector)}) does not select the namespace (labels: ${labels}). Nothing is called in AWS for ${what}. ` +
        `Ask the platform admin to label the namespace or widen the selector. Check: kubectl get awsaccount ${ref.name} -o jsonpath='{.spec.namespaceSelector}'; kubectl get namespace ${input.namespace} --show-labels`,
    };
  }
  const region = input.spec.region ?? account.regions[0]!;
  if (!account.regions.includes(region)) {
    return {
      ok: false,
      reason: 'RegionNotAllowed',
      message:
        `AwsAccount ${ref.name} (account ${account.accountId}) allows the regions ${account.regions.join(', ')}, not ${region}. Nothing is called in AWS for ${what}. ` +
        `Use one of those, or ask the platform admin to add ${region}. Check: kubectl get awsaccount ${ref.name} -o jsonpath='{.spec.regions}'`,
    };
  }
  return { ok: true, placement: { account: { name: ref.name, spec: account }, region } };
}

/** The account label of metrics and logs: the AwsAccount's name, or `default` for the operator's own identity. */
export function accountLabel(placement: Placement): string {
  return placement.account?.name ?? 'default';
}

/** Same account (by AwsAccount, or both the operator's own identity) and same region. */
export function samePlacement(a: Placement, b: Placement): boolean {
  return a.region === b.region && (a.account?.spec.accountId ?? '') === (b.account?.spec.accountId ?? '');
}

export function describePlacement(p: Placement): string {
  return p.account ? `account ${p.account.spec.accountId} (AwsAccount ${p.account.name}), ${p.region}` : `the operator's own account, ${p.region}`;
}

/**
 * A reference across accounts or regions (a UsagePlan's stage, a domain's mapping): AWS cannot
 * resolve it, so it is refused with where each side is. undefined: they are together.
 */
export function crossAccountRefusal(from: { kind: string; name: string; placement: Placement }, to: { kind: string; name: string; placement: Placement }): PlacementRefusalCross | undefined {
  if (samePlacement(from.placement, to.placement)) return undefined;
  return {
    reason: 'CrossAccountReference',
    message:
      `${from.kind} ${from.name} is in ${describePlacement(from.placement)}, but ${to.kind} ${to.name} is in ${describePlacement(to.placement)}: ` +
      `API Gateway only links resources of one account and region. Put both in the same accountRef and region, or remove the reference.`,
  };
}

export interface PlacementRefusalCross {
  reason: 'CrossAccountReference';
  message: string;
}

/**
 * The resource exists where the status recorded it, and the spec now resolves elsewhere (the
 * operator's --region or the AwsAccount's first region changed under an object that names none):
 * following it would orphan the old resource and make a second one.
 */
export function placementMoved(recorded: { accountId?: string; region?: string } | undefined, now: { accountId: string; region: string }, what: string): PlacementRefusalMoved | undefined {
  if (!recorded?.region || !recorded.accountId) return undefined;
  if (recorded.region === now.region && recorded.accountId === now.accountId) return undefined;
  return {
    reason: 'PlacementChanged',
    message:
      `${what} lives in account ${recorded.accountId}, ${recorded.region}, but its spec now resolves to account ${now.accountId}, ${now.region} ` +
      `(a default changed: the operator's --region or the AwsAccount's first region). Nothing is changed in either. Set spec.region: ${recorded.region} ` +
      `(and the accountRef it was created with) to keep it, or delete the object and create a new one.`,
  };
}

export interface PlacementRefusalMoved {
  reason: 'PlacementChanged';
  message: string;
}
