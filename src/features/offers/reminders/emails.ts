// The reminder a client user gets before an offer lapses, in their language. Plain text first; the
// HTML part is the same words, escaped, as the other client emails are.
import { formattersFor, type HostWorkspace, type Locale, type MailMessage, translator, linesEmail } from '../../../core/index.ts';
import type { ExpiringOffer } from '../port.ts';

export function offerReminderEmail(input: {
  to: string;
  workspace: HostWorkspace;
  offer: ExpiringOffer;
  url: string;
  locale: Locale;
}): MailMessage {
  const t = translator(input.locale);
  // A calendar date: the same day wherever the reader is, so no time zone applies.
  const date = formattersFor(input.locale, 'UTC').day(input.offer.validUntil);
  const values = {
    workspace: input.workspace.name,
    kind: t(`emails:offerReminder.kind.${input.offer.kind}`),
    number: input.offer.number,
    title: input.offer.title,
    date,
  };
  const lines = [
    t('emails:offerReminder.hello'),
    '',
    t('emails:offerReminder.intro', values),
    '',
    t('emails:offerReminder.link'),
    input.url,
    '',
    t('emails:offerReminder.why', values),
  ];
  return linesEmail(input.to, t('emails:offerReminder.subject', values).slice(0, 200), lines);
}
