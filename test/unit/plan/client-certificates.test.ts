// planClientCertificates on plain data: one per declared stage, the one in use kept over a duplicate,
// re-described in place, and deletions only of the owner's certificates and only after the stages.
import { describe, expect, it } from 'vitest';
import type { Stage } from '../../../src/api/stage.js';
import { needsClientCertificates, planClientCertificates, STAGE_TAG, type ClientCertificateFacts } from '../../../src/plan/client-certificates.js';

const OWNER = 'shop/RestApi/api';
const TAG = 'restpath.dev/owner';
const cert = (id: string, stage: string, over: Partial<ClientCertificateFacts> = {}): ClientCertificateFacts => ({ id, description: `restpath-operator: ${OWNER} stage ${stage}`, tags: { [TAG]: OWNER, [STAGE_TAG]: stage }, expiresAt: '2027-06-01T00:00:00.000Z', ...over });
const on = (name: string, description?: string): Stage => ({ name, clientCertificate: { enabled: true, ...(description ? { description } : {}) } });

describe('planClientCertificates', () => {
  it('generates one for a stage that has none, and nothing for a stage without', () => {
    const plan = planClientCertificates(OWNER, TAG, [on('prod'), { name: 'dev' }], [], new Map());
    expect(plan.before).toEqual([{ kind: 'generateClientCertificate', stage: 'prod', description: `restpath-operator: ${OWNER} stage prod` }]);
    expect(plan.after).toEqual([]);
  });

  it('keeps the one the stage uses over a duplicate (a lost create answer), and deletes the duplicate after', () => {
    const plan = planClientCertificates(OWNER, TAG, [on('prod')], [cert('a', 'prod', { expiresAt: '2027-09-01T00:00:00.000Z' }), cert('b', 'prod')], new Map([['prod', 'b']]));
    expect(plan.kept.get('prod')?.id).toBe('b');
    expect(plan.before).toEqual([]);
    expect(plan.after).toEqual([{ kind: 'deleteClientCertificate', id: 'a', stage: 'prod' }]);
    // Not in use anywhere: the one valid longest.
    expect(planClientCertificates(OWNER, TAG, [on('prod')], [cert('a', 'prod', { expiresAt: '2027-09-01T00:00:00.000Z' }), cert('b', 'prod')], new Map()).kept.get('prod')?.id).toBe('a');
  });

  it("re-describes in place; deletes what no stage declares; never touches another owner's", () => {
    const other = cert('z', 'prod', { tags: { [TAG]: 'team-b/RestApi/api', [STAGE_TAG]: 'prod' } });
    const plan = planClientCertificates(OWNER, TAG, [on('prod', 'orders mTLS'), { name: 'dev' }], [cert('a', 'prod'), cert('d', 'dev'), other], new Map());
    expect(plan.before).toEqual([{ kind: 'describeClientCertificate', id: 'a', stage: 'prod', description: 'orders mTLS' }]);
    expect(plan.after).toEqual([{ kind: 'deleteClientCertificate', id: 'd', stage: 'dev' }]);
  });

  it('lists the account only when a stage has or had one', () => {
    expect(needsClientCertificates([{ name: 'prod' }], [{}])).toBe(false);
    expect(needsClientCertificates([on('prod')], [])).toBe(true);
    expect(needsClientCertificates([{ name: 'prod' }], [{ clientCertificate: { id: 'a' } }])).toBe(true);
  });
});
