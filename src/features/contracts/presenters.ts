// View models for the contracts pages: a contract's state and term, each line with its allowance
// as "7.5 of 10 hours used", what is left (or how far over), and the numbers a <meter> needs; a
// period of a line's history; an entry of work behind a period. Amounts are rounded to hundredths,
// as the hosts' own screens show them.
import type { RequestI18n } from '../../core/index.ts';
import type { AllowancePeriod, ContractLineSummary, ContractSummary, ContractTimeEntry } from './port.ts';
import type { HourRequestRow } from './queries.ts';

type Measure = 'hours' | 'units';

const round = (value: number) => Math.round(value * 100) / 100;

/** "7.5 hours" / "3 licences": the amount with its unit, in the reader's numbers. */
function amount(i18n: RequestI18n, measure: Measure, unitName: string | null, value: number): string {
  const number = i18n.fmt.number(round(value));
  if (measure === 'hours') return i18n.t('contracts:amount.hours', { count: round(value), number });
  return unitName ? `${number} ${unitName}` : i18n.t('contracts:amount.units', { count: round(value), number });
}

/** What a figure of used out of total reads as, and what a meter shows of it. */
function usage(i18n: RequestI18n, measure: Measure, unitName: string | null, used: number, total: number) {
  const left = round(total - used);
  const over = left < 0;
  return {
    usedText: i18n.t(`contracts:usage.used`, {
      used: i18n.fmt.number(round(used)),
      total: amount(i18n, measure, unitName, total),
    }),
    leftText: over
      ? i18n.t('contracts:usage.over', { amount: amount(i18n, measure, unitName, -left) })
      : i18n.t('contracts:usage.left', { amount: amount(i18n, measure, unitName, left) }),
    over,
    meter: { value: round(Math.min(Math.max(used, 0), Math.max(total, 0))), max: round(Math.max(total, 0)) || 1, high: round(total * 0.8) },
    percent: total > 0 ? Math.round((used / total) * 100) : 0,
  };
}

function term(i18n: RequestI18n, startsOn: string | null, endsOn: string | null): string | null {
  if (startsOn && endsOn) return i18n.t('contracts:term.between', { start: i18n.fmt.day(startsOn), end: i18n.fmt.day(endsOn) });
  if (startsOn) return i18n.t('contracts:term.from', { start: i18n.fmt.day(startsOn) });
  if (endsOn) return i18n.t('contracts:term.until', { end: i18n.fmt.day(endsOn) });
  return null;
}

/** A period's last day: the host keeps the day after it as the end. */
export function lastDayOf(end: string): string {
  return new Date(Date.parse(`${end}T00:00:00Z`) - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

function periodText(i18n: RequestI18n, start: string, end: string): string {
  return i18n.t('contracts:period.between', { start: i18n.fmt.day(start), end: i18n.fmt.day(lastDayOf(end)) });
}

const contractHrefOf = (base: string, contract: ContractSummary) => `${base}/contracts/${encodeURIComponent(contract.id)}`;
const lineHref = (contractHref: string, line: ContractLineSummary) => `${contractHref}/lines/${encodeURIComponent(line.id)}`;

/** Today's figure of a line's allowance: used of total, what is left, its period. */
function presentAllowance(i18n: RequestI18n, allowance: NonNullable<ContractLineSummary['allowance']>) {
  return {
    ...usage(i18n, allowance.measure, allowance.unitName, allowance.used, allowance.total),
    period: allowance.periodStart && allowance.periodEnd ? periodText(i18n, allowance.periodStart, allowance.periodEnd) : null,
  };
}

/**
 * A line, with today's figure of its allowance where `underWay` (its contract runs today): an ended
 * contract or one that starts later has no period under way, and "0 of 4 hours used, 4 left" would
 * say otherwise. Its history stays a link away.
 */
export function presentLine(i18n: RequestI18n, contractHref: string, line: ContractLineSummary, underWay = true) {
  const allowance = line.allowance;
  return {
    id: line.id,
    name: line.name,
    description: line.description,
    quantity: line.quantity === null ? null : i18n.fmt.number(line.quantity),
    term: term(i18n, line.startsOn, line.endsOn),
    href: allowance ? lineHref(contractHref, line) : null,
    allowance: allowance && underWay ? presentAllowance(i18n, allowance) : null,
  };
}

export function presentContract(i18n: RequestI18n, base: string, contract: ContractSummary) {
  const href = contractHrefOf(base, contract);
  return {
    href,
    name: contract.name,
    reference: contract.reference,
    state: contract.state,
    chip: contract.state === 'active' ? 'on' : contract.state === 'upcoming' ? 'awaiting' : 'expired',
    stateLabel: i18n.t(`contracts:state.${contract.state}`),
    term: term(i18n, contract.startsOn, contract.endsOn),
    lines: contract.lines.map((line) => presentLine(i18n, href, line, contract.state === 'active')),
  };
}

export function presentPeriod(
  i18n: RequestI18n,
  measure: Measure,
  unitName: string | null,
  period: AllowancePeriod,
  href: string,
  current: boolean,
) {
  return {
    start: period.start,
    href,
    current,
    label: periodText(i18n, period.start, period.end),
    ...usage(i18n, measure, unitName, period.used, period.total),
  };
}

export function presentEntry(i18n: RequestI18n, measure: Measure, entry: ContractTimeEntry) {
  return {
    day: i18n.fmt.day(entry.date),
    amount: measure === 'hours' ? amount(i18n, 'hours', null, entry.amount) : i18n.fmt.number(round(entry.amount)),
    description: entry.description,
    by: entry.by,
  };
}

/**
 * The dashboard's "hours left": each allowance of a running contract, today's period of it. Only
 * the lines with an allowance are presented: the dashboard shows nothing else of a contract.
 */
export function presentAllowances(i18n: RequestI18n, base: string, contracts: readonly ContractSummary[]) {
  return contracts
    .filter((contract) => contract.state === 'active')
    .flatMap((contract) => {
      const contractHref = contractHrefOf(base, contract);
      return contract.lines.flatMap((line) =>
        line.allowance
          ? [
              {
                name: line.name,
                href: lineHref(contractHref, line),
                contract: contract.name,
                allowance: presentAllowance(i18n, line.allowance),
              },
            ]
          : [],
      );
    });
}

/**
 * An ask for more hours as its client reads it: how many hours for which period, when asked, its
 * state as a chip (waiting, agreed, declined, withdrawn), the agency's words, and where a pending
 * one is withdrawn, for who asked it or a client admin.
 */
export function presentHourRequest(i18n: RequestI18n, contractHref: string, row: HourRequestRow, mayWithdraw: boolean) {
  const { t, fmt } = i18n;
  const hours = Number(row.hours);
  const outcome = row.state === 'answered' ? (row.answer ?? 'declined') : row.state;
  const scope =
    row.scope === 'this_period' && row.period_start && row.period_end
      ? t('contracts:moreHours.scope.period', { start: fmt.day(row.period_start), end: fmt.day(lastDayOf(row.period_end)) })
      : t(`contracts:moreHours.scope.${row.scope}`);
  return {
    id: row.id,
    pending: row.state === 'pending',
    summary: t('contracts:moreHours.summary', { hours: t('contracts:amount.hours', { count: hours, number: fmt.number(hours) }), scope }),
    askedAt: t('contracts:moreHours.askedAt', { day: fmt.day(fmt.isoDay(row.asked_at)) }),
    chip: { pending: 'awaiting', agreed: 'accepted', declined: 'declined', withdrawn: 'withdrawn' }[outcome],
    stateLabel: t(`contracts:moreHours.state.${outcome}`),
    note: row.note,
    answerNote: row.state === 'answered' ? row.answer_note : null,
    answeredAt:
      row.state === 'answered' && row.answered_at
        ? t('contracts:moreHours.answeredAt', { day: fmt.day(fmt.isoDay(row.answered_at)) })
        : null,
    withdrawAction: row.state === 'pending' && mayWithdraw ? `${contractHref}/hours/${encodeURIComponent(row.id)}/withdraw` : null,
  };
}
