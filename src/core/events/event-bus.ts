// Events between the parts of the portal and between app instances: a settings save on one
// instance invalidates the caches of all of them; live pages (SSE) subscribe to what concerns them.
//
// Two implementations, chosen in the composition root from how the database was connected:
// - real PostgreSQL: LISTEN/NOTIFY (postgres-event-bus.ts), one dedicated LISTEN connection per app
//   instance, so every instance sees every event;
// - the embedded database: in process (in-process-event-bus.ts), since PGlite does not carry NOTIFY
//   from one connection to another (and embedded means one instance anyway).
//
// Delivery is at most once and only to instances connected at the time: an event is a hint to
// reload, never the data itself, so a missed one costs at most a stale cache until its TTL.

export type EventHandler = (payload: object) => void;

export interface EventBus {
  /** Delivers to this instance's subscribers at once and to the other instances' shortly after. */
  publish(channel: string, payload: object): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(channel: string, handler: EventHandler): () => void;
  close(): Promise<void>;
}

/**
 * Published on an instance's own bus (never sent) after its LISTEN connection came back: events may
 * have been missed meanwhile, so caches drop everything.
 */
export const RECONNECTED_CHANNEL = 'events.reconnected';

/** NOTIFY refuses payloads of 8000 bytes or more; the envelope must stay under it. */
export const MAX_PAYLOAD_BYTES = 7900;

/** The handlers of one instance, by channel. Both buses deliver through it. */
export class LocalSubscribers {
  private readonly byChannel = new Map<string, Set<EventHandler>>();

  constructor(private readonly onHandlerError: (channel: string, err: unknown) => void) {}

  add(channel: string, handler: EventHandler): () => void {
    let handlers = this.byChannel.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.byChannel.set(channel, handlers);
    }
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.byChannel.get(channel) === handlers) this.byChannel.delete(channel);
    };
  }

  deliver(channel: string, payload: object): void {
    for (const handler of [...(this.byChannel.get(channel) ?? [])]) {
      // One failing subscriber must not keep the event from the others.
      try {
        handler(payload);
      } catch (err) {
        this.onHandlerError(channel, err);
      }
    }
  }

  clear(): void {
    this.byChannel.clear();
  }
}

export function checkChannel(channel: string): void {
  if (typeof channel !== 'string' || channel.length === 0 || channel.length > 200)
    throw new TypeError('an event channel is a non-empty string of at most 200 characters');
}
