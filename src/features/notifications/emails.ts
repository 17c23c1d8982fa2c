// The words staff read, in the notifications list and in emails. Staff pages and emails are in
// English, like the rest of the admin side; amounts are formatted with the portal's formatters.
import {
  ACTIVITY_EVENTS,
  type ActivityRow,
  escapeHtml,
  formattersFor,
  type HostWorkspace,
  type MailMessage,
  subjectNameOf,
  UNAPPLIED_PAYMENTS_PATH,
} from '../../core/index.ts';
import { NOTIFICATION_RULES } from './rules.ts';

const fmt = formattersFor('en', 'UTC');

function message(to: string, subject: string, lines: string[]): MailMessage {
  return { to, subject, text: lines.join('\n'), html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n') };
}

const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);

/** One line: who did what, on which record, for how much. */
export function describeEvent(row: ActivityRow, clientNames: Map<string, string>): string {
  const details = (row.details ?? {}) as Record<string, unknown>;
  const who = (row.client_id && clientNames.get(row.client_id)) || row.email || 'A client';
  const what = ACTIVITY_EVENTS[row.event] ?? row.event;
  const subject = subjectNameOf(row) ?? str(details.invoiceNumber) ?? str(details.number) ?? str(details.subjectNumber);
  const repeats = (row.repeat_count ?? 1) > 1 ? `, ${row.repeat_count} times` : '';
  const cents =
    typeof details.amountCents === 'number' ? details.amountCents : typeof details.balanceCents === 'number' ? details.balanceCents : null;
  const currency = str(details.currency);
  const amount = cents !== null && currency && /^[A-Z]{3}$/.test(currency) ? fmt.money(cents, currency) : null;
  return [`${who}: ${what}`, subject ? ` — ${subject}` : '', repeats, amount ? ` (${amount})` : ''].join('');
}

export function immediateEmail(input: {
  to: string;
  workspace: HostWorkspace;
  event: ActivityRow;
  clientNames: Map<string, string>;
  listUrl: string;
  /** The staff pages' address (absolute), for a link straight to what to act on. */
  adminUrl?: string | undefined;
}): MailMessage {
  const rule = NOTIFICATION_RULES[input.event.event];
  const line = describeEvent(input.event, input.clientNames);
  const unapplied =
    input.event.event === 'invoice.payment_unapplied' && input.adminUrl
      ? [`Apply it to an invoice in the CRM, or refund it: ${input.adminUrl}${UNAPPLIED_PAYMENTS_PATH}`]
      : [];
  return message(input.to, `${rule?.subject ?? 'Client portal'}: ${line}`.slice(0, 200), [
    `${input.workspace.name} client portal`,
    '',
    line,
    `At ${fmt.dateTime(input.event.created_at)} (UTC)`,
    ...unapplied,
    '',
    `All notifications: ${input.listUrl}`,
  ]);
}

export function digestEmail(input: {
  to: string;
  workspace: HostWorkspace;
  events: ActivityRow[];
  clientNames: Map<string, string>;
  listUrl: string;
  minutes: number;
}): MailMessage {
  const count = input.events.length;
  return message(input.to, `${input.workspace.name} client portal: ${count} new client ${count === 1 ? 'action' : 'actions'}`, [
    `What clients did in the ${input.workspace.name} portal since the last summary (sent at most every ${input.minutes} minutes):`,
    '',
    ...input.events.map((event) => `- ${fmt.dateTime(event.created_at)}: ${describeEvent(event, input.clientNames)}`),
    '',
    `All notifications: ${input.listUrl}`,
  ]);
}
