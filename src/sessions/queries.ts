// SQL over client_sessions for the account page: a client's own sessions, and revoking them.
// Rows are keyed by the hashed session id (see hashed-session-store.ts).
import type { Knex } from 'knex';
import type { PortalSessionAuth } from './session-data.ts';

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
export async function listLiveSessions(db: Db, workspaceId: string, clientUserId: string, now: Date, limit: number): Promise<Array<SessionRow & { total: number }>> {
  return byClientUser(db, workspaceId, clientUserId)
    .andWhere('expire', '>', now)
    .orderBy('expire', 'desc')
    .limit(limit)
    .select('sid', 'sess', 'expire', db.raw('count(*) over ()::int as total'));
}

/** Deletes all but the `keep` newest sessions of a client user (expiry follows sign-in: sessions do not roll). */
export async function deleteOldestSessions(db: Db, workspaceId: string, clientUserId: string, keep: number): Promise<number> {
  const beyond = byClientUser(db, workspaceId, clientUserId).orderBy('expire', 'desc').offset(keep).select('sid');
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
