// A client user's sessions, newest first, from an index: the account page's list, the cap on
// sessions per user at sign-in and "sign out everywhere" read them by (user, expiry) instead of
// scanning every session row. It replaces the foundation's index on the user id alone, a prefix of it.
// Only on the portal's own client_sessions: a host table of that name is left as it is.
import type { Knex } from 'knex';
import { onOwnedTable } from '../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await onOwnedTable(
    knex,
    'client_sessions',
    "create index if not exists client_sessions_user_expire_idx on client_sessions ((sess->'portal'->>'clientUserId'), expire)",
    'drop index if exists client_sessions_user_idx',
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(
    knex,
    'client_sessions',
    "create index if not exists client_sessions_user_idx on client_sessions ((sess->'portal'->>'clientUserId'))",
    'drop index if exists client_sessions_user_expire_idx',
  );
}
