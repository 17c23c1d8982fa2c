// What happened, kept with a notification so that it reads as what happened: "Your appointment
// Consultation is confirmed for Tue 1 Dec, 09:30", "Your request REQ-0001 was answered with
// quotation Q-0003", rather than "has news". The words are chosen when it is read, in the reader's
// language and time zone, from these facts; null for a notification told as news (older rows, and
// kinds with nothing more to say).
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns, onOwnedTable } from '../../../core/index.ts';

const TABLE = 'portal_client_notifications';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, TABLE, {
    detail: (t) =>
      t
        .jsonb('detail')
        .comment(
          'What happened, for the words: {what, at?, zone?, offer?, offerKind?, state?, answeredAt?}; null: told as news of the record.',
        ),
  });
  // A record's last telling with its facts (lastDetail), read before each new one is told.
  await onOwnedTable(
    knex,
    TABLE,
    `create index if not exists portal_client_notifications_detail_idx on ${TABLE} (workspace_id, subject_id, kind, id) where detail is not null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(knex, TABLE, 'drop index if exists portal_client_notifications_detail_idx');
  await dropOwnedColumns(knex, TABLE, ['detail']);
}
