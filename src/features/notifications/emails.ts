// The emails staff get of what clients did, in each recipient's language and time zone: the same
// words as the notifications list (who, what, which record, how much).
import {
  activityLabel,
  type ActivityRow,
  type Formatters,
  type HostWorkspace,
  type MailMessage,
  subjectNameOf,
  type Translate,
  UNAPPLIED_PAYMENTS_PATH,
  linesEmail,
} from '../../core/index.ts';

/** The recipient's words: their language's t() and formatters in their time zone. */
export interface EmailWords {
  t: Translate;
  fmt: Formatters;
  timeZone: string;
}

const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);

/** One line: who did what, on which record, for how much. */
function describeEvent(row: ActivityRow, clientNames: Map<string, string>, { t, fmt }: EmailWords): string {
  const details = (row.details ?? {}) as Record<string, unknown>;
  const who = (row.client_id && clientNames.get(row.client_id)) || row.email || t('notifications:emails.aClient');
  const what = activityLabel(t, row.event, details);
  const subject = subjectNameOf(row, t, fmt) ?? str(details.invoiceNumber) ?? str(details.number) ?? str(details.subjectNumber);
  const count = row.repeat_count ?? 1;
  const repeats = count > 1 ? t('notifications:emails.times', { count }) : '';
  const cents =
    typeof details.amountCents === 'number' ? details.amountCents : typeof details.balanceCents === 'number' ? details.balanceCents : null;
  const currency = str(details.currency);
  const amount = cents !== null && currency && /^[A-Z]{3}$/.test(currency) ? fmt.money(cents, currency) : null;
  return [`${who}: ${what}`, subject ? ` — ${subject}` : '', repeats, amount ? ` (${amount})` : ''].join('');
}

export function immediateEmail(input: {
  to: string;
  words: EmailWords;
  workspace: HostWorkspace;
  event: ActivityRow;
  clientNames: Map<string, string>;
  listUrl: string;
  /** The staff pages' address (absolute), for a link straight to what to act on. */
  adminUrl?: string | undefined;
}): MailMessage {
  const { t, fmt, timeZone } = input.words;
  const line = describeEvent(input.event, input.clientNames, input.words);
  const subjectKey = `notifications:emailSubjects.${input.event.event}`;
  const subject = t(subjectKey);
  // A text that is missing comes back as its key, with or without its namespace: never a subject.
  const missing = subject === subjectKey || subjectKey.endsWith(`:${subject}`);
  const unapplied =
    input.event.event === 'invoice.payment_unapplied' && input.adminUrl
      ? [t('notifications:emails.unapplied', { url: `${input.adminUrl}${UNAPPLIED_PAYMENTS_PATH}` })]
      : [];
  return linesEmail(input.to, `${missing ? t('notifications:emails.fallbackSubject') : subject}: ${line}`.slice(0, 200), [
    t('notifications:emails.portal', { workspace: input.workspace.name }),
    '',
    line,
    t('notifications:emails.at', { at: fmt.dateTime(input.event.created_at), zone: timeZone }),
    ...unapplied,
    '',
    t('notifications:emails.all', { url: input.listUrl }),
  ]);
}

export function digestEmail(input: {
  to: string;
  words: EmailWords;
  workspace: HostWorkspace;
  events: ActivityRow[];
  clientNames: Map<string, string>;
  listUrl: string;
  minutes: number;
}): MailMessage {
  const { t, fmt } = input.words;
  const count = input.events.length;
  const workspace = input.workspace.name;
  return linesEmail(input.to, t('notifications:emails.digestSubject', { workspace, count }), [
    t('notifications:emails.digestLede', { workspace, minutes: input.minutes }),
    '',
    ...input.events.map((event) => `- ${fmt.dateTime(event.created_at)}: ${describeEvent(event, input.clientNames, input.words)}`),
    '',
    t('notifications:emails.all', { url: input.listUrl }),
  ]);
}
