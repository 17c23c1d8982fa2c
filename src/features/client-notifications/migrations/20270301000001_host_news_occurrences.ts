// Host news told per occurrence, from where the portal began to follow the workspace.
//
// A notification was once per person, kind and record, so the agency's second answer on a ticket
// told no one. It is now once per person, kind, record and occurrence: the host's own id of what
// happened (an answer's event or comment, a status change), '' where the record is all there is to
// tell (an invoice issued is told once, as before).
//
// portal_host_news.started_at: the moment the first read of a workspace's news starts from, kept
// so that a read that runs minutes after the portal starts, or after a restart, still tells what
// the host did in between. Workspaces that already have someone to tell but no row yet get one now
// (their portal was set up before this migration: it starts here, not at their first person's
// invitation, so an upgrade tells no backlog).
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns, onOwnedTable } from '../../../core/index.ts';

const TABLE = 'portal_client_notifications';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, TABLE, {
    occurrence: (t) =>
      t
        .string('occurrence', 100)
        .notNullable()
        .defaultTo('')
        .comment('Which happening of the kind on the record (the host’s answer or change id); empty for one told once per record.'),
  });
  await onOwnedTable(
    knex,
    TABLE,
    `alter table ${TABLE} drop constraint if exists portal_client_notifications_once_idx`,
    `drop index if exists portal_client_notifications_once_idx`,
    `create unique index if not exists portal_client_notifications_once_idx on ${TABLE} (workspace_id, client_user_id, kind, subject_id, occurrence)`,
  );
  await addOwnedColumns(knex, 'portal_host_news', {
    started_at: (t) =>
      t
        .timestamp('started_at', { useTz: true })
        .notNullable()
        .defaultTo(knex.fn.now())
        .comment('Where the first read starts: what the host did after it is news.'),
  });
  await onOwnedTable(
    knex,
    'portal_host_news',
    `insert into portal_host_news (workspace_id, started_at)
     select distinct workspace_id, now() from client_users
     on conflict (workspace_id) do nothing`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'portal_host_news', ['started_at']);
  // Rows told per occurrence become one per record again: the newest is kept.
  await onOwnedTable(
    knex,
    TABLE,
    `delete from ${TABLE} n using ${TABLE} m
      where m.workspace_id = n.workspace_id and m.client_user_id = n.client_user_id and m.kind = n.kind
        and m.subject_id = n.subject_id and m.id > n.id`,
    `drop index if exists portal_client_notifications_once_idx`,
    `create unique index if not exists portal_client_notifications_once_idx on ${TABLE} (workspace_id, client_user_id, kind, subject_id)`,
  );
  await dropOwnedColumns(knex, TABLE, ['occurrence']);
}
