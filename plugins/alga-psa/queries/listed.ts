// The portal's index of the invoices and quotes each client sees, in list order, in the portal's
// own tables (portal_alga_listed_records and portal_alga_listed_scans; Alga's tables are never
// altered). Alga indexes invoices by tenant and id only, and quotes by client but not by date, so
// a client's lists (newest first, a page at a time) and unpaid invoices otherwise read every
// invoice and quote the client ever had: ten years of history on every page.
//
// Kept by a scan of the tenant's invoices and quotes (scanListed) in the binding's background pass
// (news.ts), never in a client's request: it adds what Alga issued or sent, drops what it deleted,
// drafted again or moved to another client, and notes each row's status; and by the client's
// answer to a quote from the portal, which notes the quote's new status in its transaction.
// Read (listedRows): the client's rows in list order, each looked up in Alga's table by primary key
// and kept only while it is still the client's, at the same date, and the caller's filters hold
// there, so values and statuses are always Alga's current ones. What waits for the next pass (a
// few minutes, the pass that tells the client of it): an invoice issued or a quote sent after the
// last scan, and one whose date Alga changed.
// Until a tenant's first scan (a fresh install, the minutes after migrate) the lists read Alga's
// tables as before the index: nothing is missed, only slower for a client with a long history.
import type { Knex } from 'knex';
import type { Db } from './db.ts';

export type ListedKind = 'invoice' | 'quote';

/** Which rows of one Alga table a client sees, and in what order: what a scan copies. */
export interface ListedSource {
  kind: ListedKind;
  table: 'invoices' | 'quotes';
  id: 'invoice_id' | 'quote_id';
  /** The list's order, newest first (the record id breaks ties). */
  sortAt: 'invoice_date' | 'created_at';
  /** SQL over the table aliased s: the rows a client may see in some state. */
  visible: string;
  /** SQL over the table aliased s: a row awaiting the client. */
  open: string;
}

const RECORDS = 'portal_alga_listed_records';
const SCANS = 'portal_alga_listed_scans';
/** Rows added or dropped by one scan past which the table is analyzed. */
const ANALYZE_AFTER = 1_000;

/**
 * One scan of a tenant's table: the listed records made equal to what Alga holds now, in one
 * statement (one snapshot). Reads every visible row of the tenant, as nothing in Alga's schema
 * finds a client's rows in date order: a background pass's work. The two sides meet in a full
 * join, which PostgreSQL runs as a hash or merge join whatever it believes of their sizes (a
 * freshly filled table has no statistics yet), and only the differences are written.
 */
export async function scanListed(
  db: Db,
  tenant: string,
  source: ListedSource,
): Promise<{ added: number; dropped: number; changed: number }> {
  const { kind, table, id, sortAt } = source;
  const result = await db.raw<{ rows: Array<{ added: number; dropped: number; changed: number }> }>(
    `with live as materialized (
       select s.client_id, s.${sortAt} as sort_at, s.${id} as record_id, s.status, coalesce(${source.open}, false) as open
         from ${table} s
        where s.tenant = :tenant and s.client_id is not null and s.status is not null and (${source.visible})
     ), kept as materialized (
       select k.client_id, k.sort_at, k.record_id, k.status, k.open from ${RECORDS} k where k.tenant = :tenant and k.kind = :kind
     ), diff as materialized (
       select l.client_id, l.sort_at, l.record_id, l.status, l.open,
              k.client_id as kept_client_id, k.sort_at as kept_sort_at, k.record_id as kept_record_id
         from live l full join kept k on k.record_id = l.record_id and k.client_id = l.client_id and k.sort_at = l.sort_at
        where l.record_id is null or k.record_id is null or (k.status, k.open) is distinct from (l.status::text, l.open)
     ), dropped as (
       delete from ${RECORDS} k using diff d
        where d.record_id is null and k.tenant = :tenant and k.kind = :kind
          and k.client_id = d.kept_client_id and k.sort_at = d.kept_sort_at and k.record_id = d.kept_record_id
       returning 1
     ), changed as (
       update ${RECORDS} k set status = d.status, open = d.open from diff d
        where d.record_id is not null and d.kept_record_id is not null and k.tenant = :tenant and k.kind = :kind
          and k.client_id = d.kept_client_id and k.sort_at = d.kept_sort_at and k.record_id = d.kept_record_id
       returning 1
     ), added as (
       insert into ${RECORDS} (tenant, kind, client_id, sort_at, record_id, status, open)
       select :tenant, :kind, d.client_id, d.sort_at, d.record_id, d.status, d.open from diff d where d.kept_record_id is null
       on conflict do nothing
       returning 1
     ), scanned as (
       insert into ${SCANS} (tenant, kind, scanned_at) values (:tenant, :kind, now())
       on conflict (tenant, kind) do update set scanned_at = excluded.scanned_at
     )
     select (select count(*) from added)::int as added, (select count(*) from dropped)::int as dropped,
            (select count(*) from changed)::int as changed`,
    { tenant, kind },
  );
  const row = result.rows[0];
  const counts = { added: Number(row?.added ?? 0), dropped: Number(row?.dropped ?? 0), changed: Number(row?.changed ?? 0) };
  // A first fill (or a large import) changes the table's size many times over: its statistics
  // follow at once, so the reads' plans do not wait for autovacuum.
  if (counts.added + counts.dropped > ANALYZE_AFTER) await db.raw(`analyze ${RECORDS}`);
  return counts;
}

/**
 * Notes a record's status as the portal just wrote it in Alga for the client (a quote answered),
 * in the write's transaction: a count that trusts the listed records past the newest is right at
 * once after the client's own act.
 */
export async function noteListedStatus(
  db: Db,
  source: ListedSource,
  args: { tenant: string; recordId: string; status: string; open: boolean },
): Promise<void> {
  await db(RECORDS)
    .where({ tenant: args.tenant, kind: source.kind, record_id: args.recordId })
    .update({ status: args.status, open: args.open });
}

/** Whether the tenant's table has been scanned: a subquery for whereExists / whereNotExists. */
export function scanned(db: Db, tenant: string, kind: ListedKind): Knex.QueryBuilder {
  return db(SCANS).select(db.raw('1')).where({ tenant, kind });
}

/**
 * A client's rows of `source` as Alga's rows aliased `alias`, found through the listed records in
 * list order (k.sort_at desc, k.record_id desc is the order the index gives) and each re-checked by
 * primary key: still the client's and at the same date. Empty until the tenant's first scan.
 * `candidates` narrows the records read: 'open' those awaiting the client at the scan (the
 * partial index), or the statuses wanted together with the open ones (which Alga may have moved
 * to any of them since). The caller adds Alga's own conditions on the alias.
 * OFFSET 0 keeps the re-check one primary-key read per record: without it PostgreSQL may turn it
 * into a join that reads the client's whole history.
 */
export function listedRows(
  db: Db,
  source: ListedSource,
  args: {
    tenant: string;
    clientId: string;
    alias: string;
    candidates?: 'open' | readonly string[];
    /** Only the first this many records in list order (for a count that reads those live: recordsPast). */
    first?: number;
  },
): Knex.QueryBuilder {
  const { alias } = args;
  const records =
    args.first === undefined
      ? db(`${RECORDS} as k`)
      : db.from(
          inListOrder(listedRecords(db, source, args))
            .limit(args.first)
            .as('k'),
        );
  const query = records.joinRaw(
    `cross join lateral (select * from ${source.table} ${alias}
                          where ${alias}.tenant = k.tenant and ${alias}.${source.id} = k.record_id
                            and ${alias}.client_id = k.client_id and ${alias}.${source.sortAt} = k.sort_at offset 0) as ${alias}`,
  );
  return args.first === undefined ? listedRecords(db, source, args, query) : query;
}

/** A client's listed records of `source` (aliased k) of the candidates asked for, once the tenant has been scanned. */
function listedRecords(
  db: Db,
  source: ListedSource,
  args: { tenant: string; clientId: string; candidates?: 'open' | readonly string[] },
  query: Knex.QueryBuilder = db(`${RECORDS} as k`),
): Knex.QueryBuilder {
  const { candidates } = args;
  query
    .where({ 'k.tenant': args.tenant, 'k.kind': source.kind, 'k.client_id': args.clientId })
    .whereExists(scanned(db, args.tenant, source.kind));
  if (candidates === 'open') query.where('k.open', true);
  else if (candidates) query.where((q) => q.whereIn('k.status', candidates).orWhere('k.open', true));
  return query;
}

const inListOrder = (query: Knex.QueryBuilder) =>
  query.orderBy([
    { column: 'k.sort_at', order: 'desc' },
    { column: 'k.record_id', order: 'desc' },
  ]);

/**
 * A client's records (all, or those awaiting it at the scan) past the first `skip` in list order,
 * which a count reads live through listedRows' `first`, one row each (`limit` at most), as the
 * scan left them: for a count of thousands, right within the news pass's interval. The caller
 * checks the client's own rule once.
 */
export function recordsPast(
  db: Db,
  source: ListedSource,
  args: { tenant: string; clientId: string; skip: number; limit: number; candidates?: 'open' },
): Knex.QueryBuilder {
  // The limit in the subquery itself: with an offset alone the planner may sort every record of
  // the client rather than walk the index, not seeing the count's limit outside.
  return db.from(
    inListOrder(listedRecords(db, source, args))
      .offset(args.skip)
      .limit(args.limit)
      .select(db.raw('1'))
      .as('past'),
  );
}

/** The keyset of listedRows' rows, in the order its index gives them (for pageBefore). */
export const LISTED_KEY = { at: 'k.sort_at', id: 'k.record_id' } as const;

/** Parts of one read (each a page or a count of Alga's rows, as one query) as one set of rows, aliased u. */
export function unionOf(db: Db, parts: readonly Knex.QueryBuilder[]): Knex.QueryBuilder {
  return db.from(db.raw(`(${parts.map(() => '(?)').join(' union all ')}) as u`, [...parts]));
}

/**
 * A page newest first on `key` (a timestamp and an id, from Alga's row or the listed record): the
 * rows before the keyset `before`, one more than `limit` so the caller knows whether another follows.
 */
export function pageBefore(
  query: Knex.QueryBuilder,
  key: { at: string; id: string },
  args: { before?: { at: string; id: string } | null; limit: number },
): Knex.QueryBuilder {
  if (args.before)
    query.andWhereRaw(`(${key.at}, ${key.id}) < ((?::timestamp at time zone 'UTC'), ?::uuid)`, [args.before.at, args.before.id]);
  return query
    .orderBy([
      { column: key.at, order: 'desc' },
      { column: key.id, order: 'desc' },
    ])
    .limit(args.limit + 1);
}
