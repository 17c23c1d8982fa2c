// Between the rows of a person's exports and erasure requests and the pages that show them.
import type { ClientUserRow } from '../../core/client-users/queries.ts';
import type { RequestI18n } from '../../core/i18n/request-i18n.ts';
import type { HostContact } from '../../core/ports/host.ts';
import { formatDateTime } from '../account/index.ts';
import { formatBytes } from '../messages/index.ts';
import type { DataExportRow, ErasureRequestRow } from './queries.ts';

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
      size: live && row.size_bytes ? formatBytes(Number(row.size_bytes), fmt) : null,
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

const STATUS_LABEL: Record<ErasureRequestRow['status'], string> = {
  requested: 'Waiting for a decision',
  withdrawn: 'Withdrawn by the person',
  approved: 'Approved: data erased',
  declined: 'Declined',
};

/** The erased person has no name any more: the row says so rather than showing an id. */
export function personLabel(user: ClientUserRow | null): string {
  return user ? user.email : 'Erased person';
}

export function presentRequestRow(base: string, request: ErasureRequestRow, user: ClientUserRow | null) {
  return {
    href: `${base}/erasure-requests/${encodeURIComponent(request.id)}`,
    person: personLabel(user),
    requestedAt: formatDateTime(request.requested_at),
    status: STATUS_LABEL[request.status],
    open: request.status === 'requested',
    decidedAt: request.decided_at ? formatDateTime(request.decided_at) : null,
  };
}

/** What an approval does, with the counts of this person's rows: the agency reads it before deciding. */
export function presentErasureEffects(counts: Record<string, number>, portalKeepsComments: boolean) {
  return {
    removed: [
      'Their portal account: sign-in email, password, two-factor and recovery codes, preferences, open sessions',
      `Their data exports (${counts.exports ?? 0})`,
      'A client admin’s request to add them as a colleague, if there was one',
    ],
    anonymised: [
      `Their activity log (${counts.activity ?? 0} entries): email, IP address, browser and any text they wrote are removed; what happened and when stays`,
      `Their messages (${counts.messages ?? 0}): the author shows as “Former contact”`,
      `Their uploads (${counts.uploads ?? 0}): the uploader shows as “Former contact”; the documents stay with your agency`,
      ...(portalKeepsComments ? ['Their comments: the author shows as “Former contact”'] : []),
    ],
    kept: [
      `Signed decisions on proposals and quotations (${counts.decisions ?? 0}), as evidence of the agreement (GDPR art. 17(3)(e))`,
      'Payments, as your accounting records',
      'Everything in the CRM itself (the contact, invoices, proposals, documents)',
      ...(portalKeepsComments ? [] : ['Comments, which the CRM keeps']),
    ],
  };
}

export function presentPerson(user: ClientUserRow | null, contact: HostContact | null) {
  if (!user) return null;
  return { email: user.email, name: contact?.name ?? null, company: contact?.clientName ?? null, status: user.status };
}
