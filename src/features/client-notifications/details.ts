// What happened, for a notification to say it: read through the host's ports by the record's id
// when the host tells the portal, and kept with the notification (its words are chosen when read,
// in the reader's language and time zone). An appointment says how the agency answered and for
// when; a request says what changed since its last telling: an offer made in answer ("answered with
// quotation Q-0003"), an answer written, or another state. A request whose telling changes nothing
// the client can see is not told again: one act, one notification.
import type { HostAdapter, Translate } from '../../core/index.ts';
import type { NotificationDetail, NotificationRow } from './queries.ts';
import type { ClientEvent } from './events.ts';

/** What a telling says, or 'nothing' when it has nothing new to say (a request unchanged since). */
export type Described = NotificationDetail | null | 'nothing';

export async function describe(
  ports: Pick<HostAdapter, 'appointments' | 'requests'>,
  event: ClientEvent,
  last: () => Promise<NotificationDetail | null>,
): Promise<Described> {
  if (event.kind === 'appointment_answered' && ports.appointments) {
    const a = await ports.appointments.find(event.workspaceId, event.clientId, event.contactId ?? '', event.subjectId);
    if (!a || a.status === 'pending') return null;
    return { what: a.status, at: a.startsAt.toISOString(), zone: a.timeZone };
  }
  if (event.kind === 'request_answered' && ports.requests) {
    const r = await ports.requests.find(event.workspaceId, event.clientId, event.contactId ?? '', event.subjectId);
    if (!r) return null;
    const now = {
      offer: r.offer?.number ?? null,
      offerKind: r.offer?.kind ?? null,
      answeredAt: r.answeredAt?.toISOString() ?? null,
      state: r.state,
    };
    const before = await last();
    if (now.offer && now.offer !== (before?.offer ?? null)) return { what: 'offer', ...now };
    if (now.answeredAt && now.answeredAt !== (before?.answeredAt ?? null)) return { what: 'answer', ...now };
    if (!before || now.state !== before.state) return { what: 'state', ...now };
    return 'nothing';
  }
  return null;
}

/** The reader: their language's translator and the time zone the times are said in. */
export interface Reader {
  t: Translate;
  locale: string;
  /** Null: the zone the record was booked in, else UTC. */
  timeZone: string | null;
}

/** How a time is said: "Tue, 1 Dec, 09:30". */
const WHEN_FORMAT: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };

/** "Tue, 1 Dec, 09:30" in the reader's language and zone. */
function whenText(reader: Reader, at: string, zone: string | undefined): string {
  const timeZone = reader.timeZone ?? zone ?? 'UTC';
  try {
    return new Intl.DateTimeFormat(reader.locale, { ...WHEN_FORMAT, timeZone }).format(new Date(at));
  } catch {
    // A zone the runtime does not know (an old name kept by a host): said in UTC rather than not at all.
    return new Intl.DateTimeFormat(reader.locale, { ...WHEN_FORMAT, timeZone: 'UTC' }).format(new Date(at));
  }
}

/**
 * The sentence a notification reads as, in the reader's language. Most read the record's number and
 * title together (`name`); a kind whose number is not the record's (an approval's version, a
 * contract line's threshold) reads `title` and `number` apart. One that kept what happened says it.
 */
export function notificationText(
  reader: Reader,
  row: Pick<NotificationRow, 'kind' | 'subject_type' | 'title' | 'number' | 'detail'>,
): string {
  const { t } = reader;
  const unnamed = t('clientNotifications:unnamed');
  const name = [row.number, row.title].filter(Boolean).join(' · ') || unnamed;
  const detail = row.detail;
  // A reply in a request's thread: the request, and the reply's first words.
  if (row.kind === 'request_reply' && detail?.excerpt)
    return t('clientNotifications:kinds.request_reply.what.reply', { name, excerpt: detail.excerpt });
  if (detail && (row.kind === 'appointment_answered' || row.kind === 'request_answered')) {
    const when = detail.at ? whenText(reader, detail.at, detail.zone) : '';
    const state = detail.state ? t(`requests:state.${detail.state}`) : '';
    return t(`clientNotifications:kinds.${row.kind}.what.${detail.what}`, {
      name,
      when,
      offer: detail.offer ?? '',
      context: detail.what === 'offer' ? (detail.offerKind ?? undefined) : undefined,
      state,
    });
  }
  return t(`clientNotifications:kinds.${row.kind}.text`, {
    context: row.subject_type,
    name,
    title: row.title || unnamed,
    number: row.number ?? '',
  });
}
