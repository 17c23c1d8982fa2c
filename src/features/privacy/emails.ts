// The emails about a person's own data, in their language: their export is ready; the agency
// decided on their erasure request.
import { escapeHtml, type HostWorkspace, type MailMessage, type Translate } from '../../core/index.ts';

function message(to: string, subject: string, lines: string[]): MailMessage {
  return { to, subject, text: lines.join('\n'), html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n') };
}

export function exportReadyEmail(t: Translate, input: { to: string; workspace: HostWorkspace; url: string; days: number }): MailMessage {
  const vars = { workspace: input.workspace.name, days: input.days, count: input.days };
  return message(input.to, t('privacy:email.ready.subject', vars), [
    t('privacy:email.ready.body', vars),
    input.url,
    '',
    t('privacy:email.ready.expires', vars),
  ]);
}

export function erasureDecidedEmail(
  t: Translate,
  input: { to: string; workspace: HostWorkspace; approved: boolean; note: string | null },
): MailMessage {
  const vars = { workspace: input.workspace.name };
  const kind = input.approved ? 'approved' : 'declined';
  return message(input.to, t(`privacy:email.${kind}.subject`, vars), [
    t(`privacy:email.${kind}.body`, vars),
    ...(input.note ? ['', t('privacy:email.note', { note: input.note })] : []),
  ]);
}
