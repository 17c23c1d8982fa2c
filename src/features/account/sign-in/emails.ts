// The emails sign-in sends. Plain text first (it is what every client reads well); the HTML part
// is the same words, escaped.
import type { HostWorkspace } from '../../../core/ports/host.ts';
import type { MailMessage } from '../../../core/ports/services.ts';
import { DEFAULT_LOCALE, isLocale, translator, type Locale } from '../../../core/i18n/translations.ts';
import { escapeHtml } from '../../../core/web/escape-html.ts';

function message(to: string, subject: string, lines: string[]): MailMessage {
  const text = lines.join('\n');
  const html = lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n');
  return { to, subject, text, html };
}

/** The language of an email to a client: their own choice on the account page, else the fallback. */
export function emailLocale(chosen: string | null | undefined, fallback: Locale | null | undefined): Locale {
  if (isLocale(chosen)) return chosen;
  return fallback ?? DEFAULT_LOCALE;
}

export function codeEmail(input: {
  to: string;
  workspace: HostWorkspace;
  code: string;
  minutes: number;
  signInUrl: string;
  locale?: Locale;
}): MailMessage {
  const t = translator(input.locale ?? DEFAULT_LOCALE);
  const workspace = input.workspace.name;
  return message(input.to, t('emails:code.subject', { workspace, code: input.code }), [
    t('emails:code.intro', { workspace }),
    '',
    input.code,
    '',
    t('emails:code.validity', { minutes: input.minutes, url: input.signInUrl }),
    t('emails:code.ignore'),
  ]);
}

export function resetEmail(input: { to: string; workspace: HostWorkspace; minutes: number; url: string; locale?: Locale }): MailMessage {
  const t = translator(input.locale ?? DEFAULT_LOCALE);
  const workspace = input.workspace.name;
  return message(input.to, t('emails:reset.subject', { workspace }), [
    t('emails:reset.intro', { workspace }),
    t('emails:reset.link', { minutes: input.minutes }),
    input.url,
    t('emails:reset.ignore'),
  ]);
}

export function invitationEmail(input: {
  to: string;
  workspace: HostWorkspace;
  contactName: string;
  inviterName: string;
  days: number;
  url: string;
  locale?: Locale;
}): MailMessage {
  const t = translator(input.locale ?? DEFAULT_LOCALE);
  const workspace = input.workspace.name;
  return message(input.to, t('emails:invitation.subject', { workspace }), [
    t('emails:invitation.hello', { name: input.contactName }),
    t('emails:invitation.intro', { inviter: input.inviterName, workspace }),
    t('emails:invitation.link', { days: input.days }),
    input.url,
  ]);
}
