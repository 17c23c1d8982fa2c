// The emails of client notifications, in the person's language: one at once, or the daily one
// gathering what came since the last.
import { escapeHtml, type HostWorkspace, type MailMessage, type Translate } from '../../core/index.ts';

export interface EmailedItem {
  text: string;
  url: string;
}

export function notificationEmail(
  t: Translate,
  input: { to: string; workspace: HostWorkspace; item: EmailedItem; settingsUrl: string },
): MailMessage {
  const vars = { workspace: input.workspace.name };
  const subject = t('clientNotifications:email.subject', { ...vars, what: input.item.text });
  const lines = [input.item.text, input.item.url, '', t('clientNotifications:email.settings', vars), input.settingsUrl];
  return {
    to: input.to,
    subject,
    text: lines.join('\n'),
    html: [
      `<p><a href="${escapeHtml(input.item.url)}">${escapeHtml(input.item.text)}</a></p>`,
      `<p>${escapeHtml(t('clientNotifications:email.settings', vars))} <a href="${escapeHtml(input.settingsUrl)}">${escapeHtml(input.settingsUrl)}</a></p>`,
    ].join('\n'),
  };
}

export function digestEmail(
  t: Translate,
  input: { to: string; workspace: HostWorkspace; items: EmailedItem[]; settingsUrl: string },
): MailMessage {
  const vars = { workspace: input.workspace.name, count: input.items.length };
  const subject = t('clientNotifications:email.digestSubject', vars);
  const intro = t('clientNotifications:email.digestIntro', vars);
  return {
    to: input.to,
    subject,
    text: [
      intro,
      '',
      ...input.items.flatMap((item) => [`- ${item.text}`, `  ${item.url}`]),
      '',
      t('clientNotifications:email.settings', vars),
      input.settingsUrl,
    ].join('\n'),
    html: [
      `<p>${escapeHtml(intro)}</p>`,
      `<ul>${input.items.map((item) => `<li><a href="${escapeHtml(item.url)}">${escapeHtml(item.text)}</a></li>`).join('')}</ul>`,
      `<p>${escapeHtml(t('clientNotifications:email.settings', vars))} <a href="${escapeHtml(input.settingsUrl)}">${escapeHtml(input.settingsUrl)}</a></p>`,
    ].join('\n'),
  };
}
