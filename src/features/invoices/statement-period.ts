// The period a statement of account covers, chosen on the invoice list: since the balance was last
// zero (the default), or a calendar year in the workspace's time zone. There is no "whole history"
// choice: it is the one period whose cost grows with the client's history, and a client whose
// balance was never zero gets it anyway (since-zero starts at the first invoice); a year covers an
// audit. What is shared by every host's statement(): the day the balance was last zero, and the
// balance brought forward, from the client's moves by day, which each host aggregates in one read.
import { z } from 'zod';
import { addDays } from '../../core/index.ts';
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
 * The first day of "since the balance was last zero", or null for "from the first invoice".
 *
 * Per currency, the running balance at the end of each day is what the invoices issued up to then
 * (not void) charged less what their payments up to then paid. That currency's last zero is the
 * latest day, before the day its latest invoice was issued, at whose end the balance was zero;
 * its run starts the next day. Only days before the latest invoice count, so a client who has paid
 * everything still gets the run of invoices that ended at zero, not an empty statement. A currency
 * whose balance never closed at zero before its latest invoice runs from its first invoice.
 *
 * One period heads the whole document, so the currencies' starts are combined by the earliest: no
 * currency's run since its own last zero is cut short and hidden in a brought-forward figure (a
 * currency that reached zero later shows a few settled lines more, opening with its balance then).
 * Only currencies with something owed now are weighed where there is any: a currency long settled
 * (one invoice in another currency, paid years ago) would otherwise pull every statement back to
 * the client's first invoice.
 */
export function sinceLastZero(moves: readonly DailyMove[]): string | null {
  const byCurrency = new Map<string, DailyMove[]>();
  for (const move of moves) byCurrency.set(move.currency, [...(byCurrency.get(move.currency) ?? []), move]);
  const runs: Array<{ start: string | null; owed: boolean }> = [];
  for (const days of byCurrency.values()) {
    days.sort((a, b) => a.day.localeCompare(b.day));
    const lastIssue = days.reduce<string | null>((last, move) => (move.charged !== 0 ? move.day : last), null);
    let balance = 0;
    let lastZero: string | null = null;
    // A host may answer a day in several parts: the balance counts at the end of the day only.
    days.forEach((move, index) => {
      balance += move.charged - move.paid;
      const endOfDay = days[index + 1]?.day !== move.day;
      if (endOfDay && balance === 0 && lastIssue !== null && move.day < lastIssue) lastZero = move.day;
    });
    runs.push({ start: lastZero === null ? null : addDays(lastZero, 1), owed: balance !== 0 });
  }
  const weighed = runs.some((run) => run.owed) ? runs.filter((run) => run.owed) : runs;
  if (weighed.length === 0 || weighed.some((run) => run.start === null)) return null;
  return weighed.map((run) => run.start!).sort()[0]!;
}

/** What was owed per currency at the start of a period beginning on `from`: non-zero balances only. */
export function broughtForward(moves: readonly DailyMove[], from: string | null): InvoiceStatementData['broughtForward'] {
  if (from === null) return [];
  const owed = new Map<string, number>();
  for (const move of moves) if (move.day < from) owed.set(move.currency, (owed.get(move.currency) ?? 0) + move.charged - move.paid);
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
 * A host's statement in its two reads: the client's moves by day (only those before the period
 * where it has a first day, the aggregate of its brought-forward balance; every day for since-zero,
 * to find its first day), then the period's invoices and payments.
 */
export async function statementInTwoReads(
  period: StatementPeriod,
  moves: (before: string | null) => Promise<DailyMove[]>,
  rows: (from: string | null, before: string | null) => Promise<Pick<InvoiceStatementData, 'invoices' | 'payments'>>,
): Promise<InvoiceStatementData> {
  const sinceZero = period.from === SINCE_ZERO;
  const days = await moves(sinceZero ? null : period.from);
  const from = sinceZero ? sinceLastZero(days) : period.from;
  const read = await rows(from, period.before);
  return { from, before: period.before, broughtForward: broughtForward(days, from), ...read };
}
