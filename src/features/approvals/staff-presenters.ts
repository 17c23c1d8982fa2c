// View models for the staff pages of approvals the portal keeps: each piece of work with its
// client, latest version and where it stands, and one piece with every version and the client's
// decision on each as evidence (who, when, the comment and its point, the fingerprint).
import type { RequestI18n } from '../../core/index.ts';
import type { KeptApprovalListRow, KeptApprovalRow, KeptVersionRow } from './kept-queries.ts';
import { presentDecision, stateOf } from './presenters.ts';
import type { ApprovalDecisionRow, ApprovalOutcome } from './queries.ts';

const CHIP = { awaiting: 'awaiting', approved: 'accepted', changes_requested: 'declined' } as const;

export const staffApprovalUrl = (base: string, id: string) => `${base}/approvals/${encodeURIComponent(id)}`;

export function presentStaffApprovalRow(
  i18n: RequestI18n,
  base: string,
  row: KeptApprovalListRow,
  clientName: string | null,
  decision: { version: number; outcome: ApprovalOutcome } | undefined,
) {
  const state = stateOf(row.latest_version, decision);
  return {
    url: staffApprovalUrl(base, row.id),
    title: row.title,
    client: clientName ?? i18n.t('approvals:staff.unknownClient'),
    version: row.latest_version,
    shared: i18n.fmt.dateTime(row.latest_shared_at),
    chip: CHIP[state],
    statusLabel: i18n.t(`approvals:staff.status.${state}`),
  };
}

export function presentStaffApproval(
  i18n: RequestI18n,
  base: string,
  approval: KeptApprovalRow,
  clientName: string | null,
  versions: readonly KeptVersionRow[],
  decisions: readonly ApprovalDecisionRow[],
) {
  const url = staffApprovalUrl(base, approval.id);
  const byVersion = new Map(decisions.map((row) => [row.version, presentDecision(i18n, row)]));
  const state = stateOf(approval.latest_version, decisions[0]);
  return {
    id: approval.id,
    url,
    title: approval.title,
    client: clientName ?? i18n.t('approvals:staff.unknownClient'),
    chip: CHIP[state],
    statusLabel: i18n.t(`approvals:staff.status.${state}`),
    nextVersion: approval.latest_version + 1,
    versionsUrl: `${url}/versions`,
    versions: versions.map((v) => ({
      number: v.number,
      fileName: v.file_name,
      size: i18n.fmt.fileSize(Number(v.size_bytes)),
      message: v.message,
      shared: i18n.fmt.dateTime(v.shared_at),
      downloadUrl: `${url}/versions/${v.number}/file`,
      decision: byVersion.get(v.number) ?? null,
    })),
  };
}
