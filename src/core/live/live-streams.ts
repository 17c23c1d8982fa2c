// The live (SSE) streams open on this instance: so shutdown can end them with a reconnect hint (the
// browser's EventSource, and htmx's SSE extension, comes back after `retry` milliseconds, by then to
// another instance behind the load balancer, and replays what it missed by Last-Event-ID); so a
// session that ended (signed out, signed out everywhere, a new password, a disabled client user or
// staff account) takes its streams with it; so one session or one address cannot hold more than its share; and
// so one timer sends every stream's keep-alive, rather than a timer per stream.
//
// The caps are counted in this process only, not across instances: a stream holds no row anywhere
// (that is what keeps an idle one cheap), and a browser opens its streams on whichever instance the
// load balancer picks, so the cap per instance bounds what one session or address costs each of them.
import type { Request } from 'express';
import type { HostStaffUser } from '../ports/host.ts';

/** Why a stream ends: the instance stops, the session ended, or the person's access changed (the browser reconnects under it). */
export type StreamEnd = 'shutdown' | 'session-ended' | 'access-changed';

/** Who holds a stream, for the caps and for ending it with its session. */
export interface StreamHolder {
  /** What the per-session cap counts: the hashed session id of a client, the staff user for the inbox. */
  session: string;
  /** The request's address (req.ip, which honours `trust proxy`); null when unknown. */
  ip: string | null;
  /**
   * A client's stream ends with its session (see stream-sessions.ts), and, where the host keeps
   * client permissions, once the host's grants to the person's contact differ from those it opened
   * under (`grants`: the pairs sorted and joined).
   */
  client?: { workspaceId: string; clientUserId: string; sidHash: string; host?: { contactId: string; grants: string } };
  /** A staff member's stream ends with the host's sign-in it opened under, as the host read it then. */
  staff?: HostStaffUser;
}

export interface StreamCaps {
  perSession: number;
  perIp: number;
}

type StreamSlot = { ok: true; release: () => void } | { ok: false; cap: 'session' | 'ip' };

export interface OpenClientStream {
  client: NonNullable<StreamHolder['client']>;
  end: (why: StreamEnd) => void;
}

export interface OpenStaffStream {
  /** What the per-session cap counts: one staff session's streams share it. */
  session: string;
  staff: HostStaffUser;
  end: (why: StreamEnd) => void;
}

export interface LiveStreams {
  /**
   * Takes a slot for a stream within the caps and registers its way to end; the slot is released by
   * the returned function. Refused (nothing registered) when the session or the address holds its cap.
   */
  add(holder: StreamHolder, end: (why: StreamEnd) => void, keepAlive?: () => void): StreamSlot;
  readonly size: number;
  /** The open streams of clients, optionally of one client user only. */
  clientStreams(of?: { workspaceId: string; clientUserId: string }): OpenClientStream[];
  /** The open streams of staff members, optionally of one staff member only. */
  staffStreams(of?: { workspaceId: string; staffId: string }): OpenStaffStream[];
  /** Ends every open stream (each writes its retry hint first); new streams are refused from now on. */
  endAll(): void;
  readonly closing: boolean;
}

/** How long a browser waits before reconnecting after shutdown ended its stream. */
export const SHUTDOWN_RETRY_MS = 1_000;

const DEFAULT_STREAM_CAPS: StreamCaps = { perSession: 5, perIp: 50 };

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 25_000;

interface Entry {
  holder: StreamHolder;
  end: (why: StreamEnd) => void;
  keepAlive: (() => void) | undefined;
  done: () => void;
}

export function createLiveStreams(hooks: { opened?: () => () => void; caps?: StreamCaps; heartbeatMs?: number } = {}): LiveStreams {
  const caps = hooks.caps ?? DEFAULT_STREAM_CAPS;
  const open = new Set<Entry>();
  // Runs only while a stream is open.
  let heartbeat: NodeJS.Timeout | null = null;
  const stopHeartbeat = () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
  };
  const beat = () => {
    for (const entry of open) entry.keepAlive?.();
  };
  const bySession = new Map<string, number>();
  const byIp = new Map<string, number>();
  let closing = false;
  const up = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const down = (counts: Map<string, number>, key: string) => {
    const left = (counts.get(key) ?? 1) - 1;
    if (left > 0) counts.set(key, left);
    else counts.delete(key);
  };
  return {
    add(holder, end, keepAlive) {
      if ((bySession.get(holder.session) ?? 0) >= caps.perSession) return { ok: false, cap: 'session' };
      if (holder.ip !== null && (byIp.get(holder.ip) ?? 0) >= caps.perIp) return { ok: false, cap: 'ip' };
      const entry: Entry = { holder, end, keepAlive, done: hooks.opened?.() ?? (() => {}) };
      open.add(entry);
      if (!heartbeat) {
        heartbeat = setInterval(beat, hooks.heartbeatMs ?? HEARTBEAT_MS);
        heartbeat.unref();
      }
      up(bySession, holder.session);
      if (holder.ip !== null) up(byIp, holder.ip);
      return {
        ok: true,
        release() {
          if (!open.delete(entry)) return;
          if (open.size === 0) stopHeartbeat();
          entry.done();
          down(bySession, holder.session);
          if (holder.ip !== null) down(byIp, holder.ip);
        },
      };
    },
    get size() {
      return open.size;
    },
    clientStreams(of) {
      const found: OpenClientStream[] = [];
      for (const { holder, end } of open) {
        const client = holder.client;
        if (!client || (of && (client.workspaceId !== of.workspaceId || client.clientUserId !== of.clientUserId))) continue;
        found.push({ client, end });
      }
      return found;
    },
    staffStreams(of) {
      const found: OpenStaffStream[] = [];
      for (const { holder, end } of open) {
        const staff = holder.staff;
        if (!staff || (of && (staff.workspaceId !== of.workspaceId || staff.id !== of.staffId))) continue;
        found.push({ session: holder.session, staff, end });
      }
      return found;
    },
    get closing() {
      return closing;
    },
    endAll() {
      closing = true;
      for (const { end } of [...open]) end('shutdown');
      stopHeartbeat();
    },
  };
}

// The streams of the portal that took the request, set by its request middleware: the stream code
// sits below route handlers that have no reason to carry it.
const byRequest = new WeakMap<Request, LiveStreams>();

export function attachLiveStreams(req: Request, streams: LiveStreams): void {
  byRequest.set(req, streams);
}

export function liveStreamsOf(req: Request): LiveStreams | undefined {
  return byRequest.get(req);
}
