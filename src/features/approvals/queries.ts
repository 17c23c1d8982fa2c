// SQL for portal_approval_decisions: the evidence of a client's decision on a version of work the
// agency shared. Every statement is scoped by workspace and client company in the query itself.
import type { Knex } from 'knex';
import { ERASED_NAME } from '../../core/index.ts';

type Db = Knex | Knex.Transaction;

export type ApprovalOutcome = 'approved' | 'changes_requested';

export interface NewApprovalDecision {
  workspaceId: string;
  clientId: string;
  approvalId: string;
  version: number;
  title: string;
  outcome: ApprovalOutcome;
  comment: string;
  point: { x: number; y: number; page: number | null } | null;
  clientUserId: string;
  contactId: string;
  decidedBy: string;
  fileName: string;
  fileSha256: string;
  ip: string | null;
  userAgent: string | null;
  decidedAt: Date;
}

export interface ApprovalDecisionRow {
  id: string;
  approval_id: string;
  version: number;
  title: string;
  outcome: ApprovalOutcome;
  comment: string;
  point_x: string | null;
  point_y: string | null;
  point_page: number | null;
  client_user_id: string | null;
  decided_by: string;
  file_name: string;
  file_sha256: string;
  ip: string | null;
  user_agent: string | null;
  decided_at: Date;
}

const COLUMNS = [
  'id',
  'approval_id',
  'version',
  'title',
  'outcome',
  'comment',
  'point_x',
  'point_y',
  'point_page',
  'client_user_id',
  'decided_by',
  'file_name',
  'file_sha256',
  'ip',
  'user_agent',
  'decided_at',
];

const UNIQUE_VIOLATION = '23505';

/** Inserts the decision; false when this version already has one (the database refuses a second). */
export async function insertApprovalDecision(db: Db, d: NewApprovalDecision): Promise<boolean> {
  try {
    // A savepoint, so a refused insert leaves the caller's transaction usable.
    await db.transaction(async (sp) => {
      await sp('portal_approval_decisions').insert({
        workspace_id: d.workspaceId,
        client_id: d.clientId,
        approval_id: d.approvalId,
        version: d.version,
        title: d.title.slice(0, 255),
        outcome: d.outcome,
        comment: d.comment,
        point_x: d.point?.x ?? null,
        point_y: d.point?.y ?? null,
        point_page: d.point?.page ?? null,
        client_user_id: d.clientUserId,
        contact_id: d.contactId,
        decided_by: d.decidedBy.slice(0, 200),
        file_name: d.fileName.slice(0, 255),
        file_sha256: d.fileSha256,
        ip: d.ip?.slice(0, 64) ?? null,
        user_agent: d.userAgent?.slice(0, 400) ?? null,
        decided_at: d.decidedAt,
      });
    });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) return false;
    throw error;
  }
}

/** Every decision on one approval, newest version first. */
export async function approvalDecisions(
  db: Db,
  args: { workspaceId: string; clientId: string; approvalId: string },
): Promise<ApprovalDecisionRow[]> {
  return db('portal_approval_decisions')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, approval_id: args.approvalId })
    .orderBy('version', 'desc')
    .select(COLUMNS);
}

/** The latest decision on each of these approvals (one read for a page of the list). */
export async function latestDecisions(
  db: Db,
  args: { workspaceId: string; clientId: string; approvalIds: readonly string[] },
): Promise<Map<string, Pick<ApprovalDecisionRow, 'approval_id' | 'version' | 'outcome'>>> {
  if (args.approvalIds.length === 0) return new Map();
  const rows: Array<Pick<ApprovalDecisionRow, 'approval_id' | 'version' | 'outcome'>> = await db('portal_approval_decisions')
    .distinctOn('approval_id')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId })
    .whereIn('approval_id', args.approvalIds)
    .orderBy([{ column: 'approval_id' }, { column: 'version', order: 'desc' }])
    .select('approval_id', 'version', 'outcome');
  return new Map(rows.map((row) => [row.approval_id, row]));
}

/** A person's decisions, for their export. */
export async function personApprovalDecisions(db: Db, workspaceId: string, clientUserId: string): Promise<ApprovalDecisionRow[]> {
  return db('portal_approval_decisions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('decided_at', 'asc')
    .select(COLUMNS);
}

/**
 * An erasure keeps each decision (the agency's record of what was approved, and the fingerprint of
 * the file) without the person: their name becomes ERASED_NAME, and who they were and where they
 * decided from go.
 */
export async function anonymisePersonApprovals(db: Db, workspaceId: string, clientUserId: string): Promise<number> {
  return db('portal_approval_decisions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .update({ client_user_id: null, contact_id: null, decided_by: ERASED_NAME, ip: null, user_agent: null });
}

export function countPersonApprovalDecisions(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_approval_decisions').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}

/** The latest decision on each of these approvals of the workspace, whatever their client (the staff list). */
export async function latestWorkspaceDecisions(
  db: Db,
  args: { workspaceId: string; approvalIds: readonly string[] },
): Promise<Map<string, Pick<ApprovalDecisionRow, 'approval_id' | 'version' | 'outcome'>>> {
  if (args.approvalIds.length === 0) return new Map();
  const rows: Array<Pick<ApprovalDecisionRow, 'approval_id' | 'version' | 'outcome'>> = await db('portal_approval_decisions')
    .distinctOn('approval_id')
    .where({ workspace_id: args.workspaceId })
    .whereIn('approval_id', args.approvalIds)
    .orderBy([{ column: 'approval_id' }, { column: 'version', order: 'desc' }])
    .select('approval_id', 'version', 'outcome');
  return new Map(rows.map((row) => [row.approval_id, row]));
}
