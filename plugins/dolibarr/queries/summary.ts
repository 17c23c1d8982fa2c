// What the portal dashboard counts of one client company, one aggregate query per table, of the
// records its contacts see (visibility.ts: drafts are the agency's work in progress, never counted).
import { countLimitOf } from '../../shared/count-up-to.ts';
import type { Db } from './db.ts';
import { PAID_SQL } from './invoices.ts';
import { openProposalRows } from './proposals.ts';
import { unpaidInvoicesSeenBy } from './unpaid-invoices.ts';
import { proposalsSeenBy } from './visibility.ts';

/**
 * Proposals awaiting the client's answer and all the client sees, each counted up to countLimit: a
 * company with years of proposals, or thousands validated and never signed, costs the dashboard
 * what a new one does (the open ones through the portal's index of pending proposals, proposals.ts).
 */
export async function proposalCounts(
  db: Db,
  args: { entity: number; companyId: number; countLimit: number },
): Promise<{ open: number; total: number }> {
  // One statement, two counts, each stopped at the limit: the open ones through the pending index, and all.
  const open = db.from(openProposalRows(db, args).limit(args.countLimit).as('open')).select(db.raw('count(*)::int'));
  const seen = db.from(proposalsSeenBy(db, args).select(db.raw('1')).limit(args.countLimit).as('seen')).select(db.raw('count(*)::int'));
  const row = await db.first<{ open: number; total: number } | undefined>(db.raw('(?) as open', [open]), db.raw('(?) as total', [seen]));
  return { open: Number(row?.open ?? 0), total: Number(row?.total ?? 0) };
}

/**
 * Unpaid invoices, those past their due date (date_lim_reglement), and what remains on them as
 * decimal text: of at most countLimit unpaid invoices, so that a company with tens of thousands of
 * them (an import gone wrong) costs the dashboard what one with a few does. What remains is summed
 * (two payment sums per invoice) only while all were counted: past the limit the dashboard shows no
 * sum (ClientSummary), and the one-time filter skips that work; the overdue count then covers only
 * the invoices read.
 */
export async function invoiceCounts(
  db: Db,
  args: { entity: number; companyId: number; today: string; countLimit: number },
): Promise<{ unpaid: number; overdue: number; outstanding: string }> {
  const limit = countLimitOf(args.countLimit);
  // Through the portal's index of unpaid invoices (unpaid-invoices.ts), each re-read by key.
  const unpaidRows = unpaidInvoicesSeenBy(db, args)
    .limit(limit)
    .select('f.rowid', 'f.total_ttc', db.raw('f.date_lim_reglement < ?::date as overdue', [args.today]));
  const result = await db.raw(
    `with unpaid as (?)
     select (select count(*)::int from unpaid) as unpaid,
            (select count(*)::int from unpaid where overdue) as overdue,
            (select coalesce(sum(coalesce(f.total_ttc, 0) - ${PAID_SQL}), 0)::text
               from unpaid f where (select count(*) from unpaid) < ${limit}) as outstanding`,
    [unpaidRows],
  );
  const row = result.rows[0] as { unpaid: number; overdue: number; outstanding: string } | undefined;
  return { unpaid: Number(row?.unpaid ?? 0), overdue: Number(row?.overdue ?? 0), outstanding: row?.outstanding ?? '0' };
}
