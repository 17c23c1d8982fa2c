// ---- The portal's index of unpaid invoices ------------------------------------------------------
// The invoices each company has not paid yet, in the portal's own tables
// (portal_dolibarr_unpaid_invoices and portal_dolibarr_unpaid_scans; llx_facture itself is never
// altered). llx_facture is indexed by company and by status, each alone: a company's unpaid
// invoices there were found by combining both indexes whole (every invoice the company ever had,
// every unpaid one of the entity) on every first view of the dashboard after a change: 27 ms for a
// company of 100,000 invoices among a million.
//
// Kept by:
//  - a scan of the entity's llx_facture (scanUnpaidInvoices) in the binding's background pass
//    (news.ts), never in a client's request: it adds what Dolibarr's own pages drafted or
//    validated, drops what they closed, abandoned or deleted, and notes the highest rowid it saw;
//  - a payment from the portal, which drops the invoice it closes in the same transaction
//    (payments.ts).
// Read: the company's unpaid rows and the invoices created after the scan, each looked up in
// llx_facture by primary key and kept only while it is still the company's, validated and unpaid
// there, so a row the next scan will drop never shows a paid invoice as unpaid. The count reads
// them all (at most the dashboard's limit); the list of unpaid invoices walks the company's rows
// newest first down their date index (date_key, the invoice's date at the scan, by which it sorts
// until the next one) until its page is full, so its first page reads a page of invoices, not
// every unpaid one the entity has. Drafts are kept with the validated ones so that an invoice
// drafted before a scan and validated after it counts at once. What waits for the next scan: a
// paid or abandoned invoice reopened in Dolibarr, and one whose creation commits while a scan
// runs.
import type { Knex } from 'knex';
import type { Db } from './db.ts';
import { INVOICE_DATE_KEY, INVOICE_VALIDATED, invoiceColumns, invoicePage, type InvoiceRow } from './invoices.ts';
import { INVOICE_DRAFT, invoicesSeenAmong, LISTED_TYPES } from './visibility.ts';

/**
 * How many invoices created after the last scan a read looks at, at most. Between two scans there
 * are a few; a pass that stopped running for days costs each read this many index reads, not more
 * (past them, an import of thousands of invoices is found from the next scan on).
 */
const NEWER_THAN_SCAN_LIMIT = 10_000;

/**
 * The rowids of the company's invoices created after the entity's scan (past its high water, read
 * by primary key, NEWER_THAN_SCAN_LIMIT at most), bound by name (:entity, :companyId, :newest).
 * None until the first scan: the high water is null then.
 */
const NEWER_THAN_SCAN = `select r.rowid from (select f.rowid, f.entity, f.fk_soc from llx_facture f
                           where f.rowid > (select s.high_water from portal_dolibarr_unpaid_scans s where s.entity = :entity)
                           order by f.rowid limit :newest) r
      where r.entity = :entity and r.fk_soc = :companyId`;

/** Whether the entity has been scanned (SQL, bound to the entity). */
const SCANNED = 'exists (select 1 from portal_dolibarr_unpaid_scans s where s.entity = ?)';

/** llx_facture.rowid is an integer: no invoice's is higher. */
const MAX_ROWID = 2_147_483_647;

/**
 * One scan of an entity: the unpaid set made equal to what llx_facture holds now (`added` counts
 * the rows written, new or dated again), and the high water noted, in one statement (one
 * snapshot, so no invoice falls between the rows and the high water). Reads the entity's unpaid invoices through Dolibarr's status index: a background pass's
 * work, writing only what changed since the last scan.
 */
export async function scanUnpaidInvoices(db: Db, entity: number): Promise<{ added: number; dropped: number }> {
  const result = await db.raw<{ rows: Array<{ added: number; dropped: number }> }>(
    `with unpaid as materialized (
       select f.fk_soc, f.rowid, ${INVOICE_DATE_KEY} as date_key from llx_facture f
        where f.entity = :entity and f.fk_soc is not null and f.fk_statut in (:draft, :validated) and f.paye = 0
          and f.type in (${LISTED_TYPES.join(', ')})
     ), high_water as (
       select coalesce(max(rowid), 0) as rowid from llx_facture
     ), dropped as (
       delete from portal_dolibarr_unpaid_invoices o
        where o.entity = :entity and not exists (select 1 from unpaid u where u.rowid = o.fk_facture and u.fk_soc = o.fk_soc)
       returning 1
     ), added as (
       -- A new row, or a kept one whose date changed (a draft dated again on validation).
       insert into portal_dolibarr_unpaid_invoices (entity, fk_soc, fk_facture, date_key)
       select :entity, u.fk_soc, u.rowid, u.date_key from unpaid u
       on conflict (entity, fk_soc, fk_facture) do update set date_key = excluded.date_key
         where portal_dolibarr_unpaid_invoices.date_key <> excluded.date_key
       returning 1
     ), scanned as (
       insert into portal_dolibarr_unpaid_scans (entity, high_water, scanned_at)
       select :entity, h.rowid, now() from high_water h
       on conflict (entity) do update set high_water = excluded.high_water, scanned_at = excluded.scanned_at
     )
     select (select count(*) from added)::int as added, (select count(*) from dropped)::int as dropped`,
    { entity, draft: INVOICE_DRAFT, validated: INVOICE_VALIDATED },
  );
  const row = result.rows[0];
  return { added: Number(row?.added ?? 0), dropped: Number(row?.dropped ?? 0) };
}

/**
 * The rowids among which a company's unpaid invoices are: once the entity has been scanned, its
 * unpaid rows and those created after the scan (read by primary key from the high water, the
 * company's among them); until the first scan (a fresh install, the minutes after migrate) the
 * company's validated and unpaid invoices read in llx_facture as before the index, so nothing is
 * ever missed, only slower for a company with a long history. The three parts never overlap: a
 * scan writes its rows and its high water from one snapshot.
 */
function unpaidCandidates(db: Db, args: { entity: number; companyId: number }) {
  return db.raw(
    `select o.fk_facture as rowid from portal_dolibarr_unpaid_invoices o
      where o.entity = :entity and o.fk_soc = :companyId
        and exists (select 1 from portal_dolibarr_unpaid_scans s where s.entity = :entity)
     union all
     ${NEWER_THAN_SCAN}
     union all
     select f.rowid from llx_facture f
      where f.entity = :entity and f.fk_soc = :companyId and f.fk_statut = :validated and f.paye = 0
        and not exists (select 1 from portal_dolibarr_unpaid_scans s where s.entity = :entity)`,
    { entity: args.entity, companyId: args.companyId, validated: INVOICE_VALIDATED, newest: NEWER_THAN_SCAN_LIMIT },
  );
}

/**
 * A company's unpaid invoices its contacts see, as llx_facture rows aliased f: each candidate read
 * through visibility.ts (invoicesSeenAmong, the rule of invoicesSeenBy by primary key) and kept
 * while validated and unpaid (invoices.ts's open state).
 */
export function unpaidInvoicesSeenBy(db: Db, args: { entity: number; companyId: number }): Knex.QueryBuilder {
  return invoicesSeenAmong(db, args, { from: db.from(db.raw('(?) as c', [unpaidCandidates(db, args)])), rowid: 'c.rowid' }).where({
    'f.fk_statut': INVOICE_VALIDATED,
    'f.paye': 0,
  });
}

/** Drops an invoice a payment from the portal closed, in the payment's transaction. */
export async function dropUnpaidInvoice(db: Db, args: { entity: number; companyId: number; invoiceId: number }): Promise<void> {
  await db('portal_dolibarr_unpaid_invoices').where({ entity: args.entity, fk_soc: args.companyId, fk_facture: args.invoiceId }).delete();
}

/**
 * A page of the company's unpaid invoices its contacts see (the list's open tab and the dashboard's
 * first rows), newest first from the keyset, and one row more, in one statement: the company's
 * kept rows walked down their date index, each read through visibility.ts and kept while still
 * validated and unpaid, until the page is full; with them the invoices created after the scan,
 * sorting by their live date. Until the entity's first scan, the list's own read of llx_facture.
 */
export async function listUnpaidInvoices(
  db: Db,
  args: { entity: number; companyId: number; before: { date: string; rowid: number } | null; limit: number },
): Promise<InvoiceRow[]> {
  const scope = { entity: args.entity, companyId: args.companyId };
  // The page is chosen on keys alone (rowid and date key), and what is settled on each invoice
  // (two sums) is read for the page's rows only: priced per candidate, those sums took the
  // statement's estimate past jit_above_cost for a company with thousands of unpaid invoices, and
  // compiling it cost 110 ms of a read that takes one.
  const unpaid = (candidates: { from: Knex.QueryBuilder; rowid: string }, dateKey: string) =>
    invoicesSeenAmong(db, scope, candidates)
      .where({ 'f.fk_statut': INVOICE_VALIDATED, 'f.paye': 0 })
      .select('f.rowid', db.raw(`${dateKey} as date_key`));
  // The first page too starts from a keyset past every invoice: a bound on the index's own
  // columns keeps the walk down the index where the table's statistics are stale.
  const from = args.before ?? { date: 'infinity', rowid: MAX_ROWID };
  const kept = unpaid(
    {
      from: db('portal_dolibarr_unpaid_invoices as o')
        .where({ 'o.entity': args.entity, 'o.fk_soc': args.companyId })
        .whereRaw('(o.date_key, o.fk_facture) < (?::date, ?)', [from.date, from.rowid])
        .whereRaw(SCANNED, [args.entity]),
      rowid: 'o.fk_facture',
    },
    // A kept invoice sorts, and pages, by its date at the scan: one dated again in Dolibarr since
    // (a rare edit past draft) moves to its new place with the next scan, and is never shown twice.
    'o.date_key',
  )
    .orderByRaw('o.date_key desc, o.fk_facture desc')
    .limit(args.limit + 1);
  const newer = unpaid(
    {
      from: db.from(db.raw(`(${NEWER_THAN_SCAN}) as c`, { entity: args.entity, companyId: args.companyId, newest: NEWER_THAN_SCAN_LIMIT })),
      rowid: 'c.rowid',
    },
    INVOICE_DATE_KEY,
  ).whereRaw(`(${INVOICE_DATE_KEY}, f.rowid) < (?::date, ?)`, [from.date, from.rowid]);
  const beforeFirstScan = db
    .from(invoicePage(db, { ...args, states: ['open'] }).as('p'))
    .select('p.rowid', db.raw('p.date_key::date as date_key'))
    .whereRaw(`not ${SCANNED}`, [args.entity]);
  const page = db
    .from(db.raw('((?) union all (?) union all (?)) as u', [kept, newer, beforeFirstScan]))
    .select('u.rowid', 'u.date_key')
    .orderBy([
      { column: 'u.date_key', order: 'desc' },
      { column: 'u.rowid', order: 'desc' },
    ])
    .limit(args.limit + 1);
  return db
    .from(page.as('k'))
    .join('llx_facture as f', 'f.rowid', 'k.rowid')
    .orderBy([
      { column: 'k.date_key', order: 'desc' },
      { column: 'k.rowid', order: 'desc' },
    ])
    .select<InvoiceRow[]>(invoiceColumns(db, 'k.date_key'));
}
