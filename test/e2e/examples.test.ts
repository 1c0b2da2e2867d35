// A user's first minutes: apply the examples with kubectl, list them by short names and category,
// and see the printer columns.
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { testKubectl } from '../support/cluster.js';
import { EXAMPLES } from '../support/examples.js';

const kubectl = testKubectl();

afterAll(async () => {
  await kubectl.ok(['delete', '-f', EXAMPLES, '--ignore-not-found', '--wait=false']);
});

describe('deploy/examples', () => {
  it('every example is accepted by kubectl apply', async () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    const out = await kubectl.ok(['apply', '-f', EXAMPLES]);
    for (const created of [
      'namespace/shop', 'restapi.apigateway.restpath.dev/shop', 'restpath.apigateway.restpath.dev/health',
      'restpath.apigateway.restpath.dev/orders', 'restpath.apigateway.restpath.dev/order',
      'restpath.apigateway.restpath.dev/catalog', 'restpath.apigateway.restpath.dev/checkout',
      'usageplan.apigateway.restpath.dev/partners', 'secret/partner-a',
    ]) {
      expect(out).toContain(created);
    }
    // Applying again changes nothing: no spec changes (generation stays), although client-side apply
    // reports lists holding defaulted fields as "configured" (it replaces CRD lists whole).
    const generations = () => kubectl.ok(['get', 'ra,rp,up', '-n', 'shop', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.metadata.generation} {end}']);
    const before = await generations();
    await kubectl.ok(['apply', '-f', EXAMPLES]);
    await kubectl.ok(['apply', '--server-side', '--field-manager=argocd-like', '--force-conflicts', '-f', EXAMPLES]);
    expect(await generations()).toBe(before);
    expect(before).toMatch(/^(\S+=1 ){8}$/);
  });

  it('kubectl get ra,rp,up shows the printer columns', async () => {
    const out = await kubectl.ok(['get', 'ra,rp,up', '-n', 'shop']);
    const headers = out.split('\n').filter((l) => l.startsWith('NAME'));
    expect(headers).toHaveLength(3);
    expect(headers[0]).toMatch(/^NAME\s+API-NAME\s+ID\s+ENDPOINT\s+READY\s+REASON\s+AGE$/);
    expect(headers[1]).toMatch(/^NAME\s+API\s+PATH\s+READY\s+REASON\s+AGE$/);
    expect(headers[2]).toMatch(/^NAME\s+PLAN-NAME\s+ID\s+RATE\s+QUOTA\s+PERIOD\s+READY\s+REASON\s+AGE$/);
    expect(out).toMatch(/restapi\.apigateway\.restpath\.dev\/shop\s+shop-api\s+REGIONAL/);
    expect(out).toMatch(/restpath\.apigateway\.restpath\.dev\/catalog\s+shop\s+\/catalog\/\{proxy\+\}/);
    expect(out).toMatch(/usageplan\.apigateway\.restpath\.dev\/partners\s+shop-partners\s+100\s+100000\s+MONTH/);
  });

  it('kubectl get -o wide adds the Ready message, resource id, account and region', async () => {
    const out = await kubectl.ok(['get', 'restpaths', '-n', 'shop', '-o', 'wide']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+API\s+PATH\s+READY\s+REASON\s+AGE\s+MESSAGE\s+API-ID\s+RESOURCE-ID\s+ACCOUNT\s+REGION$/);
  });

  it('the apigateway category lists all three kinds', async () => {
    const out = await kubectl.ok(['get', 'apigateway', '-n', 'shop', '-o', 'name']);
    expect(out.split('\n').filter(Boolean).sort()).toEqual([
      'restapi.apigateway.restpath.dev/shop',
      'restpath.apigateway.restpath.dev/catalog',
      'restpath.apigateway.restpath.dev/checkout',
      'restpath.apigateway.restpath.dev/health',
      'restpath.apigateway.restpath.dev/order',
      'restpath.apigateway.restpath.dev/orders',
      'restpath.apigateway.restpath.dev/reviews',
      'usageplan.apigateway.restpath.dev/partners',
    ]);
  });
});
