// Notification rows → what the list shows: who did what, the record it was about (named, and a
// link to the staff page for it, whose words say what it opens), how often for grouped views, read
// or unread, and where the "mark read" button posts. Admins open the portal's record, request,
// uploads and activity pages; other staff (who cannot open the portal's admin pages) open the
// client's conversation instead. A request, an appointment, an approval and an order again open
// the record's page in the host, for every member of staff, where the host gives one; so does an
// ask for more hours on a contract. Dates, times and amounts in the staff member's language and zone.
import type { NotificationRow } from './queries.ts';
import { activityLabel, erasureDeadline, recordOf, type RequestI18n, subjectNameOf, UNAPPLIED_PAYMENTS_PATH } from '../../core/index.ts';

export interface NotificationPaths {
  adminPath: string;
  messagesPath: string;
  notificationsPath: string;
  /** The host's page of a ticket for its staff (TicketsPort.staffPageOf), or null where it has none. */
  ticketPage?: (ticketId: string) => string | null;
  /** The host's page of a request, appointment, approval, order or contract for its staff (each port's staffPageOf), or null. */
  recordPage?: (kind: HostRecordPageKind, id: string) => string | null;
}

type HostRecordPageKind = 'request' | 'appointment' | 'approval' | 'order' | 'contract';

/** The host record a client's act is about, by the detail that names it: an order again's is the draft it made, to check. */
const HOST_RECORD_OF: Record<string, { kind: HostRecordPageKind; idKey: string }> = {
  'request.submitted': { kind: 'request', idKey: 'requestId' },
  'appointment.requested': { kind: 'appointment', idKey: 'appointmentId' },
  'appointment.cancelled': { kind: 'appointment', idKey: 'appointmentId' },
  'appointment.rescheduled': { kind: 'appointment', idKey: 'appointmentId' },
  'approval.approved': { kind: 'approval', idKey: 'approvalId' },
  'approval.changes_requested': { kind: 'approval', idKey: 'approvalId' },
  'order.reordered': { kind: 'order', idKey: 'draftId' },
  // An ask for more hours is answered on the contract's page in the host, where its allowance is changed.
  'contract.hours_requested': { kind: 'contract', idKey: 'contractId' },
  'contract.hours_withdrawn': { kind: 'contract', idKey: 'contractId' },
};

/** A host's address worth linking: absolute http(s), or a path on this origin (never `//elsewhere`). */
const linkable = (href: string | null | undefined): href is string => !!href && (/^https?:\/\//i.test(href) || /^\/(?!\/)/.test(href));

export interface NotificationView {
  id: string;
  unread: boolean;
  who: string;
  what: string;
  /** What the entry is about, named (a record, a colleague's email), or null. */
  subject: string | null;
  href: string;
  /** The link's words: what it opens ("Open the erasure request"). */
  linkText: string;
  repeats: string | null;
  /** A payment's amount, e.g. "€1,200.00". */
  amount: string | null;
  /** An erasure request's legal deadline, in words, or null. */
  deadline: string | null;
  at: string;
  iso: string;
  readAction: string;
}

function amountOf(row: NotificationRow, i18n: RequestI18n): string | null {
  const d = (row.details ?? {}) as Record<string, unknown>;
  const cents = typeof d.amountCents === 'number' ? d.amountCents : typeof d.balanceCents === 'number' ? d.balanceCents : null;
  const currency = typeof d.currency === 'string' && /^[A-Z]{3}$/.test(d.currency) ? d.currency : null;
  return cents !== null && currency ? i18n.fmt.money(cents, currency) : null;
}

interface Link {
  href: string;
  /** A notifications:list.links key. */
  text: string;
}

function linkOf(row: NotificationRow, paths: NotificationPaths, admin: boolean): Link {
  const client = row.client_id ? encodeURIComponent(row.client_id) : null;
  const conversation: Link = { href: client ? `${paths.messagesPath}/${client}` : paths.messagesPath, text: 'conversation' };
  // The host's own page of the record, which staff open whatever their role in the portal.
  // A message in a request's thread is about the request: its page there, where staff read and reply.
  const requestThread = row.event === 'comment.added' && (row.details as Record<string, unknown> | null)?.subjectType === 'request';
  const hostRecord = requestThread ? { kind: 'request' as const, idKey: 'subjectId' } : HOST_RECORD_OF[row.event];
  if (hostRecord && paths.recordPage) {
    const id = ((row.details ?? {}) as Record<string, unknown>)[hostRecord.idKey];
    const page = typeof id === 'string' || typeof id === 'number' ? paths.recordPage(hostRecord.kind, String(id)) : null;
    if (linkable(page)) return { href: page, text: hostRecord.kind };
  }
  if (!admin) return conversation;
  // Money that could not be applied: the staff list where it is refunded (or applied in the CRM).
  if (row.event === 'invoice.payment_unapplied') return { href: `${paths.adminPath}${UNAPPLIED_PAYMENTS_PATH}`, text: 'unapplied' };
  const record = recordOf(row);
  if (record && client)
    return { href: `${paths.adminPath}/records/${record.kind}/${client}/${encodeURIComponent(record.id)}`, text: record.kind };
  const details = (row.details ?? {}) as Record<string, unknown>;
  const requestId = typeof details.requestId === 'string' || typeof details.requestId === 'number' ? String(details.requestId) : null;
  const activity = (event: string): Link => ({
    href: `${paths.adminPath}/activity?${new URLSearchParams({ ...(row.client_id ? { client: row.client_id } : {}), event })}`,
    text: 'activity',
  });
  if (row.event.startsWith('document.'))
    return {
      href: `${paths.adminPath}/uploads${details.uploadId ? `#upload-${encodeURIComponent(String(details.uploadId))}` : ''}`,
      text: 'upload',
    };
  switch (row.event) {
    // A request for a new colleague: its page, where staff add or decline it.
    case 'team.colleague_requested':
      return requestId
        ? { href: `${paths.adminPath}/colleague-requests/${encodeURIComponent(requestId)}`, text: 'colleagueRequest' }
        : conversation;
    case 'privacy.erasure_requested':
    case 'privacy.erasure_withdrawn':
      return {
        href: requestId ? `${paths.adminPath}/erasure-requests/${encodeURIComponent(requestId)}` : `${paths.adminPath}/erasure-requests`,
        text: 'erasureRequest',
      };
    // A copy of their data is made and sent by the portal itself: the log says when it was asked for.
    case 'privacy.export_requested':
      return activity(row.event);
    // What a client admin did to their team: the client's users, where each colleague's role and access show.
    case 'team.invited':
    case 'team.role_changed':
    case 'team.disabled':
      return client ? { href: `${paths.adminPath}/clients?client=${client}`, text: 'clientUsers' } : conversation;
  }
  // Tasks live in the CRM: the client's activity of that kind, where each entry names its task.
  if (row.event.startsWith('task.') && client) return activity(row.event);
  // The company's details live in the CRM: the client's changes to them, each with old → new.
  if (row.event === 'company.details_changed' && client) return activity(row.event);
  // Tickets live in the CRM too: the ticket's own page there, where the host gives one; else the
  // client's ticket acts of that kind, each naming its ref and subject.
  if (row.event.startsWith('ticket.') && client) {
    const ticketId = typeof details.ticketId === 'string' || typeof details.ticketId === 'number' ? String(details.ticketId) : null;
    const page = ticketId ? paths.ticketPage?.(ticketId) : null;
    return linkable(page) ? { href: page, text: 'ticket' } : activity(row.event);
  }
  return conversation;
}

export function presentNotifications(
  rows: NotificationRow[],
  input: { clientNames: Map<string, string>; paths: NotificationPaths; admin: boolean; i18n: RequestI18n },
): NotificationView[] {
  const { t, fmt } = input.i18n;
  return rows.map((row) => {
    const created = new Date(row.created_at);
    const count = Number(row.repeat_count ?? 1);
    const last = row.last_repeated_at ? new Date(row.last_repeated_at) : created;
    const sameDay = fmt.isoDay(last) === fmt.isoDay(created);
    const who = (row.client_id && input.clientNames.get(row.client_id)) || row.email || t('notifications:list.aClient');
    const link = linkOf(row, input.paths, input.admin);
    return {
      id: String(row.id),
      unread: Boolean(row.unread),
      who,
      what: activityLabel(t, row.event, row.details),
      subject: subjectNameOf(row, t, fmt),
      href: link.href,
      linkText: t(`notifications:list.links.${link.text}`, { name: who }),
      amount: amountOf(row, input.i18n),
      deadline:
        row.event === 'privacy.erasure_requested'
          ? t('staff:erasureDeadline', { date: fmt.day(fmt.isoDay(erasureDeadline(created))) })
          : null,
      repeats: count > 1 ? t('notifications:list.repeats', { count, last: sameDay ? fmt.time(last) : fmt.dateTime(last) }) : null,
      at: fmt.dateTime(created),
      iso: created.toISOString(),
      readAction: `${input.paths.notificationsPath}/${encodeURIComponent(String(row.id))}/read`,
    };
  });
}
