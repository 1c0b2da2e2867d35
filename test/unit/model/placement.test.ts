// Where an object's AWS resources live, decided once for the operator and the CLI: its AwsAccount
// (which must select its namespace and allow its region) or the operator's own identity, and why not.
import { describe, expect, it } from 'vitest';
import type { AwsAccountSpec } from '../../../src/api/aws-account.js';
import { crossAccountRefusal, placementMoved, placementOf, type PlacementInput } from '../../../src/model/placement.js';

const TEAM_A: AwsAccountSpec = {
  accountId: '111111111111',
  roleArn: 'arn:aws:iam::111111111111:role/restpath',
  regions: ['eu-west-1', 'us-east-1'],
  namespaceSelector: { matchLabels: { team: 'a' } },
};

const input = (over: Partial<PlacementInput> = {}): PlacementInput => ({
  kind: 'RestApi', name: 'orders', namespace: 'shop', spec: { accountRef: { name: 'team-a' } },
  namespaceLabels: { team: 'a' }, account: TEAM_A, defaultRegion: 'us-west-2', ...over,
});

describe('placementOf', () => {
  it("without accountRef: the operator's own identity, in spec.region or the operator's region", () => {
    expect(placementOf(input({ spec: {} }))).toEqual({ ok: true, placement: { region: 'us-west-2' } });
    expect(placementOf(input({ spec: { region: 'ap-south-1' }, namespaceLabels: undefined, account: undefined }))).toEqual({ ok: true, placement: { region: 'ap-south-1' } });
  });

  it("with accountRef: the account, in spec.region or the account's first region", () => {
    expect(placementOf(input())).toEqual({ ok: true, placement: { account: { name: 'team-a', spec: TEAM_A }, region: 'eu-west-1' } });
    expect(placementOf(input({ spec: { accountRef: { name: 'team-a' }, region: 'us-east-1' } }))).toMatchObject({ ok: true, placement: { region: 'us-east-1' } });
  });

  it.each([
    ['AccountNotFound', { account: undefined }, ['AwsAccount team-a does not exist', 'kubectl get awsaccounts']],
    ['AccountNotAllowed', { namespaceLabels: { team: 'b' } }, ['may not be used from namespace shop', '(team=a)', '(labels: team=b)', 'kubectl get namespace shop --show-labels']],
    ['AccountNotAllowed', { namespaceLabels: undefined }, ['may not be used from namespace shop', '(labels: (none))']],
    ['RegionNotAllowed', { spec: { accountRef: { name: 'team-a' }, region: 'ap-south-1' } }, ['allows the regions eu-west-1, us-east-1, not ap-south-1', 'Nothing is called in AWS']],
  ] as const)('refuses %s with a message saying what to check', (reason, over, says) => {
    const v = placementOf(input(over));
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.reason).toBe(reason);
    for (const s of says) expect(v.message).toContain(s);
  });
});

describe('crossAccountRefusal', () => {
  const here = { account: { name: 'team-a', spec: TEAM_A }, region: 'eu-west-1' };
  it('is nothing for the same account and region, and a refusal naming both sides otherwise', () => {
    expect(crossAccountRefusal({ kind: 'UsagePlan', name: 'gold', placement: here }, { kind: 'RestApi', name: 'orders', placement: here })).toBeUndefined();
    const other = crossAccountRefusal({ kind: 'UsagePlan', name: 'gold', placement: here }, { kind: 'RestApi', name: 'orders', placement: { region: 'eu-west-1' } });
    expect(other?.reason).toBe('CrossAccountReference');
    expect(other?.message).toContain('UsagePlan gold is in account 111111111111 (AwsAccount team-a), eu-west-1, but RestApi orders is in the operator\'s own account, eu-west-1');
    expect(crossAccountRefusal({ kind: 'UsagePlan', name: 'gold', placement: here }, { kind: 'RestApi', name: 'orders', placement: { ...here, region: 'us-east-1' } })?.reason).toBe('CrossAccountReference');
  });
});

describe('placementMoved', () => {
  it('refuses a resource that now resolves elsewhere than where the status recorded it', () => {
    expect(placementMoved(undefined, { accountId: '1', region: 'a' }, 'RestApi x')).toBeUndefined();
    expect(placementMoved({ region: 'eu-west-1' }, { accountId: '1', region: 'us-east-1' }, 'RestApi x')).toBeUndefined();
    expect(placementMoved({ accountId: '1', region: 'eu-west-1' }, { accountId: '1', region: 'eu-west-1' }, 'RestApi x')).toBeUndefined();
    const moved = placementMoved({ accountId: '1', region: 'eu-west-1' }, { accountId: '1', region: 'us-east-1' }, 'RestApi shop/x');
    expect(moved?.reason).toBe('PlacementChanged');
    expect(moved?.message).toContain('Set spec.region: eu-west-1');
  });
});
