// Notification rows → what the list shows: who did what, the record it was about (named, and a
// link to the staff page for it), how often for grouped views, read or unread, and where the
// "mark read" button posts. Admins open the portal's record, uploads and activity pages; other
// staff (who cannot open the portal's admin pages) open the client's conversation instead.
import type { NotificationRow } from './queries.ts';
import { ACTIVITY_EVENTS } from '../../core/activity/events.ts';
import { recordOf, subjectNameOf } from '../../core/activity/records.ts';
import { formattersFor } from '../../core/i18n/formatters.ts';

const fmt = formattersFor('en', 'UTC');

export interface NotificationPaths {
  adminPath: string;
  messagesPath: string;
  notificationsPath: string;
}

export interface NotificationView {
  id: string;
  unread: boolean;
  who: string;
  what: string;
  subject: string;
  href: string;
  repeats: string | null;
  /** A payment's amount, e.g. "€1,200.00". */
  amount: string | null;
  at: string;
  iso: string;
  readAction: string;
}

const hhmm = (at: Date) => at.toISOString().slice(11, 16);
const dayTime = (at: Date) => `${at.toISOString().slice(0, 10)} ${hhmm(at)}`;

function amountOf(row: NotificationRow): string | null {
  const d = (row.details ?? {}) as Record<string, unknown>;
  const cents = typeof d.amountCents === 'number' ? d.amountCents : typeof d.balanceCents === 'number' ? d.balanceCents : null;
  const currency = typeof d.currency === 'string' && /^[A-Z]{3}$/.test(d.currency) ? d.currency : null;
  return cents !== null && currency ? fmt.money(cents, currency) : null;
}

function hrefOf(row: NotificationRow, paths: NotificationPaths, admin: boolean): string {
  const client = row.client_id ? encodeURIComponent(row.client_id) : null;
  const conversation = client ? `${paths.messagesPath}/${client}` : paths.messagesPath;
  if (!admin) return conversation;
  const record = recordOf(row);
  if (record && client) return `${paths.adminPath}/records/${record.kind}/${client}/${encodeURIComponent(record.id)}`;
  const details = (row.details ?? {}) as Record<string, unknown>;
  if (row.event.startsWith('document.'))
    return `${paths.adminPath}/uploads${details.uploadId ? `#upload-${encodeURIComponent(String(details.uploadId))}` : ''}`;
  // A request for a new colleague: its page, where staff add or decline it.
  if (row.event === 'team.colleague_requested' && typeof details.requestId === 'string')
    return `${paths.adminPath}/colleague-requests/${encodeURIComponent(details.requestId)}`;
  // Tasks live in the CRM: the client's activity of that kind, where each entry names its task.
  if (row.event.startsWith('task.') && client)
    return `${paths.adminPath}/activity?${new URLSearchParams({ client: row.client_id!, event: row.event })}`;
  return conversation;
}

export function presentNotifications(
  rows: NotificationRow[],
  input: { clientNames: Map<string, string>; paths: NotificationPaths; admin: boolean },
): NotificationView[] {
  return rows.map((row) => {
    const created = new Date(row.created_at);
    const count = Number(row.repeat_count ?? 1);
    const last = row.last_repeated_at ? new Date(row.last_repeated_at) : created;
    const sameDay = last.toISOString().slice(0, 10) === created.toISOString().slice(0, 10);
    const label = ACTIVITY_EVENTS[row.event] ?? row.event;
    return {
      id: String(row.id),
      unread: Boolean(row.unread),
      who: (row.client_id && input.clientNames.get(row.client_id)) || row.email || 'A client',
      what: label,
      subject: subjectNameOf(row) ?? 'Open',
      href: hrefOf(row, input.paths, input.admin),
      amount: amountOf(row),
      repeats: count > 1 ? `Viewed ${count} times, last at ${sameDay ? hhmm(last) : dayTime(last)} UTC` : null,
      at: `${dayTime(created)} UTC`,
      iso: created.toISOString(),
      readAction: `${input.paths.notificationsPath}/${encodeURIComponent(String(row.id))}/read`,
    };
  });
}
