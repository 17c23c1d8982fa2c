// Staff notifications that are easier to use: repeated views of one record by one client user are
// one entry with a count (client_activity_logs.repeat_count / last_repeated_at on the first view,
// grouped_into on each repeat, which stays in the log as evidence with its own IP and device), and
// a staff user can mark a single notification read (portal_notification_item_reads) besides
// moving their "everything up to here" cursor. Only on the portal's own client_activity_logs.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables, onOwnedTable } from '../../../core/index.ts';

const MIGRATION = '20261215000001_notification_groups_and_reads';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'client_activity_logs', {
    repeat_count: (t) =>
      t.integer('repeat_count').notNullable().defaultTo(1).comment('On the first view of a group: how many views it stands for.'),
    last_repeated_at: (t) =>
      t.timestamp('last_repeated_at', { useTz: true }).comment('On the first view of a group: when the latest repeat came.'),
    grouped_into: (t) =>
      t.bigInteger('grouped_into').comment('On a repeated view: the first view of its group, which the notifications list shows instead.'),
  });
  // Notifications are the entries that head a group: the unread count reads them from the cursor on
  // without stepping over the repeats (a client reloading a record all day adds none to the count's reads).
  await onOwnedTable(
    knex,
    'client_activity_logs',
    'create index if not exists client_activity_logs_group_heads_idx on client_activity_logs (workspace_id, event, id) where grouped_into is null',
  );
  await createOwnedTable(knex, MIGRATION, 'portal_notification_item_reads', (t) => {
    t.comment('Single notifications a staff user marked read, past their cursor in portal_notification_reads.');
    t.string('workspace_id', 64).notNullable();
    t.string('staff_user_id', 64).notNullable();
    t.bigInteger('activity_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'staff_user_id', 'activity_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
  await onOwnedTable(knex, 'client_activity_logs', 'drop index if exists client_activity_logs_group_heads_idx');
  await dropOwnedColumns(knex, 'client_activity_logs', ['repeat_count', 'last_repeated_at', 'grouped_into']);
}
