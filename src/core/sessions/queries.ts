// SQL over client_sessions: the read of a session with the client user it signs in (every page),
// and for the account page a client's own sessions and revoking them. Rows are keyed by the hashed
// session id (see portal-sessions.ts).
import type { Knex } from 'knex';
import type pg from 'pg';
import { accessColumns, CLIENT_USER_COLUMNS, type ClientUserWithAccessRow } from '../client-users/queries.ts';
import type { ClientUserStatus } from '../policies/client-user-policy.ts';
import type { PortalSessionAuth } from './session-data.ts';
import { isCitus } from '../db/citus.ts';

type Db = Knex | Knex.Transaction;

export interface SessionRow {
  sid: string;
  sess: { portal?: PortalSessionAuth };
  expire: Date;
}

const byClientUser = (db: Db, workspaceId: string, clientUserId: string) =>
  db('client_sessions')
    .whereRaw("sess->'portal'->>'clientUserId' = ?", [clientUserId])
    .andWhereRaw("sess->'portal'->>'workspaceId' = ?", [workspaceId]);

/** The newest live sessions first, at most `limit`, each row carrying the total of live sessions. */
export async function listLiveSessions(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  now: Date,
  limit: number,
): Promise<Array<SessionRow & { total: number }>> {
  return byClientUser(db, workspaceId, clientUserId)
    .andWhere('expire', '>', now)
    .orderBy('expire', 'desc')
    .limit(limit)
    .select('sid', 'sess', 'expire', db.raw('count(*) over ()::int as total'));
}

/**
 * Deletes all but the `keep` newest sessions of a client user (expiry follows sign-in: sessions do
 * not roll), leaving `except` (a session being written) out of the count.
 */
export async function deleteOldestSessions(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  keep: number,
  except?: string,
): Promise<number> {
  const others = byClientUser(db, workspaceId, clientUserId);
  if (except) others.andWhereNot('sid', except);
  const beyond = others.orderBy('expire', 'desc').offset(keep).select('sid');
  return db('client_sessions').whereIn('sid', beyond).delete();
}

export async function deleteSession(db: Db, workspaceId: string, clientUserId: string, sidHash: string): Promise<number> {
  return byClientUser(db, workspaceId, clientUserId).andWhere({ sid: sidHash }).delete();
}

export async function deleteOtherSessions(db: Db, workspaceId: string, clientUserId: string, keepSidHash: string | null): Promise<number> {
  const q = byClientUser(db, workspaceId, clientUserId);
  if (keepSidHash) q.andWhereNot({ sid: keepSidHash });
  return q.delete();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  return db('client_sessions').where('expire', '<=', now).delete();
}

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** The client user's columns and those of their access, each as "user.<name>"; `workspace` is the SQL of the workspace id. */
const userSelect = (alias: string, workspace: string) =>
  [
    ...CLIENT_USER_COLUMNS.map((column) => `${alias}.${column} as "user.${column}"`),
    ...Object.entries(accessColumns(alias, workspace)).map(([name, sql]) => `${sql} as "user.${name}"`),
  ].join(', ');
const USER_FIELDS = [...CLIENT_USER_COLUMNS, ...Object.keys(accessColumns('u', '$1'))];

// The client user comes by its primary key and must belong to the session's workspace. The id is
// cast only when it has a UUID's shape (CASE decides before the cast), so no session content can
// make the read fail.
const SESSION_WITH_CLIENT_USER_SQL = `
select s.sess, ${userSelect('u', `s.sess #>> '{portal,workspaceId}'`)}
  from client_sessions s
  left join client_users u
    on u.id = case when s.sess #>> '{portal,clientUserId}' ~* '${UUID}' then (s.sess #>> '{portal,clientUserId}')::uuid end
   and u.workspace_id = s.sess #>> '{portal,workspaceId}'
 where s.sid = $1 and s.expire >= to_timestamp($2)`;

export interface SessionWithClientUser {
  sess: Record<string, unknown> & { portal?: PortalSessionAuth };
  /** The client user the session's `portal` names, in its workspace, with their access; null when there is none. */
  user: ClientUserWithAccessRow | null;
}

const SESSION_SQL = 'select sess from client_sessions where sid = $1 and expire >= to_timestamp($2)';
const CLIENT_USER_SQL = `select ${userSelect('u', '$1')}
  from client_users u where u.workspace_id = $1 and u.id = case when $2 ~* '${UUID}' then $2::uuid end`;

/**
 * A live session by its hashed id, and the client user it signs in: one round trip, or two on a
 * Citus cluster, where sessions stay on the coordinator and client users are distributed by
 * workspace, so no one node holds both rows.
 */
export async function findSessionWithClientUser(pool: pg.Pool, sidHash: string, nowSeconds: number): Promise<SessionWithClientUser | null> {
  const split = await isCitus(pool);
  const { rows } = await pool.query<Record<string, unknown>>(split ? SESSION_SQL : SESSION_WITH_CLIENT_USER_SQL, [sidHash, nowSeconds]);
  let row = rows[0];
  if (!row) return null;
  const sess = (typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess) as SessionWithClientUser['sess'];
  if (split) {
    const { portal } = sess;
    const found = portal ? await pool.query<Record<string, unknown>>(CLIENT_USER_SQL, [portal.workspaceId, portal.clientUserId]) : null;
    row = found?.rows[0] ?? { 'user.id': null };
  }
  if (row['user.id'] === null) return { sess, user: null };
  const user = Object.fromEntries(USER_FIELDS.map((column) => [column, row[`user.${column}`]])) as unknown as ClientUserWithAccessRow;
  return { sess, user };
}

export interface StreamSessionRow {
  sid: string;
  workspace_id: string;
  client_user_id: string;
  /** The client user's status; null when the session names no client user of its workspace. */
  status: ClientUserStatus | null;
}

// The sessions given (by hashed id) that are still live, with whom each signs in and that user's
// status. One parameter (a JSON array), so the statement has one shape however many are asked.
const STREAM_SESSIONS_SQL = `
select s.sid, s.sess #>> '{portal,workspaceId}' as workspace_id, s.sess #>> '{portal,clientUserId}' as client_user_id, u.status
  from client_sessions s
  left join client_users u
    on u.id = case when s.sess #>> '{portal,clientUserId}' ~* '${UUID}' then (s.sess #>> '{portal,clientUserId}')::uuid end
   and u.workspace_id = s.sess #>> '{portal,workspaceId}'
 where s.sid in (select jsonb_array_elements_text(?::jsonb)) and s.expire >= ?`;

/** For the open live streams' periodic check: which of these sessions are still live, and for whom. */
export async function findStreamSessions(db: Knex, sidHashes: string[], now: Date): Promise<StreamSessionRow[]> {
  if (sidHashes.length === 0) return [];
  if (await isCitus(db)) return findStreamSessionsInTwoSteps(db, sidHashes, now);
  const result = await db.raw(STREAM_SESSIONS_SQL, [JSON.stringify(sidHashes), now]);
  return (result as { rows: StreamSessionRow[] }).rows;
}

/** The same on Citus: the sessions, then their client users (sessions on the coordinator, client users by workspace). */
async function findStreamSessionsInTwoSteps(db: Knex, sidHashes: string[], now: Date): Promise<StreamSessionRow[]> {
  const sessions: Array<Omit<StreamSessionRow, 'status'>> = await db('client_sessions')
    .whereIn('sid', sidHashes)
    .andWhere('expire', '>=', now)
    .select('sid', db.raw("sess #>> '{portal,workspaceId}' as workspace_id"), db.raw("sess #>> '{portal,clientUserId}' as client_user_id"));
  const named = sessions.filter((row) => row.workspace_id && new RegExp(UUID, 'i').test(row.client_user_id ?? ''));
  const users: Array<{ workspace_id: string; id: string; status: ClientUserStatus }> = named.length
    ? await db('client_users')
        .whereIn('workspace_id', [...new Set(named.map((row) => row.workspace_id))])
        .whereIn('id', [...new Set(named.map((row) => row.client_user_id))])
        .select('workspace_id', 'id', 'status')
    : [];
  const status = new Map(users.map((user) => [`${user.workspace_id} ${user.id}`, user.status]));
  return sessions.map((row) => ({ ...row, status: status.get(`${row.workspace_id} ${row.client_user_id}`) ?? null }));
}
