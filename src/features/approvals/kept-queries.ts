// SQL for the approvals the portal keeps (portal_kept_approvals and their versions), for a host
// without approvals of its own. Every read names the workspace, and a client's reads the client
// company, in the query itself; the files are the host's, named here by its reference.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface KeptApprovalRow {
  id: string;
  client_id: string;
  title: string;
  latest_version: number;
  latest_shared_at: Date;
  created_at: Date;
  created_by: string;
}

export interface KeptVersionRow {
  number: number;
  file_ref: string;
  file_name: string;
  content_type: string;
  size_bytes: string | number;
  message: string;
  shared_by: string;
  shared_at: Date;
}

/** An approval with its latest version, as a list shows it. */
export type KeptApprovalListRow = KeptApprovalRow & Omit<KeptVersionRow, 'shared_at'>;

/** Where the previous page ended: the latest share's moment and the id, newest first. */
export interface KeptApprovalsKey {
  sharedAt: Date;
  id: string;
}

const APPROVAL_COLUMNS = ['a.id', 'a.client_id', 'a.title', 'a.latest_version', 'a.latest_shared_at', 'a.created_at', 'a.created_by'];
const VERSION_COLUMNS = ['number', 'file_ref', 'file_name', 'content_type', 'size_bytes', 'message', 'shared_by', 'shared_at'];

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A page of approvals with their latest version, latest shared first; a client's when `clientId` is given. */
export function listKeptApprovals(
  db: Db,
  scope: { workspaceId: string; clientId?: string; search: string; limit: number; after: KeptApprovalsKey | null },
): Promise<KeptApprovalListRow[]> {
  const query = db('portal_kept_approvals as a')
    .join('portal_kept_approval_versions as v', (j) =>
      j.on('v.workspace_id', 'a.workspace_id').andOn('v.approval_id', 'a.id').andOn('v.number', 'a.latest_version'),
    )
    .where('a.workspace_id', scope.workspaceId);
  if (scope.clientId !== undefined) query.where('a.client_id', scope.clientId);
  if (scope.search) query.whereILike('a.title', `%${escapeLike(scope.search)}%`);
  if (scope.after) {
    const { sharedAt, id } = scope.after;
    query.where((w) =>
      w.where('a.latest_shared_at', '<', sharedAt).orWhere((e) => e.where('a.latest_shared_at', sharedAt).where('a.id', '<', id)),
    );
  }
  return query
    .orderBy([
      { column: 'a.latest_shared_at', order: 'desc' },
      { column: 'a.id', order: 'desc' },
    ])
    .limit(scope.limit)
    .select([...APPROVAL_COLUMNS, 'v.number', 'v.file_ref', 'v.file_name', 'v.content_type', 'v.size_bytes', 'v.message', 'v.shared_by']);
}

/**
 * One approval of the workspace; with `clientId`, only that client's. `lock`: held against another
 * version being shared (and another decision) until the caller's transaction ends.
 */
export async function findKeptApproval(
  db: Db,
  scope: { workspaceId: string; id: string; clientId?: string; lock?: boolean },
): Promise<KeptApprovalRow | null> {
  const query = db('portal_kept_approvals as a').where({ 'a.workspace_id': scope.workspaceId, 'a.id': scope.id });
  if (scope.clientId !== undefined) query.where('a.client_id', scope.clientId);
  if (scope.lock) query.forUpdate();
  return (await query.first(APPROVAL_COLUMNS)) ?? null;
}

/** Every version of one approval, newest first. The caller has found the approval in its scope. */
export function listKeptVersions(db: Db, scope: { workspaceId: string; approvalId: string }): Promise<KeptVersionRow[]> {
  return db('portal_kept_approval_versions')
    .where({ workspace_id: scope.workspaceId, approval_id: scope.approvalId })
    .orderBy('number', 'desc')
    .select(VERSION_COLUMNS);
}

/** One version of one of the client's approvals (the client named in the query), or null. */
export async function findKeptVersion(
  db: Db,
  scope: { workspaceId: string; clientId: string; approvalId: string; number: number },
): Promise<KeptVersionRow | null> {
  const row = await db('portal_kept_approval_versions as v')
    .join('portal_kept_approvals as a', (j) => j.on('a.workspace_id', 'v.workspace_id').andOn('a.id', 'v.approval_id'))
    .where({
      'v.workspace_id': scope.workspaceId,
      'v.approval_id': scope.approvalId,
      'v.number': scope.number,
      'a.client_id': scope.clientId,
    })
    .first(VERSION_COLUMNS.map((column) => `v.${column}`));
  return row ?? null;
}

export interface NewKeptVersion {
  fileRef: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  message: string;
  sharedBy: string;
  sharedAt: Date;
}

/** A new approval at version 1 (the caller's transaction holds both rows); its id. */
export async function insertKeptApproval(
  trx: Knex.Transaction,
  row: { workspaceId: string; clientId: string; title: string; createdBy: string; version: NewKeptVersion },
): Promise<string> {
  const [inserted] = (await trx('portal_kept_approvals')
    .insert({
      workspace_id: row.workspaceId,
      client_id: row.clientId,
      title: row.title,
      latest_version: 1,
      latest_shared_at: row.version.sharedAt,
      created_at: row.version.sharedAt,
      created_by: row.createdBy,
    })
    .returning('id')) as Array<{ id: string }>;
  await insertKeptVersion(trx, { workspaceId: row.workspaceId, approvalId: inserted!.id, number: 1, version: row.version });
  return inserted!.id;
}

/** The next version of an approval the caller has locked (findKeptApproval with lock). */
export async function insertNextKeptVersion(
  trx: Knex.Transaction,
  row: { workspaceId: string; approvalId: string; number: number; version: NewKeptVersion },
): Promise<void> {
  await insertKeptVersion(trx, row);
  await trx('portal_kept_approvals')
    .where({ workspace_id: row.workspaceId, id: row.approvalId })
    .update({ latest_version: row.number, latest_shared_at: row.version.sharedAt });
}

async function insertKeptVersion(
  trx: Knex.Transaction,
  row: { workspaceId: string; approvalId: string; number: number; version: NewKeptVersion },
): Promise<void> {
  const v = row.version;
  await trx('portal_kept_approval_versions').insert({
    workspace_id: row.workspaceId,
    approval_id: row.approvalId,
    number: row.number,
    file_ref: v.fileRef,
    file_name: v.fileName.slice(0, 255),
    content_type: v.contentType,
    size_bytes: v.sizeBytes,
    message: v.message,
    shared_by: v.sharedBy,
    shared_at: v.sharedAt,
  });
}
