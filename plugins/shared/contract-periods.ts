// Calendar periods of a contract allowance (month, quarter, year), as 'YYYY-MM-DD' days: a period's
// start is within it, its end is the next period's start. Plain date arithmetic in UTC, so no time
// zone ever moves a day; the reader's day ("today") comes from the portal.
import type { ContractState } from '../../src/index.ts';

export type CalendarPeriod = 'month' | 'quarter' | 'year';

const MONTHS: Record<CalendarPeriod, number> = { month: 1, quarter: 3, year: 12 };

const iso = (year: number, month: number) => new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);

/** The period of `kind` holding `day`. */
export function periodOf(day: string, kind: CalendarPeriod): { start: string; end: string } {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7)) - 1;
  const first = month - (month % MONTHS[kind]);
  return { start: iso(year, first), end: iso(year, first + MONTHS[kind]) };
}

/** The periods from the one holding `from` to the one holding `to`, newest first, at most `limit`. */
export function periodsBetween(from: string, to: string, kind: CalendarPeriod, limit: number): Array<{ start: string; end: string }> {
  const periods: Array<{ start: string; end: string }> = [];
  const first = periodOf(from, kind).start;
  let current = periodOf(to, kind);
  while (current.start >= first && periods.length < limit) {
    periods.push(current);
    const before = new Date(Date.parse(`${current.start}T00:00:00Z`) - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    current = periodOf(before, kind);
  }
  return periods;
}

/** A contract's state on `today` by its term (both ends within it), and whether the host ended it. */
export function contractState(today: string, startsOn: string | null, endsOn: string | null, ended: boolean): ContractState {
  if (ended || (endsOn !== null && endsOn < today)) return 'ended';
  if (startsOn !== null && startsOn > today) return 'upcoming';
  return 'active';
}

const ORDER: Record<ContractState, number> = { active: 0, upcoming: 1, ended: 2 };

/** Running contracts first, then upcoming, then ended; within each as the host listed them. */
export function byState<T extends { state: ContractState }>(contracts: T[]): T[] {
  return contracts
    .map((contract, index) => ({ contract, index }))
    .sort((a, b) => ORDER[a.contract.state] - ORDER[b.contract.state] || a.index - b.index)
    .map(({ contract }) => contract);
}

/** A decimal as the database gives it (numeric comes as text), rounded to hundredths. */
export function decimal(value: string | number | null | undefined): number {
  const number = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(number) ? Math.round(number * 100) / 100 : 0;
}
