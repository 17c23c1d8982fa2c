// The emails about two-factor authentication and the sign-in address, in the client's language.
import { type HostWorkspace, type MailMessage, type Translate, linesEmail } from '../../../core/index.ts';

export function confirmationCodeEmail(
  t: Translate,
  input: { to: string; workspace: HostWorkspace; code: string; minutes: number; forNewAddress: boolean },
): MailMessage {
  const vars = { workspace: input.workspace.name, code: input.code, minutes: input.minutes };
  return linesEmail(input.to, t('twoFactor:email.code.subject', vars), [
    t(input.forNewAddress ? 'twoFactor:email.code.introNewAddress' : 'twoFactor:email.code.intro', vars),
    '',
    input.code,
    '',
    t('twoFactor:email.code.expires', vars),
    t('twoFactor:email.code.ignore', vars),
  ]);
}

export function twoFactorResetEmail(t: Translate, input: { to: string; workspace: HostWorkspace; accountUrl: string }): MailMessage {
  const vars = { workspace: input.workspace.name, url: input.accountUrl };
  return linesEmail(input.to, t('twoFactor:email.reset.subject', vars), [
    t('twoFactor:email.reset.body', vars),
    t('twoFactor:email.reset.next', vars),
    input.accountUrl,
  ]);
}

export function emailChangedNotice(t: Translate, input: { to: string; workspace: HostWorkspace; newEmail: string }): MailMessage {
  const vars = { workspace: input.workspace.name, email: input.newEmail };
  return linesEmail(input.to, t('twoFactor:email.changed.subject', vars), [
    t('twoFactor:email.changed.body', vars),
    t('twoFactor:email.changed.notYou', vars),
  ]);
}
