// Contracts, their lines and the time entries counted against them. Every statement is scoped by
// workspace, and a client's reads by client through the contract, so another company's contract,
// line or entry is not found. Clients see active and ended contracts, never drafts.
import type { Knex } from 'knex';
import type { ALLOWANCE_MEASURES, ALLOWANCE_PERIODS } from '../migrations/20270502000001_contracts.ts';
import type { Db } from './db.ts';

export type AllowancePeriodKind = (typeof ALLOWANCE_PERIODS)[number];

export interface ContractRow {
  id: number;
  number: string;
  name: string;
  description: string;
  status: 'active' | 'ended';
  starts_on: string;
  ends_on: string | null;
}

export interface ContractLineRow {
  id: number;
  contract_id: number;
  name: string;
  description: string;
  quantity: string | null;
  allowance: string | null;
  measure: (typeof ALLOWANCE_MEASURES)[number];
  unit_name: string | null;
  period: AllowancePeriodKind;
  starts_on: string | null;
  ends_on: string | null;
}

export interface TimeEntryRow {
  id: number;
  work_date: string;
  amount: string;
  description: string;
  staff_name: string | null;
}

/** Dates as 'YYYY-MM-DD' text, so no time zone ever moves a day. */
const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

const CONTRACT_COLUMNS = (db: Db) => [
  'k.id',
  'k.number',
  'k.name',
  'k.description',
  'k.status',
  db.raw(`${day('k.starts_on')} as starts_on`),
  db.raw(`${day('k.ends_on')} as ends_on`),
];

/** The client's contracts (one where `contractId` is given), never drafts, newest first. */
export function listClientContracts(db: Db, scope: { workspaceId: number; clientId: number; contractId?: number }): Promise<ContractRow[]> {
  const query = db('contracts as k')
    .where({ 'k.workspace_id': scope.workspaceId, 'k.client_id': scope.clientId })
    .whereIn('k.status', ['active', 'ended'])
    .orderBy([
      { column: 'k.starts_on', order: 'desc' },
      { column: 'k.id', order: 'desc' },
    ])
    .select(CONTRACT_COLUMNS(db));
  if (scope.contractId !== undefined) query.andWhere('k.id', scope.contractId);
  return query;
}

const LINE_COLUMNS = (db: Db) => [
  'l.id',
  'l.contract_id',
  'l.name',
  'l.description',
  'l.quantity',
  'l.allowance',
  'l.measure',
  'l.unit_name',
  'l.period',
  db.raw(`${day('l.starts_on')} as starts_on`),
  db.raw(`${day('l.ends_on')} as ends_on`),
];

/** The lines of these contracts (the caller found them the client's), in their order. */
export function listContractLines(db: Db, scope: { workspaceId: number; contractIds: readonly number[] }): Promise<ContractLineRow[]> {
  if (scope.contractIds.length === 0) return Promise.resolve([]);
  return db('contract_lines as l')
    .where('l.workspace_id', scope.workspaceId)
    .whereIn('l.contract_id', scope.contractIds)
    .orderBy([{ column: 'l.contract_id' }, { column: 'l.position' }, { column: 'l.id' }])
    .select(LINE_COLUMNS(db));
}

/** One line of one of the client's contracts (never a draft's); undefined when it is not theirs. */
export function findClientLine(
  db: Db,
  scope: { workspaceId: number; clientId: number; contractId: number; lineId: number },
): Promise<(ContractLineRow & { contract_starts_on: string; contract_ends_on: string | null }) | undefined> {
  return db('contract_lines as l')
    .join('contracts as k', (j) => j.on('k.workspace_id', 'l.workspace_id').andOn('k.id', 'l.contract_id'))
    .where({ 'l.workspace_id': scope.workspaceId, 'l.id': scope.lineId, 'k.id': scope.contractId, 'k.client_id': scope.clientId })
    .whereIn('k.status', ['active', 'ended'])
    .first([...LINE_COLUMNS(db), db.raw(`${day('k.starts_on')} as contract_starts_on`), db.raw(`${day('k.ends_on')} as contract_ends_on`)]);
}

/** The calendar period of `today` a line's allowance renews by, as SQL over its `period`. */
const PERIOD_START = `date_trunc(l.period::text, ?::date)::date`;
/** One period's length (an interval has no quarter: three months). */
const PERIOD_LENGTH =
  "(case l.period when 'month' then interval '1 month' when 'quarter' then interval '3 months' else interval '1 year' end)";
const PERIOD_END = `(date_trunc(l.period::text, ?::date) + ${PERIOD_LENGTH})::date`;

/** What each of these allowance lines has used in the period holding `today`. */
export function usedThisPeriod(
  db: Db,
  scope: { workspaceId: number; lineIds: readonly number[]; today: string },
): Promise<Array<{ line_id: number; used: string }>> {
  if (scope.lineIds.length === 0) return Promise.resolve([]);
  return db('contract_lines as l')
    .leftJoin('time_entries as e', (j) =>
      j
        .on('e.workspace_id', 'l.workspace_id')
        .andOn('e.contract_line_id', 'l.id')
        .andOn('e.work_date', '>=', db.raw(PERIOD_START, [scope.today]))
        .andOn('e.work_date', '<', db.raw(PERIOD_END, [scope.today])),
    )
    .where('l.workspace_id', scope.workspaceId)
    .whereIn('l.id', scope.lineIds)
    .groupBy('l.id')
    .select('l.id as line_id', db.raw('coalesce(sum(e.amount), 0) as used'));
}

/** A line's usage per calendar period from `from` (a period's start) up to `until` (not included). */
export function usedByPeriod(
  db: Db,
  scope: { workspaceId: number; lineId: number; period: AllowancePeriodKind; from: string; until: string },
): Promise<Array<{ period_start: string; used: string }>> {
  return db('time_entries as e')
    .where({ 'e.workspace_id': scope.workspaceId, 'e.contract_line_id': scope.lineId })
    .andWhere('e.work_date', '>=', scope.from)
    .andWhere('e.work_date', '<', scope.until)
    .groupByRaw('1')
    .select(db.raw(`to_char(date_trunc(?, e.work_date), 'YYYY-MM-DD') as period_start`, [scope.period]), db.raw('sum(e.amount) as used'));
}

/** The entries of a line in one period, by day, with who did the work. */
export function listTimeEntries(
  db: Db,
  scope: { workspaceId: number; lineId: number; start: string; end: string },
): Promise<TimeEntryRow[]> {
  return db('time_entries as e')
    .leftJoin('staff_users as s', (j) => j.on('s.workspace_id', 'e.workspace_id').andOn('s.id', 'e.staff_user_id'))
    .where({ 'e.workspace_id': scope.workspaceId, 'e.contract_line_id': scope.lineId })
    .andWhere('e.work_date', '>=', scope.start)
    .andWhere('e.work_date', '<', scope.end)
    .orderBy([{ column: 'e.work_date' }, { column: 'e.id' }])
    .select('e.id', db.raw(`${day('e.work_date')} as work_date`), 'e.amount', 'e.description', 's.name as staff_name');
}

/** Seeds a contract with its lines and entries once (by its number); the demo's and the tests'. */
export async function ensureSeedContract(
  db: Db,
  workspaceId: number,
  contract: {
    clientId: number;
    number: string;
    name: string;
    description: string;
    status: 'draft' | 'active' | 'ended';
    startsOn: string;
    endsOn: string | null;
    lines: ReadonlyArray<{
      name: string;
      description?: string;
      quantity?: number | null;
      allowance?: number | null;
      measure?: 'hours' | 'units';
      unitName?: string | null;
      period?: AllowancePeriodKind;
      entries?: ReadonlyArray<{ day: string; amount: number; description: string; staffUserId?: number | null }>;
    }>;
  },
): Promise<number> {
  const existing = await db('contracts')
    .where({ workspace_id: workspaceId, number: contract.number })
    .first<{ id: number } | undefined>('id');
  if (existing) return existing.id;
  const [inserted] = await db('contracts')
    .insert({
      workspace_id: workspaceId,
      client_id: contract.clientId,
      number: contract.number,
      name: contract.name,
      description: contract.description,
      status: contract.status,
      starts_on: contract.startsOn,
      ends_on: contract.endsOn,
    })
    .returning<Array<{ id: number }>>('id');
  const contractId = inserted!.id;
  for (const [position, line] of contract.lines.entries()) {
    const [row] = await db('contract_lines')
      .insert({
        workspace_id: workspaceId,
        contract_id: contractId,
        name: line.name,
        description: line.description ?? '',
        quantity: line.quantity ?? null,
        allowance: line.allowance ?? null,
        measure: line.measure ?? 'hours',
        unit_name: line.unitName ?? null,
        period: line.period ?? 'month',
        position,
      })
      .returning<Array<{ id: number }>>('id');
    if (line.entries?.length)
      await db('time_entries').insert(
        line.entries.map((entry) => ({
          workspace_id: workspaceId,
          contract_line_id: row!.id,
          staff_user_id: entry.staffUserId ?? null,
          work_date: entry.day,
          amount: entry.amount,
          description: entry.description,
        })),
      );
  }
  return contractId;
}

/** A client's contracts as staff see them: drafts too, newest first. */
export function staffClientContracts(
  db: Db,
  scope: { workspaceId: number; clientId: number },
): Promise<Array<Omit<ContractRow, 'status'> & { status: 'draft' | 'active' | 'ended' }>> {
  return db('contracts as k')
    .where({ 'k.workspace_id': scope.workspaceId, 'k.client_id': scope.clientId })
    .orderBy([
      { column: 'k.starts_on', order: 'desc' },
      { column: 'k.id', order: 'desc' },
    ])
    .select(CONTRACT_COLUMNS(db));
}

/** One contract of the workspace, with its client's id and name, as staff see it (drafts too). */
export function findStaffContract(
  db: Db,
  scope: { workspaceId: number; contractId: number },
): Promise<(Omit<ContractRow, 'status'> & { status: 'draft' | 'active' | 'ended'; client_id: number; client_name: string }) | undefined> {
  return db('contracts as k')
    .join('clients as c', (j) => j.on('c.workspace_id', 'k.workspace_id').andOn('c.id', 'k.client_id'))
    .where({ 'k.workspace_id': scope.workspaceId, 'k.id': scope.contractId })
    .first([...CONTRACT_COLUMNS(db), 'k.client_id', 'c.name as client_name']);
}

/** The calendar period holding `today` of each of these lines: its first day and the day after its last. */
export function periodsOf(
  db: Db,
  scope: { workspaceId: number; lineIds: readonly number[]; today: string },
): Promise<Array<{ line_id: number; start: string; end: string }>> {
  if (scope.lineIds.length === 0) return Promise.resolve([]);
  return db('contract_lines as l')
    .where('l.workspace_id', scope.workspaceId)
    .whereIn('l.id', scope.lineIds)
    .select(
      'l.id as line_id',
      db.raw(`to_char(${PERIOD_START}, 'YYYY-MM-DD') as start`, [scope.today]),
      db.raw(`to_char(${PERIOD_END}, 'YYYY-MM-DD') as "end"`, [scope.today]),
    );
}

/**
 * Records work against a line of the contract; false when the line is not the contract's. The line
 * is locked, so two entries at once count one after the other, and the use of the period holding
 * `today` is read after the write, in the same transaction.
 */
export async function insertTimeEntry(
  trx: Knex.Transaction,
  args: {
    workspaceId: number;
    contractId: number;
    lineId: number;
    staffUserId: number;
    day: string;
    amount: string;
    description: string;
    today: string;
  },
): Promise<{ allowance: string | null; used: string; period: { start: string; end: string }; name: string } | null> {
  const line = await trx('contract_lines as l')
    .where({ 'l.workspace_id': args.workspaceId, 'l.id': args.lineId, 'l.contract_id': args.contractId })
    .forUpdate()
    .first<{ id: number; name: string; allowance: string | null } | undefined>('l.id', 'l.name', 'l.allowance');
  if (!line) return null;
  await trx('time_entries').insert({
    workspace_id: args.workspaceId,
    contract_line_id: args.lineId,
    staff_user_id: args.staffUserId,
    work_date: args.day,
    amount: args.amount,
    description: args.description,
  });
  const [used] = await usedThisPeriod(trx, { workspaceId: args.workspaceId, lineIds: [args.lineId], today: args.today });
  const [period] = await periodsOf(trx, { workspaceId: args.workspaceId, lineIds: [args.lineId], today: args.today });
  return { allowance: line.allowance, used: used?.used ?? '0', period: { start: period!.start, end: period!.end }, name: line.name };
}

/**
 * A new allowance for a contract's line that has one (a line without an allowance keeps none: what
 * it counts is set when the contract is made). It counts for the period under way and the next
 * ones: the CRM keeps one allowance per line, not one per period. The line's name when it changed;
 * null when the line is not one of this contract's allowance lines in the workspace.
 */
export async function changeLineAllowance(
  db: Db,
  args: { workspaceId: number; contractId: number; lineId: number; allowance: string },
): Promise<{ name: string } | null> {
  const [row] = await db('contract_lines')
    .where({ workspace_id: args.workspaceId, contract_id: args.contractId, id: args.lineId })
    .whereNotNull('allowance')
    .update({ allowance: args.allowance }, ['name']);
  return row ? { name: row.name as string } : null;
}
