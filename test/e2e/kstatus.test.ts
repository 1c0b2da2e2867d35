// kstatus (sigs.k8s.io/cli-utils: kpt, Flux's health checks, `cli-utils apply --wait`) on the statuses
// the operator really writes: objects are put in each state with kubectl (and the operator as a
// process), and the real kstatus binary reads `kubectl get -o json`. Where a state is a moment in time
// (in its grace period, before the first write), kstatus reads the very snapshot in which the
// operator's conditions showed that state, so nothing depends on timing. The table of what was seen
// is printed and kept in .test-results/kstatus-table.txt.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { kstatus, type KstatusResult, type KstatusStatus } from '../support/kstatus.js';
import { mockPathYaml, objectsIn, type KubeObject, type Snapshot as SnapshotOf } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'kstatus');
let operator: RunningOperator | undefined;
const { apply, condition, until, observed, has, snapshot, snapshotWhen: snapshotWhenOf } = objectsIn(kubectl, namespace, () => operator?.logs() ?? '(the operator is not running)');
// Short, so a missing reference turns Stalled within the test; long enough to see it Reconciling first.
const GRACE_S = 5;
const operatorArgs = () => ['--namespaces', namespace(), '--reference-grace', `${GRACE_S}s`];

interface Row {
  state: string;
  object: string;
  status: KstatusStatus;
  message: string;
}
const table: Row[] = [];

afterAll(async () => {
  await operator?.stop();
  const width = (f: (r: Row) => string, title: string) => Math.max(title.length, ...table.map((r) => f(r).length));
  const cols: [string, (r: Row) => string][] = [['state', (r) => r.state], ['object', (r) => r.object], ['kstatus', (r) => r.status], ['message', (r) => r.message]];
  const widths = cols.map(([title, f]) => width(f, title));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(' | ');
  const text = [line(cols.map(([t]) => t)), line(widths.map((w) => '-'.repeat(w))), ...table.map((r) => line(cols.map(([, f]) => f(r))))].join('\n');
  console.log(`kstatus of the operator's objects, state by state:\n${text}`);
  const dir = join(import.meta.dirname, '..', '..', '.test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kstatus-table.txt'), `${text}\n`);
});

const H = 'apiVersion: apigateway.restpath.dev/v1alpha1';
const restApi = (name: string, stages = '[{ name: live }]', extra = '') => `${H}\nkind: RestApi\nmetadata: { name: ${name} }\nspec:\n  stages: ${stages}\n${extra}`;
const mockPath = (name: string, api: string, path: string, body = '{"ok":true}') => mockPathYaml(name, api, path, { body });

type Obj = KubeObject<Record<string, unknown>> & { metadata: { generation: number } };
type Snapshot = SnapshotOf<Obj>;
const read = (what: string) => snapshot<Obj>(what);
const snapshotWhen = (what: string, description: string, holds: (o: Obj) => boolean, timeoutMs?: number) => snapshotWhenOf<Obj>(what, description, holds, timeoutMs);

/**
 * kstatus of one snapshot, recorded in the table. Checked softly: a state that reads wrong fails the
 * test but the later states are still made and recorded.
 */
async function kstatusOf(state: string, what: string, snapshot: Snapshot, expected: KstatusStatus): Promise<KstatusResult> {
  const [result] = await kstatus(snapshot.json);
  if (!result) throw new Error(`kstatus printed nothing for ${what}`);
  table.push({ state, object: `${result.kind}/${result.name}`, status: result.status, message: result.message });
  expect.soft(result.status, `${state}: kstatus of ${what} says ${result.status}: ${result.message}\n${snapshot.json}`).toBe(expected);
  return result;
}

const ready = (what: string) => snapshotWhen(what, 'Ready=True for its generation', (o) => observed(o) && has(o, 'Ready', 'True'));

// Each test waits at most 90s for one state; the whole test may take longer than the default 60s.
describe('kstatus of what the operator writes', { timeout: 180_000 }, () => {
  it('a RestApi and RestPath applied before the operator runs are InProgress (observedGeneration 0)', async () => {
    await apply([restApi('shop'), mockPath('health', 'shop', '/health')].join('---\n'));
    for (const what of ['restapi/shop', 'restpath/health']) {
      const s = await read(what);
      expect(s.object.status).toEqual({ observedGeneration: 0 });
      const r = await kstatusOf('applied, operator not running yet', what, s, 'InProgress');
      expect(r.message).toMatch(/generation is 1, but latest observed generation is 0/);
    }
    operator = await startOperator(operatorArgs());
  });

  it('a healthy RestApi and RestPath are Current, and kubectl wait --for=condition=Ready returns', async () => {
    for (const what of ['restapi/shop', 'restpath/health']) {
      const r = await kstatusOf('healthy', what, await ready(what), 'Current');
      expect(r.message).toBe('Resource is Ready');
    }
    await kubectl.ok(['wait', 'restapi/shop', 'restpath/health', '-n', namespace(), '--for=condition=Ready', '--timeout=30s']);
  });

  it('a RestPath whose RestApi does not exist is InProgress during the grace, then Failed (RestApiNotFound)', async () => {
    await apply(mockPath('orphan', 'nowhere', '/orphan'));
    const waiting = await snapshotWhen('restpath/orphan', 'Reconciling=True (RestApiNotFound)', (o) => observed(o) && has(o, 'Reconciling', 'True', 'RestApiNotFound'));
    expect(has(waiting.object, 'Stalled', 'False')).toBe(true);
    await kstatusOf(`missing RestApi, within the ${GRACE_S}s grace`, 'restpath/orphan', waiting, 'InProgress');
    const stalled = await snapshotWhen('restpath/orphan', 'Stalled=True (RestApiNotFound)', (o) => observed(o) && has(o, 'Stalled', 'True', 'RestApiNotFound'), 30_000);
    expect(condition(stalled.object, 'Ready')).toMatchObject({ status: 'False', reason: 'RestApiNotFound' });
    expect(has(stalled.object, 'Reconciling', 'False')).toBe(true);
    const r = await kstatusOf(`missing RestApi, after the grace`, 'restpath/orphan', stalled, 'Failed');
    expect(r.message).toContain(`RestApi nowhere does not exist in namespace ${namespace()}`);
  });

  it('two RestPaths declaring the same method: the newer is Failed (Conflict), the older Current', async () => {
    await apply(mockPath('orders', 'shop', '/orders'));
    await ready('restpath/orders');
    await apply(mockPath('orders-copy', 'shop', '/orders', '{"copy":true}'));
    const newer = await snapshotWhen('restpath/orders-copy', 'Stalled=True (Conflict)', (o) => observed(o) && has(o, 'Stalled', 'True', 'Conflict'));
    const r = await kstatusOf('conflict, the newer RestPath', 'restpath/orders-copy', newer, 'Failed');
    expect(r.message).toContain(`GET /orders is already declared by RestPath ${namespace()}/orders, which is older`);
    await kstatusOf('conflict, the older RestPath', 'restpath/orders', await ready('restpath/orders'), 'Current');
  });

  it('a RestApi with adoptId in a namespace --adopt-namespaces does not list is Failed (AdoptionNotAllowed)', async () => {
    await apply(restApi('adopter', '[{ name: live }]', '  adoptId: abcdefghij\n'));
    const s = await snapshotWhen('restapi/adopter', 'Stalled=True (AdoptionNotAllowed)', (o) => observed(o) && has(o, 'Stalled', 'True', 'AdoptionNotAllowed'));
    const r = await kstatusOf('adoptId, adoption not allowed here', 'restapi/adopter', s, 'Failed');
    expect(r.message).toContain('Taking over REST API abcdefghij is not allowed');
  });

  it('a UsagePlan naming a stage the RestApi does not declare is InProgress during the grace, then Failed (StageNotFound)', async () => {
    await apply(`${H}\nkind: UsagePlan\nmetadata: { name: wrong-stage }\nspec:\n  apiStages: [{ restApiRef: { name: shop }, stage: nope }]\n`);
    const waiting = await snapshotWhen('usageplan/wrong-stage', 'Reconciling=True (StageNotFound)', (o) => observed(o) && has(o, 'Reconciling', 'True', 'StageNotFound'));
    await kstatusOf(`unknown stage, within the ${GRACE_S}s grace`, 'usageplan/wrong-stage', waiting, 'InProgress');
    const stalled = await snapshotWhen('usageplan/wrong-stage', 'Stalled=True (StageNotFound)', (o) => observed(o) && has(o, 'Stalled', 'True', 'StageNotFound'), 30_000);
    expect(condition(stalled.object, 'Ready')).toMatchObject({ status: 'False', reason: 'StageNotFound' });
    const r = await kstatusOf('unknown stage, after the grace', 'usageplan/wrong-stage', stalled, 'Failed');
    expect(r.message).toContain('declares no stage nope');
  });

  it('a paused RestApi: Current with nothing waiting, InProgress with a change waiting, Current again once unpaused', async () => {
    await apply([restApi('pausable'), mockPath('pausable-path', 'pausable', '/p')].join('---\n'));
    await ready('restpath/pausable-path');
    await kubectl.ok(['annotate', 'restapi', 'pausable', '-n', namespace(), 'restpath.dev/paused=true']);
    const idle = await snapshotWhen('restapi/pausable', 'Synced=False (Paused), nothing waiting', (o) => observed(o) && has(o, 'Synced', 'False', 'Paused') && (condition(o, 'Synced')?.message.includes('nothing waits') ?? false));
    // AWS is what the spec says: Ready, with reason Paused.
    expect(condition(idle.object, 'Ready')).toMatchObject({ status: 'True', reason: 'Paused' });
    expect(has(idle.object, 'Reconciling', 'False') && has(idle.object, 'Stalled', 'False')).toBe(true);
    await kstatusOf('paused, nothing waiting', 'restapi/pausable', idle, 'Current');
    const idlePath = await snapshotWhen('restpath/pausable-path', 'Synced=False (Paused), nothing waiting', (o) => observed(o) && has(o, 'Synced', 'False', 'Paused'));
    await kstatusOf('paused, nothing waiting', 'restpath/pausable-path', idlePath, 'Current');

    await apply(mockPath('pausable-path', 'pausable', '/p', '{"ok":"v2"}'));
    const api = await snapshotWhen('restapi/pausable', 'Reconciling=True (Paused)', (o) => observed(o) && has(o, 'Reconciling', 'True', 'Paused'));
    expect(condition(api.object, 'Synced')?.message).toMatch(/[1-9]\d* write\(s\) wait: .*GET \/p/);
    await kstatusOf('paused, a change waiting', 'restapi/pausable', api, 'InProgress');
    const path = await snapshotWhen('restpath/pausable-path', 'generation 2 observed, Reconciling=True (Paused)', (o) => o.metadata.generation === 2 && observed(o) && has(o, 'Reconciling', 'True', 'Paused'));
    await kstatusOf('paused, a change waiting', 'restpath/pausable-path', path, 'InProgress');

    await kubectl.ok(['annotate', 'restapi', 'pausable', '-n', namespace(), 'restpath.dev/paused-']);
    const resumed = await snapshotWhen('restpath/pausable-path', 'Ready=True and Synced=True after the pause', (o) => observed(o) && has(o, 'Ready', 'True') && has(o, 'Synced', 'True'));
    await kstatusOf('unpaused', 'restpath/pausable-path', resumed, 'Current');
    await kstatusOf('unpaused', 'restapi/pausable', await snapshotWhen('restapi/pausable', 'Ready=True after the pause', (o) => observed(o) && has(o, 'Ready', 'True') && has(o, 'Synced', 'True')), 'Current');
  });

  it('a runbook check that fails once everything is applied (API key required, no usage plan) is Failed with its reason', async () => {
    await apply(mockPath('keyed', 'shop', '/keyed').replace('    - httpMethod: GET\n', '    - httpMethod: GET\n      apiKeyRequired: true\n'));
    const s = await snapshotWhen('restpath/keyed', 'ThrottlingReady=False (NoUsagePlan)', (o) => observed(o) && has(o, 'ThrottlingReady', 'False', 'NoUsagePlan'));
    expect(condition(s.object, 'Stalled')).toMatchObject({ status: 'True', reason: 'NoUsagePlan' });
    const r = await kstatusOf('runbook check False (no usage plan for a keyed method)', 'restpath/keyed', s, 'Failed');
    expect(r.message).toContain('requires an API key, but no usage plan covers stage live');
  });

  it('a Manual stage behind a changed path: Current, with ResourcePathReady=False (DeploymentPending)', async () => {
    await apply([restApi('manual', '[{ name: prod, deployment: Manual }]'), mockPath('manual-path', 'manual', '/m')].join('---\n'));
    await ready('restpath/manual-path');
    await apply(mockPath('manual-path', 'manual', '/m', '{"ok":"v2"}'));
    const s = await snapshotWhen('restpath/manual-path', 'generation 2 observed, ResourcePathReady=False (DeploymentPending)', (o) => o.metadata.generation === 2 && observed(o) && has(o, 'ResourcePathReady', 'False', 'DeploymentPending'));
    expect(condition(s.object, 'Ready')).toMatchObject({ status: 'True' });
    await kstatusOf('Manual stage, deployment pending', 'restpath/manual-path', s, 'Current');
    await kubectl.ok(['wait', 'restpath/manual-path', 'restapi/manual', '-n', namespace(), '--for=condition=Ready', '--timeout=30s']);
  });

  it('after a spec change: InProgress until the operator writes the new observedGeneration, then Current', async () => {
    // Changed while the operator is stopped, so the InProgress snapshot is certain to come before its write.
    const account = operator!.account;
    await operator!.stop();
    operator = undefined;
    await apply(mockPath('health', 'shop', '/health', '{"ok":"v2"}'));
    const changed = await read('restpath/health');
    expect([changed.object.metadata.generation, changed.object.status?.observedGeneration]).toEqual([2, 1]);
    const r = await kstatusOf('spec changed, not yet observed', 'restpath/health', changed, 'InProgress');
    expect(r.message).toBe('RestPath generation is 2, but latest observed generation is 1');

    operator = await startOperator(operatorArgs(), account);
    const seen: string[] = [];
    const current = await until('restpath/health Current in kstatus', async () => {
      const s = await read('restpath/health');
      const [k] = await kstatus(s.json);
      // Every snapshot before the write of observedGeneration 2 reads InProgress.
      if (!observed(s.object)) seen.push(k?.status ?? 'none');
      return k?.status === 'Current' ? { s, k } : undefined;
    });
    expect(seen.filter((x) => x !== 'InProgress')).toEqual([]);
    expect(current.s.object.status?.observedGeneration).toBe(current.s.object.metadata.generation);
    await kstatusOf('spec changed, operator wrote observedGeneration 2', 'restpath/health', current.s, 'Current');
    await kubectl.ok(['wait', 'restpath/health', 'restapi/shop', 'restpath/orders', '-n', namespace(), '--for=condition=Ready', '--timeout=30s']);
  });
});
