// Events (events.k8s.io/v1), the way users read them in `kubectl describe`. Repeats of the same
// event for the same object within the window are one Event whose series.count grows, not a flood.
import { EventsV1Api, V1MicroTime, type EventsV1Event, type KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';

export interface Regarding {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

export interface EventInput {
  regarding: Regarding;
  type: 'Normal' | 'Warning';
  /** CamelCase: Created, Updated, Deployed, DriftCorrected, Conflict, Deleted, or an AWS error code. */
  reason: string;
  /** What the controller did: Reconcile, Deploy, Delete ... */
  action: string;
  note: string;
}

interface Seen {
  name: string;
  count: number;
  event: EventsV1Event;
  lastMs: number;
}

const NOTE_LIMIT_BYTES = 1024; // the API server counts bytes, not characters

function truncateNote(note: string): string {
  if (Buffer.byteLength(note) <= NOTE_LIMIT_BYTES) return note;
  let cut = note.slice(0, NOTE_LIMIT_BYTES - 3);
  while (Buffer.byteLength(cut) > NOTE_LIMIT_BYTES - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

export class EventRecorder {
  private readonly api: EventsV1Api;
  private readonly seen = new Map<string, Seen>();

  constructor(
    kc: KubeConfig,
    private readonly controller: string,
    private readonly instance: string,
    private readonly windowMs = 10 * 60_000,
  ) {
    this.api = kc.makeApiClient(EventsV1Api);
  }

  async record(input: EventInput): Promise<void> {
    const note = truncateNote(input.note);
    const r = input.regarding;
    const key = [r.uid ?? `${r.namespace}/${r.kind}/${r.name}`, input.type, input.reason, input.action, note].join('\u0000');
    const now = Date.now();
    const previous = this.seen.get(key);
    if (previous && now - previous.lastMs < this.windowMs) {
      const count = previous.count + 1;
      const body: EventsV1Event = { ...previous.event, series: { count, lastObservedTime: new V1MicroTime(now) } };
      try {
        const updated = await this.api.replaceNamespacedEvent({ name: previous.name, namespace: eventNamespace(r.namespace), body });
        this.seen.set(key, { name: previous.name, count, event: updated, lastMs: now });
        return;
      } catch {
        // Gone (events expire) or changed meanwhile: start a new one below.
      }
    }
    const created = await this.api.createNamespacedEvent({
      namespace: eventNamespace(r.namespace),
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: `${r.name}.${randomBytes(8).toString('hex')}`, namespace: eventNamespace(r.namespace) },
        eventTime: new V1MicroTime(now),
        reportingController: this.controller,
        reportingInstance: this.instance,
        action: input.action,
        reason: input.reason,
        type: input.type,
        note,
        regarding: { apiVersion: r.apiVersion, kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name, ...(r.uid ? { uid: r.uid } : {}) },
      },
    });
    this.seen.set(key, { name: created.metadata?.name ?? '', count: 1, event: created, lastMs: now });
  }
}

/** Events about a cluster-scoped object (an AwsAccount) live in `default`, as kubectl describe looks for them. */
function eventNamespace(namespace: string): string {
  return namespace || 'default';
}
