// The event bus on real PostgreSQL: NOTIFY through the pool, and one dedicated LISTEN connection
// per app instance (a pg.Client outside every pool, so it is never handed to a query and never
// sits behind PgBouncer's transaction mode). All events share one PostgreSQL channel; the portal's
// channel name travels in the message, so subscribing needs no further LISTEN.
//
// Local subscribers get an event at once, from publish(); the instance then ignores its own
// notification (tagged with a random instance id), so nothing is delivered twice.
//
// When the LISTEN connection drops (restart, failover, an idle-connection reaper) it reconnects with
// backoff and listens again. Events sent while it was away are lost, so subscribers are told on the
// `events.reconnected` channel (local only) and caches drop everything they hold.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { checkChannel, LocalSubscribers, MAX_PAYLOAD_BYTES, RECONNECTED_CHANNEL, type EventBus } from './event-bus.ts';
import { listen, notify, PG_CHANNEL } from './queries.ts';

export { RECONNECTED_CHANNEL };

export interface PostgresEventBusOptions {
  /** NOTIFY goes through this pool. */
  pool: pg.Pool;
  /** Where the LISTEN connection goes; defaults to the pool's own connection settings. */
  connection?: pg.ClientConfig;
  onError?: (message: string, err: unknown) => void;
  /** First and longest wait between reconnection attempts. */
  backoffMs?: { min: number; max: number };
}

export interface PostgresEventBus extends EventBus {
  /** Settles once the first LISTEN is in place (it never rejects: failures go to reconnection). */
  readonly ready: Promise<void>;
  /** Whether the LISTEN connection is up right now. */
  readonly listening: boolean;
}

interface Envelope {
  i: string; // the publishing instance
  c: string; // the portal channel
  p: object; // the payload
}

export function createPostgresEventBus(options: PostgresEventBusOptions): PostgresEventBus {
  const onError = options.onError ?? ((message, err) => console.error(`[events] ${message}`, err));
  const backoff = options.backoffMs ?? { min: 100, max: 5_000 };
  const connection: pg.ClientConfig = {
    ...(options.connection ?? (options.pool.options as pg.ClientConfig)),
    application_name: 'customer-portal-events',
  };
  const instance = randomBytes(8).toString('hex');
  const subscribers = new LocalSubscribers((channel, err) => onError(`a subscriber of ${channel} failed`, err));

  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let listeningBefore = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== PG_CHANNEL || !message.payload) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message.payload) as Envelope;
    } catch (err) {
      return onError('an event that is not JSON was ignored', err);
    }
    if (envelope.i === instance || typeof envelope.c !== 'string') return;
    subscribers.deliver(envelope.c, envelope.p);
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    const wait = Math.min(backoff.max, backoff.min * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, wait);
    retryTimer.unref();
  };

  const lost = (which: pg.Client, err?: unknown) => {
    if (client !== which) return; // an old client reporting late
    client = null;
    listening = false;
    if (closed) return;
    if (err) onError('the LISTEN connection was lost; reconnecting', err);
    which.removeAllListeners('notification');
    which.end().catch(() => {});
    scheduleReconnect();
  };

  async function connect(): Promise<void> {
    if (closed) return;
    const next = new pg.Client(connection);
    client = next;
    // Without an 'error' listener a dropped connection would crash the process.
    next.on('error', (err) => lost(next, err));
    next.on('end', () => lost(next));
    next.on('notification', onNotification);
    try {
      await next.connect();
      await listen(next);
      if (closed || client !== next) {
        await next.end().catch(() => {});
        return;
      }
      const wasReconnect = attempt > 0 || listeningBefore;
      listening = true;
      listeningBefore = true;
      attempt = 0;
      markReady();
      if (wasReconnect) subscribers.deliver(RECONNECTED_CHANNEL, {});
    } catch (err) {
      if (client === next) {
        onError('could not LISTEN; retrying', err);
        lost(next);
      }
    }
  }
  void connect();

  return {
    ready,
    get listening() {
      return listening;
    },
    async publish(channel, payload) {
      checkChannel(channel);
      const message = JSON.stringify({ i: instance, c: channel, p: payload } satisfies Envelope);
      const bytes = Buffer.byteLength(message);
      if (bytes > MAX_PAYLOAD_BYTES) throw new RangeError(`event payload of ${bytes} bytes on ${channel} is over ${MAX_PAYLOAD_BYTES}`);
      if (closed) return;
      subscribers.deliver(channel, JSON.parse(JSON.stringify(payload)) as object);
      await notify(options.pool, message);
    },
    subscribe(channel, handler) {
      checkChannel(channel);
      return subscribers.add(channel, handler);
    },
    async close() {
      closed = true;
      markReady();
      if (retryTimer) clearTimeout(retryTimer);
      subscribers.clear();
      const current = client;
      client = null;
      listening = false;
      if (current) await current.end().catch(() => {});
    },
  };
}
