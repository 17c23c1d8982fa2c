// Reminder emails before an offer's valid-until date (portal_offer_reminders): one row per offer,
// client user and date, claimed with INSERT … ON CONFLICT DO NOTHING, so however many instances
// run, each reminder is sent once; a date the host moves is a new key and earns a new reminder.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20261220000001_offer_reminders';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_offer_reminders', (t) => {
    t.comment('Reminders sent to a client user before an offer lapses; the key makes each one claimable once.');
    t.string('workspace_id', 64).notNullable();
    t.string('offer_kind', 16).notNullable().comment('proposal | quotation');
    t.string('offer_id', 64).notNullable().comment('Host offer id.');
    t.uuid('client_user_id').notNullable().comment('The client user reminded (client_users.id).');
    t.date('valid_until').notNullable().comment('The valid-until date the reminder was about.');
    t.string('client_id', 64).notNullable().comment('Host client (company) id of the offer.');
    t.timestamp('sent_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now())
      .comment('When the reminder was queued in the mail outbox.');
    t.primary(['workspace_id', 'offer_kind', 'offer_id', 'client_user_id', 'valid_until']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
