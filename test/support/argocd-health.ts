// The Argo CD health checks (deploy/argocd/health/*.lua) run by the real Lua 5.1 interpreter, as Argo
// CD's gopher-lua runs them (test/support/argocd-health.lua), on objects the operator really wrote:
// test/e2e/argocd-health.test.ts reads them with kubectl in each state and, with
// RESTPATH_CAPTURE_FIXTURES=1, keeps them in test/fixtures/argocd/, which the unit test runs again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStep } from '../../scripts/testenv/run.js';

const REPO = join(import.meta.dirname, '..', '..');
export const HEALTH_DIR = join(REPO, 'deploy', 'argocd', 'health');
export const ARGOCD_FIXTURES = join(REPO, 'test', 'fixtures', 'argocd');
export const KINDS = ['RestApi', 'RestPath', 'UsagePlan', 'DomainName', 'AwsAccount'] as const;
export type Kind = (typeof KINDS)[number];
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  status: HealthStatus;
  message: string;
}

export const healthScriptFile = (kind: Kind) => join(HEALTH_DIR, `apigateway.restpath.dev_${kind}.lua`);

/** A Lua string literal: Lua 5.1 knows no \u escapes, so control characters, quotes and backslashes become \ddd. */
function luaString(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || code === 0x7f || c === '"' || c === '\\' ? `\\${code.toString().padStart(3, '0')}` : c;
  }
  return `${out}"`;
}

/** A JSON value as a Lua table constructor, as Argo CD hands the resource to Lua (arrays 1-based, null as nil). */
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return luaString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{ ${value.map(toLua).join(', ')} }`;
  return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `[${luaString(k)}] = ${toLua(v)}`).join(', ')} }`;
}

let lua: Promise<void> | undefined;
/** lua5.1 from Debian: scripts/testenv/install-lua.sh installs it when missing (a no-op otherwise). */
function ensureLua(): Promise<void> {
  lua ??= runStep('installing lua5.1 (scripts/testenv/install-lua.sh)', 'bash', [join(REPO, 'scripts', 'testenv', 'install-lua.sh')]).then(() => undefined);
  lua.catch(() => (lua = undefined));
  return lua;
}

/** What the health script `script` (its text, as in argocd-cm) returns for `object` under lua5.1. */
export async function argocdHealth(script: string, object: unknown): Promise<Health> {
  await ensureLua();
  const dir = mkdtempSync(join(tmpdir(), 'argocd-health-'));
  try {
    writeFileSync(join(dir, 'health.lua'), script);
    writeFileSync(join(dir, 'object.lua'), `return ${toLua(object)}\n`);
    const out = await runStep('lua5.1 health check', 'lua5.1', [join(REPO, 'test', 'support', 'argocd-health.lua'), join(dir, 'health.lua'), join(dir, 'object.lua')]);
    return JSON.parse(out) as Health;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const healthOf = (kind: Kind, object: unknown) => argocdHealth(readFileSync(healthScriptFile(kind), 'utf8'), object);

/** The namespace every fixture names instead of the test's random one, so fixtures and messages stay stable. */
export const FIXTURE_NAMESPACE = 'demo';

/**
 * A snapshot as a fixture: short and with nothing a cluster made up that matters here (managedFields,
 * uid, resourceVersion, kubectl's last-applied copy of the spec); the test's namespace becomes `demo`.
 */
export function sanitize(object: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(object).replaceAll(namespace, FIXTURE_NAMESPACE)) as Record<string, unknown> & { metadata: Record<string, unknown> };
  for (const field of ['managedFields', 'uid', 'resourceVersion', 'creationTimestamp']) delete copy.metadata[field];
  const annotations = copy.metadata.annotations as Record<string, string> | undefined;
  if (annotations) {
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    if (Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  }
  return copy;
}

export interface Expected {
  kind: Kind;
  /** What the state is, for the table in docs/gitops-argocd.md and the test output. */
  state: string;
  status: HealthStatus;
  message: RegExp;
}

/** Every state the e2e puts an object in, by fixture name, with the health Argo CD must show. */
export const EXPECTED: Record<string, Expected> = {
  'restapi-not-observed': { kind: 'RestApi', state: 'applied, no status yet (observedGeneration 0)', status: 'Progressing', message: /^Waiting for the operator's first status of generation 1\.$/ },
  'restpath-not-observed': { kind: 'RestPath', state: 'applied, no status yet (observedGeneration 0)', status: 'Progressing', message: /^Waiting for the operator's first status of generation 1\.$/ },
  'usageplan-not-observed': { kind: 'UsagePlan', state: 'applied, no status yet (observedGeneration 0)', status: 'Progressing', message: /^Waiting for the operator's first status of generation 1\.$/ },
  'restapi-ready': { kind: 'RestApi', state: 'Ready=True', status: 'Healthy', message: /^REST API \w+ is in sync and deployed\.$/ },
  'restpath-ready': { kind: 'RestPath', state: 'Ready=True', status: 'Healthy', message: /^\/health is applied and served on stages live\.$/ },
  'usageplan-ready': { kind: 'UsagePlan', state: 'Ready=True', status: 'Healthy', message: /^Usage plan \w+ covers 1 stage\(s\) with 0 API key\(s\)\.$/ },
  'restpath-missing-restapi-in-grace': { kind: 'RestPath', state: 'its RestApi missing, within the grace period (Reconciling=True)', status: 'Progressing', message: /^RestApiNotFound: RestApi nowhere does not exist in namespace demo/ },
  'restpath-missing-restapi-stalled': { kind: 'RestPath', state: 'its RestApi still missing after the grace period (Stalled=True)', status: 'Degraded', message: /^RestApiNotFound: RestApi nowhere does not exist in namespace demo/ },
  'restpath-conflict': { kind: 'RestPath', state: 'an older RestPath declares the same method (Stalled=True, Conflict)', status: 'Degraded', message: /^Conflict: GET \/orders is already declared by RestPath demo\/orders, which is older/ },
  'restapi-adoption-not-allowed': { kind: 'RestApi', state: 'adoptId where --adopt-namespaces does not allow it (Stalled=True)', status: 'Degraded', message: /^AdoptionNotAllowed: Taking over REST API abcdefghij is not allowed in namespace demo/ },
  'usageplan-unknown-stage-in-grace': { kind: 'UsagePlan', state: 'a stage the RestApi does not declare, within the grace period', status: 'Progressing', message: /^StageNotFound: .*declares no stage nope/ },
  'usageplan-unknown-stage-stalled': { kind: 'UsagePlan', state: 'that stage still missing after the grace period (Stalled=True)', status: 'Degraded', message: /^StageNotFound: .*declares no stage nope/ },
  'restpath-runbook-false': { kind: 'RestPath', state: 'a runbook check False once applied (ThrottlingReady=False, NoUsagePlan)', status: 'Degraded', message: /^ThrottlingReady=False, NoUsagePlan: GET \/keyed on stage live requires an API key, but no usage plan covers stage live.*Check: aws apigateway get-usage-plans/ },
  'restpath-deployment-pending': { kind: 'RestPath', state: 'a Manual stage behind the change (ResourcePathReady=False, DeploymentPending; Ready=True)', status: 'Healthy', message: /^\/m is applied and served on stages prod; stage prod \(Manual\) serves the change once the restpath\.dev\/deploy annotation changes\. ResourcePathReady=False, DeploymentPending: / },
  'restapi-paused-idle': { kind: 'RestApi', state: 'paused, nothing waiting (Synced=False Paused, Ready=True Paused)', status: 'Suspended', message: /^Writes to AWS are paused by the annotation restpath\.dev\/paused=true; nothing waits: AWS matches the spec\./ },
  'restpath-paused-idle': { kind: 'RestPath', state: 'its RestApi paused, nothing waiting', status: 'Suspended', message: /^Writes to AWS are paused by the annotation restpath\.dev\/paused=true; nothing waits/ },
  'usageplan-paused': { kind: 'UsagePlan', state: 'a RestApi it covers paused', status: 'Suspended', message: /^Writes to AWS are paused by the annotation restpath\.dev\/paused=true on RestApi pausable; / },
  'restapi-paused-waiting': { kind: 'RestApi', state: 'paused, a change waiting (Reconciling=True Paused)', status: 'Suspended', message: /^Writes to AWS are paused by the annotation restpath\.dev\/paused=true; [1-9]\d* write\(s\) wait: .*GET \/p/ },
  'restpath-paused-waiting': { kind: 'RestPath', state: 'its RestApi paused, its change waiting (Reconciling=True Paused)', status: 'Suspended', message: /^Writes to AWS are paused by the annotation restpath\.dev\/paused=true; [1-9]\d* write\(s\) wait: .*GET \/p/ },
  'restpath-paused-conflict': { kind: 'RestPath', state: 'its RestApi paused and a Conflict (Stalled=True beats the pause)', status: 'Degraded', message: /^Conflict: GET \/p is already declared by RestPath demo\/pausable-path, which is older/ },
  'restapi-created-paused': { kind: 'RestApi', state: 'created paused: not created in AWS (Reconciling=True Paused)', status: 'Suspended', message: /^The REST API is not created while writes to AWS are paused by the annotation restpath\.dev\/paused=true\.$/ },
  'restpath-spec-changed': { kind: 'RestPath', state: 'spec changed, the operator has not observed it (observedGeneration 1 < generation 2)', status: 'Progressing', message: /^Waiting for the operator to observe generation 2; the status describes generation 1\.$/ },
  'restapi-pause-set-not-seen': { kind: 'RestApi', state: 'restpath.dev/paused=true set, the operator has not reconciled since', status: 'Suspended', message: /^Writes to AWS are paused by the annotation restpath\.dev\/paused=true; the operator has not reconciled since it was set\.$/ },
  'restapi-pause-removed-not-seen': { kind: 'RestApi', state: 'restpath.dev/paused removed, the status still Paused', status: 'Progressing', message: /^The annotation restpath\.dev\/paused=true was removed; waiting for the operator to resume writes to AWS\.$/ },
};
