// Where each ticket of a tenant sorts in its client's ticket list, in the portal's own tables
// (portal_alga_ticket_order and portal_alga_ticket_order_scans; Alga's tables are never altered):
// its client, whether it is closed and its last activity (ticket-activity.ts) as of the last scan,
// indexed by client and activity, and for the open ones alone. Alga indexes tickets neither by
// client nor by date, and a ticket's activity is its threads', so without this every page of a
// client's list, and the dashboard's counts, read every ticket of the tenant and probed each one's
// threads: 1.4 s a page of the open tab and 7.5 s of all, for a client with 95,000 tickets among
// 200,000.
//
// Kept by:
//  - the news pass (scanTicketOrder), one statement per tenant: the rows made equal to the
//    tenant's tickets, writing only what changed;
//  - the portal's own writes of a client's act (a ticket opened, a message, closing and reopening:
//    queries/tickets.ts), which note the ticket's row as it now is in their transaction.
// Read (keptTickets; queries/tickets.ts reads each row live): the client's rows walked newest
// first from the page's keyset down the index, each read in Alga's tickets by primary key and
// kept while it is still the client's and matches the list's filters, until the page is full.
// Every row shown is read live: its status, title and activity are Alga's at the moment of the
// read. The open count reads the most recently active kept rows live (COUNTED_LIVE) and counts
// the rest as the scan left them, for a contact who reads every board (queries/tickets.ts).
//
// What waits for the next scan (5 minutes at most): Alga's tables hold nothing that finds, without
// reading the tenant's tickets, what changed since a moment (no index by date on tickets, comments
// or threads), so what the agency does in Alga lists from the next pass: a ticket staff opened for
// the client, a ticket moved to the client; a ticket staff answered or changed sorts by its
// activity at the scan, and the open and closed tabs find it by its state at the scan (never under
// one it no longer has: the live row is checked). The pass that reorders the list is the one that
// tells the client of the agency's answers, so a client told of an answer finds its ticket first.
// Until a tenant's first scan (a fresh install, the minutes after migrate) the list reads Alga's
// tickets as before, so nothing is ever missed, only slower.
import type { Knex } from 'knex';
import type { Db } from './db.ts';
import { activityWith, CLOSED, LAST_ACTIVITY, VISIBLE_THREADS } from './ticket-activity.ts';

const ORDER = 'portal_alga_ticket_order';
const SCANS = 'portal_alga_ticket_order_scans';

/** The tenant's tickets as the order keeps them, from Alga's tickets aliased t and their statuses aliased s. */
const KEPT_COLUMNS = `t.ticket_id, t.client_id, ${CLOSED} as closed, ${LAST_ACTIVITY} as last_activity`;
const STATUS_JOIN = 'left join statuses s on s.tenant = t.tenant and s.status_id = t.status_id';

/** A ticket the scan found closed that the last scan kept open, with no status change in Alga's activity timeline since. */
export interface UnloggedClosing {
  ticket_id: string;
  client_id: string;
  ticket_number: string | null;
  title: string;
}

/**
 * One scan of a tenant: the order made equal to its tickets, in one statement (one snapshot).
 * Reads every ticket of the tenant and groups its visible threads: a background pass's work,
 * writing only what changed. Answers too the closings no activity row tells of: tickets of an
 * active client kept open and found closed, without a status change in ticket_audit_logs since the
 * last scan (Alga's updateTicket closes a ticket writing none). The portal's own closings note
 * their row at once, so they are never among them; nor is anything on a tenant's first scan.
 */
export async function scanTicketOrder(db: Db, tenant: string): Promise<{ written: number; dropped: number; closings: UnloggedClosing[] }> {
  const result = await db.raw<{ rows: Array<{ written: number; dropped: number; closings: UnloggedClosing[] | null }> }>(
    `with latest as (
       -- The tenant's visible threads grouped by ticket in one pass (a probe of each ticket's
       -- threads, as a page reads one ticket's, cost seconds at a million threads).
       select ct.ticket_id, max(ct.last_activity_at) as at from ${VISIBLE_THREADS} and ct.tenant = :tenant
        group by ct.ticket_id
     ), live as materialized (
       select t.ticket_id, t.client_id, ${CLOSED} as closed, ${activityWith('m.at')} as last_activity
         from tickets t ${STATUS_JOIN} left join latest m on m.ticket_id = t.ticket_id
        where t.tenant = :tenant
     ), kept as materialized (
       select o.ticket_id, o.client_id, o.closed, o.last_activity from ${ORDER} o where o.tenant = :tenant
     ), dropped as (
       delete from ${ORDER} o
        where o.tenant = :tenant and not exists (select 1 from live l where l.ticket_id = o.ticket_id)
       returning 1
     ), written as (
       -- Compared with the rows read before this statement writes any (as the proposal order's scan).
       insert into ${ORDER} (tenant, ticket_id, client_id, closed, last_activity)
       select :tenant, l.ticket_id, l.client_id, l.closed, l.last_activity from live l
        where not exists (select 1 from kept k
                           where k.ticket_id = l.ticket_id and k.client_id = l.client_id and k.closed = l.closed
                             and k.last_activity = l.last_activity)
       on conflict (tenant, ticket_id) do update
         set client_id = excluded.client_id, closed = excluded.closed, last_activity = excluded.last_activity
       returning 1
     ), closings as (
       select t.ticket_id, t.client_id, t.ticket_number, t.title
         from live l
         join kept k on k.ticket_id = l.ticket_id and not k.closed
         join tickets t on t.tenant = :tenant and t.ticket_id = l.ticket_id
         join clients c on c.tenant = t.tenant and c.client_id = t.client_id and coalesce(c.is_inactive, false) = false
        where l.closed
          and not exists (select 1 from ticket_audit_logs a
                           where a.tenant = :tenant and a.ticket_id = l.ticket_id
                             and a.changes -> 'status_id' ->> 'new' is not null
                             and a.occurred_at >= coalesce((select p.scanned_at from ${SCANS} p where p.tenant = :tenant), '-infinity'))
     ), scanned as (
       insert into ${SCANS} (tenant, scanned_at) values (:tenant, now())
       on conflict (tenant) do update set scanned_at = excluded.scanned_at
     )
     select (select count(*) from written)::int as written, (select count(*) from dropped)::int as dropped,
            (select json_agg(closings) from closings) as closings`,
    { tenant },
  );
  const row = result.rows[0];
  return { written: Number(row?.written ?? 0), dropped: Number(row?.dropped ?? 0), closings: row?.closings ?? [] };
}

/**
 * Notes a ticket's row as the portal just wrote it for the client, in the write's transaction: a
 * ticket the client opens, answers, closes or reopens takes its place in their list at once.
 */
export async function noteTicketOrder(trx: Db, args: { tenant: string; ticketId: string }): Promise<void> {
  await trx.raw(
    `insert into ${ORDER} (tenant, ticket_id, client_id, closed, last_activity)
     select t.tenant, ${KEPT_COLUMNS} from tickets t ${STATUS_JOIN} where t.tenant = ? and t.ticket_id = ?
     on conflict (tenant, ticket_id) do update
       set client_id = excluded.client_id, closed = excluded.closed, last_activity = excluded.last_activity`,
    [args.tenant, args.ticketId],
  );
}

/** Whether the tenant's tickets have been scanned into the order (SQL, bound to the tenant). */
const SCANNED = `exists (select 1 from ${SCANS} s where s.tenant = ?)`;

/**
 * The client's kept rows (portal_alga_ticket_order aliased o; the ticket o.ticket_id, sorting by
 * o.last_activity) of the state asked for at the scan, before the keyset: for a caller that reads
 * each one live and walks them newest first (o.last_activity desc, o.ticket_id desc: the index's
 * order) until its page is full. Empty until the tenant's first scan.
 */
export function keptTickets(
  db: Db,
  args: { tenant: string; clientId: string; closed: boolean | null; before: { at: string; id: string } | null },
): Knex.QueryBuilder {
  const query = db(`${ORDER} as o`).where({ 'o.tenant': args.tenant, 'o.client_id': args.clientId }).whereRaw(SCANNED, [args.tenant]);
  // The first page too starts from a keyset (past every ticket): a bound on the index's own
  // columns keeps the walk down the index where the table's statistics are stale.
  if (args.before)
    query.whereRaw(`(o.last_activity, o.ticket_id) < ((?::timestamp at time zone 'UTC'), ?::uuid)`, [args.before.at, args.before.id]);
  else query.whereRaw(`(o.last_activity, o.ticket_id) < ('infinity'::timestamptz, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)`);
  // Written into the text, so the planner sees the open rows' partial index applies.
  if (args.closed === false) query.whereRaw('not o.closed');
  if (args.closed === true) query.whereRaw('o.closed');
  return query;
}

/**
 * Before the tenant's first scan (a fresh install, the minutes after migrate): the query (of the
 * client's tickets in Alga's table, as the list read them before the portal kept an order) only
 * until then.
 */
export function beforeFirstScan(query: Knex.QueryBuilder, tenant: string): Knex.QueryBuilder {
  return query.whereRaw(`not ${SCANNED}`, [tenant]);
}
