// The portal's own index of the proposals Dolibarr's companies have not decided yet (the portal
// tables portal_dolibarr_pending_proposals and portal_dolibarr_pending_scans; llx_propal itself is
// never altered). llx_propal is indexed by company but not by status, so counting a company's open
// proposals there reads every proposal it ever had: ten years of history on every dashboard.
//
// Kept by:
//  - a scan of the entity's llx_propal (scanPendingProposals) in the binding's background pass,
//    never in a client's request: it adds what Dolibarr's own pages drafted or validated, drops
//    what they signed, refused, billed, cancelled or deleted, and notes the highest rowid it saw;
//  - the client's decision from the portal, which drops its proposal in the statement that signs
//    or refuses it (proposals.ts).
// Drafts are kept with the validated ones so that a proposal drafted before a scan and validated
// after it counts at once. What waits for the next scan: a signed or refused proposal reopened
// in Dolibarr, and one whose creation commits while a scan runs.
import type { Db } from './db.ts';
import { PROPAL_DRAFT, PROPAL_VALIDATED } from './proposals.ts';

/**
 * How many proposals created after the last scan a count reads at most. Between two scans there
 * are a few; a pass that stopped running for days costs each count this many index reads, not
 * more (past them, an import of thousands of proposals counts from the next scan on).
 */
const NEWER_THAN_SCAN_LIMIT = 10_000;

/**
 * One scan of an entity: the pending set made equal to what llx_propal holds now, and the high
 * water noted, in one statement (one snapshot, so no proposal falls between the set and the high
 * water). Reads every proposal of the entity, as nothing in Dolibarr's schema finds them by status:
 * a background pass's work, a few hundred milliseconds at a million proposals.
 */
export async function scanPendingProposals(db: Db, entity: number): Promise<{ added: number; dropped: number }> {
  const result = await db.raw<{ rows: Array<{ added: number; dropped: number }> }>(
    `with pending as (
       select p.fk_soc, p.rowid from llx_propal p
        where p.entity = :entity and p.fk_statut in (:draft, :validated) and p.fk_soc is not null
     ), dropped as (
       delete from portal_dolibarr_pending_proposals o
        where o.entity = :entity and not exists (select 1 from pending p where p.rowid = o.fk_propal and p.fk_soc = o.fk_soc)
       returning 1
     ), added as (
       insert into portal_dolibarr_pending_proposals (entity, fk_soc, fk_propal)
       select :entity, p.fk_soc, p.rowid from pending p
       on conflict do nothing
       returning 1
     ), scanned as (
       insert into portal_dolibarr_pending_scans (entity, high_water, scanned_at)
       select :entity, coalesce(max(rowid), 0), now() from llx_propal
       on conflict (entity) do update set high_water = excluded.high_water, scanned_at = excluded.scanned_at
     )
     select (select count(*) from added)::int as added, (select count(*) from dropped)::int as dropped`,
    { entity, draft: PROPAL_DRAFT, validated: PROPAL_VALIDATED },
  );
  const row = result.rows[0];
  return { added: Number(row?.added ?? 0), dropped: Number(row?.dropped ?? 0) };
}

/**
 * A company's open proposals (fk_statut validated), as an expression for one statement of the
 * dashboard. Once the entity has been scanned: its pending rows, each looked up in llx_propal by
 * primary key and counted only if it is still the company's and validated there (a row the next
 * scan will drop never counts a closed proposal), plus the proposals created after the scan, read
 * by primary key from its high water. Both are bounded by what is pending or new, not by history.
 * Until the first scan (a fresh install, the first minutes after migrate), the direct count on
 * llx_propal, so the number is never wrong, only slower for a company with a long history.
 */
export function openProposalCount(db: Db, args: { entity: number; companyId: number }) {
  return db.raw(
    `case when exists (select 1 from portal_dolibarr_pending_scans s where s.entity = :entity)
       then (select count(*) from portal_dolibarr_pending_proposals o
              where o.entity = :entity and o.fk_soc = :companyId
                and (select p.fk_statut from llx_propal p
                      where p.rowid = o.fk_propal and p.entity = :entity and p.fk_soc = :companyId) = :validated)
          + (select count(*) from (select p.entity, p.fk_soc, p.fk_statut from llx_propal p
                                    where p.rowid > (select s.high_water from portal_dolibarr_pending_scans s where s.entity = :entity)
                                    order by p.rowid limit :newest) recent
              where recent.entity = :entity and recent.fk_soc = :companyId and recent.fk_statut = :validated)
       else (select count(*) from llx_propal p where p.entity = :entity and p.fk_soc = :companyId and p.fk_statut = :validated)
     end`,
    { entity: args.entity, companyId: args.companyId, validated: PROPAL_VALIDATED, newest: NEWER_THAN_SCAN_LIMIT },
  );
}
