// What the portal reads and writes of llx_propal: one client company's proposals past draft,
// newest first by proposal date (datep, as Dolibarr's own list sorts them; rowid breaks ties), with their llx_propaldet lines.
// Money is read as text. Scoped by entity AND company (fk_soc) in every query. The open ones are
// found through the portal's own index of pending proposals, and the list's order through its own
// index of where each proposal sorts (both at the end of this file).
//   fk_statut (Propal::STATUS_*): -1 canceled, 0 draft, 1 validated (open), 2 signed,
//                                  3 not signed, 4 billed
import type { Knex } from 'knex';
import { clientCompanyIds, type Db } from './db.ts';
import { type CompanyListPage, PROPAL_DRAFT, proposalsSeenBy } from './visibility.ts';

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
  /** The line's discount in percent (Commande/Propal/Facture addline's remise_percent); total_ht is net of it. */
  remise_percent: number | null;
  total_ht: string;
}

/** A LineRow's columns of a proposal's or an invoice's line (llx_propaldet, llx_facturedet), aliased d. */
export function lineColumns(db: Db) {
  return [
    'd.label',
    'd.description',
    'd.qty',
    db.raw('coalesce(d.subprice, 0)::text as subprice'),
    db.raw('d.tva_tx::text as tva_tx'),
    'd.remise_percent',
    db.raw('coalesce(d.total_ht, 0)::text as total_ht'),
  ];
}

/** The list's sort key; datep may be null on imported rows, and the first day stands in for it. */
const PROPOSAL_DATE_KEY = "coalesce(p.datep, date '0001-01-01')";

/** The columns of p; the sort key is the live one unless the list sorts by the portal's order (see listProposals). */
function columns(db: Db, dateKey = PROPOSAL_DATE_KEY) {
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
    db.raw(`to_char(${dateKey}, 'YYYY-MM-DD') as date_key`),
  ];
}

/** What the company's contacts see of its proposals (visibility.ts). */
const scoped = proposalsSeenBy;

/** The search on llx_propal rows aliased p, inside each part of the list, before its page's limit. */
function matching(
  query: Knex.QueryBuilder,
  args: { matching?: string; amount?: { fromCents: number; toCents: number } },
): Knex.QueryBuilder {
  const { matching: pattern, amount } = args;
  if (pattern)
    query.andWhere((q) => {
      q.whereILike('p.ref', pattern).orWhereILike('p.ref_client', pattern);
      if (amount) q.orWhereRaw('round(coalesce(p.total_ttc, 0) * 100) between ? and ?', [amount.fromCents, amount.toCents]);
    });
  return query;
}

export async function listProposals(db: Db, args: CompanyListPage): Promise<ProposalRow[]> {
  // Through the portal's order (below): a page costs about a page of index reads and primary-key
  // lookups, however long the company's history and however many proposals are open. Each part is
  // at most a page, sorted together here. The open ones alone (the dashboard's list, the list's
  // "open" filter) too: through the pending index, every open proposal was looked up and sorted for
  // the first page (1,000 awaiting an answer: 4 ms of the dashboard's 15).
  const page = db
    .queryBuilder()
    .unionAll([...orderedParts(db, args), newerThanOrderScan(db, args), beforeFirstOrderScan(db, args)], true)
    .as('page');
  return db
    .select<ProposalRow[]>('*')
    .from(page)
    .whereIn('page.fk_soc', clientCompanyIds(db, args.entity))
    .orderBy([
      { column: 'date_key', order: 'desc' },
      { column: 'rowid', order: 'desc' },
    ])
    .limit(args.limit + 1);
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
    .select<LineRow[]>(lineColumns(db));
}

/** A proposal the client's decision changed: what its agenda event names. */
export interface DecidedProposal {
  rowid: number;
  ref: string;
  fk_soc: number;
  fk_projet: number | null;
  /** Who validated it: the user Dolibarr's online pages run the closing trigger as. */
  fk_user_valid: number | null;
}

/**
 * The client's decision, written as Dolibarr's online signature page does
 * (htdocs/core/ajax/onlineSign.php and public/onlinesign/newonlinesign.php): fk_statut 2 (signed)
 * or 3 (not signed) and date_signature; on a signature also online_sign_ip (getUserRemoteIP(),
 * varchar(48)) and, where one was typed, online_sign_name (varchar(64)), which the refusal leaves
 * alone. tms follows through Dolibarr's trigger. Only a validated proposal matches, so of two
 * concurrent decisions one changes the row. The same statement drops it from the portal's pending
 * proposals (below), so the two never disagree and the decision costs no second round trip.
 */
export async function decideProposal(
  db: Db,
  args: {
    entity: number;
    companyId: number;
    proposalId: number;
    outcome: 'accepted' | 'declined';
    at: Date;
    /** The signer's typed name and address, where the caller knows them. */
    signer?: { name?: string | null; ip?: string | null };
  },
): Promise<DecidedProposal | null> {
  const signed = args.outcome === 'accepted';
  const name = args.signer?.name?.trim();
  const ip = args.signer?.ip?.trim();
  const decide = db('llx_propal')
    .where({ rowid: args.proposalId, entity: args.entity, fk_soc: args.companyId, fk_statut: PROPAL_VALIDATED })
    .whereIn('fk_soc', clientCompanyIds(db, args.entity))
    .update({
      fk_statut: signed ? PROPAL_SIGNED : PROPAL_NOT_SIGNED,
      date_signature: args.at,
      ...(signed && ip ? { online_sign_ip: ip.slice(0, 48) } : {}),
      ...(signed && name ? { online_sign_name: name.slice(0, 64) } : {}),
    })
    .returning(['rowid', 'fk_soc', 'entity', 'ref', 'fk_projet', 'fk_user_valid']);
  const result = await db.raw<{ rows: DecidedProposal[] }>(
    `with decided as (?), undone as (
       delete from portal_dolibarr_pending_proposals o using decided d
        where o.entity = d.entity and o.fk_soc = d.fk_soc and o.fk_propal = d.rowid
     )
     select rowid, ref, fk_soc, fk_projet, fk_user_valid from decided`,
    [decide],
  );
  return result.rows.length === 1 ? result.rows[0]! : null;
}

// ---- The portal's index of pending proposals ---------------------------------------------------
// The proposals each company has not decided yet, in the portal's own tables
// (portal_dolibarr_pending_proposals and portal_dolibarr_pending_scans; llx_propal itself is never
// altered). llx_propal is indexed by company but not by status, so finding a company's open
// proposals there reads every proposal it ever had: ten years of history on every dashboard.
//
// Kept by:
//  - a scan of the entity's llx_propal (scanPendingProposals) in the binding's background pass
//    (news.ts), never in a client's request: it adds what Dolibarr's own pages drafted or
//    validated, drops what they signed, refused, billed, cancelled or deleted, and notes the
//    highest rowid it saw;
//  - the client's decision from the portal, which drops its proposal in the statement that signs
//    or refuses it (decideProposal).
// Read: the company's pending rows and the proposals created after the scan, each looked up in
// llx_propal by primary key and kept only while it is still the company's and validated there,
// so a row the next scan will drop never shows a closed proposal as open. Drafts are kept with
// the validated ones so that a proposal drafted before a scan and validated after it is open at
// once. What waits for the next scan: a signed or refused proposal reopened in Dolibarr, and one
// whose creation commits while a scan runs.

/**
 * How many proposals created after the last scan a read looks at, at most. Between two scans
 * there are a few; a pass that stopped running for days costs each read this many index reads,
 * not more (past them, an import of thousands of proposals is found from the next scan on).
 */
const NEWER_THAN_SCAN_LIMIT = 10_000;

/** llx_propal.rowid is an integer: no proposal's is higher. */
const MAX_ROWID = 2_147_483_647;

/**
 * One scan of an entity: the pending set and the list's order (further below) made equal to what
 * llx_propal holds now, and the high water of both noted, in one statement (one snapshot, so no
 * proposal falls between the rows and the high water). Reads every proposal of the entity, as
 * nothing in Dolibarr's schema finds them by status or sorts a company's by date: a background
 * pass's work, writing only what changed since the last scan.
 */
export async function scanPendingProposals(db: Db, entity: number): Promise<{ added: number; dropped: number }> {
  const result = await db.raw<{ rows: Array<{ added: number; dropped: number }> }>(
    `with proposals as materialized (
       select p.rowid, p.fk_soc, p.fk_statut, ${PROPOSAL_DATE_KEY} as date_key from llx_propal p
        where p.entity = :entity and p.fk_soc is not null
     ), pending as (
       select p.fk_soc, p.rowid from proposals p where p.fk_statut in (:draft, :validated)
     ), high_water as (
       select coalesce(max(rowid), 0) as rowid from llx_propal
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
       select :entity, h.rowid, now() from high_water h
       on conflict (entity) do update set high_water = excluded.high_water, scanned_at = excluded.scanned_at
     ), ordered_before as materialized (
       select o.fk_propal, o.fk_soc, o.fk_statut, o.date_key from portal_dolibarr_proposal_order o where o.entity = :entity
     ), unordered as (
       delete from portal_dolibarr_proposal_order o
        where o.entity = :entity and not exists (select 1 from proposals p where p.rowid = o.fk_propal)
     ), ordered as (
       -- Compared with the rows read before this statement writes any: compared with the table
       -- itself, a first fill could probe, for each row it inserts, every row inserted before it.
       insert into portal_dolibarr_proposal_order (entity, fk_propal, fk_soc, fk_statut, date_key)
       select :entity, p.rowid, p.fk_soc, p.fk_statut, p.date_key from proposals p
        where not exists (select 1 from ordered_before o
                           where o.fk_propal = p.rowid and o.fk_soc = p.fk_soc and o.fk_statut = p.fk_statut and o.date_key = p.date_key)
       on conflict (entity, fk_propal) do update
         set fk_soc = excluded.fk_soc, fk_statut = excluded.fk_statut, date_key = excluded.date_key
     ), order_scanned as (
       insert into portal_dolibarr_proposal_order_scans (entity, high_water, scanned_at)
       select :entity, h.rowid, now() from high_water h
       on conflict (entity) do update set high_water = excluded.high_water, scanned_at = excluded.scanned_at
     )
     select (select count(*) from added)::int as added, (select count(*) from dropped)::int as dropped`,
    { entity, draft: PROPAL_DRAFT, validated: PROPAL_VALIDATED },
  );
  const row = result.rows[0];
  return { added: Number(row?.added ?? 0), dropped: Number(row?.dropped ?? 0) };
}

/**
 * The rowids among which a company's open proposals are: once the entity has been scanned, its
 * pending rows and those created after the scan (read by primary key from the high water, the
 * company's among them), bounded by what is pending or new. Until the first scan (a fresh install,
 * the minutes after migrate) the company's validated proposals read in llx_propal as before the
 * index, so nothing is ever missed, only slower for a company with a long history. The three parts
 * never overlap: a scan writes its rows and its high water from one snapshot.
 */
function openCandidates(db: Db, args: { entity: number; companyId: number }) {
  return db.raw(
    `select o.fk_propal as rowid from portal_dolibarr_pending_proposals o
      where o.entity = :entity and o.fk_soc = :companyId
        and exists (select 1 from portal_dolibarr_pending_scans s where s.entity = :entity)
     union all
     select r.rowid from (select p.rowid, p.entity, p.fk_soc from llx_propal p
                           where p.rowid > (select s.high_water from portal_dolibarr_pending_scans s where s.entity = :entity)
                           order by p.rowid limit :newest) r
      where r.entity = :entity and r.fk_soc = :companyId
     union all
     select p.rowid from llx_propal p
      where p.entity = :entity and p.fk_soc = :companyId and p.fk_statut = :validated
        and not exists (select 1 from portal_dolibarr_pending_scans s where s.entity = :entity)`,
    { entity: args.entity, companyId: args.companyId, validated: PROPAL_VALIDATED, newest: NEWER_THAN_SCAN_LIMIT },
  );
}

/**
 * A company's open proposals as llx_propal rows aliased p: each candidate looked up by primary key
 * and kept while it is the company's and validated. OFFSET 0 keeps the lookup one row per
 * candidate: without it PostgreSQL may turn it into a scan of all the company's proposals.
 */
function openProposals(db: Db, args: { entity: number; companyId: number }): Knex.QueryBuilder {
  return db
    .from(db.raw('(?) as c', [openCandidates(db, args)]))
    .joinRaw(
      'cross join lateral (select * from llx_propal p where p.rowid = c.rowid and p.entity = ? and p.fk_soc = ? and p.fk_statut = ? offset 0) as p',
      [args.entity, args.companyId, PROPAL_VALIDATED],
    );
}

/** The company's open proposals, one row each, for the dashboard to count up to its limit (summary.ts). */
export function openProposalRows(db: Db, args: { entity: number; companyId: number }) {
  return openProposals(db, args).select(db.raw('1'));
}

// ---- The portal's order of the proposal list ---------------------------------------------------
// Where each proposal of the entity sorts in its company's list, in the portal's own tables
// (portal_dolibarr_proposal_order and portal_dolibarr_proposal_order_scans; llx_propal itself is
// never altered): its company, status and sort key (datep, the first day for none) as of the last
// scan, indexed by company and date and by company, status and date. llx_propal is indexed by
// company alone, so sorting a company's proposals there read and sorted every proposal it ever had
// on every page of its list (nothing else in Dolibarr's schema serves the order: unlike
// llx_facture.datef, llx_propal.datep has no index to walk).
//
// Kept by the same scan as the pending proposals (scanPendingProposals), in the same statement:
// the rows made equal to the entity's llx_propal (drafts too, so one validated after the scan
// lists at once), and the highest rowid noted. Read: the company's rows walked newest first from
// the page's keyset down the index, each looked up in llx_propal by primary key and kept only
// while it is still the company's, past draft and of the statuses asked for, until a page is
// full; and the proposals created after the scan (past its high water, by rowid, 10,000 at most),
// sorted by their live date. Every row shown is read live from llx_propal: its status, totals,
// references and dates are Dolibarr's at the moment of the read.
//
// What waits for the next scan (5 minutes at most):
//  - a proposal whose date (datep) was edited in Dolibarr's own pages sorts by its old date;
//  - a proposal moved to another company, or whose creation commits while a scan runs, lists
//    under its company from then (it never lists under the one it left);
//  - under a status filter, a decided proposal (signed, not signed, billed, cancelled at the
//    scan) that Dolibarr reopened and decided otherwise since lists under its new status from
//    then; one that no longer matches its filter never shows there. Proposals pending at the
//    scan (draft or validated) are walked for every filter, so a decision made since, in the
//    portal or in Dolibarr, lists under its new status at once. The unfiltered list has none of
//    this: it walks every row, whatever its status.
// Until an entity's first scan (a fresh install, the minutes after migrate) the list sorts the
// company's proposals in llx_propal as before, so nothing is ever missed, only slower.

/** Whether the entity's proposals have been scanned into the order: a subquery for whereExists / whereNotExists. */
const orderScanned = (db: Db, entity: number): Knex.QueryBuilder =>
  db('portal_dolibarr_proposal_order_scans as s').where('s.entity', entity).select(db.raw('1'));

/**
 * The company's indexed proposals, one page of each walk: the whole order unfiltered; with a
 * status filter, one walk per status the filter asks for and per pending status (draft,
 * validated: what may have been decided since the scan), each down the status index.
 */
function orderedParts(db: Db, args: CompanyListPage): Knex.QueryBuilder[] {
  const walk = (storedStatus: number | null) => {
    // A lookup by primary key per walked row; OFFSET 0 keeps PostgreSQL from turning it into a
    // scan of the company's proposals.
    const query = db('portal_dolibarr_proposal_order as o')
      .joinRaw(
        `cross join lateral (select * from llx_propal p
          where p.rowid = o.fk_propal and p.entity = ? and p.fk_soc = ? and p.fk_statut <> ?${args.statuses ? ' and p.fk_statut = any(?)' : ''}
          offset 0) as p`,
        [args.entity, args.companyId, PROPAL_DRAFT, ...(args.statuses ? [args.statuses] : [])],
      )
      .where({ 'o.entity': args.entity, 'o.fk_soc': args.companyId })
      .whereExists(orderScanned(db, args.entity));
    if (storedStatus !== null) query.where('o.fk_statut', storedStatus);
    matching(query, args);
    // The first page too starts from a keyset (past every proposal): a bound on the index's own
    // columns keeps the walk down the index where the table's statistics are stale (just after
    // the first fill), rather than reading and sorting the company's rows.
    const from = args.before ?? { date: 'infinity', rowid: MAX_ROWID };
    query.andWhereRaw('(o.date_key, o.fk_propal) < (?::date, ?)', [from.date, from.rowid]);
    return query
      .orderBy([
        { column: 'o.date_key', order: 'desc' },
        { column: 'o.fk_propal', order: 'desc' },
      ])
      .limit(args.limit + 1)
      .select(columns(db, 'o.date_key'));
  };
  if (!args.statuses) return [walk(null)];
  return [...new Set([...args.statuses, PROPAL_DRAFT, PROPAL_VALIDATED])].map(walk);
}

/** The company's proposals created after the order's scan, by their live date: read by primary key from its high water. */
function newerThanOrderScan(db: Db, args: CompanyListPage): Knex.QueryBuilder {
  const query = db
    .from(
      db.raw(
        `(select * from llx_propal n
           where n.rowid > (select s.high_water from portal_dolibarr_proposal_order_scans s where s.entity = ?)
           order by n.rowid limit ?) as p`,
        [args.entity, NEWER_THAN_SCAN_LIMIT],
      ),
    )
    .where({ 'p.entity': args.entity, 'p.fk_soc': args.companyId })
    .whereNot('p.fk_statut', PROPAL_DRAFT);
  return withinPage(query, args).select(columns(db));
}

/** Before the entity's first scan: the company's proposals sorted in llx_propal itself, as before the portal kept an order. */
function beforeFirstOrderScan(db: Db, args: CompanyListPage): Knex.QueryBuilder {
  const query = scoped(db, args).whereNotExists(orderScanned(db, args.entity));
  return withinPage(query, args).select(columns(db));
}

/** The statuses asked for, the page's keyset and one page, newest first, on llx_propal rows aliased p. */
function withinPage(
  query: Knex.QueryBuilder,
  args: { statuses?: number[]; matching?: string; before?: { date: string; rowid: number } | null; limit: number },
): Knex.QueryBuilder {
  if (args.statuses) query.whereIn('p.fk_statut', args.statuses);
  matching(query, args);
  return pageBefore(query, args);
}

/** The page's keyset and one page (one row more, to tell whether another follows), newest first, on llx_propal rows aliased p. */
function pageBefore(query: Knex.QueryBuilder, args: { before?: { date: string; rowid: number } | null; limit: number }): Knex.QueryBuilder {
  if (args.before) query.andWhereRaw(`(${PROPOSAL_DATE_KEY}, p.rowid) < (?::date, ?)`, [args.before.date, args.before.rowid]);
  return query.orderByRaw(`${PROPOSAL_DATE_KEY} desc, p.rowid desc`).limit(args.limit + 1);
}
