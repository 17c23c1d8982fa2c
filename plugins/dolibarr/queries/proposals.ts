// What the portal reads and writes of llx_propal: one client company's proposals past draft,
// newest first by proposal date (datep, as Dolibarr's own list sorts them; rowid breaks ties), with their llx_propaldet lines.
// Money is read as text. Scoped by entity AND company (fk_soc) in every query.
//   fk_statut (Propal::STATUS_*): -1 canceled, 0 draft, 1 validated (open), 2 signed,
//                                  3 not signed, 4 billed
import { clientCompanyIds, type Db } from './db.ts';

export const PROPAL_DRAFT = 0;
export const PROPAL_VALIDATED = 1;
const PROPAL_SIGNED = 2;
const PROPAL_NOT_SIGNED = 3;

export interface ProposalRow {
  rowid: number;
  fk_soc: number;
  ref: string;
  ref_client: string | null;
  fk_statut: number;
  fin_validite: string | null;
  date_valid: Date | null;
  date_signature: Date | null;
  date_cloture: Date | null;
  total_ht: string;
  total_tva: string;
  total_ttc: string;
  note_public: string | null;
  date_key: string;
}

export interface LineRow {
  label: string | null;
  description: string | null;
  qty: number | null;
  subprice: string;
  tva_tx: string | null;
  total_ht: string;
}

/** The list's sort key; datep may be null on imported rows, and the first day stands in for it. */
const PROPOSAL_DATE_KEY = "coalesce(p.datep, date '0001-01-01')";

function columns(db: Db) {
  return [
    'p.rowid',
    'p.fk_soc',
    'p.ref',
    'p.ref_client',
    'p.fk_statut',
    db.raw("to_char(p.fin_validite, 'YYYY-MM-DD') as fin_validite"),
    'p.date_valid',
    'p.date_signature',
    'p.date_cloture',
    db.raw('coalesce(p.total_ht, 0)::text as total_ht'),
    db.raw('coalesce(p.total_tva, 0)::text as total_tva'),
    db.raw('coalesce(p.total_ttc, 0)::text as total_ttc'),
    'p.note_public',
    db.raw(`to_char(${PROPOSAL_DATE_KEY}, 'YYYY-MM-DD') as date_key`),
  ];
}

// Only a client company's (customer or prospect in activity): a closed third party has no portal.
const scoped = (db: Db, args: { entity: number; companyId: number }) =>
  db('llx_propal as p')
    .where({ 'p.entity': args.entity, 'p.fk_soc': args.companyId })
    .whereIn('p.fk_soc', clientCompanyIds(db, args.entity))
    .whereNot('p.fk_statut', PROPAL_DRAFT);

export async function listProposals(
  db: Db,
  args: { entity: number; companyId: number; statuses?: number[]; before?: { date: string; rowid: number } | null; limit: number },
): Promise<ProposalRow[]> {
  const query = scoped(db, args);
  if (args.statuses) query.whereIn('p.fk_statut', args.statuses);
  if (args.before) query.andWhereRaw(`(${PROPOSAL_DATE_KEY}, p.rowid) < (?::date, ?)`, [args.before.date, args.before.rowid]);
  return query
    .orderByRaw(`${PROPOSAL_DATE_KEY} desc, p.rowid desc`)
    .limit(args.limit + 1)
    .select<ProposalRow[]>(columns(db));
}

export async function findProposal(db: Db, args: { entity: number; companyId: number; proposalId: number }): Promise<ProposalRow | null> {
  const row = await scoped(db, args).where('p.rowid', args.proposalId).first<ProposalRow | undefined>(columns(db));
  return row ?? null;
}

export interface ExpiringProposalRow {
  rowid: number;
  fk_soc: number;
  ref: string;
  ref_client: string | null;
  fin_validite: string;
}

/**
 * Validated proposals of every client company of the entity whose end of validity (fin_validite,
 * a datetime Dolibarr sets to a day) falls on a day from `from` through `through`: the reminder
 * emails read them in one query. Scoped by entity and to client companies, as the list is.
 */
export async function listExpiringProposals(
  db: Db,
  args: { entity: number; from: string; through: string },
): Promise<ExpiringProposalRow[]> {
  return db('llx_propal as p')
    .where({ 'p.entity': args.entity, 'p.fk_statut': PROPAL_VALIDATED })
    .whereIn('p.fk_soc', clientCompanyIds(db, args.entity))
    .andWhereRaw('p.fin_validite >= ?::date', [args.from])
    .andWhereRaw("p.fin_validite < ?::date + interval '1 day'", [args.through])
    .orderBy('p.fin_validite')
    .orderBy('p.rowid')
    .select<ExpiringProposalRow[]>([
      'p.rowid',
      'p.fk_soc',
      'p.ref',
      'p.ref_client',
      db.raw("to_char(p.fin_validite, 'YYYY-MM-DD') as fin_validite"),
    ]);
}

/** Lines in Dolibarr's own order (rang). Title and subtotal lines (special_code 104777/104778 etc.) carry no money and are kept as text. */
export async function listProposalLines(db: Db, args: { entity: number; companyId: number; proposalId: number }): Promise<LineRow[]> {
  return db('llx_propaldet as d')
    .whereIn('d.fk_propal', scoped(db, args).where('p.rowid', args.proposalId).select('p.rowid'))
    .orderBy('d.rang')
    .orderBy('d.rowid')
    .select<LineRow[]>([
      'd.label',
      'd.description',
      'd.qty',
      db.raw('coalesce(d.subprice, 0)::text as subprice'),
      db.raw('d.tva_tx::text as tva_tx'),
      db.raw('coalesce(d.total_ht, 0)::text as total_ht'),
    ]);
}

/**
 * The client's decision, written as Dolibarr's online signature page does
 * (htdocs/core/ajax/onlineSign.php and public/onlinesign/newonlinesign.php): fk_statut 2 (signed)
 * or 3 (not signed) and date_signature, nothing else. tms follows through Dolibarr's trigger.
 * Only a validated proposal matches, so of two concurrent decisions one changes the row. The same
 * statement drops it from the portal's pending proposals (pending-proposals.ts), so the two never
 * disagree and the decision costs no second round trip.
 */
export async function decideProposal(
  db: Db,
  args: { entity: number; companyId: number; proposalId: number; outcome: 'accepted' | 'declined'; at: Date },
): Promise<boolean> {
  const decide = db('llx_propal')
    .where({ rowid: args.proposalId, entity: args.entity, fk_soc: args.companyId, fk_statut: PROPAL_VALIDATED })
    .whereIn('fk_soc', clientCompanyIds(db, args.entity))
    .update({ fk_statut: args.outcome === 'accepted' ? PROPAL_SIGNED : PROPAL_NOT_SIGNED, date_signature: args.at })
    .returning(['rowid', 'fk_soc', 'entity']);
  const result = await db.raw<{ rows: Array<{ changed: number }> }>(
    `with decided as (?), undone as (
       delete from portal_dolibarr_pending_proposals o using decided d
        where o.entity = d.entity and o.fk_soc = d.fk_soc and o.fk_propal = d.rowid
     )
     select count(*)::int as changed from decided`,
    [decide],
  );
  return result.rows[0]?.changed === 1;
}
