// The Argo CD health checks under the real lua5.1 (as Argo CD's gopher-lua runs them: base and table
// libraries only) on the objects test/e2e/argocd-health.test.ts captured from the operator in each
// state (test/fixtures/argocd/, written with RESTPATH_CAPTURE_FIXTURES=1), plus variations of those
// captures for what the order of precedence decides. And argocd-cm.yaml is exactly the Lua files.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ARGOCD_CM, healthScripts, renderArgocdCm } from '../../../scripts/argocd-cm.js';
import { ARGOCD_FIXTURES, EXPECTED, KINDS, argocdHealth, healthOf, healthScriptFile, toLua, type Kind } from '../../support/argocd-health.js';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}
interface Fixture {
  kind: Kind;
  metadata: { generation: number; annotations?: Record<string, string> };
  status: { observedGeneration: number; conditions?: Condition[] };
}

const fixture = (name: string) => JSON.parse(readFileSync(join(ARGOCD_FIXTURES, `${name}.json`), 'utf8')) as Fixture;
const fixtureNames = () => readdirSync(ARGOCD_FIXTURES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
const setCondition = (o: Fixture, type: string, change: Partial<Condition>) => {
  const c = o.status.conditions?.find((x) => x.type === type);
  if (!c) throw new Error(`the fixture has no ${type} condition`);
  Object.assign(c, change);
  return o;
};

describe('Argo CD health of the captured objects', () => {
  it('has one fixture per expected state, and no other', () => {
    expect(fixtureNames()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.state} -> ${expected.status}`, async () => {
      const o = fixture(name);
      expect(o.kind).toBe(expected.kind);
      const health = await healthOf(expected.kind, o);
      expect(health.status).toBe(expected.status);
      expect(health.message).toMatch(expected.message);
    });
  }
});

describe('the order of precedence, on variations of the captures', () => {
  it('a stale status (observedGeneration behind metadata.generation) is Progressing even when it says Ready or Stalled', async () => {
    for (const name of ['restapi-ready', 'restpath-conflict', 'restpath-paused-idle']) {
      const o = fixture(name);
      o.metadata.generation += 1;
      expect(await healthOf(o.kind, o), name).toEqual({ status: 'Progressing', message: `Waiting for the operator to observe generation ${o.metadata.generation}; the status describes generation ${o.status.observedGeneration}.` });
    }
  });

  it('a condition written for an older generation is not read (Ready=True of generation 1 with a status of generation 2)', async () => {
    const o = setCondition(fixture('restpath-ready'), 'Ready', { observedGeneration: 1 });
    o.metadata.generation = 2;
    o.status.observedGeneration = 2;
    expect((await healthOf('RestPath', o)).status).toBe('Progressing');
  });

  it('Stalled beats the pause annotation on a RestApi, and a failing runbook check beats a pause with nothing waiting', async () => {
    const adopter = fixture('restapi-adoption-not-allowed');
    adopter.metadata.annotations = { 'restpath.dev/paused': 'true' };
    expect((await healthOf('RestApi', adopter)).status).toBe('Degraded');
    const keyed = setCondition(fixture('restpath-runbook-false'), 'Synced', { status: 'False', reason: 'Paused', message: 'Writes to AWS are paused.' });
    expect(await healthOf('RestPath', keyed)).toMatchObject({ status: 'Degraded', message: expect.stringMatching(/^ThrottlingReady=False, NoUsagePlan: /) as unknown });
  });

  it('a runbook check False while the operator is still on its way (a retry after throttling) is Progressing, not Degraded', async () => {
    // A paused path with a change waiting, turned into one whose write AWS throttled: Reconciling=True, the method not there yet.
    const o = fixture('restpath-paused-waiting');
    const throttled = { status: 'False', reason: 'TooManyRequestsException', message: '0 of 1 operations applied; stopped at "putMethod GET /p": Too Many Requests.' };
    setCondition(o, 'Synced', throttled);
    setCondition(o, 'Reconciling', { ...throttled, status: 'True' });
    setCondition(o, 'ResourcePathReady', { status: 'False', reason: 'MethodMissing', message: 'GET /p is not in the REST API: clients get 403 {"message":"Missing Authentication Token"}.' });
    expect(await healthOf('RestPath', o)).toEqual({ status: 'Progressing', message: `TooManyRequestsException: ${throttled.message}` });
  });

  it('a not-blocking runbook reason (QuotaExhausted) keeps Ready=True Healthy and is appended to the message', async () => {
    const o = setCondition(fixture('restpath-ready'), 'ThrottlingReady', { status: 'False', reason: 'QuotaExhausted', message: 'Key partner-a used its quota.' });
    expect(await healthOf('RestPath', o)).toEqual({ status: 'Healthy', message: '/health is applied and served on stages live. ThrottlingReady=False, QuotaExhausted: Key partner-a used its quota.' });
  });

  it('an object without status, and numbers that arrive as strings, are read as Argo CD may hand them', async () => {
    const bare = fixture('restapi-not-observed') as Partial<Fixture>;
    delete bare.status;
    expect((await healthOf('RestApi', bare)).status).toBe('Progressing');
    const o = fixture('restapi-ready') as unknown as { metadata: { generation: unknown }; status: { observedGeneration: unknown } };
    o.metadata.generation = String(o.metadata.generation);
    o.status.observedGeneration = String(o.status.observedGeneration);
    expect((await healthOf('RestApi', o)).status).toBe('Healthy');
  });
});

describe('AwsAccount (no e2e capture yet: objects shaped as src/status/aws-account-status.ts writes them)', () => {
  const account = (conditions: Condition[], observedGeneration = 1) => ({
    apiVersion: 'apigateway.restpath.dev/v1alpha1',
    kind: 'AwsAccount',
    metadata: { name: 'prod', generation: 1 },
    spec: { accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/restpath', regions: ['eu-central-1'], namespaceSelector: {}, sessionName: 'restpath-operator', sessionDurationSeconds: 3600 },
    status: { observedGeneration, conditions: conditions.map((c) => ({ ...c, observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' })) },
  });
  const ready = { type: 'Ready', status: 'True', reason: 'RoleAssumed', message: 'Assumed arn:aws:iam::123456789012:role/restpath.' };

  it('not observed yet: Progressing', async () => {
    expect(await healthOf('AwsAccount', account([], 0))).toEqual({ status: 'Progressing', message: "Waiting for the operator's first status of generation 1." });
  });

  it('the role assumed (Ready=True RoleAssumed): Healthy with Ready\'s message', async () => {
    const o = account([ready, { type: 'Reconciling', status: 'False', reason: 'RoleAssumed', message: '' }, { type: 'Stalled', status: 'False', reason: 'RoleAssumed', message: '' }]);
    expect(await healthOf('AwsAccount', o)).toEqual({ status: 'Healthy', message: ready.message });
  });

  it('the role not assumable (Stalled=True AssumeRoleFailed): Degraded with the reason and message', async () => {
    const failed = { reason: 'AssumeRoleFailed', message: 'AccessDenied: not authorized to perform sts:AssumeRole.' };
    const o = account([{ type: 'Ready', status: 'False', ...failed }, { type: 'Reconciling', status: 'False', ...failed }, { type: 'Stalled', status: 'True', ...failed }]);
    expect(await healthOf('AwsAccount', o)).toEqual({ status: 'Degraded', message: `AssumeRoleFailed: ${failed.message}` });
  });

  it('ignores the pause annotation (the operator does not pause an AwsAccount)', async () => {
    const o = account([ready]) as ReturnType<typeof account> & { metadata: { annotations?: Record<string, string> } };
    o.metadata.annotations = { 'restpath.dev/paused': 'true' };
    expect((await healthOf('AwsAccount', o)).status).toBe('Healthy');
  });
});

describe('the health scripts', () => {
  const BODY = '-- From here on the five health checks are identical';
  const body = (kind: Kind) => {
    const text = readFileSync(healthScriptFile(kind), 'utf8');
    expect(text, kind).toContain(BODY);
    return text.slice(text.indexOf(BODY));
  };

  it('share one body after their kind-specific settings (a fix goes into all five)', () => {
    expect(body('RestPath')).toBe(body('RestApi'));
    expect(body('UsagePlan')).toBe(body('RestApi'));
    expect(body('DomainName')).toBe(body('RestApi'));
    expect(body('AwsAccount')).toBe(body('RestApi'));
  });

  it('use nothing Argo CD does not give them: no string library, no require, no io/os/debug', () => {
    for (const kind of KINDS) {
      const code = readFileSync(healthScriptFile(kind), 'utf8').replace(/--.*$/gm, '');
      expect(code, kind).not.toMatch(/\b(string|require|io|os|debug|load|loadstring|dofile)\b\s*[.(:]|:\s*\w+\s*\(/);
    }
  });

  it('the harness fails as Argo CD would on a script that errors or calls a string method', async () => {
    await expect(argocdHealth('error("boom")', {})).rejects.toThrow(/boom/);
    await expect(argocdHealth('local hs = {}; hs.status = ("x"):upper(); return hs', {})).rejects.toThrow(/attempt to index a string value/);
  });

  it('toLua hands Lua the JSON as Argo CD does: arrays 1-based, escapes Lua 5.1 reads', async () => {
    expect(toLua({ a: [1, 'x"\n\\'], b: null, c: true })).toBe('{ ["a"] = { 1, "x\\034\\010\\092" }, ["b"] = nil, ["c"] = true }');
    const script = 'local hs = {}; hs.status = "Healthy"; hs.message = obj.s .. obj.l[2]; return hs';
    expect(await argocdHealth(script, { s: 'é "q"\t\\', l: ['a', 'b'] })).toEqual({ status: 'Healthy', message: 'é "q"\t\\b' });
  });
});

describe('deploy/argocd/argocd-cm.yaml', () => {
  it('is what scripts/argocd-cm.ts generates (run `npx tsx scripts/argocd-cm.ts` after editing a health script)', () => {
    expect(readFileSync(ARGOCD_CM, 'utf8')).toBe(renderArgocdCm());
  });

  it('has one resource.customizations.health key per kind whose value is exactly that Lua file', () => {
    const cm = parse(readFileSync(ARGOCD_CM, 'utf8')) as { kind: string; metadata: { name: string }; data: Record<string, string> };
    expect([cm.kind, cm.metadata.name]).toEqual(['ConfigMap', 'argocd-cm']);
    expect(Object.keys(cm.data).sort()).toEqual(KINDS.map((k) => `resource.customizations.health.apigateway.restpath.dev_${k}`).sort());
    for (const kind of KINDS) expect(cm.data[`resource.customizations.health.apigateway.restpath.dev_${kind}`], kind).toBe(readFileSync(healthScriptFile(kind), 'utf8'));
    expect(healthScripts().map((s) => s.file).sort()).toEqual(KINDS.map(healthScriptFile).sort());
  });
});
