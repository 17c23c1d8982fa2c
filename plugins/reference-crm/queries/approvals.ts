// Approvals of work in the CRM: the requests staff share with a client, their versions (each a
// file kept as one bytea, at most the upload form's 10 MB) and the decisions the portal records.
// Every statement names the workspace; the client's reads name the client too.
import type { Knex } from 'knex';
import type { Db } from './db.ts';

type ApprovalRowStatus = 'awaiting' | 'approved' | 'changes_requested';

export interface ApprovalRequestRow {
  id: number;
  client_id: number;
  client_name: string;
  title: string;
  status: ApprovalRowStatus;
  latest_version: number;
  created_at: Date;
  updated_at: Date;
}

export interface ApprovalVersionRow {
  id: number;
  request_id: number;
  number: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  message: string;
  staff_name: string | null;
  created_at: Date;
}

export interface ApprovalDecisionRow {
  id: number;
  request_id: number;
  version_number: number;
  outcome: 'approved' | 'changes_requested';
  comment: string;
  point_x: string | null;
  point_y: string | null;
  point_page: number | null;
  contact_id: number | null;
  decided_by: string;
  file_sha256: string;
  ip: string | null;
  user_agent: string | null;
  decided_at: Date;
}

const REQUEST_COLUMNS = [
  'r.id',
  'r.client_id',
  'c.name as client_name',
  'r.title',
  'r.status',
  'r.latest_version',
  'r.created_at',
  'r.updated_at',
];

/** A version's file and the message it came with, as the list and each version show them. */
const VERSION_FILE_COLUMNS = ['v.number', 'v.filename', 'v.content_type', 'v.size_bytes', 'v.sha256', 'v.message'];

const VERSION_COLUMNS = ['v.id', 'v.request_id', ...VERSION_FILE_COLUMNS, 's.name as staff_name', 'v.created_at'];

function requests(db: Db, workspaceId: number) {
  return db('approval_requests as r')
    .join('clients as c', (j) => j.on('c.workspace_id', 'r.workspace_id').andOn('c.id', 'r.client_id'))
    .where('r.workspace_id', workspaceId);
}

/** The workspace's approvals for staff, latest shared first. */
export function listWorkspaceApprovals(db: Db, scope: { workspaceId: number; clientId?: number }): Promise<ApprovalRequestRow[]> {
  const query = requests(db, scope.workspaceId);
  if (scope.clientId !== undefined) query.where('r.client_id', scope.clientId);
  return query
    .orderBy([
      { column: 'r.updated_at', order: 'desc' },
      { column: 'r.id', order: 'desc' },
    ])
    .limit(200)
    .select(REQUEST_COLUMNS);
}

/**
 * A client's approvals with their latest version, newest first by id (a keyset on the id), narrowed
 * by a title search (ILIKE with the wildcards of the search escaped).
 */
export function listClientApprovals(
  db: Db,
  scope: { workspaceId: number; clientId: number; search: string; limit: number; afterId: number | null },
): Promise<Array<ApprovalRequestRow & Omit<ApprovalVersionRow, 'id' | 'request_id' | 'staff_name' | 'created_at'> & { shared_at: Date }>> {
  const query = requests(db, scope.workspaceId)
    .join('approval_versions as v', (j) =>
      j.on('v.workspace_id', 'r.workspace_id').andOn('v.request_id', 'r.id').andOn('v.number', 'r.latest_version'),
    )
    .where('r.client_id', scope.clientId);
  if (scope.search) query.whereILike('r.title', `%${scope.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (scope.afterId !== null) query.where('r.id', '<', scope.afterId);
  return query
    .orderBy('r.id', 'desc')
    .limit(scope.limit)
    .select([...REQUEST_COLUMNS, ...VERSION_FILE_COLUMNS, 'v.created_at as shared_at']);
}

/**
 * One approval; with `clientId`, only that client's. `lock`: held against a new version and another
 * decision until the caller's transaction ends. FOR UPDATE, not FOR SHARE: the decision goes on to
 * update this row (its status), and two decisions that both held a share lock would each wait for
 * the other to let go before updating: a deadlock. Locked for update, the second waits its turn.
 */
export async function findApproval(
  db: Db,
  scope: { workspaceId: number; id: number; clientId?: number; lock?: boolean },
): Promise<ApprovalRequestRow | null> {
  const query = requests(db, scope.workspaceId).where('r.id', scope.id);
  if (scope.clientId !== undefined) query.where('r.client_id', scope.clientId);
  if (scope.lock) query.forUpdate('r');
  return (await query.first<ApprovalRequestRow | undefined>(REQUEST_COLUMNS)) ?? null;
}

/** Its versions, newest first, without their bytes. */
export function listApprovalVersions(db: Db, scope: { workspaceId: number; requestId: number }): Promise<ApprovalVersionRow[]> {
  return db('approval_versions as v')
    .leftJoin('staff_users as s', (j) => j.on('s.workspace_id', 'v.workspace_id').andOn('s.id', 'v.staff_id'))
    .where({ 'v.workspace_id': scope.workspaceId, 'v.request_id': scope.requestId })
    .orderBy('v.number', 'desc')
    .select(VERSION_COLUMNS);
}

/** One version's file; with `clientId`, only of that client's approval. */
export async function findApprovalFile(
  db: Db,
  scope: { workspaceId: number; requestId: number; number: number; clientId?: number },
): Promise<{ filename: string; content_type: string; size_bytes: number; content: Buffer } | null> {
  const query = db('approval_versions as v')
    .join('approval_requests as r', (j) => j.on('r.workspace_id', 'v.workspace_id').andOn('r.id', 'v.request_id'))
    .where({ 'v.workspace_id': scope.workspaceId, 'v.request_id': scope.requestId, 'v.number': scope.number });
  if (scope.clientId !== undefined) query.where('r.client_id', scope.clientId);
  return (await query.first(['v.filename', 'v.content_type', 'v.size_bytes', 'v.content'])) ?? null;
}

export function listApprovalDecisions(db: Db, scope: { workspaceId: number; requestId: number }): Promise<ApprovalDecisionRow[]> {
  return db('approval_decisions')
    .where({ workspace_id: scope.workspaceId, request_id: scope.requestId })
    .orderBy('version_number', 'desc')
    .select([
      'id',
      'request_id',
      'version_number',
      'outcome',
      'comment',
      'point_x',
      'point_y',
      'point_page',
      'contact_id',
      'decided_by',
      'file_sha256',
      'ip',
      'user_agent',
      'decided_at',
    ]);
}

export interface NewApprovalFile {
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
  message: string;
  staffId: number;
}

/** A new approval with its version 1, in one transaction. */
export async function insertApproval(
  trx: Knex.Transaction,
  args: { workspaceId: number; clientId: number; title: string; file: NewApprovalFile },
): Promise<number> {
  const [row] = await trx('approval_requests')
    .insert({ workspace_id: args.workspaceId, client_id: args.clientId, title: args.title, staff_id: args.file.staffId })
    .returning<Array<{ id: number }>>(['id']);
  await insertVersionRow(trx, args.workspaceId, row!.id, 1, args.file);
  return row!.id;
}

/**
 * The next version of an approval: the request locked (a decision in flight finishes first, and a
 * second upload waits), the number one past the latest, the status back to awaiting.
 */
export async function insertNextVersion(
  trx: Knex.Transaction,
  args: { workspaceId: number; requestId: number; file: NewApprovalFile },
): Promise<number | null> {
  const request = await trx('approval_requests')
    .where({ workspace_id: args.workspaceId, id: args.requestId })
    .forUpdate()
    .first<{ latest_version: number } | undefined>('latest_version');
  if (!request) return null;
  const number = request.latest_version + 1;
  await insertVersionRow(trx, args.workspaceId, args.requestId, number, args.file);
  await trx('approval_requests')
    .where({ workspace_id: args.workspaceId, id: args.requestId })
    .update({ latest_version: number, status: 'awaiting', updated_at: trx.fn.now() });
  return number;
}

async function insertVersionRow(trx: Knex.Transaction, workspaceId: number, requestId: number, number: number, file: NewApprovalFile) {
  await trx('approval_versions').insert({
    workspace_id: workspaceId,
    request_id: requestId,
    number,
    filename: file.filename,
    content_type: file.contentType,
    size_bytes: file.content.length,
    content: file.content,
    sha256: file.sha256,
    message: file.message,
    staff_id: file.staffId,
  });
}

/** A client's decision as the portal tells it, and the request's status after it (only for its latest version). */
export async function insertApprovalDecision(
  db: Db,
  args: {
    workspaceId: number;
    requestId: number;
    version: number;
    outcome: 'approved' | 'changes_requested';
    comment: string;
    point: { x: number; y: number; page: number | null } | null;
    contactId: number | null;
    decidedBy: string;
    fileSha256: string;
    ip: string | null;
    userAgent?: string | null;
    decidedAt: Date;
  },
): Promise<void> {
  await db('approval_decisions').insert({
    workspace_id: args.workspaceId,
    request_id: args.requestId,
    version_number: args.version,
    outcome: args.outcome,
    comment: args.comment,
    point_x: args.point?.x ?? null,
    point_y: args.point?.y ?? null,
    point_page: args.point?.page ?? null,
    contact_id: args.contactId,
    decided_by: args.decidedBy.slice(0, 200),
    file_sha256: args.fileSha256,
    ip: args.ip?.slice(0, 64) ?? null,
    user_agent: args.userAgent?.slice(0, 400) ?? null,
    decided_at: args.decidedAt,
  });
  await db('approval_requests')
    .where({ workspace_id: args.workspaceId, id: args.requestId, latest_version: args.version })
    .update({ status: args.outcome });
}

/** An approval by its title (the seed's, to stay idempotent). */
export async function findApprovalByTitle(db: Db, scope: { workspaceId: number; title: string }): Promise<{ id: number } | null> {
  return (
    (await db('approval_requests')
      .where({ workspace_id: scope.workspaceId, title: scope.title })
      .first<{ id: number } | undefined>('id')) ?? null
  );
}
