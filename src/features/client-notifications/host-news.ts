// Reads what a host that cannot call the portal (a CRM in another process or language) issued and
// sent, through its news port, and tells the client's people as a host's own call would. Every
// few minutes each instance goes through the workspaces with an active client user; one instance
// at a time reads a workspace (a conditional update claims it), from the cursor the last read
// left (the first read from where the portal began to follow the workspace). Telling is once per
// person, kind, record and occurrence (each answer on a ticket is one), so an item read twice (the
// adapter reads a little before its cursor; a read that stopped half-way is read again) tells no
// one twice. The cursor moves only after everything read was told. A ticket the agency answered
// also refreshes the client's open pages, with the live event a host's own call sends (core/live/host-changes.ts).
import type { Knex } from 'knex';
import { announceHostChange, type EventBus, type ParsedHostChange, type PortalLogger } from '../../core/index.ts';
import type { HostNewsPort } from './port.ts';
import { claimHostNews, saveHostNewsCursor, workspacesWithActivePeople } from './queries.ts';
import type { ClientEvent } from './events.ts';

const KIND_OF = {
  invoice: 'invoice_issued',
  proposal: 'offer_sent',
  quotation: 'offer_sent',
  task: 'task_assigned',
  ticket: 'ticket_answered',
  appointment: 'appointment_answered',
  order: 'order_shipped',
  contract: 'allowance_nearly_used',
} as const;

/** How long a claimed read stays its instance's: a little under the pass's interval. */
const CLAIM_MS = 4 * 60_000;

export interface HostNewsDeps {
  db: Knex;
  news: HostNewsPort;
  /** Where the live events of answered tickets go. */
  events: EventBus;
  notify(event: ClientEvent): Promise<number>;
  /** A ticket changed: resolved by the agency, its opener is invited to the satisfaction survey (tickets feature). */
  ticketChanged?: (workspaceId: string, clientId: string, ticketId: string) => Promise<number>;
  /** The appointment's answer told for the first time: its calendar email (features/appointments). */
  appointmentAnswered?(change: ParsedHostChange): Promise<unknown>;
  now: () => Date;
  logger: PortalLogger;
}

export function createHostNewsReader(deps: HostNewsDeps) {
  const { db, news, now, logger } = deps;

  /** One workspace's read; resolves with how many people were told, or null when another instance has it. */
  async function readWorkspace(workspaceId: string): Promise<number | null> {
    const at = now();
    const claimed = await claimHostNews(db, workspaceId, at, new Date(at.getTime() - CLAIM_MS));
    if (claimed === undefined) return null;
    const { items, cursor: next } = await news.since(workspaceId, claimed.cursor, claimed.startedAt);
    let told = 0;
    for (const item of items) {
      if (item.kind === 'ticket' || item.kind === 'appointment')
        await announceHostChange(
          { db, bus: deps.events, onError: (message, err) => logger.error(message, err) },
          { workspaceId, clientId: item.clientId, kind: item.kind, id: item.id },
        );
      const toldNow = await deps.notify({
        workspaceId,
        clientId: item.clientId,
        kind: KIND_OF[item.kind],
        subjectType: item.kind,
        subjectId: item.id,
        title: item.title || null,
        number: item.number || null,
        contactId: item.kind === 'task' ? (item.contactId ?? null) : null,
        occurrence: item.occurrence ?? null,
      });
      told += toldNow;
      if (item.kind === 'ticket' && deps.ticketChanged) told += await deps.ticketChanged(workspaceId, item.clientId, item.id);
      // As for a host's own call: the calendar email goes with the first telling of each answer.
      if (item.kind === 'appointment' && toldNow > 0 && deps.appointmentAnswered)
        await deps
          .appointmentAnswered({
            workspaceId,
            clientId: item.clientId,
            kind: 'appointment',
            id: item.id,
            happened: 'answered',
            ...(item.contactId ? { contactId: item.contactId } : {}),
            ...(item.occurrence ? { occurrence: item.occurrence } : {}),
          })
          .catch((err: unknown) => logger.error('could not email an appointment’s answer', err));
    }
    await saveHostNewsCursor(db, workspaceId, next);
    return told;
  }

  /** A pass over every workspace with someone to tell; resolves with how many people were told. */
  async function run(): Promise<number> {
    let told = 0;
    for (const workspaceId of await workspacesWithActivePeople(db)) {
      try {
        told += (await readWorkspace(workspaceId)) ?? 0;
      } catch (err) {
        // One workspace's failure (a host query refused) must not stop the others'.
        logger.error(`reading the host's news for workspace ${workspaceId} failed`, err);
      }
    }
    return told;
  }

  return { run, readWorkspace };
}
