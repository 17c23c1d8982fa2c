// Live updates: typed events about one client, recorded in portal_live_events (inside the
// transaction of the change they describe) and then announced on the event bus. The bus carries
// them to every app instance; each instance's open streams (sse.ts) pass them to browsers.
//
// Channels: one per client (`live.client.<workspace>.<client>`), which the client's pages follow,
// and one per workspace (`live.staff.<workspace>`), which the agency's inbox follows. A new kind of
// change (a task done, a document shared) is one more `type` on the same channels.
import type { EventBus } from '../events/event-bus.ts';
import type { Knex } from 'knex';
import { insertLiveEvent } from './queries.ts';

export type LiveEventType =
  | 'message-created'
  | 'message-read'
  | 'conversation-changed'
  // A task marked done or reopened (by the client here, or by staff in the host).
  | 'task-changed'
  // A document uploaded, deleted, opened by staff, or shared by the host.
  | 'document-changed'
  // A comment added on a proposal, quotation or invoice thread.
  | 'comment-created'
  // A support ticket opened, answered, replied to or moved to another status (either side).
  | 'ticket-changed'
  // A service or quote request sent by the client, or answered or moved on by the agency.
  | 'request-changed'
  // An appointment asked for or cancelled by the client, or confirmed, declined or moved by the agency.
  | 'appointment-changed';

export interface LiveEvent {
  seq: string;
  type: LiveEventType | string;
  workspaceId: string;
  clientId: string;
  /** Ids only, never message text: a hint for the page to fetch what changed through its own routes. */
  data: Record<string, unknown>;
}

export const clientChannel = (workspaceId: string, clientId: string) => `live.client.${workspaceId}.${clientId}`;
export const staffChannel = (workspaceId: string) => `live.staff.${workspaceId}`;

/** Records the event in the caller's transaction; announce() it once that transaction committed. */
export async function recordLiveEvent(trx: Knex | Knex.Transaction, event: Omit<LiveEvent, 'seq'>): Promise<LiveEvent> {
  const seq = await insertLiveEvent(trx, { workspaceId: event.workspaceId, clientId: event.clientId, type: event.type, data: event.data });
  return { ...event, seq };
}

export async function announce(bus: EventBus, events: LiveEvent[]): Promise<void> {
  for (const event of events) {
    await bus.publish(clientChannel(event.workspaceId, event.clientId), event);
    await bus.publish(staffChannel(event.workspaceId), event);
  }
}

/**
 * For a change that is not written in a portal transaction (it went through the host adapter):
 * records its event on its own, then announces it. A failure is logged, never thrown: the change
 * itself is done, and pages catch up on reload.
 */
export async function recordAndAnnounce(
  db: Knex,
  bus: EventBus,
  event: Omit<LiveEvent, 'seq'>,
  onError: (message: string, err: unknown) => void,
): Promise<void> {
  try {
    await announce(bus, [await recordLiveEvent(db, event)]);
  } catch (err) {
    onError('could not record or announce a live event', err);
  }
}
