// The Argo CD health checks (deploy/argocd/health/*.lua) on what the operator really writes: objects are
// put in each state with kubectl and the operator as a process, `kubectl get -o json` is read, and the
// real lua5.1 runs the script as Argo CD would, taken from an argocd-cm ConfigMap that the snippet
// deploy/argocd/argocd-cm.yaml was merged into with kubectl. A state that is a moment in time (in a
// grace period, before the operator's write) is judged on the very snapshot that showed it, so nothing
// depends on timing. With RESTPATH_CAPTURE_FIXTURES=1 every snapshot, sanitized, is written to
// test/fixtures/argocd/<state>.json for the unit test; the table of what was seen goes to
// .test-results/argocd-health-table.txt.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARGOCD_FIXTURES, EXPECTED, FIXTURE_NAMESPACE, KINDS, argocdHealth, sanitize, type Health, type Kind } from '../support/argocd-health.js';
import { testKubectl, useFreshNamespace } from '../support/cluster.js';
import { MANIFEST_HEADER as H, mockPathYaml, objectsIn, type KubeObject } from '../support/objects.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const REPO = join(import.meta.dirname, '..', '..');
const CAPTURE = process.env.RESTPATH_CAPTURE_FIXTURES === '1';
const kubectl = testKubectl();
const namespace = useFreshNamespace(kubectl, 'argocd-health');
let operator: RunningOperator | undefined;
const { apply, condition, observed, has, snapshot, snapshotWhen: snapshotWhenOf } = objectsIn(kubectl, namespace, () => operator?.logs() ?? '(the operator is not running)');
// Short, so a missing reference turns Stalled within the test; long enough to see it Reconciling first.
const GRACE_S = 5;
const operatorArgs = () => ['--namespaces', namespace(), '--reference-grace', `${GRACE_S}s`];

/** The health scripts as Argo CD reads them: from the argocd-cm ConfigMap, after the snippet was merged in. */
const scripts = new Map<Kind, string>();
const table: { name: string; state: string; health: Health }[] = [];

afterAll(async () => {
  await operator?.stop();
  const text = table.map((r) => `${r.name} | ${r.state} | ${r.health.status} | ${r.health.message}`).join('\n');
  console.log(`Argo CD health of the operator's objects, state by state:\n${text}`);
  const dir = join(REPO, '.test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'argocd-health-table.txt'), `${text}\n`);
});

const restApi = (name: string, stages = '[{ name: live }]', extra = '', metadata = '') => `${H}\nkind: RestApi\nmetadata: { name: ${name}${metadata} }\nspec:\n  stages: ${stages}\n${extra}`;
const mockPath = (name: string, api: string, path: string, body = '{"ok":true}') => mockPathYaml(name, api, path, { body });
const usagePlan = (name: string, api: string, stage: string) => `${H}\nkind: UsagePlan\nmetadata: { name: ${name} }\nspec:\n  apiStages: [{ restApiRef: { name: ${api} }, stage: ${stage} }]\n`;

type Obj = KubeObject & { metadata: { generation: number; annotations?: Record<string, string> } };
const read = async (what: string) => (await snapshot<Obj>(what)).object;
const snapshotWhen = async (what: string, description: string, holds: (o: Obj) => boolean, timeoutMs?: number) =>
  (await snapshotWhenOf<Obj>(what, description, holds, timeoutMs)).object;
const ready = (what: string) => snapshotWhen(what, 'Ready=True for its generation', (o) => observed(o) && has(o, 'Ready', 'True'));
const kindOf = (o: Obj) => (o as unknown as { kind: Kind }).kind;
const healthOf = (o: Obj) => argocdHealth(scripts.get(kindOf(o)) ?? '', o);

/**
 * The health Argo CD shows for the snapshot `o` of state `name` (EXPECTED), checked softly so the later
 * states are still made; the sanitized fixture must read the same, and is written when capturing.
 */
async function judge(name: string, o: Obj): Promise<void> {
  const expected = EXPECTED[name];
  if (!expected) throw new Error(`no expected health for state ${name} in test/support/argocd-health.ts`);
  expect(kindOf(o)).toBe(expected.kind);
  const live = await healthOf(o);
  const fixture = sanitize(o as unknown as Record<string, unknown>, namespace());
  const health = { ...live, message: live.message.replaceAll(namespace(), FIXTURE_NAMESPACE) };
  table.push({ name, state: expected.state, health });
  const context = `${name} (${expected.state}): ${JSON.stringify(health)}\n${JSON.stringify(fixture, null, 2)}`;
  expect.soft(health.status, context).toBe(expected.status);
  expect.soft(health.message, context).toMatch(expected.message);
  expect.soft(await argocdHealth(scripts.get(expected.kind) ?? '', fixture), `${name}: the sanitized fixture reads differently`).toEqual(health);
  if (CAPTURE) {
    mkdirSync(ARGOCD_FIXTURES, { recursive: true });
    writeFileSync(join(ARGOCD_FIXTURES, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  }
}

// Each test waits at most 90s for one state; the whole test may take longer than the default 60s.
describe('Argo CD health of what the operator writes', { timeout: 180_000 }, () => {
  it('the argocd-cm snippet merges into a ConfigMap with kubectl; its values are exactly the Lua files', async () => {
    await kubectl.ok(['create', 'configmap', 'argocd-cm', '-n', namespace(), '--from-literal=url=https://argocd.example.com']);
    await kubectl.ok(['patch', 'configmap', 'argocd-cm', '-n', namespace(), '--type', 'merge', '--patch-file', join(REPO, 'deploy', 'argocd', 'argocd-cm.yaml')]);
    const cm = JSON.parse(await kubectl.ok(['get', 'configmap', 'argocd-cm', '-n', namespace(), '-o', 'json'])) as { data: Record<string, string> };
    expect(cm.data.url).toBe('https://argocd.example.com');
    for (const kind of KINDS) {
      const script = cm.data[`resource.customizations.health.apigateway.restpath.dev_${kind}`];
      expect(script, kind).toBe(readFileSync(join(REPO, 'deploy', 'argocd', 'health', `apigateway.restpath.dev_${kind}.lua`), 'utf8'));
      scripts.set(kind, script!);
    }
  });

  it('applied before the operator runs: Progressing (observedGeneration 0)', async () => {
    await apply([restApi('shop'), mockPath('health', 'shop', '/health'), restApi('pausable'), mockPath('pausable-path', 'pausable', '/p'), usagePlan('pausable-plan', 'pausable', 'live')].join('---\n'));
    for (const [name, what] of [['restapi-not-observed', 'restapi/shop'], ['restpath-not-observed', 'restpath/health'], ['usageplan-not-observed', 'usageplan/pausable-plan']] as const) {
      const o = await read(what);
      expect(o.status).toEqual({ observedGeneration: 0 });
      await judge(name, o);
    }
    operator = await startOperator(operatorArgs());
  });

  it('Ready for the current generation: Healthy, with the Ready message', async () => {
    await judge('restapi-ready', await ready('restapi/shop'));
    await judge('restpath-ready', await ready('restpath/health'));
    await judge('usageplan-ready', await ready('usageplan/pausable-plan'));
  });

  it('a RestPath whose RestApi is missing: Progressing during the grace, then Degraded', async () => {
    await apply(mockPath('orphan', 'nowhere', '/orphan'));
    await judge('restpath-missing-restapi-in-grace', await snapshotWhen('restpath/orphan', 'Reconciling=True (RestApiNotFound)', (o) => observed(o) && has(o, 'Reconciling', 'True', 'RestApiNotFound')));
    await judge('restpath-missing-restapi-stalled', await snapshotWhen('restpath/orphan', 'Stalled=True (RestApiNotFound)', (o) => observed(o) && has(o, 'Stalled', 'True', 'RestApiNotFound'), 30_000));
  });

  it('Stalled: a Conflict and an adoption not allowed are Degraded with the reason and message', async () => {
    await apply(mockPath('orders', 'shop', '/orders'));
    await ready('restpath/orders');
    await apply(mockPath('orders-copy', 'shop', '/orders', '{"copy":true}'));
    await judge('restpath-conflict', await snapshotWhen('restpath/orders-copy', 'Stalled=True (Conflict)', (o) => observed(o) && has(o, 'Stalled', 'True', 'Conflict')));
    await apply(restApi('adopter', '[{ name: live }]', '  adoptId: abcdefghij\n'));
    await judge('restapi-adoption-not-allowed', await snapshotWhen('restapi/adopter', 'Stalled=True (AdoptionNotAllowed)', (o) => observed(o) && has(o, 'Stalled', 'True', 'AdoptionNotAllowed')));
  });

  it('a UsagePlan naming a stage the RestApi does not declare: Progressing during the grace, then Degraded', async () => {
    await apply(usagePlan('wrong-stage', 'shop', 'nope'));
    await judge('usageplan-unknown-stage-in-grace', await snapshotWhen('usageplan/wrong-stage', 'Reconciling=True (StageNotFound)', (o) => observed(o) && has(o, 'Reconciling', 'True', 'StageNotFound')));
    await judge('usageplan-unknown-stage-stalled', await snapshotWhen('usageplan/wrong-stage', 'Stalled=True (StageNotFound)', (o) => observed(o) && has(o, 'Stalled', 'True', 'StageNotFound'), 30_000));
  });

  it('a runbook check False once applied is Degraded, naming the condition; a Manual stage behind is Healthy, with a note', async () => {
    await apply(mockPathYaml('keyed', 'shop', '/keyed', { methodExtra: '      apiKeyRequired: true\n' }));
    await judge('restpath-runbook-false', await snapshotWhen('restpath/keyed', 'ThrottlingReady=False (NoUsagePlan)', (o) => observed(o) && has(o, 'ThrottlingReady', 'False', 'NoUsagePlan')));
    await apply([restApi('manual', '[{ name: prod, deployment: Manual }]'), mockPath('manual-path', 'manual', '/m')].join('---\n'));
    await ready('restpath/manual-path');
    await apply(mockPath('manual-path', 'manual', '/m', '{"ok":"v2"}'));
    const pending = await snapshotWhen('restpath/manual-path', 'generation 2 observed, ResourcePathReady=False (DeploymentPending)', (o) => o.metadata.generation === 2 && observed(o) && has(o, 'ResourcePathReady', 'False', 'DeploymentPending'));
    expect(has(pending, 'Ready', 'True')).toBe(true);
    await judge('restpath-deployment-pending', pending);
  });

  it('paused: Suspended with what waits, for all three kinds; a Conflict under the pause is Degraded', async () => {
    await ready('restpath/pausable-path');
    await kubectl.ok(['annotate', 'restapi', 'pausable', '-n', namespace(), 'restpath.dev/paused=true']);
    const idle = (o: Obj) => observed(o) && has(o, 'Synced', 'False', 'Paused') && (condition(o, 'Synced')?.message.includes('nothing waits') ?? false);
    const api = await snapshotWhen('restapi/pausable', 'Synced=False (Paused), nothing waiting', idle);
    expect(condition(api, 'Ready')).toMatchObject({ status: 'True', reason: 'Paused' });
    await judge('restapi-paused-idle', api);
    await judge('restpath-paused-idle', await snapshotWhen('restpath/pausable-path', 'Synced=False (Paused), nothing waiting', idle));
    await judge('usageplan-paused', await snapshotWhen('usageplan/pausable-plan', 'Synced=False (Paused)', (o) => observed(o) && has(o, 'Synced', 'False', 'Paused')));

    await apply(mockPath('pausable-path', 'pausable', '/p', '{"ok":"v2"}'));
    await judge('restapi-paused-waiting', await snapshotWhen('restapi/pausable', 'Reconciling=True (Paused)', (o) => observed(o) && has(o, 'Reconciling', 'True', 'Paused')));
    await judge('restpath-paused-waiting', await snapshotWhen('restpath/pausable-path', 'generation 2 observed, Reconciling=True (Paused)', (o) => o.metadata.generation === 2 && observed(o) && has(o, 'Reconciling', 'True', 'Paused')));
    await apply(mockPath('pausable-copy', 'pausable', '/p', '{"copy":true}'));
    const conflict = await snapshotWhen('restpath/pausable-copy', 'Stalled=True (Conflict) while paused', (o) => observed(o) && has(o, 'Stalled', 'True', 'Conflict'));
    expect(has(conflict, 'Synced', 'False', 'Paused')).toBe(true);
    await judge('restpath-paused-conflict', conflict);
  });

  it('a RestApi created paused is not created in AWS: Suspended', async () => {
    await apply(restApi('frozen', '[{ name: live }]', '', ', annotations: { restpath.dev/paused: "true" }'));
    await judge('restapi-created-paused', await snapshotWhen('restapi/frozen', 'Synced=False (Paused)', (o) => observed(o) && has(o, 'Synced', 'False', 'Paused')));
  });

  it('changes the operator has not seen yet: a new generation is Progressing, a pause set is Suspended, a pause ended is Progressing', async () => {
    // Made while the operator is stopped, so each snapshot is certain to come before its write.
    const account = operator!.account;
    await operator!.stop();
    operator = undefined;
    await apply(mockPath('health', 'shop', '/health', '{"ok":"v2"}'));
    await judge('restpath-spec-changed', await read('restpath/health'));
    await kubectl.ok(['annotate', 'restapi', 'manual', '-n', namespace(), 'restpath.dev/paused=true']);
    await judge('restapi-pause-set-not-seen', await read('restapi/manual'));
    await kubectl.ok(['annotate', 'restapi', 'pausable', '-n', namespace(), 'restpath.dev/paused-']);
    await judge('restapi-pause-removed-not-seen', await read('restapi/pausable'));

    operator = await startOperator(operatorArgs(), account);
    const after = async (what: string, holds: (o: Obj) => boolean, status: Health['status']) => {
      const o = await snapshotWhen(what, `${status} once the operator has written`, holds);
      expect((await healthOf(o)).status, what).toBe(status);
    };
    await after('restpath/health', (o) => observed(o) && has(o, 'Ready', 'True') && has(o, 'Synced', 'True'), 'Healthy');
    await after('restapi/manual', (o) => observed(o) && has(o, 'Synced', 'False', 'Paused'), 'Suspended');
    await after('restapi/pausable', (o) => observed(o) && has(o, 'Ready', 'True') && has(o, 'Synced', 'True'), 'Healthy');
  });

  it('every state in test/support/argocd-health.ts was made and judged', () => {
    expect(table.map((r) => r.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});
