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
// there, so a row the next scan will drop never shows a paid invoice as unpaid. Drafts are kept
// with the validated ones so that an invoice drafted before a scan and validated after it counts
// at once. What waits for the next scan: a paid or abandoned invoice reopened in Dolibarr, and one
// whose creation commits while a scan runs.
import type { Knex } from 'knex';
import type { Db } from './db.ts';
import { INVOICE_DRAFT, invoicesSeenAmong, LISTED_TYPES } from './visibility.ts';

const INVOICE_VALIDATED = 1;

/**
 * How many invoices created after the last scan a read looks at, at most. Between two scans there
 * are a few; a pass that stopped running for days costs each read this many index reads, not more
 * (past them, an import of thousands of invoices is found from the next scan on).
 */
const NEWER_THAN_SCAN_LIMIT = 10_000;

/**
 * One scan of an entity: the unpaid set made equal to what llx_facture holds now, and the high
 * water noted, in one statement (one snapshot, so no invoice falls between the rows and the high
 * water). Reads the entity's unpaid invoices through Dolibarr's status index: a background pass's
 * work, writing only what changed since the last scan.
 */
export async function scanUnpaidInvoices(db: Db, entity: number): Promise<{ added: number; dropped: number }> {
  const result = await db.raw<{ rows: Array<{ added: number; dropped: number }> }>(
    `with unpaid as materialized (
       select f.fk_soc, f.rowid from llx_facture f
        where f.entity = :entity and f.fk_soc is not null and f.fk_statut in (:draft, :validated) and f.paye = 0
          and f.type in (${LISTED_TYPES.join(', ')})
     ), high_water as (
       select coalesce(max(rowid), 0) as rowid from llx_facture
     ), dropped as (
       delete from portal_dolibarr_unpaid_invoices o
        where o.entity = :entity and not exists (select 1 from unpaid u where u.rowid = o.fk_facture and u.fk_soc = o.fk_soc)
       returning 1
     ), added as (
       insert into portal_dolibarr_unpaid_invoices (entity, fk_soc, fk_facture)
       select :entity, u.fk_soc, u.rowid from unpaid u
       on conflict do nothing
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
     select r.rowid from (select f.rowid, f.entity, f.fk_soc from llx_facture f
                           where f.rowid > (select s.high_water from portal_dolibarr_unpaid_scans s where s.entity = :entity)
                           order by f.rowid limit :newest) r
      where r.entity = :entity and r.fk_soc = :companyId
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
