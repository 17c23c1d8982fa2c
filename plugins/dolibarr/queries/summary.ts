// What the portal dashboard counts of one client company, one aggregate query per table. Codes as
// in proposals.ts and invoices.ts; drafts are the agency's work in progress and never counted.
import type { Db } from './db.ts';
import { INVOICE_STATE_SQL, LISTED_TYPES, PAID_SQL } from './invoices.ts';
import { openProposalCount, PROPAL_DRAFT } from './proposals.ts';

/**
 * Proposals awaiting the client's answer, counted exactly, and all the client sees, counted up to
 * countLimit: a company with years of proposals costs the dashboard what a new one does (the open
 * ones through the portal's index of pending proposals, proposals.ts).
 */
export async function proposalCounts(
  db: Db,
  args: { entity: number; companyId: number; countLimit: number },
): Promise<{ open: number; total: number }> {
  const scoped = () => db('llx_propal').where({ entity: args.entity, fk_soc: args.companyId });
  // One statement, two counts: the open ones through the pending index, the rest stopped at the limit.
  const open = openProposalCount(db, args);
  const seen = db
    .from(scoped().whereNot('fk_statut', PROPAL_DRAFT).select(db.raw('1')).limit(args.countLimit).as('seen'))
    .select(db.raw('count(*)::int'));
  const row = await db.first<{ open: number; total: number } | undefined>(db.raw('(?) as open', [open]), db.raw('(?) as total', [seen]));
  return { open: Number(row?.open ?? 0), total: Number(row?.total ?? 0) };
}

/** Unpaid invoices, those past their due date (date_lim_reglement), and what remains on them as decimal text. */
export async function invoiceCounts(
  db: Db,
  args: { entity: number; companyId: number; today: string },
): Promise<{ unpaid: number; overdue: number; outstanding: string }> {
  const result = await db.raw(
    `select count(*)::int as unpaid,
            count(*) filter (where f.date_lim_reglement < ?::date)::int as overdue,
            coalesce(sum(coalesce(f.total_ttc, 0) - ${PAID_SQL}), 0)::text as outstanding
       from llx_facture f
      where f.entity = ? and f.fk_soc = ? and f.type = any(?) and ${INVOICE_STATE_SQL.open}`,
    [args.today, args.entity, args.companyId, [...LISTED_TYPES]],
  );
  const row = result.rows[0] as { unpaid: number; overdue: number; outstanding: string } | undefined;
  return { unpaid: Number(row?.unpaid ?? 0), overdue: Number(row?.overdue ?? 0), outstanding: row?.outstanding ?? '0' };
}
