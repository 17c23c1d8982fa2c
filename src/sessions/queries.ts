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

export async function listLiveSessions(db: Db, workspaceId: string, clientUserId: string, now: Date): Promise<SessionRow[]> {
  return byClientUser(db, workspaceId, clientUserId).andWhere('expire', '>', now).select('sid', 'sess', 'expire');
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
