// The emails about a person's own data, in their language: their export is ready; the agency
// decided on their erasure request.
import { type HostWorkspace, type MailMessage, type Translate, linesEmail } from '../../core/index.ts';

export function exportReadyEmail(t: Translate, input: { to: string; workspace: HostWorkspace; url: string; days: number }): MailMessage {
  const vars = { workspace: input.workspace.name, days: input.days, count: input.days };
  return linesEmail(input.to, t('privacy:email.ready.subject', vars), [
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
  return linesEmail(input.to, t(`privacy:email.${kind}.subject`, vars), [
    t(`privacy:email.${kind}.body`, vars),
    ...(input.note ? ['', t('privacy:email.note', { note: input.note })] : []),
  ]);
}
