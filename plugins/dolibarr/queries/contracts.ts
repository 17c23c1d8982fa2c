// Dolibarr's contracts (llx_contrat) and their service lines (llx_contratdet), and the time of the
// interventions linked to them (llx_fichinter, llx_fichinterdet: duree in seconds), scoped by
// visibility.ts. A line's term runs from its opening (date_ouverture, else the planned one) to the
// end of its validity (date_fin_validite, the whole day) or its closing. Dolibarr links an
// intervention to a contract (llx_fichinter.fk_contrat), never to one of its lines, so the time is
// read per contract: each intervention line once, within the span the caller gives.
import { contractsSeenBy, interventionsSeenBy, type CompanyScope } from './visibility.ts';
import type { Db } from './db.ts';

export interface DolibarrContractRow {
  rowid: number;
  ref: string | null;
  ref_customer: string | null;
  note_public: string | null;
  date_contrat: string | null;
  fin_validite: string | null;
}

export interface DolibarrContractLineRow {
  rowid: number;
  fk_contrat: number;
  label: string | null;
  description: string | null;
  product_label: string | null;
  qty: number;
  statut: number;
  starts_on: string | null;
  ends_on: string | null;
  /** Seconds in one of the line's unit where its unit is one of time (llx_c_units unit_type 'time'). */
  unit_seconds: number | null;
  unit_label: string | null;
  product_duration: string | null;
}

export interface DolibarrInterventionLineRow {
  rowid: number;
  work_date: string;
  duree: number | null;
  description: string | null;
  ref: string;
  firstname: string | null;
  lastname: string | null;
}

const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;
/** The first day of a line's term, and the day after its last (a closed line ends where it closed). */
const TERM_START = 'coalesce(d.date_ouverture, d.date_ouverture_prevue)';
const TERM_END = `(date_trunc('day', case when d.statut = 5 and d.date_cloture is not null then d.date_cloture else d.date_fin_validite end) + interval '1 day')`;

export function listDolibarrContracts(db: Db, scope: CompanyScope & { contractId?: number }): Promise<DolibarrContractRow[]> {
  const query = contractsSeenBy(db, scope)
    .orderBy([
      { column: 'c.date_contrat', order: 'desc' },
      { column: 'c.rowid', order: 'desc' },
    ])
    .select(
      'c.rowid',
      'c.ref',
      'c.ref_customer',
      'c.note_public',
      db.raw(`${day('c.date_contrat')} as date_contrat`),
      db.raw(`${day('c.fin_validite')} as fin_validite`),
    );
  if (scope.contractId !== undefined) query.andWhere('c.rowid', scope.contractId);
  return query;
}

const LINE_COLUMNS = (db: Db) => [
  'd.rowid',
  'd.fk_contrat',
  'd.label',
  'd.description',
  'p.label as product_label',
  'd.qty',
  'd.statut',
  db.raw(`${day(TERM_START)} as starts_on`),
  db.raw(`${day(`(${TERM_END} - interval '1 day')`)} as ends_on`),
  db.raw(`case when u.unit_type = 'time' then u.scale end as unit_seconds`),
  'u.label as unit_label',
  'p.duration as product_duration',
];

function lines(db: Db) {
  return db('llx_contratdet as d')
    .leftJoin('llx_product as p', 'p.rowid', 'd.fk_product')
    .leftJoin('llx_c_units as u', 'u.rowid', 'd.fk_unit');
}

/** The lines of these contracts (the caller found them the company's), in their order. */
export function listDolibarrContractLines(db: Db, contractIds: readonly number[]): Promise<DolibarrContractLineRow[]> {
  if (contractIds.length === 0) return Promise.resolve([]);
  return lines(db)
    .whereIn('d.fk_contrat', contractIds)
    .orderBy([{ column: 'd.fk_contrat' }, { column: 'd.rang' }, { column: 'd.rowid' }])
    .select(LINE_COLUMNS(db));
}

/** One line of one of the company's contracts; undefined when it is not theirs. */
export function findDolibarrContractLine(
  db: Db,
  scope: CompanyScope & { contractId: number; lineId: number },
): Promise<DolibarrContractLineRow | undefined> {
  return lines(db)
    .where({ 'd.rowid': scope.lineId, 'd.fk_contrat': scope.contractId })
    .whereIn('d.fk_contrat', contractsSeenBy(db, scope).select('c.rowid'))
    .first(LINE_COLUMNS(db));
}

/**
 * The seconds of each contract's interventions dated within its span ([start, end), days), each
 * intervention line counted once, however many of the contract's lines count hours.
 */
export function usedOnContracts(
  db: Db,
  scope: CompanyScope & { spans: ReadonlyArray<{ contractId: number; start: string; end: string }> },
): Promise<Array<{ fk_contrat: number; seconds: string }>> {
  if (scope.spans.length === 0) return Promise.resolve([]);
  const values = scope.spans.map(() => '(?::int, ?::date, ?::date)').join(', ');
  return interventionsSeenBy(db, scope)
    .join('llx_fichinterdet as fd', 'fd.fk_fichinter', 'f.rowid')
    .joinRaw(
      `join (values ${values}) as s(contract_id, starts, ends) on s.contract_id = f.fk_contrat and fd.date >= s.starts and fd.date < s.ends`,
      scope.spans.flatMap((span) => [span.contractId, span.start, span.end]),
    )
    .groupBy('f.fk_contrat')
    .select('f.fk_contrat', db.raw('coalesce(sum(fd.duree), 0) as seconds'));
}

/** The intervention lines of a contract dated within [start, end), by day, with who wrote them up. */
export function listInterventionLines(
  db: Db,
  scope: CompanyScope & { contractId: number; start: string; end: string },
): Promise<DolibarrInterventionLineRow[]> {
  return interventionsSeenBy(db, scope)
    .join('llx_fichinterdet as fd', 'fd.fk_fichinter', 'f.rowid')
    .leftJoin('llx_user as u', 'u.rowid', 'f.fk_user_author')
    .where('f.fk_contrat', scope.contractId)
    .andWhere('fd.date', '>=', scope.start)
    .andWhere('fd.date', '<', scope.end)
    .orderBy([{ column: 'fd.date' }, { column: 'fd.rowid' }])
    .select('fd.rowid', db.raw(`${day('fd.date')} as work_date`), 'fd.duree', 'fd.description', 'f.ref', 'u.firstname', 'u.lastname');
}
