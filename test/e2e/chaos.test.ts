// Faults while 100 RestPaths x 3 methods and a UsagePlan with 4 keys are applied at once
// (test/support/chaos-burst.ts), each scenario alone and then all together, on a control plane and an
// AWS emulator of this file's own (so it may restart them): AWS failing (20% 5xx, 5% dropped
// connections, 429 storms) behind the quota proxy (AWS's quotas); a lost answer on each create type;
// the operator SIGKILLed every 10 s; the emulator killed and restarted (its state lost: everything
// deleted out of band); kube-apiserver restarted mid-apply (watches must resume: the second half is
// applied after it is back). After the faults stop, each scenario must converge within a bound from the
// quotas to exactly the manifests in AWS (no duplicate, nothing missing or extra), with the fault named
// on the objects while it lasted where it lasted long enough to be, no crash, and no secret in the logs,
// Events, statuses or metrics. It prints a row per scenario; CHAOS_SEED replays the same faults.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvironment, type Environment } from '../../scripts/testenv/environment.js';
import { installCrds, kubectlFor, type Kubectl } from '../../scripts/testenv/kubectl.js';
import { minimumSeconds } from '../../src/aws/quotas.js';
import { ChaosRun, PATHS, METHODS } from '../support/chaos-burst.js';
import { deleteNamespace, freshNamespace } from '../support/cluster.js';
import type { FaultRule } from '../support/quota-proxy.js';

const SEED = Number(process.env.CHAOS_SEED ?? 17);
const RESYNC_S = 20;
// The whole burst again at AWS's quotas (a fault just before the stop may cost a full pass), twice over
// for the backoff of calls still waiting, plus one Retry-After; a resync more where only one notices.
const BURST_BOUND_MS = 2 * minimumSeconds(PATHS, 1 + 2 * METHODS.length) * 1000 + 10_000;
const RESYNC_BOUND_MS = BURST_BOUND_MS + RESYNC_S * 1000;

// A lost answer on each create: a retry of a create AWS already made answers 409 where AWS does
// (test/aws-emulator/README.md: the emulator never does), no answer at all where it has no 409.
// CreateApiKey's retry is refused by the emulator itself, as by AWS (values are unique in an account:
// 409). CreateRole's lost answer: test/integration/aws-iam.test.ts (the burst has no execution role).
const lostAnswers = (): FaultRule[] => [
  ...['CreateResource', 'PutMethod', 'CreateUsagePlanKey'].map((operation) => ({ operation, times: 2, status: 409, afterForwarding: true })),
  ...['CreateRestApi', 'PutIntegration', 'CreateDeployment', 'CreateUsagePlan', 'CreateApiKey'].map((operation) => ({ operation, times: 1, drop: true, afterForwarding: true })),
];
const noise = (): FaultRule[] => [
  { times: Infinity, rate: 0.2, status: 503 },
  { times: Infinity, rate: 0.05, drop: true },
];
const STORM_EVERY = 120; // calls passed between 429 storms
const STORM_CALLS = 40; // 429 answers in a storm
const RETRYING = /^RestApi\/chaos (AwsRetrying|AwsUnreachable)$/;

let env: Environment;
let kubectl: Kubectl;
let current: ChaosRun | undefined;
const rows: string[] = [];

beforeAll(async () => {
  env = await startEnvironment();
  kubectl = kubectlFor(env.controlPlane.kubectl, env.controlPlane.kubeconfig);
  await installCrds(kubectl, join(import.meta.dirname, '..', '..', 'crds'));
}, 180_000);
afterAll(async () => {
  await current?.close();
  await env?.stop();
  console.log(`[chaos seed ${SEED}]\n| scenario | faults lasted | converged after | bound | AWS calls passed | broken by faults (retried) | 429 from quotas | SIGKILLs |\n|---|---|---|---|---|---|---|---|\n${rows.join('\n')}`);
}, 60_000);

interface Scenario {
  faults: FaultRule[];
  args?: string[];
  /** Applies the burst (default: all of it at once). */
  apply?: (run: ChaosRun) => Promise<unknown>;
  /** Called every poll while the faults last, with the calls passed so far: true closes the window. */
  tick: (run: ChaosRun, passed: number) => boolean | Promise<boolean>;
  bound: number;
  /** A sampled "<Kind>/<name> <reason>" or "Event <reason>" that must be seen: the fault named while it lasted. */
  named?: RegExp;
}

async function runScenario(name: string, s: Scenario): Promise<void> {
  const namespace = await freshNamespace(kubectl, `chaos-${name}`);
  const run = await ChaosRun.start({ kubectl, namespace, kubeconfig: env.controlPlane.kubeconfig, emulator: env.aws }, { seed: SEED, faults: s.faults, ...(s.args ? { args: s.args } : {}) });
  current = run;
  try {
    await scenarioBody(name, s, run, namespace);
  } catch (error) {
    // Said now, not only in vitest's summary after the scenarios that follow (minutes later).
    console.error(`[chaos ${name}] failed: ${(error as Error).message}`);
    throw error;
  } finally {
    // A failed scenario stops its operators and proxy too, before the next one starts its own.
    await run.close();
    current = undefined;
  }
  await deleteNamespace(kubectl, namespace);
}

async function scenarioBody(name: string, s: Scenario, run: ChaosRun, namespace: string): Promise<void> {
  const t0 = Date.now();
  await (s.apply ?? ((r) => r.objects.apply([r.docs.api, ...r.docs.paths, r.docs.plan].join('\n---\n'))))(run);
  await run.objects.until(`${name}: the faults window`, async () => {
    await run.sample();
    return (await s.tick(run, run.proxy.total('passed'))) ? true : undefined;
  }, 300_000);
  run.proxy.faults = [];
  const stopped = Date.now();
  const convergedMs = await run.converge(s.bound);

  const events = JSON.parse(await kubectl.ok(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json'])) as { items: { reason: string }[] };
  const named = [...run.seen, ...events.items.map((e) => `Event ${e.reason}`)];
  if (s.named) expect(named.some((x) => s.named!.test(x)), `${name}: nothing matched ${s.named}; seen:\n${[...new Set(named)].join('\n')}`).toBe(true);
  // Never crash-looped: every process that exited was one of the test's SIGKILLs.
  expect(run.exits(), name).toEqual(Array.from({ length: run.kills }, () => 'killed by SIGKILL'));
  expect(await run.leaks(), name).toEqual([]);
  rows.push(run.row(name, stopped - t0, convergedMs, s.bound));
  console.log(`[chaos ${name}] ${rows[rows.length - 1]}`);
}

/** A 429 storm of STORM_CALLS answers after every STORM_EVERY calls passed. */
function storms(): (run: ChaosRun, passed: number) => void {
  let count = 0;
  return (run, passed) => {
    if (passed < (count + 1) * STORM_EVERY) return;
    count++;
    run.proxy.faults.unshift({ times: STORM_CALLS, status: 429 });
  };
}

/** The first half of the paths, kube-apiserver restarted once `restartAt` calls passed, then the rest. */
function apiserverRestart(restartAt: number): { apply: (run: ChaosRun) => Promise<unknown>; tick: (run: ChaosRun, passed: number) => Promise<boolean> } {
  let restarted = false;
  return {
    apply: (r) => r.objects.apply([r.docs.api, ...r.docs.paths.slice(0, PATHS / 2)].join('\n---\n')),
    tick: async (r, passed) => {
      if (restarted || passed < restartAt) return restarted;
      await env.controlPlane.restartApiserver();
      restarted = true;
      await r.objects.apply([...r.docs.paths.slice(PATHS / 2), r.docs.plan].join('\n---\n'));
      return true;
    },
  };
}

describe('faults during a burst, one kind at a time and all together', () => {
  it('AWS failing: 20% 5xx, 5% dropped connections, a 429 storm every 120 calls', async () => {
    const storm = storms();
    await runScenario('aws-faults', { faults: noise(), tick: (run, passed) => (storm(run, passed), passed >= 300), bound: BURST_BOUND_MS, named: RETRYING });
  }, 600_000);

  it('a lost answer (409 or none after AWS did it) on each create', async () => {
    const faults = lostAnswers();
    await runScenario('lost-answers', { faults, tick: () => faults.every((f) => f.times === 0), bound: BURST_BOUND_MS });
  }, 600_000);

  it('the operator SIGKILLed every 10 s, five times', async () => {
    let since = Date.now();
    await runScenario('operator-kills', {
      faults: [],
      tick: async (run) => {
        if (Date.now() - since < 10_000) return false;
        await run.killAndRestart();
        since = Date.now();
        return run.kills === 5;
      },
      bound: BURST_BOUND_MS,
    });
  }, 600_000);

  it('the AWS emulator killed and restarted mid-apply: every object deleted out of band', async () => {
    await runScenario('emulator-restart', {
      faults: [],
      args: ['--resync', `${RESYNC_S}s`],
      tick: async (_, passed) => passed >= 300 && (await env.aws.restart(), true),
      bound: RESYNC_BOUND_MS,
      named: /^Event DriftCorrected$/,
    });
  }, 600_000);

  it('kube-apiserver restarted mid-apply: the half applied after it is back is served too', async () => {
    await runScenario('apiserver-restart', { faults: [], ...apiserverRestart(200), bound: BURST_BOUND_MS });
  }, 600_000);

  it('all together: AWS failing, lost answers, two SIGKILLs, the emulator and kube-apiserver restarted', async () => {
    const storm = storms();
    const restart = apiserverRestart(420);
    let emulatorRestarted = false;
    await runScenario('combined', {
      faults: [...lostAnswers(), ...noise()],
      args: ['--resync', `${RESYNC_S}s`],
      apply: restart.apply,
      tick: async (run, passed) => {
        storm(run, passed);
        if (run.kills < 2 && passed >= [150, 250][run.kills]!) await run.killAndRestart();
        if (!emulatorRestarted && passed >= 350) emulatorRestarted = (await env.aws.restart(), true);
        return (await restart.tick(run, passed)) && passed >= 500;
      },
      bound: RESYNC_BOUND_MS,
      named: RETRYING,
    });
  }, 900_000);
});
