// Which bus an instance gets, from the database it is connected to: LISTEN/NOTIFY on real
// PostgreSQL, in process on the embedded database (PGlite delivers a NOTIFY only to the connection
// that sent it). Asked of the server itself, since a URL does not tell: tests and `npm start` reach
// the embedded database through a plain postgres:// address too.
import type pg from 'pg';
import type { EventBus, EventHandler } from './event-bus.ts';
import { createInProcessEventBus } from './in-process-event-bus.ts';
import { createPostgresEventBus } from './postgres-event-bus.ts';
import { isEmbeddedDatabase } from './queries.ts';

export interface ChooseEventBusOptions {
  onError?: (message: string, err: unknown) => void;
  /** Where LISTEN connects, when not where the pool does (a pool behind PgBouncer's transaction mode). */
  connection?: pg.ClientConfig;
}

/** The bus for this database, listening once it resolves. */
export async function openEventBus(pool: pg.Pool, options: ChooseEventBusOptions = {}): Promise<EventBus> {
  if (await isEmbeddedDatabase(pool)) return createInProcessEventBus(options);
  const bus = createPostgresEventBus({ pool, ...options });
  await bus.ready;
  return bus;
}

/**
 * The same choice for a caller that cannot wait (the portal's default when the host passes no
 * bus): subscriptions are taken at once and handed to the real bus when it is open; publishing
 * waits for it.
 */
export function lazyEventBus(pool: pg.Pool, options: ChooseEventBusOptions = {}): EventBus {
  const opening = openEventBus(pool, options);
  // A failed detection is reported when used; until then it must not be an unhandled rejection.
  opening.catch((err: unknown) => (options.onError ?? console.error)('could not open the event bus', err));
  let closed = false;
  return {
    async publish(channel, payload) {
      await (await opening).publish(channel, payload);
    },
    subscribe(channel: string, handler: EventHandler) {
      let unsubscribe: (() => void) | null = null;
      let cancelled = false;
      void opening.then(
        (bus) => {
          if (!cancelled && !closed) unsubscribe = bus.subscribe(channel, handler);
        },
        () => {},
      );
      return () => {
        cancelled = true;
        unsubscribe?.();
      };
    },
    async close() {
      closed = true;
      await (await opening.catch(() => null))?.close();
    },
  };
}
