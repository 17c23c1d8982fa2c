// The email to a client admin when the agency answers their request for a new colleague, in their
// language, with a link to the team page.
import { type HostWorkspace, type MailMessage, type Translate, linesEmail } from '../../core/index.ts';

export function colleagueAnsweredEmail(
  t: Translate,
  input: { to: string; workspace: HostWorkspace; colleague: string; added: boolean; note: string | null; url: string },
): MailMessage {
  const vars = { workspace: input.workspace.name, colleague: input.colleague };
  const kind = input.added ? 'added' : 'declined';
  const lines = [
    t(`team:email.${kind}.body`, vars),
    ...(input.note ? ['', t('team:email.note', { note: input.note })] : []),
    '',
    t('team:email.link'),
    input.url,
  ];
  return linesEmail(input.to, t(`team:email.${kind}.subject`, vars), lines);
}
