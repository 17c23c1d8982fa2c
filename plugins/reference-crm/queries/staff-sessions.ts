// The CRM's staff sessions (crm_sessions, written by connect-pg-simple; see web/session.ts), read by
// id for the portal's question whether the staff live streams still have their sign-ins behind them.
import type { Db } from './db.ts';

/**
 * Of the given (session id, staff user) pairs, those whose session is live and still names that
 * staff user, who still exists: the portal's sweep over every open staff stream of an instance, in
 * one statement. The sessions are read by id (they live on the coordinator); the staff users by
 * their workspaces, named in the statement so Citus can route that side.
 */
export async function findSignedInStaff(
  db: Db,
  args: { sessions: ReadonlyArray<{ sid: string; workspaceId: number; staffUserId: number }>; now: Date },
): Promise<Array<{ sid: string; workspace_id: number; id: number }>> {
  if (args.sessions.length === 0) return [];
  return db('crm_sessions as cs')
    .joinRaw("join staff_users as s on s.workspace_id::text = cs.sess->>'staffWorkspaceId' and s.id::text = cs.sess->>'staffUserId'")
    .whereIn(
      'cs.sid',
      args.sessions.map((session) => session.sid),
    )
    .andWhere('cs.expire', '>', args.now)
    .whereIn('s.workspace_id', [...new Set(args.sessions.map((session) => session.workspaceId))])
    .whereIn(
      ['s.workspace_id', 's.id'],
      args.sessions.map((session) => [session.workspaceId, session.staffUserId]),
    )
    .select<Array<{ sid: string; workspace_id: number; id: number }>>('cs.sid', 's.workspace_id', 's.id');
}
