// SQL of a person's requests for their own data: their export requests and their erasure requests
// (what the portal holds about them is read and erased by each module that keeps it, through its
// personal-data hook). Every statement names its
// workspace; the one search for exports waiting to be built spans workspaces and says so.
import type { Knex } from 'knex';
import { ACROSS_WORKSPACES } from '../../core/index.ts';

type Db = Knex | Knex.Transaction;

type ExportStatus = 'queued' | 'building' | 'ready' | 'failed' | 'expired';

export interface DataExportRow {
  workspace_id: string;
  id: string;
  client_user_id: string;
  status: ExportStatus;
  file_id: string | null;
  size_bytes: string | null;
  attempts: number;
  requested_at: Date;
  started_at: Date | null;
  ready_at: Date | null;
  expires_at: Date | null;
}

type ErasureStatus = 'requested' | 'withdrawn' | 'approved' | 'declined';

export interface ErasureRequestRow {
  workspace_id: string;
  id: string;
  client_user_id: string;
  client_id: string;
  status: ErasureStatus;
  reason: string | null;
  requested_at: Date;
  decided_at: Date | null;
  decided_by_staff_id: string | null;
  decision_note: string | null;
  erased: Record<string, number> | null;
}

// ---- exports ----

/** A new export request; null when the person has one in the making already. */
export async function insertExport(db: Db, workspaceId: string, clientUserId: string, at: Date): Promise<DataExportRow | null> {
  const rows = await db('portal_data_exports')
    .insert({ workspace_id: workspaceId, client_user_id: clientUserId, requested_at: at })
    .onConflict(db.raw("(workspace_id, client_user_id) where status in ('queued', 'building')"))
    .ignore()
    .returning('*');
  return (rows[0] as DataExportRow | undefined) ?? null;
}

/** The person's exports, newest first (the page shows the last few). */
export function listExports(db: Db, workspaceId: string, clientUserId: string, limit: number): Promise<DataExportRow[]> {
  return db('portal_data_exports')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('requested_at', 'desc')
    .limit(limit)
    .select('*');
}

export function findExport(db: Db, workspaceId: string, clientUserId: string, id: string): Promise<DataExportRow | undefined> {
  return db('portal_data_exports').where({ workspace_id: workspaceId, client_user_id: clientUserId, id }).first('*');
}

/** Exports waiting for a worker, or whose worker stopped before finishing (claimed before `staleBefore`). */
export function findExportsToBuild(db: Db, staleBefore: Date, limit: number): Promise<Array<{ workspace_id: string; id: string }>> {
  return db('portal_data_exports')
    .whereIn('status', ['queued', 'building'])
    .andWhere((q) => q.where('status', 'queued').orWhere('started_at', '<', staleBefore))
    .orderBy('requested_at')
    .limit(limit)
    .comment(`${ACROSS_WORKSPACES}: the exports waiting to be built`)
    .select('workspace_id', 'id');
}

/**
 * Claims one export for this worker: only one of several instances gets the row back. A claim
 * older than `staleBefore` is taken over (its worker stopped); each claim counts an attempt.
 */
export async function claimExport(db: Db, workspaceId: string, id: string, at: Date, staleBefore: Date): Promise<DataExportRow | null> {
  const [row] = await db('portal_data_exports')
    .where({ workspace_id: workspaceId, id })
    .andWhere((q) =>
      q.where('status', 'queued').orWhere((stale) => stale.where('status', 'building').andWhere('started_at', '<', staleBefore)),
    )
    .update({ status: 'building', started_at: at, attempts: db.raw('attempts + 1') })
    .returning('*');
  return (row as DataExportRow | undefined) ?? null;
}

export async function markExportReady(
  db: Db,
  workspaceId: string,
  id: string,
  file: { id: string; sizeBytes: number },
  at: Date,
  expiresAt: Date,
): Promise<boolean> {
  const updated = await db('portal_data_exports')
    .where({ workspace_id: workspaceId, id, status: 'building' })
    .update({ status: 'ready', file_id: file.id, size_bytes: file.sizeBytes, ready_at: at, expires_at: expiresAt });
  return updated > 0;
}

/** Back in the queue for another try, or failed for good after the last one. */
export function markExportFailed(db: Db, workspaceId: string, id: string, finally_: boolean): Promise<number> {
  return db('portal_data_exports')
    .where({ workspace_id: workspaceId, id, status: 'building' })
    .update(finally_ ? { status: 'failed' } : { status: 'queued', started_at: null });
}

/** Ready exports past their time, across workspaces: their files are deleted, the rows kept as 'expired'. */
export function findExpiredExports(
  db: Db,
  now: Date,
  limit: number,
): Promise<Array<{ workspace_id: string; id: string; file_id: string }>> {
  return db('portal_data_exports')
    .where('status', 'ready')
    .andWhere('expires_at', '<=', now)
    .limit(limit)
    .comment(`${ACROSS_WORKSPACES}: exports past their time`)
    .select('workspace_id', 'id', 'file_id');
}

export function markExportExpired(db: Db, workspaceId: string, id: string): Promise<number> {
  return db('portal_data_exports').where({ workspace_id: workspaceId, id, status: 'ready' }).update({ status: 'expired', file_id: null });
}

// ---- erasure requests ----

export async function insertErasureRequest(
  db: Db,
  request: { workspaceId: string; clientUserId: string; clientId: string; reason: string | null; at: Date },
): Promise<ErasureRequestRow | null> {
  const rows = await db('portal_erasure_requests')
    .insert({
      workspace_id: request.workspaceId,
      client_user_id: request.clientUserId,
      client_id: request.clientId,
      reason: request.reason,
      requested_at: request.at,
    })
    .onConflict(db.raw("(workspace_id, client_user_id) where status = 'requested'"))
    .ignore()
    .returning('*');
  return (rows[0] as ErasureRequestRow | undefined) ?? null;
}

/** The person's newest request, whatever its state (the page shows where it stands). */
export function latestErasureRequest(db: Db, workspaceId: string, clientUserId: string): Promise<ErasureRequestRow | undefined> {
  return db('portal_erasure_requests')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('requested_at', 'desc')
    .first('*');
}

export function withdrawErasureRequest(db: Db, workspaceId: string, clientUserId: string, at: Date): Promise<ErasureRequestRow[]> {
  return db('portal_erasure_requests')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, status: 'requested' })
    .update({ status: 'withdrawn', decided_at: at })
    .returning('*');
}

/** The workspace's requests: open ones first (oldest first), then the newest decided ones. */
export function listErasureRequests(db: Db, workspaceId: string, limit: number): Promise<ErasureRequestRow[]> {
  return db('portal_erasure_requests')
    .where({ workspace_id: workspaceId })
    .orderByRaw("(status = 'requested') desc, case when status = 'requested' then requested_at end asc, requested_at desc")
    .limit(limit)
    .select('*');
}

export function findErasureRequest(db: Db, workspaceId: string, id: string): Promise<ErasureRequestRow | undefined> {
  return db('portal_erasure_requests').where({ workspace_id: workspaceId, id }).first('*');
}

/** Locks an open request for its decision: null when it is no longer open. */
export function lockOpenErasureRequest(trx: Knex.Transaction, workspaceId: string, id: string): Promise<ErasureRequestRow | undefined> {
  return trx('portal_erasure_requests').where({ workspace_id: workspaceId, id, status: 'requested' }).forUpdate().first('*');
}

export function decideErasureRequest(
  db: Db,
  workspaceId: string,
  id: string,
  decision: { status: 'approved' | 'declined'; staffId: string; note: string | null; at: Date; erased?: Record<string, number> },
): Promise<number> {
  return db('portal_erasure_requests')
    .where({ workspace_id: workspaceId, id, status: 'requested' })
    .update({
      status: decision.status,
      decided_at: decision.at,
      decided_by_staff_id: decision.staffId,
      decision_note: decision.note,
      ...(decision.erased ? { erased: JSON.stringify(decision.erased), reason: null } : {}),
    });
}

// ---- the person's own export and erasure requests, on an approved erasure ----

/** Files the person's earlier exports left (to delete with their data, once the erasure is committed). */
export function personExportFiles(db: Db, workspaceId: string, clientUserId: string): Promise<string[]> {
  return db('portal_data_exports')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNotNull('file_id')
    .pluck('file_id');
}

/** The person's exports, counted for the agency's review of an erasure. */
export function countPersonExports(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_data_exports').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}

export function deletePersonExports(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_data_exports').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}

/** Forgets the reasons the person gave (the requests stay, under an id that no longer names anyone). */
export async function clearErasureReasons(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<void> {
  await trx('portal_erasure_requests').where({ workspace_id: workspaceId, client_user_id: clientUserId }).update({ reason: null });
}

/**
 * What an approval would touch, by kind, in one statement: each query counts one kind (brought by
 * the module that keeps it) and stands as a column of a single select.
 */
export async function countInOneStatement(db: Db, counts: Record<string, Knex.QueryBuilder>): Promise<Record<string, number>> {
  const entries = Object.entries(counts);
  if (entries.length === 0) return {};
  const row = await db.first(entries.map(([kind, query]) => query.as(kind)));
  return row as Record<string, number>;
}
