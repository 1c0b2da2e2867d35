// A stage's AWS WAF web ACL through the real RestApi reconciler over the in-memory AWS: associated once
// the stage exists and recorded; a resync writes nothing; another web ACL put there by hand is
// replaced while one is declared; removing the field disassociates only the one the operator made,
// and a web ACL someone else associated (Firewall Manager) stays. A WAF failure is a condition.
import { describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import type { Stage } from '../../src/api/stage.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { mock, restApi, restPath } from './objects.js';

const ACL = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shop/0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8';
const OTHER = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/fms-baseline/11111111-2222-4333-8444-555555555555';
const api = (prod: Partial<Stage>) => restApi('shop', { stages: [{ name: 'prod', ...prod }] });

describe("a stage's web ACL", () => {
  it('associates, keeps, replaces and disassociates only its own', async () => {
    const w = new ReconcilerWorld();
    w.apply(api({ webAclArn: ACL }));
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    await w.reconcileApi('shop');
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    const stage = () => w.aws.stages.get(id)!.get('prod')!;
    const status = () => w.get<RestApi>('restapis', 'shop')!.status!.stages!.find((s) => s.name === 'prod')!;
    expect(stage().webAclArn).toBe(ACL);
    expect(status().webAclArn).toBe(ACL);
    expect(w.events.map((e) => e.note)).toContainEqual(`Protected stage prod with web ACL ${ACL}`);

    const before = w.aws.calls.length;
    await w.reconcileApi('shop', 'resync');
    expect(w.aws.calls.slice(before).filter((c) => /WebAcl/.test(c))).toEqual([]);

    // Changed by hand while declared: put back.
    stage().webAclArn = OTHER;
    await w.reconcileApi('shop', 'resync');
    expect(w.aws.calls.slice(-3).filter((c) => /WebAcl/.test(c))).toEqual(['disassociateWebAcl', 'associateWebAcl']);
    expect(stage().webAclArn).toBe(ACL);

    w.apply(api({}));
    await w.reconcileApi('shop');
    expect(stage().webAclArn).toBeUndefined();
    expect(status().webAclArn).toBeUndefined();

    // Someone else's association on an undeclared stage stays.
    stage().webAclArn = OTHER;
    await w.reconcileApi('shop', 'resync');
    expect(stage().webAclArn).toBe(OTHER);
  });

  it('reports a WAF failure in Ready with the error, keeps the Events of the steps before it, and recovers', async () => {
    const w = new ReconcilerWorld();
    w.apply(api({ webAclArn: ACL, clientCertificate: { enabled: true } }));
    w.apply(restPath('orders', '/orders', [mock('GET')]));
    w.aws.fail('associateWebAcl', Object.assign(new Error("AWS WAF couldn't perform the operation because your resource doesn't exist."), { name: 'WAFNonexistentItemException', $metadata: { httpStatusCode: 400 } }));
    await w.reconcileApi('shop');
    expect(w.condition('restapis', 'shop', 'Ready')).toMatchObject({ status: 'False' });
    expect(w.condition('restapis', 'shop', 'Ready')?.message).toContain("AWS WAF couldn't perform the operation");
    // The certificate made before the failure has its Event (and is found again by its tags next pass).
    expect(w.events.map((e) => e.note)).toContainEqual(expect.stringContaining('Generated client certificate'));
    await w.reconcileApi('shop');
    expect(w.condition('restapis', 'shop', 'Ready')?.status).toBe('True');
    expect(w.aws.clientCertificates.certificates.size).toBe(1);
  });
});
