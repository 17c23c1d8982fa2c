// The statuses of client tickets the portal last saw (portal_dolibarr_ticket_statuses), so that a
// status set anywhere in Dolibarr is news once. Ticket::close and Ticket::assignUser leave an agenda
// event where the agenda's setup asks, but the status menu of the ticket card
// (CommonObject::setStatut, htdocs/core/class/commonobject.class.php) only updates
// llx_ticket.fk_statut: no trigger, no event, and on PostgreSQL no tms (llx_ticket has no update
// trigger there). So every status change is found the one way that sees them all: llx_ticket
// compared with what the portal saw, and numbered; the news cursor reads past the numbers.
//
// Kept by:
//  - the news pass (scanTicketStatuses), one statement per entity: a ticket first seen is noted
//    (not news: the portal knew no status before it); a status that differs is updated and given
//    the next change number. At most a batch of each per pass; the rest is found at the next.
//  - the portal's own writes of a client's act (queries/tickets.ts: close, reopen, a client's
//    answer moving the ticket back to IN_PROGRESS), which note the new status in their transaction
//    and give it no number: the client is not told of what they did.
// Never an index or a column on llx_ticket: it is read by entity (idx_ticket_entity) and rowid.
import { clientCompanyIds, type Db } from './db.ts';

const BATCH = 500;

/** The number of the newest change seen in the entity ('0' for none): a first read starts there. */
export async function ticketStatusStart(db: Db, entity: number): Promise<string> {
  const row = await db('portal_dolibarr_ticket_statuses').where({ entity }).max<{ max: string | null }>('change as max').first();
  return String(row?.max ?? 0);
}

/**
 * Compares the entity's client tickets with what the portal saw: notes the tickets first seen and
 * numbers the statuses that changed (a batch of each at most). Resolves with how many changed.
 */
export async function scanTicketStatuses(db: Db, entity: number): Promise<number> {
  const result = await db.raw<{ rows: Array<{ changed: number }> }>(
    `with tickets as materialized (
       select t.rowid, coalesce(t.fk_statut, 0) as fk_statut from llx_ticket t
        where t.entity = :entity and t.fk_soc in :companies
     ), known as materialized (
       select s.fk_ticket, s.fk_statut from portal_dolibarr_ticket_statuses s where s.entity = :entity
     ), differing as (
       select t.rowid, t.fk_statut from tickets t join known k on k.fk_ticket = t.rowid
        where k.fk_statut <> t.fk_statut order by t.rowid limit :batch
     ), changed as (
       update portal_dolibarr_ticket_statuses s set fk_statut = d.fk_statut, change = default
         from differing d
        where s.entity = :entity and s.fk_ticket = d.rowid
       returning 1
     ), seen as (
       insert into portal_dolibarr_ticket_statuses (entity, fk_ticket, fk_statut, change)
       select :entity, t.rowid, t.fk_statut, 0 from tickets t
        where not exists (select 1 from known k where k.fk_ticket = t.rowid)
        order by t.rowid limit :batch
       on conflict do nothing
     )
     select (select count(*) from changed)::int as changed`,
    { entity, companies: clientCompanyIds(db, entity), batch: BATCH },
  );
  return Number(result.rows[0]?.changed ?? 0);
}

export interface TicketStatusRow {
  /** The ticket's rowid. */
  rowid: number;
  fk_soc: number;
  ref: string;
  subject: string | null;
  /** The change's number, as text: the position. */
  at: string;
}

/** The status changes numbered after the position, on tickets still of a client company; oldest first, a batch at most. */
export function ticketStatusChangesSince(db: Db, entity: number, after: string): Promise<TicketStatusRow[]> {
  return db('portal_dolibarr_ticket_statuses as s')
    .join('llx_ticket as t', function joinTicket() {
      this.on('t.rowid', '=', 's.fk_ticket').andOn('t.entity', '=', 's.entity');
    })
    .where('s.entity', entity)
    .andWhere('s.change', '>', after)
    .whereIn('t.fk_soc', clientCompanyIds(db, entity))
    .orderBy('s.change')
    .limit(BATCH)
    .select<TicketStatusRow[]>('t.rowid', 't.fk_soc', 't.ref', 't.subject', db.raw('s.change::text as at'));
}

/**
 * Notes the ticket's status as the portal just wrote it for the client (in the write's
 * transaction), without a change number: what the client did is not news to them. A change seen
 * before and not read yet keeps its number.
 */
export async function noteTicketStatus(trx: Db, args: { entity: number; rowid: number }): Promise<void> {
  await trx.raw(
    `insert into portal_dolibarr_ticket_statuses (entity, fk_ticket, fk_statut, change)
     select t.entity, t.rowid, coalesce(t.fk_statut, 0), 0 from llx_ticket t where t.rowid = ? and t.entity = ?
     on conflict (entity, fk_ticket) do update set fk_statut = excluded.fk_statut`,
    [args.rowid, args.entity],
  );
}
