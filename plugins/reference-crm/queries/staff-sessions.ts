// The CRM's staff sessions (crm_sessions, written by connect-pg-simple; see web/session.ts), read by
// id for the portal's question whether a staff member's live stream still has its sign-in behind it.
import type { Db } from './db.ts';

/** The fields a session holds while it lasts; null once it was signed out or expired. */
export async function findLiveSession(db: Db, args: { sid: string; now: Date }): Promise<Record<string, unknown> | null> {
  const row = await db('crm_sessions')
    .comment('by session id: staff sessions are read before the workspace is known')
    .where('sid', args.sid)
    .andWhere('expire', '>', args.now)
    .first<{ sess: unknown } | undefined>('sess');
  const sess: unknown = typeof row?.sess === 'string' ? JSON.parse(row.sess) : row?.sess;
  return sess !== null && typeof sess === 'object' ? (sess as Record<string, unknown>) : null;
}
