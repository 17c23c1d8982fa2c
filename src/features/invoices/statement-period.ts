// The period a statement of account covers, chosen on the invoice list: since the balance was last
// zero (the default), or a calendar year in the workspace's time zone. There is no "whole history"
// choice: it is the one period whose cost grows with the client's history, and a client whose
// balance was never zero gets it anyway (since-zero starts at the first invoice); a year covers an
// audit. What is shared by every host's statement(): the day the balance was last zero, found by
// walking back from today's balance, and the balance brought forward, from the client's moves by
// day, which each host aggregates by a range of days.
import { z } from 'zod';
import { addDays, dayInZone } from '../../core/index.ts';
import type { InvoiceStatementData, StatementPeriod } from './port.ts';

/** The years a statement may be asked for: any a client's invoices plausibly fall in. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2100;

export const SINCE_ZERO = 'since-zero';

function isPeriodChoice(value: string): boolean {
  if (value === SINCE_ZERO) return true;
  const year = /^year:(\d{4})$/.exec(value)?.[1];
  return year !== undefined && Number(year) >= FIRST_YEAR && Number(year) <= LAST_YEAR;
}

export const StatementQuery = z.object({
  period: z
    .string({ error: 'statement:errors.period' })
    .max(20, 'statement:errors.period')
    .refine(isPeriodChoice, 'statement:errors.period')
    .default(SINCE_ZERO),
});
export type StatementInput = z.infer<typeof StatementQuery>;

/** The days a valid choice covers; a year runs from its 1 January to the next. */
export function statementPeriodOf(choice: string, timeZone: string): StatementPeriod {
  if (choice === SINCE_ZERO) return { from: SINCE_ZERO, before: null, timeZone };
  const year = Number(choice.slice('year:'.length));
  return { from: `${year}-01-01`, before: `${year + 1}-01-01`, timeZone };
}

/** The choices the invoice list offers, the default first: this year and last year by today's day. */
export function statementChoices(today: string): Array<{ value: string; kind: 'sinceZero' | 'year'; year?: number }> {
  const year = Number(today.slice(0, 4));
  return [
    { value: SINCE_ZERO, kind: 'sinceZero' },
    { value: `year:${year}`, kind: 'year', year },
    { value: `year:${year - 1}`, kind: 'year', year: year - 1 },
  ];
}

/**
 * What moved a currency's balance on one day: the invoices issued that day that are not void
 * (charged) and the payments of such invoices made that day (paid), in cents.
 */
export interface DailyMove {
  currency: string;
  day: string;
  charged: number;
  paid: number;
}

/**
 * Where a host's statement comes from (statementOf): what the client owes now, its moves on the
 * days of a range, and a period's invoices and payments. A host answers the first two from what
 * it keeps by the client and day, so a statement reads what its period holds and the days walked
 * back to the last zero, not the client's whole history.
 */
export interface StatementReads {
  /** What the client owes now per currency: every move's charged less paid (zeros may be left out). */
  balances(): Promise<ReadonlyArray<{ currency: string; cents: number }>>;
  /** The client's moves on the days in [from, before), null an open end, in any order and parts. */
  moves(from: string | null, before: string | null): Promise<DailyMove[]>;
  /** The invoices issued and the payments made on the days in [from, before). */
  rows(from: string | null, before: string | null): Promise<Pick<InvoiceStatementData, 'invoices' | 'payments'>>;
}

/**
 * How far back from today each read of the walk to the last zero reaches, in days: three months,
 * a year, four years, sixteen, then the rest. A client that was last at zero within the quarter
 * costs one read of a quarter's days; one never at zero, five reads of its whole history, which
 * its statement then covers anyway.
 */
export const WALK_BACK_DAYS: readonly number[] = [92, 366, 1_461, 5_844];

/**
 * A statement of account from a host's reads: for since-zero the days are walked back from today's
 * balance until the period's first day is found (sinceLastZero); for a period with a first day, the
 * balance brought forward is today's less what moved since that day. Today is the workspace's (the
 * period's time zone) unless given. The first read of moves does not wait for the balance: both
 * are sent at once.
 */
export async function statementOf(
  period: StatementPeriod,
  reads: StatementReads,
  options: { today?: string; walkBack?: readonly number[] } = {},
): Promise<InvoiceStatementData> {
  const today = options.today ?? dayInZone(new Date(), period.timeZone);
  const ranges = [...(options.walkBack ?? WALK_BACK_DAYS).map((back) => addDays(today, -back)), null];
  const firstFrom = period.from === SINCE_ZERO ? ranges[0]! : period.from;
  const [balances, firstMoves] = await Promise.all([reads.balances(), reads.moves(firstFrom, null)]);
  const owedNow = new Map<string, number>();
  for (const { currency, cents } of balances) if (cents !== 0) owedNow.set(currency, cents);
  const [from, since] = period.from === SINCE_ZERO ? await sinceLastZero(owedNow, ranges, firstMoves, reads) : [period.from, firstMoves];
  const rows = await reads.rows(from, period.before);
  return { from, before: period.before, broughtForward: broughtForward(owedNow, since, from), ...rows };
}

/** The statement of a client the host does not know (an id it cannot hold): the period, nothing in it. */
export function emptyStatement(period: StatementPeriod): InvoiceStatementData {
  return {
    from: period.from === SINCE_ZERO ? null : period.from,
    before: period.before,
    broughtForward: [],
    invoices: [],
    payments: [],
  };
}

/** One currency's walk back: its balance at the end of the day reached, and what was found so far. */
interface CurrencyWalk {
  balance: number;
  /** Its newest day with a move, and its newest day with an invoice (not void). */
  latestMove: string;
  latestIssue: string | null;
  /** The day after its last zero before its latest invoice; null: never at zero; undefined: not found yet. */
  start: string | null | undefined;
}

/**
 * The first day of "since the balance was last zero" (null: from the first invoice), and every
 * move on or after the earliest day read, walked back from today's balance, newest days first:
 * `ranges` are the first days of the reads, the last null (the rest), the first read already made.
 *
 * Per currency, the running balance at the end of each day is what the invoices issued up to then
 * (not void) charged less what their payments up to then paid. That currency's last zero is the
 * latest day with a move, before the day its latest invoice was issued, at whose end the balance
 * was zero; its run starts the next day. Only days before the latest invoice count, so a client who
 * has paid everything still gets the run of invoices that ended at zero, not an empty statement. A
 * currency whose balance never closed at zero before its latest invoice runs from its first one.
 *
 * One period heads the whole document, so the currencies' starts are combined by the earliest of
 * those weighed: the currencies owed now (where nothing is owed, those of the latest invoice), and
 * with them every currency that moved on or after the earliest start, until none is added. No
 * currency's run in the period is cut short and hidden in a brought-forward figure, yet a currency
 * long settled (one invoice in another currency, paid years ago) does not pull every statement back
 * to the client's first invoice. The answer does not depend on how the walk's reads are cut.
 */
async function sinceLastZero(
  owedNow: ReadonlyMap<string, number>,
  ranges: ReadonlyArray<string | null>,
  firstMoves: readonly DailyMove[],
  reads: StatementReads,
): Promise<[string | null, DailyMove[]]> {
  const walks = new Map<string, CurrencyWalk>();
  const walked: DailyMove[] = [];
  let before: string | null = null;
  for (const [index, from] of ranges.entries()) {
    const moves = index === 0 ? firstMoves : await reads.moves(from, before);
    walked.push(...moves);
    walkDays(walks, owedNow, moves);
    const start = weighedStart(walks, owedNow, from === null);
    if (start !== undefined) return [start, walked];
    before = from;
  }
  throw new Error('unreachable: the last read reaches the first day');
}

/** Goes back through one read's days, newest first, a day's parts taken together. */
function walkDays(walks: Map<string, CurrencyWalk>, owedNow: ReadonlyMap<string, number>, moves: readonly DailyMove[]): void {
  const days = new Map<string, { currency: string; day: string; net: number; issued: boolean }>();
  for (const move of moves) {
    const key = `${move.currency} ${move.day}`;
    const day = days.get(key) ?? { currency: move.currency, day: move.day, net: 0, issued: false };
    day.net += move.charged - move.paid;
    day.issued ||= move.charged !== 0;
    days.set(key, day);
  }
  const newestFirst = [...days.values()].sort((a, b) => b.day.localeCompare(a.day));
  for (const { currency, day, net, issued } of newestFirst) {
    let walk = walks.get(currency);
    if (!walk) {
      walk = { balance: owedNow.get(currency) ?? 0, latestMove: day, latestIssue: null, start: undefined };
      walks.set(currency, walk);
    }
    if (walk.start !== undefined) continue;
    if (walk.balance === 0 && walk.latestIssue !== null && day < walk.latestIssue) {
      walk.start = addDays(day, 1);
      continue;
    }
    if (issued) walk.latestIssue ??= day;
    walk.balance -= net;
  }
}

/**
 * The period's first day once the days walked settle it (sinceLastZero), null for the first
 * invoice, undefined while an older read could still change it. `whole`: every day has been read.
 */
function weighedStart(
  walks: ReadonlyMap<string, CurrencyWalk>,
  owedNow: ReadonlyMap<string, number>,
  whole: boolean,
): string | null | undefined {
  let weighed = new Set(owedNow.keys());
  if (weighed.size === 0) {
    const latest = [...walks.values()].reduce<string | null>(
      (max, walk) => (walk.latestIssue !== null && (max === null || walk.latestIssue > max) ? walk.latestIssue : max),
      null,
    );
    if (latest === null) return whole ? null : undefined;
    weighed = new Set([...walks].filter(([, walk]) => walk.latestIssue === latest).map(([currency]) => currency));
  }
  for (;;) {
    const starts = [...weighed].map((currency) => walks.get(currency)?.start);
    if (starts.includes(undefined)) return whole ? null : undefined;
    if (starts.includes(null)) return null;
    const start = (starts as string[]).sort()[0]!;
    const more = [...walks].filter(([currency, walk]) => !weighed.has(currency) && walk.latestMove >= start);
    if (more.length === 0) return start;
    for (const [currency] of more) weighed.add(currency);
  }
}

/**
 * What was owed per currency at the start of a period beginning on `from`: today's balance less
 * what moved since (`since` holds every move on or after from); non-zero balances only.
 */
function broughtForward(
  owedNow: ReadonlyMap<string, number>,
  since: readonly DailyMove[],
  from: string | null,
): InvoiceStatementData['broughtForward'] {
  if (from === null) return [];
  const owed = new Map(owedNow);
  for (const move of since) if (move.day >= from) owed.set(move.currency, (owed.get(move.currency) ?? 0) - move.charged + move.paid);
  return [...owed]
    .filter(([, cents]) => cents !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, cents]) => ({ currency, cents }));
}

/** Whether a day falls in [from, before), an open end null. */
export function inPeriod(day: string, from: string | null, before: string | null): boolean {
  return (from === null || day >= from) && (before === null || day < before);
}

/** The moves of invoices (not void) and payments, each on its own day, as sinceLastZero weighs them. */
export function movesOf(
  invoices: ReadonlyArray<{ currency: string; day: string; cents: number }>,
  payments: ReadonlyArray<{ currency: string; day: string; cents: number }>,
): DailyMove[] {
  return [
    ...invoices.map(({ currency, day, cents }) => ({ currency, day, charged: cents, paid: 0 })),
    ...payments.map(({ currency, day, cents }) => ({ currency, day, charged: 0, paid: cents })),
  ];
}

/**
 * The reads of a host that holds the client's moves in memory (it read them whole): today's
 * balance summed from them, a range's moves filtered.
 */
export function movesInMemory(moves: readonly DailyMove[]): Pick<StatementReads, 'balances' | 'moves'> {
  return {
    async balances() {
      const owed = new Map<string, number>();
      for (const move of moves) owed.set(move.currency, (owed.get(move.currency) ?? 0) + move.charged - move.paid);
      return [...owed].map(([currency, cents]) => ({ currency, cents }));
    },
    async moves(from, before) {
      return moves.filter((move) => inPeriod(move.day, from, before));
    },
  };
}
