// What end-to-end tests read back through kubectl, as a user would: objects, their conditions, the
// Events about them, and requests to a deployed stage through the emulator's data plane.
import { inject } from 'vitest';
import type { Kubectl } from '../../scripts/testenv/kubectl.js';
import { until as waitUntil } from './until.js';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface KubeObject<S = Record<string, unknown>> {
  metadata: { name: string; generation: number; uid: string; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] };
  status?: S & { observedGeneration?: number; conditions?: Condition[] };
  data?: Record<string, string>;
}

export interface Snapshot<O> {
  json: string;
  object: O;
}

export interface EventSeen {
  reason: string;
  note: string;
  type: string;
  regarding: { kind: string; name: string };
}

export function objectsIn(kubectl: Kubectl, namespace: () => string, logs: () => string = () => '') {
  const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) => waitUntil(what, probe, timeoutMs, () => `operator log:\n${logs()}`);
  const get = async <S>(what: string) => JSON.parse(await kubectl.ok(['get', what, '-n', namespace(), '-o', 'json'])) as KubeObject<S>;
  const condition = (o: KubeObject<unknown>, type: string) => o.status?.conditions?.find((c) => c.type === type);
  /** The operator has described the object's current generation. */
  const observed = (o: KubeObject<unknown>) => o.status?.observedGeneration === o.metadata.generation;
  /** Its condition `type` has `status` (and `reason`, when given). */
  const has = (o: KubeObject<unknown>, type: string, status: string, reason?: string) => {
    const c = condition(o, type);
    return c?.status === status && (!reason || c.reason === reason);
  };
  /** `kubectl get -o json` of `what`: the text as kubectl printed it, and the object. */
  const snapshot = async <O extends KubeObject<unknown> = KubeObject>(what: string): Promise<Snapshot<O>> => {
    const json = await kubectl.ok(['get', what, '-n', namespace(), '-o', 'json']);
    return { json, object: JSON.parse(json) as O };
  };
  return {
    until,
    get,
    condition,
    observed,
    has,
    snapshot,
    /** The first snapshot of `what` for which `holds` is true (polled with a deadline). */
    snapshotWhen: <O extends KubeObject<unknown> = KubeObject>(what: string, description: string, holds: (o: O) => boolean, timeoutMs = 90_000) =>
      until(`${what}: ${description}`, async () => {
        const s = await snapshot<O>(what);
        return holds(s.object) ? s : undefined;
      }, timeoutMs),
    apply: (manifest: string) => kubectl.ok(['apply', '-n', namespace(), '-f', '-'], manifest),
    /** The object once its condition `type` has `status` (and `reason`, when given) for its current generation. */
    waitFor: async <S>(what: string, type: string, status: string, reason?: string, timeoutMs?: number) => {
      let last: KubeObject<S> | undefined;
      try {
        return await until(
          `${what} ${type}=${status}${reason ? ` (${reason})` : ''}`,
          async () => {
            const o = await get<S>(what);
            last = o;
            return has(o, type, status, reason) && observed(o) ? o : undefined;
          },
          timeoutMs,
        );
      } catch (error) {
        // The last status seen says why: which condition holds it back.
        const seen = last?.status as { conditions?: unknown } | undefined;
        throw new Error(`${error instanceof Error ? error.message : String(error)}\nlast conditions: ${JSON.stringify(seen?.conditions ?? null, null, 1)}`, { cause: error });
      }
    },
    events: async (regardingName?: string): Promise<EventSeen[]> => {
      const out = JSON.parse(await kubectl.ok(['get', 'events.events.k8s.io', '-n', namespace(), '-o', 'json'])) as { items: EventSeen[] };
      return out.items.filter((e) => !regardingName || e.regarding.name === regardingName);
    },
  };
}

/** A request to a deployed stage through the emulator's data plane. */
export async function invokeStage(apiId: string, stage: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(`${inject('awsEndpoint')}/restapis/${apiId}/${stage}/_user_request_${path}`, { headers });
  return { status: res.status, body: await res.text() };
}

export const MANIFEST_HEADER = 'apiVersion: apigateway.restpath.dev/v1alpha1';

/** A RestPath manifest with one GET MOCK method answering `body`; `methodExtra` adds method fields (indented 6). */
export function mockPathYaml(name: string, restApi: string, path: string, options: { body?: string; methodExtra?: string } = {}): string {
  return `${MANIFEST_HEADER}
kind: RestPath
metadata: { name: ${name} }
spec:
  restApiRef: { name: ${restApi} }
  path: ${path}
  methods:
    - httpMethod: GET
${options.methodExtra ?? ''}      integration:
        type: MOCK
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: [{ statusCode: "200", responseTemplates: { application/json: '${options.body ?? '{"ok":true}'}' } }]
      methodResponses: [{ statusCode: "200" }]
`;
}
