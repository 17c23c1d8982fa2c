// A plain email written as lines: the text part is the lines as they are, the HTML part one
// escaped paragraph a line (an empty line only spaces them). What every portal notice sends, so
// no two notices escape or lay out their words differently.
import type { MailMessage } from '../ports/services.ts';
import { escapeHtml } from '../web/escape-html.ts';

export function linesEmail(to: string, subject: string, lines: readonly string[]): MailMessage {
  return { to, subject, text: lines.join('\n'), html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n') };
}
