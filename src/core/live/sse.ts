// One browser's live stream (text/event-stream). It holds no database connection while open: it
// subscribes to the bus (one LISTEN connection per app instance, shared by every stream), replays
// from portal_live_events what the browser missed (after its Last-Event-ID, or the number the page
// was rendered at), then passes on each new event. htmx's SSE extension sends Last-Event-ID when it
// reconnects; every event carries its sequence number as its id.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { EventBus } from '../events/event-bus.ts';
import { RECONNECTED_CHANNEL } from '../events/postgres-event-bus.ts';
import { latestLiveSeq, listLiveEventsAfter } from './queries.ts';
import { requestMeta } from '../http/request-meta.ts';
import { HEARTBEAT_MS, liveStreamsOf, SHUTDOWN_RETRY_MS, type StreamEnd, type StreamHolder } from './live-streams.ts';
import type { LiveEvent } from './live-events.ts';

const REPLAY_LIMIT = 500;

export interface LiveStreamOptions {
  db: Knex;
  bus: EventBus;
  workspaceId: string;
  /** One client's events, or null for every client of the workspace (the agency's inbox). */
  clientId: string | null;
  channel: string;
  /**
   * Without a Last-Event-ID or an `after`, start at the newest event instead of replaying the
   * whole log: for pages that render without looking up where the log stands (it saves them a query;
   * what happens between the render and the connection is not replayed).
   */
  startAtLatest?: boolean;
  onError?: (message: string, err: unknown) => void;
  /** Who holds the stream: what the caps count, and (for a client) the session it ends with. */
  holder: Omit<StreamHolder, 'ip'>;
  /**
   * Whether an event may be sent now, asked of every event (live or replayed) just before it is
   * written: a client's stream sends only what the workspace's switches show the client now.
   */
  visible?: (event: LiveEvent) => boolean | Promise<boolean>;
}

function givenResumePoint(req: Request): string | null {
  const header = req.get('Last-Event-ID');
  const query = typeof req.query.after === 'string' ? req.query.after : undefined;
  for (const candidate of [header, query]) {
    if (candidate && /^\d{1,18}$/.test(candidate)) return candidate;
  }
  return null;
}

const frame = (event: LiveEvent) =>
  `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify({ clientId: event.clientId, ...event.data })}\n\n`;

/** What a refused stream is told, and when to try again: by then a tab may have closed its own. */
const TOO_MANY_STREAMS = 'Too many live connections are open. Close another tab or window of the portal and try again.';
const TOO_MANY_STREAMS_RETRY_S = 30;

const noRelease = () => {};

export async function openLiveStream(req: Request, res: Response, options: LiveStreamOptions): Promise<void> {
  const streams = liveStreamsOf(req);
  const keepAlive = () => void res.write(': keep-alive\n\n');
  let endStream: (why: StreamEnd) => void = () => {};
  let release = noRelease;
  if (streams && !streams.closing) {
    // Taken before anything is written, so a refusal is a plain 429 the browser can read.
    const slot = streams.add({ ...options.holder, ip: requestMeta(req).ip }, (why) => endStream(why), keepAlive);
    if (!slot.ok) {
      res
        .status(429)
        .set({ 'Retry-After': String(TOO_MANY_STREAMS_RETRY_S), 'Cache-Control': 'no-store' })
        .type('text/plain')
        .send(TOO_MANY_STREAMS);
      return;
    }
    release = slot.release;
  }

  const given = givenResumePoint(req);
  let last = BigInt(given ?? '0');
  let replaying = true;
  const held: LiveEvent[] = [];
  let closed = false;

  const send = (event: LiveEvent) => {
    if (closed || BigInt(event.seq) <= last) return;
    last = BigInt(event.seq);
    res.write(frame(event));
  };

  // Events wait here, in order, while one of them is being checked: a check that has to load the
  // workspace's settings must not let a later event overtake it (the later one would then move
  // `last` past it and it would be dropped as already sent).
  const waiting: LiveEvent[] = [];
  let checking = false;
  const verdictOf = (event: LiveEvent): boolean | Promise<boolean> => {
    if (!options.visible) return true;
    try {
      return options.visible(event);
    } catch (err) {
      options.onError?.('a live event could not be checked; it was not sent', err);
      return false;
    }
  };
  const drain = () => {
    while (!checking && waiting.length > 0 && !closed) {
      const event = waiting[0]!;
      const verdict = verdictOf(event);
      if (typeof verdict === 'boolean') {
        waiting.shift();
        if (verdict) send(event);
        continue;
      }
      checking = true;
      verdict
        .then(
          (ok) => ok && send(event),
          (err: unknown) => options.onError?.('a live event could not be checked; it was not sent', err),
        )
        .finally(() => {
          waiting.shift();
          checking = false;
          drain();
        });
    }
    if (closed) waiting.length = 0;
  };
  const deliver = (event: LiveEvent) => {
    if (closed) return;
    waiting.push(event);
    drain();
  };

  const onEvent = (payload: object) => {
    const event = payload as LiveEvent;
    if (event.workspaceId !== options.workspaceId || (options.clientId !== null && event.clientId !== options.clientId)) return;
    if (replaying) held.push(event);
    else deliver(event);
  };
  // Subscribed before the replay query, so nothing falls between the two.
  const unsubscribe = options.bus.subscribe(options.channel, onEvent);
  // After the LISTEN connection came back, events of the gap are in the table: replay them.
  const unsubscribeReconnect = options.bus.subscribe(
    RECONNECTED_CHANNEL,
    () => void replay().catch((err: unknown) => options.onError?.('a live stream could not replay what was missed', err)),
  );
  // The registry's one timer keeps registered streams alive; only a stream outside it needs its own.
  const heartbeat = release === noRelease ? setInterval(keepAlive, HEARTBEAT_MS) : undefined;
  heartbeat?.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    unsubscribeReconnect();
    release();
  };
  req.on('close', close);
  res.on('close', close);
  // A browser that left while the request was on its way fired 'close' before anyone listened: its
  // slot must not stay taken against the caps.
  if (!res.socket || res.socket.destroyed) close();
  endStream = (why) => {
    if (closed) return;
    // Shutdown sends the browser on to another instance soon, and a change of access back to this
    // one under the new rules (replaying what it missed); an ended session has nothing to come back to.
    if (why === 'shutdown' || why === 'access-changed') res.write(`retry: ${SHUTDOWN_RETRY_MS}\n\n`);
    close();
    res.end();
  };

  async function replay() {
    const rows = await listLiveEventsAfter(
      options.db,
      { workspaceId: options.workspaceId, clientId: options.clientId },
      last.toString(),
      REPLAY_LIMIT,
    );
    for (const row of rows)
      deliver({ seq: row.seq, type: row.type, workspaceId: options.workspaceId, clientId: row.client_id, data: row.data });
  }

  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
    Connection: 'keep-alive',
  });
  res.flushHeaders();
  // Browsers wait this long before reconnecting by themselves (htmx has its own backoff too).
  res.write('retry: 2000\n\n');
  // An instance shutting down sends newcomers straight on to another one.
  if (streams?.closing) return endStream('shutdown');
  try {
    if (given === null && options.startAtLatest) {
      // Later than the subscription above, so an event in between may be skipped: see startAtLatest.
      const latest = BigInt(await latestLiveSeq(options.db, { workspaceId: options.workspaceId, clientId: options.clientId }));
      if (latest > last) last = latest;
    }
    await replay();
  } catch (err) {
    // Headers are sent: end the stream and let the browser reconnect (and replay) later.
    close();
    res.end();
    options.onError?.('a live stream could not replay what was missed', err);
    return;
  } finally {
    replaying = false;
    for (const event of held.splice(0)) deliver(event);
  }
  // A plain GET (no EventSource, no htmx): what was missed, then the end. Live pages ask for the stream.
  if (!(req.get('Accept') ?? '').includes('text/event-stream')) {
    close();
    res.end();
  }
}
