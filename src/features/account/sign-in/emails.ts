// The emails sign-in sends. Plain text first (it is what every client reads well); the HTML part
// is the same words, escaped.
import {
  DEFAULT_LOCALE,
  type HostWorkspace,
  isLocale,
  type Locale,
  type MailMessage,
  translator,
  linesEmail,
} from '../../../core/index.ts';

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
  return linesEmail(input.to, t('emails:code.subject', { workspace, code: input.code }), [
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
  return linesEmail(input.to, t('emails:reset.subject', { workspace }), [
    t('emails:reset.intro', { workspace }),
    t('emails:reset.link', { minutes: input.minutes }),
    input.url,
    t('emails:reset.ignore'),
  ]);
}

/**
 * Who an invitation names as its sender: a staff member of the agency, a client admin of the
 * invitee's own company (the email names the company, not the agency), or the agency itself when
 * no one is there to name (a command line).
 */
export type InvitedBy = { kind: 'staff'; name: string } | { kind: 'colleague'; name: string; company: string } | { kind: 'agency' };

export function invitationEmail(input: {
  to: string;
  workspace: HostWorkspace;
  contactName: string;
  invitedBy: InvitedBy;
  days: number;
  url: string;
  locale?: Locale;
  /** Where a reply goes, when not to the From address (the agency's own address). */
  replyTo?: string | null;
}): MailMessage {
  const t = translator(input.locale ?? DEFAULT_LOCALE);
  const workspace = input.workspace.name;
  const by = input.invitedBy;
  const [subject, intro] =
    by.kind === 'colleague'
      ? [
          t('emails:invitation.colleague.subject', { inviter: by.name, company: by.company }),
          t('emails:invitation.colleague.intro', { inviter: by.name, company: by.company, workspace }),
        ]
      : [
          t('emails:invitation.subject', { workspace }),
          by.kind === 'staff'
            ? t('emails:invitation.intro', { inviter: by.name, workspace })
            : t('emails:invitation.agencyIntro', { workspace }),
        ];
  const mail = linesEmail(input.to, subject, [
    t('emails:invitation.hello', { name: input.contactName }),
    intro,
    t('emails:invitation.link', { days: input.days }),
    input.url,
  ]);
  return input.replyTo ? { ...mail, replyTo: input.replyTo } : mail;
}
