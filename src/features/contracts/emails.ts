// The email to who asked for more hours when the agency answers, in their language: the contract
// and the line, how many hours for which period, the answer and the agency's words, and a link to
// the contract's page. The allowance itself is changed by the agency in its CRM: the email says so.
import { type Formatters, type HostWorkspace, type MailMessage, type Translate, linesEmail } from '../../core/index.ts';
import { lastDayOf } from './presenters.ts';
import type { HourRequestRow } from './queries.ts';

/** "5 hours" / "1,5 Stunden", in the reader's numbers. */
function hoursText(t: Translate, fmt: Formatters, hours: number): string {
  return t('contracts:amount.hours', { count: hours, number: fmt.number(hours) });
}

/** "This period (1 Nov 2026 to 30 Nov 2026)" or "From now on, every period". */
function scopeText(t: Translate, fmt: Formatters, row: Pick<HourRequestRow, 'scope' | 'period_start' | 'period_end'>): string {
  if (row.scope === 'this_period' && row.period_start && row.period_end)
    return t('contracts:moreHours.scope.period', { start: fmt.day(row.period_start), end: fmt.day(lastDayOf(row.period_end)) });
  return t(`contracts:moreHours.scope.${row.scope}`);
}

export function hoursAnsweredEmail(
  t: Translate,
  fmt: Formatters,
  input: { to: string; workspace: HostWorkspace; contract: string; line: string; row: HourRequestRow; url: string },
): MailMessage {
  const answer = input.row.answer === 'agreed' ? 'agreed' : 'declined';
  const vars = {
    workspace: input.workspace.name,
    contract: input.contract,
    line: input.line,
    hours: hoursText(t, fmt, Number(input.row.hours)),
    scope: scopeText(t, fmt, input.row),
  };
  const lines = [
    t(`contracts:moreHours.email.${answer}.body`, vars),
    t('contracts:moreHours.email.scope', { scope: vars.scope }),
    ...(input.row.answer_note ? ['', t('contracts:moreHours.email.note', { note: input.row.answer_note })] : []),
    ...(answer === 'agreed' ? ['', t('contracts:moreHours.email.allowance')] : []),
    '',
    t('contracts:moreHours.email.link'),
    input.url,
  ];
  return linesEmail(input.to, t(`contracts:moreHours.email.${answer}.subject`, vars), lines);
}
