// The CLI's `plan` and the operator answer the same question the same way: for a corpus of changes,
// what `restpath-operator plan` (planAnswer, the function the command prints) says would run and
// which stages would deploy is exactly what the operator's next pass then runs and deploys.
import { describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/api/rest-api.js';
import type { RestPath } from '../../src/api/rest-path.js';
import { planAnswer } from '../../src/cli/plan.js';
import { keyOfPath } from '../../src/model/from-objects.js';
import { describeOperation } from '../../src/plan/operations.js';
import { ReconcilerWorld } from '../support/reconciler-world.js';
import { http, mock, restApi, restPath } from './objects.js';

type Change = { name: string; change: (w: ReconcilerWorld) => void };

const stages = [{ name: 'dev', deployment: 'Automatic' as const }, { name: 'prod', deployment: 'Manual' as const }];

const corpus: Change[] = [
  { name: 'a new path', change: (w) => void w.apply(restPath('health', '/health', [mock('GET')])) },
  { name: 'an integration edited', change: (w) => void w.apply(restPath('orders', '/orders', [http('http://b.example/orders')])) },
  { name: 'a method with stage throttling', change: (w) => void w.apply(restPath('orders', '/orders', [http('http://b.example/orders'), { ...mock('POST'), throttling: { rateLimit: 5, burstLimit: 10 } }])) },
  { name: 'a newer path contesting a method', change: (w) => void w.apply(restPath('orders-copy', '/orders', [{ ...mock('POST'), throttling: { rateLimit: 99, burstLimit: 99 } }])) },
  { name: 'the contesting path removed', change: (w) => w.delete('restpaths', 'orders-copy') },
  { name: 'a path deleted', change: (w) => w.delete('restpaths', 'health') },
  { name: 'stage variables changed', change: (w) => void w.apply(restApi('shop', { stages: [{ ...stages[0]!, variables: { host: 'a' } }, stages[1]!] })) },
  { name: 'the Manual stage asked to deploy', change: (w) => void w.apply(restApi('shop', { stages: [{ ...stages[0]!, variables: { host: 'a' } }, stages[1]!] }, { 'restpath.dev/deploy': 'v2' })) },
  { name: 'drift: a method deleted in AWS', change: (w) => {
    const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
    const api = w.aws.apis.get(id)!;
    api.methods = api.methods.filter((m) => m.httpMethod !== 'POST');
  } },
  { name: 'nothing changed', change: () => undefined },
];

function cliAnswer(w: ReconcilerWorld) {
  const api = w.get<RestApi>('restapis', 'shop')!;
  const all = [...w.objects.values()].filter((o): o is RestPath => o.kind === 'RestPath');
  const id = api.status!.id!;
  const answer = planAnswer({
    api,
    paths: all.filter((p) => !p.metadata.deletionTimestamp),
    leaving: all.filter((p) => p.metadata.deletionTimestamp),
    observed: structuredClone(w.aws.apis.get(id)!),
    observedStages: [...(w.aws.stages.get(id)?.values() ?? [])],
    roleArns: new Map(all.flatMap((p) => (p.status?.executionRoleArn ? [[keyOfPath(p), p.status.executionRoleArn] as const] : []))),
    where: { region: w.aws.region, accountId: w.aws.account },
    now: w.now,
  });
  return { operations: answer.operations.map(describeOperation), deploys: answer.stages.filter((s) => s.deploy).map((s) => s.name), settings: answer.stages.filter((s) => s.settings.length > 0).map((s) => s.name) };
}

describe('plan (CLI) and the operator agree', () => {
  it('on every change of the corpus: the same operations, the same stage settings, the same deployments', async () => {
    const w = new ReconcilerWorld();
    w.apply(restApi('shop', { stages }));
    w.apply(restPath('orders', '/orders', [http('http://a.example/orders')]));
    await w.reconcileApi('shop');
    const answers: Record<string, ReturnType<typeof cliAnswer>> = {};
    for (const c of corpus) {
      w.advance(60_000);
      c.change(w);
      const cli = cliAnswer(w);
      answers[c.name] = cli;
      const id = w.get<RestApi>('restapis', 'shop')!.status!.id!;
      const before = new Map([...(w.aws.stages.get(id)?.entries() ?? [])].map(([n, s]) => [n, structuredClone(s)]));
      const ran = w.aws.executedPlans.length;
      await w.reconcileApi('shop');
      const operator = {
        operations: (w.aws.executedPlans[ran] ?? []).map(describeOperation),
        deploys: [...(w.aws.stages.get(id)?.entries() ?? [])].filter(([n, s]) => before.get(n)?.deploymentId !== s.deploymentId).map(([n]) => n),
        settings: [...(w.aws.stages.get(id)?.entries() ?? [])].filter(([n, s]) => JSON.stringify({ ...s, deploymentId: '' }) !== JSON.stringify({ ...before.get(n), deploymentId: '' })).map(([n]) => n),
      };
      expect({ change: c.name, ...operator }).toEqual({ change: c.name, ...cli });
    }
    // The corpus exercises what matters: operations, settings, both kinds of deployment, and nothing.
    expect(answers['an integration edited']).toMatchObject({ deploys: ['dev'], settings: [] });
    expect(answers['a method with stage throttling']?.settings).toEqual(['dev', 'prod']);
    expect(answers['a newer path contesting a method']).toEqual({ operations: [], deploys: [], settings: [] });
    expect(answers['the Manual stage asked to deploy']).toMatchObject({ operations: [], deploys: ['prod'] });
    expect(answers['drift: a method deleted in AWS']?.operations.length).toBeGreaterThan(0);
    expect(answers['nothing changed']).toEqual({ operations: [], deploys: [], settings: [] });
  });
});
