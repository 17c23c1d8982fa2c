// SQL of the sign-in and security log: one person's, or one company's, security entries, newest
// first, a page at a time. Keyset by id (ids grow with time, as entries are written when they
// happen), read from a partial index that holds the security events alone, so a page costs the
// same however much else the person or company did. And the retention's deletion of entries
// older than the workspace keeps them (retention.ts), read from the same events by age.
import type { Knex } from 'knex';
import { ACROSS_WORKSPACES } from '../../../core/index.ts';
import { SECURITY_EVENTS } from './events.ts';

export interface SecurityLogRow {
  id: string;
  email: string | null;
  event: string;
  details: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
}

export async function listSecurityEntries(
  db: Knex,
  args: { workspaceId: string; whose: { clientUserId: string } | { clientId: string }; before: string | null; limit: number },
): Promise<SecurityLogRow[]> {
  const q = db('client_activity_logs')
    .where('workspace_id', args.workspaceId)
    .whereIn('event', [...SECURITY_EVENTS])
    .select('id', 'email', 'event', 'details', 'ip', 'user_agent', 'created_at')
    .orderBy('id', 'desc')
    .limit(args.limit);
  if ('clientUserId' in args.whose) q.andWhere('client_user_id', args.whose.clientUserId);
  else q.andWhere('client_id', args.whose.clientId);
  if (args.before) q.andWhere('id', '<', args.before);
  return (await q) as SecurityLogRow[];
}

/**
 * The next workspace after `after` (in id order) that has security entries at all: the retention's
 * walk over every workspace, one step of client_activity_logs_security_age_idx each, so it visits
 * only workspaces with something to keep or delete, whether or not they ever saved settings.
 */
export async function nextWorkspaceWithSecurityEntries(db: Knex, after: string | null): Promise<string | null> {
  const q = db('client_activity_logs')
    .comment(`${ACROSS_WORKSPACES}: the security log retention's walk over the workspaces with entries`)
    .whereIn('event', [...SECURITY_EVENTS]);
  if (after !== null) q.andWhere('workspace_id', '>', after);
  const row = (await q.orderBy('workspace_id').first('workspace_id')) as { workspace_id: string } | undefined;
  return row ? String(row.workspace_id) : null;
}

/**
 * Deletes up to `limit` of a workspace's security entries written before `before`, oldest first,
 * found through client_activity_logs_security_age_idx; answers how many went. The rest of the
 * workspace's activity is never touched (the event list is the only condition besides age).
 */
export async function deleteSecurityEntriesBefore(db: Knex, args: { workspaceId: string; before: Date; limit: number }): Promise<number> {
  const oldest = db('client_activity_logs')
    .where('workspace_id', args.workspaceId)
    .whereIn('event', [...SECURITY_EVENTS])
    .andWhere('created_at', '<', args.before)
    .orderBy('created_at')
    .limit(args.limit)
    .select('id');
  return db('client_activity_logs').where('workspace_id', args.workspaceId).whereIn('id', oldest).delete();
}
