// The emails sign-in sends. Plain text first (it is what every client reads well); the HTML part
// is the same words, escaped.
import type { HostWorkspace } from '../ports/host.ts';
import type { MailMessage } from '../ports/services.ts';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function message(to: string, subject: string, lines: string[]): MailMessage {
  const text = lines.join('\n');
  const html = lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n');
  return { to, subject, text, html };
}

export function codeEmail(input: { to: string; workspace: HostWorkspace; code: string; minutes: number; signInUrl: string }): MailMessage {
  return message(input.to, `Your sign-in code for ${input.workspace.name}: ${input.code}`, [
    `Your sign-in code for the ${input.workspace.name} client portal is:`,
    '',
    input.code,
    '',
    `It works once, for ${input.minutes} minutes. Enter it at ${input.signInUrl}`,
    'If you did not ask for it, you can ignore this email.',
  ]);
}

export function resetEmail(input: { to: string; workspace: HostWorkspace; minutes: number; url: string }): MailMessage {
  return message(input.to, `Reset your ${input.workspace.name} portal password`, [
    `Someone asked to reset the password of your ${input.workspace.name} client portal account.`,
    `Choose a new password here (the link works once, for ${input.minutes} minutes):`,
    input.url,
    'If it was not you, ignore this email: your password stays as it is.',
  ]);
}

export function invitationEmail(input: { to: string; workspace: HostWorkspace; contactName: string; inviterName: string; days: number; url: string }): MailMessage {
  return message(input.to, `${input.workspace.name} invited you to their client portal`, [
    `Hello ${input.contactName},`,
    `${input.inviterName} at ${input.workspace.name} invited you to their client portal, where you can follow your proposals, invoices, tasks and documents.`,
    `Set your password here (the link works once, for ${input.days} days):`,
    input.url,
  ]);
}
