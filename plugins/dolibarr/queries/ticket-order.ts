// Where each ticket of an entity sorts in its company's ticket list, in the portal's own tables
// (portal_dolibarr_ticket_order and portal_dolibarr_ticket_order_scans; llx_ticket and
// llx_actioncomm are never altered): its company, status and last activity (the newest of its
// creation, Dolibarr's last change, its closing and its newest public message) as of the last
// scan, indexed by company and activity, by company, status and activity, and, for the open ones,
// by company and activity alone. llx_ticket is indexed by company but holds no activity (a message
// is an llx_actioncomm row, which does not touch the ticket), so without this every page of a
// company's list, and every count of its open tickets, read each of its tickets and probed its
// messages: 0.37 s a page for a company with 95,000 tickets.
//
// Kept by:
//  - the news pass (scanTicketOrder), one statement per entity: the rows made equal to the
//    entity's tickets, writing only what changed, and the highest llx_ticket rowid and
//    llx_actioncomm id of the same snapshot noted;
//  - the portal's own writes of a client's act that change a ticket's status (close, reopen, an
//    answer that moves it back to in progress: queries/tickets.ts), which note the ticket's row as
//    it now is in their transaction.
// Read (keptTickets, newerTickets; queries/tickets.ts puts them together): the company's kept rows
// walked newest first from the page's keyset down the index, each read live in llx_ticket by
// rowid and kept while it is still the company's and matches the list's filters, until the page
// is full; with them the tickets opened after the scan (past its rowid high water) and those with
// a public message written after it (past its id high water), few and read by primary key, which
// sort by their live activity. Every row shown is read live: its status, subject and activity are
// Dolibarr's at the moment of the read. The dashboard's counts read the most recently active kept
// rows live (COUNTED_LIVE) and count the rest as the scan left them (queries/tickets.ts).
//
// What waits for the next scan (5 minutes at most):
//  - a ticket whose row Dolibarr changed without a message (a status set on the card, an edited
//    subject) sorts by its activity at the scan; a status filter finds it under the status of the
//    scan (never under one it no longer has: the live row is checked);
//  - a ticket moved to another company, or opened or answered in a transaction that commits while
//    a scan runs, lists under its company from then (it never lists under the one it left).
// Until an entity's first scan (a fresh install, the minutes after migrate) the list reads the
// company's tickets in llx_ticket as before, so nothing is ever missed, only slower.
import type { Knex } from 'knex';
import type { Db } from './db.ts';
import { ACTIVITY_SQL, activityWith, PUBLIC_MESSAGES_SQL } from './ticket-activity.ts';

const ORDER = 'portal_dolibarr_ticket_order';
const SCANS = 'portal_dolibarr_ticket_order_scans';

/** At most this many tickets and messages newer than the scan are read in a request; the next scan takes the rest. */
const NEWER_THAN_SCAN_LIMIT = 10_000;

/**
 * The kept sort key of the llx_ticket row aliased t (ticket-activity.ts), with `activity` its
 * activity's SQL: a ticket with no date at all sorts last.
 */
const sortKey = (activity: string) => `coalesce(${activity}, '-infinity'::timestamp)`;

/**
 * One scan of an entity: the order made equal to its llx_ticket and llx_actioncomm, and both high
 * waters noted, in one statement (one snapshot, so no ticket or message falls between the rows and
 * the high waters). Reads every ticket of the entity and groups its public messages: a background
 * pass's work, writing only what changed (the whole pass, with the proposals' and the statuses'
 * scans: 4 s at 1,000,000 proposals and 200,000 tickets with 1,000,000 messages, 17 s the first).
 */
export async function scanTicketOrder(db: Db, entity: number): Promise<{ written: number; dropped: number }> {
  const result = await db.raw<{ rows: Array<{ written: number; dropped: number }> }>(
    `with latest as (
       select a.fk_element, max(a.datep) as datep from llx_actioncomm a
        where a.entity = :entity and a.elementtype = 'ticket' and a.code in ${PUBLIC_MESSAGES_SQL}
        group by a.fk_element
     ), tickets as materialized (
       select t.rowid, t.fk_soc, coalesce(t.fk_statut, 0) as fk_statut, ${sortKey(activityWith('m.datep'))} as activity
         from llx_ticket t left join latest m on m.fk_element = t.rowid
        where t.entity = :entity and t.fk_soc is not null
     ), ordered_before as materialized (
       select o.fk_ticket, o.fk_soc, o.fk_statut, o.activity from ${ORDER} o where o.entity = :entity
     ), dropped as (
       delete from ${ORDER} o
        where o.entity = :entity and not exists (select 1 from tickets t where t.rowid = o.fk_ticket)
       returning 1
     ), written as (
       -- Compared with the rows read before this statement writes any: compared with the table
       -- itself, a first fill could probe, for each row it inserts, every row inserted before it.
       insert into ${ORDER} (entity, fk_ticket, fk_soc, fk_statut, activity)
       select :entity, t.rowid, t.fk_soc, t.fk_statut, t.activity from tickets t
        where not exists (select 1 from ordered_before o
                           where o.fk_ticket = t.rowid and o.fk_soc = t.fk_soc and o.fk_statut = t.fk_statut and o.activity = t.activity)
       on conflict (entity, fk_ticket) do update
         set fk_soc = excluded.fk_soc, fk_statut = excluded.fk_statut, activity = excluded.activity
       returning 1
     ), scanned as (
       insert into ${SCANS} (entity, high_water, message_high_water, scanned_at)
       select :entity, (select coalesce(max(rowid), 0) from llx_ticket), (select coalesce(max(id), 0) from llx_actioncomm), now()
       on conflict (entity) do update
         set high_water = excluded.high_water, message_high_water = excluded.message_high_water, scanned_at = excluded.scanned_at
     )
     select (select count(*) from written)::int as written, (select count(*) from dropped)::int as dropped`,
    { entity },
  );
  const row = result.rows[0];
  return { written: Number(row?.written ?? 0), dropped: Number(row?.dropped ?? 0) };
}

/**
 * Notes a ticket's row as the portal just wrote it for the client, in the write's transaction: a
 * client's own close or reopen moves it in their list at once.
 */
export async function noteTicketOrder(trx: Db, args: { entity: number; rowid: number }): Promise<void> {
  await trx.raw(
    `insert into ${ORDER} (entity, fk_ticket, fk_soc, fk_statut, activity)
     select t.entity, t.rowid, t.fk_soc, coalesce(t.fk_statut, 0),
            ${sortKey(ACTIVITY_SQL)}
       from llx_ticket t where t.rowid = ? and t.entity = ? and t.fk_soc is not null
     on conflict (entity, fk_ticket) do update
       set fk_soc = excluded.fk_soc, fk_statut = excluded.fk_statut, activity = excluded.activity`,
    [args.rowid, args.entity],
  );
}

/** Which of the company's kept rows a list walks: all of them, or those of some statuses (or not of some), at the scan. */
export type KeptStatuses = { all: true } | { notIn: readonly number[] } | { in: readonly number[] };

/** Whether the entity's tickets have been scanned into the order (SQL, bound to the entity). */
const SCANNED = `exists (select 1 from ${SCANS} s where s.entity = ?)`;

/**
 * The rowids of the tickets opened after the entity's scan (past its rowid high water) and of
 * those with a public message written after it (past its id high water), each part read by
 * primary key, at most NEWER_THAN_SCAN_LIMIT of each: the company's among them, with others'.
 */
function newerThanScan(entity: number, companyId: number): { sql: string; bindings: Knex.RawBinding[] } {
  return {
    sql: `select n.rowid from (select t.rowid, t.entity, t.fk_soc from llx_ticket t
                                 where t.rowid > (select s.high_water from ${SCANS} s where s.entity = ?)
                                 order by t.rowid limit ${NEWER_THAN_SCAN_LIMIT}) n
           where n.entity = ? and n.fk_soc = ?
          union
          select a.fk_element from (select m.fk_element, m.entity, m.elementtype, m.code from llx_actioncomm m
                                     where m.id > (select s.message_high_water from ${SCANS} s where s.entity = ?)
                                     order by m.id limit ${NEWER_THAN_SCAN_LIMIT}) a
           where a.entity = ? and a.elementtype = 'ticket' and a.code in ${PUBLIC_MESSAGES_SQL} and a.fk_element is not null`,
    bindings: [entity, entity, companyId, entity, entity],
  };
}

/**
 * The company's kept rows (portal_dolibarr_ticket_order aliased o, the rowid o.fk_ticket, sorting
 * by o.activity) of the statuses asked for at the scan, before the keyset, but for those newer
 * than the scan (which newerTickets gives): for a caller that reads each one live and walks them
 * newest first (o.activity desc, o.fk_ticket desc: the index's order) until its page is full.
 * Empty until the entity's first scan.
 */
export function keptTickets(
  db: Db,
  args: { entity: number; companyId: number; kept: KeptStatuses; before: { at: string; rowid: number } | null },
): Knex.QueryBuilder {
  const from = args.before ?? { at: 'infinity', rowid: MAX_ROWID };
  const newer = newerThanScan(args.entity, args.companyId);
  const query = db(`${ORDER} as o`)
    .where({ 'o.entity': args.entity, 'o.fk_soc': args.companyId })
    // The first page too starts from a keyset (past every ticket): a bound on the index's own
    // columns keeps the walk down the index where the table's statistics are stale.
    .whereRaw('(o.activity, o.fk_ticket) < (?::timestamp, ?)', [from.at, from.rowid])
    .whereRaw(SCANNED, [args.entity])
    .whereRaw(`o.fk_ticket not in (${newer.sql})`, newer.bindings);
  // The statuses written into the text, so the planner sees the open rows' partial index applies.
  const statuses = (list: readonly number[]) => list.map((status) => String(Math.trunc(Number(status)))).join(', ');
  if ('notIn' in args.kept) query.whereRaw(`o.fk_statut not in (${statuses(args.kept.notIn)})`);
  if ('in' in args.kept) query.whereRaw(`o.fk_statut in (${statuses(args.kept.in)})`);
  return query;
}

/**
 * The other candidates of a company's list, aliased c (the rowid c.rowid), sorting by their live
 * activity: the tickets newer than the entity's scan (newerThanScan). Empty until the first scan.
 */
export function newerTickets(db: Db, args: { entity: number; companyId: number }): Knex.QueryBuilder {
  const newer = newerThanScan(args.entity, args.companyId);
  return db.from(db.raw(`(${newer.sql}) as c`, newer.bindings));
}

/**
 * Before the entity's first scan (a fresh install, the minutes after migrate): the query (of the
 * company's tickets in llx_ticket, as the list read them before the portal kept an order) only
 * until then.
 */
export function beforeFirstScan(query: Knex.QueryBuilder, entity: number): Knex.QueryBuilder {
  return query.whereRaw(`not ${SCANNED}`, [entity]);
}

/** Past every rowid: the first page's keyset, so even it walks the index down from a bound. */
const MAX_ROWID = 2_147_483_647;
