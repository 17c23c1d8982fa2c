// SQL for the live-event log: what changed for a client, numbered by a sequence, so a page that
// lost its stream can ask for everything after the last number it saw.
import { ACROSS_WORKSPACES } from '../db/distribution.ts';
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface LiveEventRow {
  seq: string;
  client_id: string;
  type: string;
  data: Record<string, unknown>;
}

export async function insertLiveEvent(
  db: Db,
  event: { workspaceId: string; clientId: string; type: string; data: Record<string, unknown> },
): Promise<string> {
  const [row] = await db('portal_live_events')
    .insert({ workspace_id: event.workspaceId, client_id: event.clientId, type: event.type, data: JSON.stringify(event.data) })
    .returning('seq');
  return String((row as { seq: string }).seq);
}

/** Events after a sequence number: of one client, or (clientId null) of every client of the workspace. */
export async function listLiveEventsAfter(
  db: Db,
  scope: { workspaceId: string; clientId: string | null },
  afterSeq: string,
  limit: number,
): Promise<LiveEventRow[]> {
  const query = db('portal_live_events').where('workspace_id', scope.workspaceId).andWhere('seq', '>', afterSeq);
  if (scope.clientId !== null) query.andWhere('client_id', scope.clientId);
  const rows = await query.orderBy('seq').limit(limit).select('seq', 'client_id', 'type', 'data');
  return (rows as LiveEventRow[]).map((row) => ({ ...row, seq: String(row.seq) }));
}

/** The newest sequence number in a scope: where a freshly rendered page starts listening. */
export async function latestLiveSeq(db: Db, scope: { workspaceId: string; clientId: string | null }): Promise<string> {
  const query = db('portal_live_events').where('workspace_id', scope.workspaceId);
  if (scope.clientId !== null) query.andWhere('client_id', scope.clientId);
  const row = await query.max<{ max: string | null }>('seq as max').first();
  return String(row?.max ?? 0);
}

export async function deleteLiveEventsBefore(db: Db, before: Date): Promise<number> {
  // Written out: knex leaves a builder's comment off a delete, and the mark must lead the statement.
  const result = await db.raw(
    `/* ${ACROSS_WORKSPACES}: housekeeping of every workspace's old live events */ delete from portal_live_events where created_at < ?`,
    [before],
  );
  return result.rowCount ?? 0;
}
