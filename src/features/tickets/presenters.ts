// View models for the tickets pages: the state as a chip in the reader's language (with the host's
// own name of the status beside it where it says more), times in the reader's time zone, the
// conversation with the files attached on each side, and once the ticket is closed its
// satisfaction survey (on the ticket's page its answer and a link; the survey's own page).
import type { RequestI18n } from '../../core/index.ts';
import type { TicketDetail, TicketFile, TicketState, TicketSummary, TicketSurvey, TicketSurveyTemplate } from './port.ts';
import type { TicketAttachmentRow } from './queries.ts';

/** A message and the files sent with it are one act: at most this far apart. */
const ACT_MS = 1000;

/** The entry written nearest the moment, or null. */
function closestOf<T extends { time: number }>(entries: T[], at: number): T | null {
  let best: T | null = null;
  for (const entry of entries) if (!best || Math.abs(entry.time - at) < Math.abs(best.time - at)) best = entry;
  return best;
}

/** The status chip's look for each state (views/partials/status-chip.ejs). */
const CHIP: Record<TicketState, string> = { open: 'open', waiting: 'awaiting', closed: 'done' };

export interface TicketListItem {
  id: string;
  ref: string;
  subject: string;
  state: TicketState;
  chip: string;
  stateLabel: string;
  statusLabel: string | null;
  category: string | null;
  priority: string | null;
  lastActivity: string;
  url: string;
}

/** The status beyond the state: the portal's own word where the host gave one, else the host's name. */
function statusWords(i18n: RequestI18n, status: Pick<TicketSummary, 'statusLabel' | 'statusName'>): string | null {
  return status.statusName ? i18n.t(`tickets:status.${status.statusName}`) : status.statusLabel;
}

function stateWords(i18n: RequestI18n, ticket: Pick<TicketSummary, 'state' | 'statusLabel' | 'statusName'>) {
  return { chip: CHIP[ticket.state], stateLabel: i18n.t(`tickets:state.${ticket.state}`), statusLabel: statusWords(i18n, ticket) };
}

function ticketUrl(base: string, id: string): string {
  return `${base}/tickets/${encodeURIComponent(id)}`;
}

export function presentSummary(i18n: RequestI18n, base: string, ticket: TicketSummary): TicketListItem {
  return {
    id: ticket.id,
    ref: ticket.ref,
    subject: ticket.subject,
    state: ticket.state,
    ...stateWords(i18n, ticket),
    category: ticket.category,
    priority: ticket.priority,
    lastActivity: i18n.fmt.dateTime(ticket.lastActivityAt),
    url: ticketUrl(base, ticket.id),
  };
}

interface FileItem {
  name: string;
  size: string;
  url: string;
}

interface ConversationItem {
  domId: string;
  author: 'client' | 'agency';
  authorName: string;
  body: string;
  at: string;
  files: FileItem[];
}

export function presentDetail(
  i18n: RequestI18n,
  base: string,
  ticket: TicketDetail,
  attachments: TicketAttachmentRow[],
  hostFiles: TicketFile[],
  survey: SurveyState | null,
) {
  const url = ticketUrl(base, ticket.id);
  const file = (row: TicketAttachmentRow): FileItem => ({
    name: row.filename,
    size: i18n.fmt.fileSize(Number(row.size_bytes)),
    url: `${url}/attachments/${row.id}`,
  });
  // The opening description first, then each message; the files each side attached are listed
  // with the message written at the same moment or, failing that, on their own after it.
  const entries: Array<ConversationItem & { time: number }> = [
    {
      domId: 'message-opening',
      author: 'client',
      authorName: ticket.openedBy ?? i18n.t('tickets:show.you'),
      body: ticket.description,
      at: i18n.fmt.dateTime(ticket.openedAt),
      files: [],
      time: ticket.openedAt.getTime(),
    },
    ...ticket.messages.map((message) => ({
      domId: `message-${message.id.replace(/[^A-Za-z0-9_-]/g, '')}`,
      author: message.author,
      authorName: message.authorName,
      body: message.body,
      at: i18n.fmt.dateTime(message.at),
      files: [],
      time: message.at.getTime(),
    })),
  ];
  const written = entries.slice();
  /** The latest entry written at or before the moment (a reply and its files are one act, a second apart at most). */
  const entryAt = (moment: Date) => {
    const at = moment.getTime();
    let found = written[0]!;
    for (const entry of written) if (entry.time <= at + ACT_MS) found = entry;
    return found;
  };
  for (const row of attachments) entryAt(row.created_at).files.push(file(row));
  // The host's own files: with the message the host links them to; else, where the host says who
  // attached one, with what that side wrote at that moment or on its own under their name (a file
  // staff attach later is theirs, not a line of the client's message); else by time as the portal's.
  for (const hostFile of hostFiles) {
    const item = {
      name: hostFile.name,
      size: i18n.fmt.fileSize(hostFile.sizeBytes),
      url: `${url}/files/${encodeURIComponent(hostFile.id)}`,
    };
    const index = hostFile.messageId === null ? -1 : ticket.messages.findIndex((message) => message.id === hostFile.messageId);
    const by = hostFile.attachedBy;
    const at = hostFile.at.getTime();
    const entry =
      index >= 0
        ? written[index + 1]!
        : by
          ? closestOf(
              written.filter((e) => e.author === by.side && Math.abs(e.time - at) <= ACT_MS),
              at,
            )
          : entryAt(hostFile.at);
    if (entry) entry.files.push(item);
    else if (by)
      entries.push({
        domId: `file-${hostFile.id.replace(/[^A-Za-z0-9_-]/g, '')}`,
        author: by.side,
        authorName: by.name,
        body: '',
        at: i18n.fmt.dateTime(hostFile.at),
        files: [item],
        time: at,
      });
  }
  // Files on their own take their place in time; the opening stays first. sort() is stable.
  const conversation: ConversationItem[] = [entries[0]!, ...entries.slice(1).sort((a, b) => a.time - b.time)].map(
    ({ time: _time, ...entry }) => entry,
  );
  const history =
    ticket.history.length > 0
      ? ticket.history.map((change) => ({
          at: i18n.fmt.dateTime(change.at),
          chip: CHIP[change.state],
          label: statusWords(i18n, change) ?? i18n.t(`tickets:state.${change.state}`),
        }))
      : [
          { at: i18n.fmt.dateTime(ticket.openedAt), chip: CHIP.open, label: i18n.t('tickets:state.open') },
          ...(ticket.closedAt
            ? [{ at: i18n.fmt.dateTime(ticket.closedAt), chip: CHIP.closed, label: i18n.t('tickets:state.closed') }]
            : []),
        ];
  return {
    ...presentSummary(i18n, base, ticket),
    url,
    opened: i18n.fmt.dateTime(ticket.openedAt),
    closed: ticket.closedAt ? i18n.fmt.dateTime(ticket.closedAt) : null,
    conversation,
    history,
    closedState: ticket.state === 'closed',
    replyUrl: `${url}/replies`,
    closeUrl: `${url}/close`,
    reopenUrl: `${url}/reopen`,
    surveyUrl: `${url}/survey`,
    survey: survey
      ? {
          answer: survey.answer ? answerWords(i18n, survey) : null,
          comment: survey.answer?.comment ?? null,
          // The host may keep one answer only, or close the survey after a while: then only the answer shows.
          open: survey.closed === null,
          byColleague: survey.closed === 'colleague',
          expired: survey.closed === 'expired' && !survey.answer,
        }
      : null,
  };
}

/**
 * A ticket's survey as the person sees it: the host's template where the host keeps surveys (null:
 * the portal's own question, 1 to 5, in the reader's language), the answer given, and why it
 * takes no answer now (null: it does).
 */
/** The survey as shown: a host's, or the portal's own, whose answer a colleague of its giver may not change ('colleague'). */
export type SurveyState = Omit<TicketSurvey, 'template' | 'closed'> & {
  template: TicketSurveyTemplate | null;
  closed: TicketSurvey['closed'] | 'colleague';
};

/** The portal's own question: 1 (poor) to 5 (excellent). */
const PORTAL_SCALE = 5;

function answerWords(i18n: RequestI18n, survey: SurveyState): string {
  const answer = survey.answer!;
  const scale = survey.template?.scale ?? PORTAL_SCALE;
  const key = survey.closed === 'colleague' ? 'tickets:rating.givenByColleague' : 'tickets:rating.given';
  return i18n.t(key, { rating: answer.rating, scale, date: i18n.fmt.dateTime(answer.at) });
}

/** A rating's words: the host's label beside its number, or the portal's own words for its scale. */
function ratingLabel(i18n: RequestI18n, template: TicketSurveyTemplate | null, value: number): string {
  if (!template) return i18n.t(`tickets:rating.scale.${value}`);
  const label = template.labels[String(value)]?.trim();
  return label ? `${value} – ${label}` : String(value);
}

/**
 * A closed ticket's satisfaction survey: the question and its scale, the answer given, and the
 * form's values (what was sent, when it comes back with an error; else the answer given).
 */
export function presentSurvey(
  i18n: RequestI18n,
  base: string,
  ticket: TicketSummary,
  survey: SurveyState,
  sent?: { rating?: string; comment?: string },
) {
  const url = ticketUrl(base, ticket.id);
  const { template, answer } = survey;
  const chosen = sent ? sent.rating : answer ? String(answer.rating) : '';
  const scale = template?.scale ?? PORTAL_SCALE;
  return {
    ref: ticket.ref,
    subject: ticket.subject,
    ticketUrl: url,
    action: `${url}/survey`,
    prompt: template?.prompt.trim() || i18n.t('tickets:survey.prompt'),
    commentPrompt: template?.commentPrompt.trim() || i18n.t('tickets:survey.comment'),
    scale: Array.from({ length: scale }, (_, index) => index + 1).map((value) => ({
      id: `survey-rating-${value}`,
      value: String(value),
      label: ratingLabel(i18n, template, value),
      checked: chosen === String(value),
    })),
    comment: sent ? (sent.comment ?? '') : (answer?.comment ?? ''),
    answer: answer ? { text: answerWords(i18n, survey), comment: answer.comment } : null,
    thanks: template?.thankYou.trim() || i18n.t('tickets:survey.thanks'),
    open: survey.closed === null,
    byColleague: survey.closed === 'colleague',
    expired: survey.closed === 'expired' && !answer,
  };
}
