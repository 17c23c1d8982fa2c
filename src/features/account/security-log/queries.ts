// SQL of the sign-in and security log: one person's, or one company's, security entries, newest
// first, a page at a time. Keyset by id (ids grow with time, as entries are written when they
// happen), read from a partial index that holds the security events alone, so a page costs the
// same however much else the person or company did.
import type { Knex } from 'knex';
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
