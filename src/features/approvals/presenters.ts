// View models for the approvals pages: each piece of work with where it stands (awaiting the
// client, approved, changes asked for), each version with how the browser can show it (a PDF in a
// frame, an image, otherwise a download), and each decision as evidence: who, when, the comment
// and its point, and the fingerprint of the file decided.
import type { RequestI18n } from '../../core/index.ts';
import type { ApprovalDetail, ApprovalSummary, ApprovalVersion } from './port.ts';
import type { ApprovalDecisionRow, ApprovalOutcome } from './queries.ts';

export type ApprovalState = 'awaiting' | ApprovalOutcome;

/** The status chip's look for each state (views/partials/status-chip.ejs). */
const CHIP: Record<ApprovalState, string> = {
  awaiting: 'awaiting',
  approved: 'accepted',
  changes_requested: 'declined',
};

export function approvalUrl(base: string, id: string): string {
  return `${base}/approvals/${encodeURIComponent(id)}`;
}

/** Where the work stands: the decision on its latest version, or awaiting one. */
export function stateOf(latestVersion: number, decision: { version: number; outcome: ApprovalOutcome } | undefined): ApprovalState {
  return decision && decision.version === latestVersion ? decision.outcome : 'awaiting';
}

export function presentApprovalRow(i18n: RequestI18n, base: string, approval: ApprovalSummary, state: ApprovalState) {
  return {
    url: approvalUrl(base, approval.id),
    title: approval.title,
    version: approval.latest.number,
    shared: i18n.fmt.dateTime(approval.latest.sharedAt),
    chip: CHIP[state],
    statusLabel: i18n.t(`approvals:status.${state}`),
  };
}

type Shown = 'pdf' | 'image' | 'file';

function shownAs(contentType: string): Shown {
  if (contentType === 'application/pdf') return 'pdf';
  if (/^image\/(png|jpeg|gif|webp)$/.test(contentType)) return 'image';
  return 'file';
}

const asPercent = (fraction: string | null) => (fraction === null ? null : Math.round(Number(fraction) * 1000) / 10);

export function presentDecision(i18n: RequestI18n, row: ApprovalDecisionRow) {
  const x = asPercent(row.point_x);
  const y = asPercent(row.point_y);
  const point =
    x === null || y === null
      ? null
      : {
          x,
          y,
          page: row.point_page,
          label:
            row.point_page === null
              ? i18n.t('approvals:decision.point', { x: i18n.fmt.number(x), y: i18n.fmt.number(y) })
              : i18n.t('approvals:decision.pointOnPage', { x: i18n.fmt.number(x), y: i18n.fmt.number(y), page: row.point_page }),
        };
  return {
    version: row.version,
    outcome: row.outcome,
    chip: CHIP[row.outcome],
    label: i18n.t(`approvals:status.${row.outcome}`),
    decidedBy: row.decided_by,
    decidedAt: i18n.fmt.dateTime(row.decided_at),
    comment: row.comment,
    point,
    fileName: row.file_name,
    fingerprint: row.file_sha256,
  };
}

export type DecisionView = ReturnType<typeof presentDecision>;

function presentVersion(i18n: RequestI18n, url: string, version: ApprovalVersion, decision: DecisionView | null) {
  const fileUrl = `${url}/versions/${version.number}/file`;
  return {
    number: version.number,
    fileName: version.fileName,
    size: i18n.fmt.fileSize(version.sizeBytes),
    message: version.message,
    shared: i18n.fmt.dateTime(version.sharedAt),
    shownAs: shownAs(version.contentType),
    fileUrl,
    downloadUrl: `${fileUrl}?download=1`,
    decision,
  };
}

export function presentApproval(i18n: RequestI18n, base: string, detail: ApprovalDetail, rows: readonly ApprovalDecisionRow[]) {
  const url = approvalUrl(base, detail.id);
  const byVersion = new Map(rows.map((row) => [row.version, presentDecision(i18n, row)]));
  const versions = detail.versions.map((v) => presentVersion(i18n, url, v, byVersion.get(v.number) ?? null));
  const latest = versions[0]!;
  const state = stateOf(latest.number, rows[0]);
  return {
    id: detail.id,
    url,
    title: detail.title,
    chip: CHIP[state],
    statusLabel: i18n.t(`approvals:status.${state}`),
    state,
    latest,
    /** Earlier versions, newest first, each with its decision where there was one. */
    earlier: versions.slice(1),
    decidable: latest.decision === null,
    decideUrl: `${url}/decision`,
  };
}
