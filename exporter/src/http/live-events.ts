// Live updates for the API's event stream (GET /api/v1/events): the jobs publish what they found
// (a new anomaly, new predictions, changed recommendations) to the tenant's subscribers, in process.
// Nothing is kept: a client that was away re-reads the API when it comes back.

export const LIVE_EVENT_TYPES = ['anomaly', 'predictions', 'recommendations'] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

export interface LiveEvent {
  /** Increasing within this process: the stream's event id. */
  id: number;
  type: LiveEventType;
  data: unknown;
}

type Subscriber = { send: (event: LiveEvent) => void; end: () => void };

export class LiveEvents {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private lastId = 0;

  /** Calls `send` with each event of the tenant until the returned function is called. */
  subscribe(tenant: string, send: (event: LiveEvent) => void, end: () => void): () => void {
    const subscriber = { send, end };
    const set = this.subscribers.get(tenant) ?? new Set<Subscriber>();
    set.add(subscriber);
    this.subscribers.set(tenant, set);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(tenant) === set) this.subscribers.delete(tenant);
    };
  }

  publish(tenant: string, type: LiveEventType, data: unknown): void {
    const set = this.subscribers.get(tenant);
    if (!set?.size) return;
    const event = { id: ++this.lastId, type, data };
    for (const s of [...set]) s.send(event);
  }

  /** Ends every open stream (at shutdown, so the HTTP server can close). */
  endAll(): void {
    for (const set of this.subscribers.values()) for (const s of [...set]) s.end();
    this.subscribers.clear();
  }
}
