// The email a client gets at once when an automatic payment failed: what failed, whether it will be
// tried again, and the one step to fix it (pay now, or save another method).
import { formattersFor, type HostWorkspace, type Locale, type MailMessage, translator, linesEmail } from '../../../core/index.ts';

export function autopayFailedEmail(input: {
  to: string;
  workspace: HostWorkspace;
  invoiceNumber: string;
  amountCents: number;
  currency: string;
  nextAttemptAt: Date | null;
  payUrl: string;
  methodsUrl: string;
  locale: Locale;
  timeZone: string;
}): MailMessage {
  const t = translator(input.locale);
  const format = formattersFor(input.locale, input.timeZone);
  const values = {
    workspace: input.workspace.name,
    number: input.invoiceNumber,
    amount: format.money(input.amountCents, input.currency),
    date: input.nextAttemptAt ? format.day(input.nextAttemptAt) : '',
  };
  const lines = [
    t('payments:autopayEmail.hello'),
    '',
    t('payments:autopayEmail.failed', values),
    input.nextAttemptAt ? t('payments:autopayEmail.retry', values) : t('payments:autopayEmail.noRetry', values),
    '',
    t('payments:autopayEmail.payNow'),
    input.payUrl,
    '',
    t('payments:autopayEmail.otherMethod'),
    input.methodsUrl,
  ];
  return linesEmail(input.to, t('payments:autopayEmail.subject', values).slice(0, 200), lines);
}

/** The advance notice of a SEPA debit (pre-notification): amount, day, mandate and creditor. */
export function sepaNoticeEmail(input: {
  to: string;
  workspace: HostWorkspace;
  invoiceNumber: string;
  amountCents: number;
  currency: string;
  debitOn: string;
  mandateReference: string | null;
  last4: string | null;
  methodsUrl: string;
  locale: Locale;
}): MailMessage {
  const t = translator(input.locale);
  // A calendar day: the same wherever the reader is.
  const format = formattersFor(input.locale, 'UTC');
  const values = {
    workspace: input.workspace.name,
    number: input.invoiceNumber,
    amount: format.money(input.amountCents, input.currency),
    date: format.day(input.debitOn),
    mandate: input.mandateReference ?? '',
    last4: input.last4 ?? '',
  };
  const lines = [
    t('payments:sepaNotice.hello'),
    '',
    t('payments:sepaNotice.debit', values),
    t('payments:sepaNotice.mandate', values),
    '',
    t('payments:sepaNotice.change'),
    input.methodsUrl,
  ];
  return linesEmail(input.to, t('payments:sepaNotice.subject', values).slice(0, 200), lines);
}
