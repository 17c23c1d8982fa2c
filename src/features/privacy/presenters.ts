// Between the rows of a person's exports and erasure requests and the pages that show them.
import { type ClientUserRow, erasureDeadline, type HostContact, type RequestI18n, type Translate } from '../../core/index.ts';
import type { DataExportRow, ErasureRequestRow } from './queries.ts';

type Words = Pick<RequestI18n, 't' | 'fmt'>;

export interface ExportView {
  requestedAt: string;
  status: DataExportRow['status'];
  statusText: string;
  downloadHref: string | null;
  size: string | null;
  until: string | null;
}

export function presentExports(i18n: RequestI18n, base: string, rows: DataExportRow[], now: Date): ExportView[] {
  const { t, fmt } = i18n;
  return rows.map((row) => {
    const live = row.status === 'ready' && row.expires_at !== null && row.expires_at > now;
    const status = row.status === 'ready' && !live ? 'expired' : row.status;
    return {
      requestedAt: fmt.dateTime(row.requested_at),
      status,
      statusText: t(`privacy:export.status.${status}`),
      downloadHref: live ? `${base}/account/data/exports/${encodeURIComponent(row.id)}/download` : null,
      size: live && row.size_bytes ? fmt.fileSize(Number(row.size_bytes)) : null,
      until: live && row.expires_at ? fmt.dateTime(row.expires_at) : null,
    };
  });
}

export interface ErasureView {
  open: boolean;
  text: string;
  note: string | null;
}

/** Where the person's newest request stands; null when there is none worth showing. */
export function presentErasure(i18n: RequestI18n, row: ErasureRequestRow | undefined): ErasureView | null {
  if (!row || row.status === 'approved') return null;
  const { t, fmt } = i18n;
  const at = fmt.dateTime(row.status === 'requested' ? row.requested_at : (row.decided_at ?? row.requested_at));
  return {
    open: row.status === 'requested',
    text: t(`privacy:erasure.status.${row.status}`, { at }),
    note: row.status === 'declined' ? row.decision_note : null,
  };
}

// ---- the agency's side ----

/** The erased person has no name any more: the row says so rather than showing an id. */
export function personLabel(user: ClientUserRow | null, t: Translate): string {
  return user ? user.email : t('privacy:erasureRequests.erasedPerson');
}

export function presentRequestRow(base: string, request: ErasureRequestRow, user: ClientUserRow | null, words: Words) {
  const { t, fmt } = words;
  const requested = new Date(request.requested_at);
  return {
    href: `${base}/erasure-requests/${encodeURIComponent(request.id)}`,
    person: personLabel(user, t),
    requestedAt: fmt.dateTime(requested),
    status: t(`privacy:erasureRequests.status.${request.status}`),
    open: request.status === 'requested',
    decidedAt: request.decided_at ? fmt.dateTime(request.decided_at) : null,
    // The legal deadline, while the request waits: one month from receipt (GDPR art. 12(3)).
    deadline: request.status === 'requested' ? t('staff:erasureDeadline', { date: fmt.day(fmt.isoDay(erasureDeadline(requested))) }) : null,
  };
}

/** What an approval does, with the counts of this person's rows: the agency reads it before deciding. */
export function presentErasureEffects(counts: Record<string, number>, portalKeepsComments: boolean, t: Translate) {
  const e = (key: string, count?: number) =>
    count === undefined ? t(`privacy:erasureRequests.effects.${key}`) : t(`privacy:erasureRequests.effects.${key}`, { count });
  return {
    removed: [
      e('account'),
      e('exports', counts.exports ?? 0),
      e('colleagueRequest'),
      e('notifications', counts.notifications ?? 0),
      e('pushDevices', counts.pushDevices ?? 0),
      e('singleSignOnIdentities', counts.singleSignOnIdentities ?? 0),
      e('directoryRecords', counts.directoryRecords ?? 0),
      e('directoryGroupMemberships', counts.directoryGroupMemberships ?? 0),
      e('helpfulAnswers', counts.helpfulAnswers ?? 0),
    ],
    anonymised: [
      e('activity', counts.activity ?? 0),
      e('messages', counts.messages ?? 0),
      e('uploads', counts.uploads ?? 0),
      e('ticketFiles', counts.ticketFiles ?? 0),
      e('ticketRatings', counts.ticketRatings ?? 0),
      e('requestFiles', counts.requestFiles ?? 0),
      ...(portalKeepsComments ? [e('comments')] : []),
    ],
    kept: [e('decisions', counts.decisions ?? 0), e('payments'), e('crm'), ...(portalKeepsComments ? [] : [e('crmComments')])],
  };
}

export function presentPerson(user: ClientUserRow | null, contact: HostContact | null) {
  if (!user) return null;
  return { email: user.email, name: contact?.name ?? null, company: contact?.clientName ?? null, status: user.status };
}
