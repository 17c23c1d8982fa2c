// SQL of the asks for more hours: asking (one pending ask per contract line), a contract's asks for
// its client page and its staff page, withdrawing and answering (conditional updates: a pending ask
// leaves that state once), and a person's asks for their export and erasure. Every statement names
// its workspace and, for the client's pages, its client.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

type HourRequestState = 'pending' | 'answered' | 'withdrawn';
export type HourRequestScope = 'this_period' | 'from_now_on';
export type HourRequestAnswer = 'agreed' | 'declined';

export interface HourRequestRow {
  id: string;
  workspace_id: string;
  client_id: string;
  contract_id: string;
  line_id: string;
  /** numeric, as pg returns it: "2.50". */
  hours: string;
  scope: HourRequestScope;
  period_start: string | null;
  period_end: string | null;
  note: string | null;
  asked_by: string | null;
  asked_at: Date;
  state: HourRequestState;
  answer: HourRequestAnswer | null;
  answer_note: string | null;
  answered_at: Date | null;
  answered_by_staff_id: string | null;
}

const TABLE = 'portal_contract_hour_requests';
const COLUMNS = [
  'id',
  'workspace_id',
  'client_id',
  'contract_id',
  'line_id',
  'hours',
  'scope',
  'period_start',
  'period_end',
  'note',
  'asked_by',
  'asked_at',
  'state',
  'answer',
  'answer_note',
  'answered_at',
  'answered_by_staff_id',
] as const;

/** How many of a contract's asks its pages list: the newest. */
const CONTRACT_LIMIT = 30;

/** Records the ask; null when the line has a pending one already (the partial unique index). */
export async function insertHourRequest(
  db: Db,
  ask: {
    workspaceId: string;
    clientId: string;
    contractId: string;
    lineId: string;
    hours: number;
    scope: HourRequestScope;
    period: { start: string; end: string } | null;
    note: string | null;
    askedBy: string;
    at: Date;
  },
): Promise<HourRequestRow | null> {
  const rows = await db(TABLE)
    .insert({
      workspace_id: ask.workspaceId,
      client_id: ask.clientId,
      contract_id: ask.contractId,
      line_id: ask.lineId,
      hours: ask.hours,
      scope: ask.scope,
      period_start: ask.period?.start ?? null,
      period_end: ask.period?.end ?? null,
      note: ask.note,
      asked_by: ask.askedBy,
      asked_at: ask.at,
    })
    .onConflict(db.raw(`(workspace_id, client_id, contract_id, line_id) where state = 'pending'`))
    .ignore()
    .returning<HourRequestRow[]>(COLUMNS);
  return rows[0] ?? null;
}

/** A contract's asks, pending first, then the newest. */
export function listContractHourRequests(
  db: Db,
  scope: { workspaceId: string; clientId: string; contractId: string },
): Promise<HourRequestRow[]> {
  return db(TABLE)
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, contract_id: scope.contractId })
    .orderByRaw(`state = 'pending' desc, asked_at desc`)
    .limit(CONTRACT_LIMIT)
    .select<HourRequestRow[]>(COLUMNS);
}

/** Withdraws a pending ask of the client's contract; the row as it now stands, or null when none was pending. */
export async function withdrawHourRequest(
  db: Db,
  scope: { workspaceId: string; clientId: string; contractId: string; id: string },
  at: Date,
): Promise<HourRequestRow | null> {
  const rows = await db(TABLE)
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, contract_id: scope.contractId, id: scope.id, state: 'pending' })
    .update({ state: 'withdrawn', answered_at: at })
    .returning<HourRequestRow[]>(COLUMNS);
  return rows[0] ?? null;
}

/** Answers a pending ask of the contract; the row as it now stands, or null when none was pending. */
export async function answerHourRequest(
  db: Db,
  scope: { workspaceId: string; clientId: string; contractId: string; id: string },
  answer: { answer: HourRequestAnswer; note: string; staffId: string; at: Date },
): Promise<HourRequestRow | null> {
  const rows = await db(TABLE)
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, contract_id: scope.contractId, id: scope.id, state: 'pending' })
    .update({
      state: 'answered',
      answer: answer.answer,
      answer_note: answer.note,
      answered_by_staff_id: answer.staffId,
      answered_at: answer.at,
    })
    .returning<HourRequestRow[]>(COLUMNS);
  return rows[0] ?? null;
}

/** The asks a person made, oldest first, for their export. */
export function personHourRequests(db: Db, workspaceId: string, clientUserId: string): Promise<HourRequestRow[]> {
  return db(TABLE)
    .where({ workspace_id: workspaceId, asked_by: clientUserId })
    .orderBy('asked_at', 'asc')
    .select<HourRequestRow[]>(COLUMNS);
}

/**
 * In an erasure's transaction: the person's asks stay the company's (what was asked and answered on
 * its contract), without who asked and without their words. Resolves with how many.
 */
export function anonymisePersonHourRequests(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx(TABLE).where({ workspace_id: workspaceId, asked_by: clientUserId }).update({ asked_by: null, note: null });
}

/** How many asks the person made: one count(*)::int, read with the other hooks'. */
export function countPersonHourRequests(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db(TABLE).where({ workspace_id: workspaceId, asked_by: clientUserId }).select(db.raw('count(*)::int'));
}
