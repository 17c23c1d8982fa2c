// Ends the client streams whose session no longer signs anyone in: at once when the bus says a
// client user's sessions ended (on any instance), and for every open stream on one shared timer,
// which catches what no event announced (a NOTIFY missed while the LISTEN connection was down, a
// session expired or deleted by hand). One timer and one query per sweep for all streams, not one
// per stream: an idle stream costs no timer of its own. Also ends a person's streams when the bus
// says their access changed (role, overrides): the browser reconnects under the new access. Where
// the host keeps client permissions (a role changed in the host announces nothing here), each sweep
// also reads the host's grants to the streams' contacts, one question per workspace, and ends the
// streams opened under other grants: a role change in the host ends them within one sweep.
//
// A staff member's streams follow the host's sign-in the same way, through the host's answer
// (StaffPort.stillSignedIn) rather than a table of ours: at once when the host says they signed out
// (STAFF_SIGNED_OUT, on any instance), and on a shorter timer of their own, since what a CRM does
// in another process (Dolibarr disabling an account, changing its password, disconnecting its
// sessions) announces nothing here. One question to the host per sweep for every staff session
// streaming on this instance (one query, however many tabs and people), so a sweep every few
// seconds costs the same with one stream open as with fifty.
import type { Knex } from 'knex';
import { RECONNECTED_CHANNEL, type EventBus } from '../events/event-bus.ts';
import { mayUsePortal } from '../policies/portal-policy.ts';
import { findStreamSessions } from '../sessions/queries.ts';
import { SESSIONS_ENDED, STAFF_SIGNED_OUT } from '../sessions/session-events.ts';
import { ACCESS_CHANGED } from '../access/access-events.ts';
import type { HostClientPermissionsPort, StaffPort } from '../ports/host.ts';
import type { LiveStreams, OpenClientStream, OpenStaffStream } from './live-streams.ts';

// Sessions asked about in one query: bounds the statement's parameter on an instance with many streams.
const SESSIONS_PER_QUERY = 500;

export interface StreamSessionWatch {
  /** Checks the given streams now (all open client streams when omitted); ends those whose session is over. */
  check(streams?: OpenClientStream[]): Promise<void>;
  /** Checks the given staff streams now (all open staff streams when omitted) with the host; ends those it no longer signs in. */
  checkStaff(streams?: OpenStaffStream[]): Promise<void>;
  close(): void;
}

/** The host's grants as one comparable text: the pairs sorted and joined. */
export function grantsKey(grants: ReadonlySet<string>): string {
  return [...grants].sort().join(' ');
}

/** Ends the streams whose contact the host now grants other than it did when they opened; one question per workspace. */
async function endOnHostChange(host: HostClientPermissionsPort, streams: OpenClientStream[]): Promise<void> {
  const byWorkspace = new Map<string, OpenClientStream[]>();
  for (const stream of streams) {
    const group = byWorkspace.get(stream.client.workspaceId);
    if (group) group.push(stream);
    else byWorkspace.set(stream.client.workspaceId, [stream]);
  }
  for (const [workspaceId, group] of byWorkspace) {
    for (let from = 0; from < group.length; from += SESSIONS_PER_QUERY) {
      const batch = group.slice(from, from + SESSIONS_PER_QUERY);
      const now = await host.of(workspaceId, [...new Set(batch.map((s) => s.client.host!.contactId))]);
      for (const stream of batch) {
        const { contactId, grants } = stream.client.host!;
        if (grantsKey(now.get(contactId) ?? new Set()) !== grants) stream.end('access-changed');
      }
    }
  }
}

export function watchStreamSessions(deps: {
  db: Knex;
  bus: EventBus;
  streams: LiveStreams;
  intervalMs: number;
  /** The host's answer for a staff stream's sign-in; without it staff streams end only on STAFF_SIGNED_OUT. */
  staff: Pick<StaffPort, 'stillSignedIn'>;
  staffIntervalMs: number;
  /** The host's client permissions, where it keeps them: streams opened under other grants end. */
  hostPermissions?: HostClientPermissionsPort;
  now: () => Date;
  onError: (message: string, err: unknown) => void;
}): StreamSessionWatch {
  async function check(open: OpenClientStream[] = deps.streams.clientStreams()): Promise<void> {
    // Streams still signed in that carry the host's grants they opened under.
    const held: OpenClientStream[] = [];
    for (let from = 0; from < open.length; from += SESSIONS_PER_QUERY) {
      const batch = open.slice(from, from + SESSIONS_PER_QUERY);
      const rows = await findStreamSessions(deps.db, [...new Set(batch.map((s) => s.client.sidHash))], deps.now());
      const live = new Map(rows.map((row) => [row.sid, row]));
      for (const stream of batch) {
        const row = live.get(stream.client.sidHash);
        const signedIn =
          row !== undefined &&
          row.workspace_id === stream.client.workspaceId &&
          row.client_user_id === stream.client.clientUserId &&
          row.status !== null &&
          mayUsePortal(row.status);
        if (!signedIn) stream.end('session-ended');
        else if (stream.client.host) held.push(stream);
      }
    }
    if (held.length > 0 && deps.hostPermissions) await endOnHostChange(deps.hostPermissions, held);
  }
  // A failed check (the database away) keeps the streams: the next sweep asks again.
  const checkQuietly = (streams?: OpenClientStream[]) =>
    check(streams).catch((err: unknown) => deps.onError('could not check the sessions of live streams', err));

  let sweeping = false;
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    void checkQuietly().finally(() => (sweeping = false));
  };
  const timer = setInterval(sweep, deps.intervalMs);
  timer.unref();

  async function checkStaff(open: OpenStaffStream[] = deps.streams.staffStreams()): Promise<void> {
    const stillSignedIn = deps.staff.stillSignedIn?.bind(deps.staff);
    if (!stillSignedIn) return;
    const bySession = new Map<string, OpenStaffStream[]>();
    for (const stream of open) {
      const group = bySession.get(stream.session);
      if (group) group.push(stream);
      else bySession.set(stream.session, [stream]);
    }
    if (bySession.size === 0) return;
    const groups = [...bySession.values()];
    const answers = await stillSignedIn(groups.map((streams) => streams[0]!.staff));
    groups.forEach((streams, i) => {
      if (answers[i] === true) return;
      for (const stream of streams) stream.end('session-ended');
    });
  }
  const checkStaffQuietly = (streams?: OpenStaffStream[]) =>
    checkStaff(streams).catch((err: unknown) => deps.onError('could not check the sign-in of staff live streams', err));
  let sweepingStaff = false;
  const sweepStaff = () => {
    if (sweepingStaff || deps.streams.staffStreams().length === 0) return;
    sweepingStaff = true;
    void checkStaffQuietly().finally(() => (sweepingStaff = false));
  };
  const staffTimer = deps.staff.stillSignedIn ? setInterval(sweepStaff, deps.staffIntervalMs) : undefined;
  staffTimer?.unref();

  const unsubscribe = [
    deps.bus.subscribe(SESSIONS_ENDED, (payload) => {
      const { workspaceId, clientUserId } = payload as { workspaceId?: unknown; clientUserId?: unknown };
      if (typeof workspaceId !== 'string' || typeof clientUserId !== 'string') return;
      const streams = deps.streams.clientStreams({ workspaceId, clientUserId });
      if (streams.length > 0) void checkQuietly(streams);
    }),
    // Streams are held to the access they opened with: a change ends them, and the browser comes back under the new one.
    deps.bus.subscribe(ACCESS_CHANGED, (payload) => {
      const { workspaceId, clientUserIds } = payload as { workspaceId?: unknown; clientUserIds?: unknown };
      if (typeof workspaceId !== 'string' || !Array.isArray(clientUserIds)) return;
      for (const clientUserId of clientUserIds) {
        if (typeof clientUserId !== 'string') continue;
        for (const stream of deps.streams.clientStreams({ workspaceId, clientUserId })) stream.end('access-changed');
      }
    }),
    deps.bus.subscribe(STAFF_SIGNED_OUT, (payload) => {
      const { workspaceId, staffId } = payload as { workspaceId?: unknown; staffId?: unknown };
      if (typeof workspaceId !== 'string' || typeof staffId !== 'string') return;
      const streams = deps.streams.staffStreams({ workspaceId, staffId });
      if (streams.length === 0) return;
      if (deps.staff.stillSignedIn) return void checkStaffQuietly(streams);
      // A host that cannot say which of the person's sessions ended: every stream of theirs ends
      // with a reconnect hint, and the staff chain lets back only the browsers still signed in.
      for (const stream of streams) stream.end('access-changed');
    }),
    // Events may have been missed while the LISTEN connection was down: check everything now.
    deps.bus.subscribe(RECONNECTED_CHANNEL, () => {
      sweep();
      sweepStaff();
    }),
  ];

  return {
    check,
    checkStaff,
    close() {
      clearInterval(timer);
      clearInterval(staffTimer);
      for (const off of unsubscribe) off();
    },
  };
}
