// Notifications for clients: what the agency did that a person should know of (a new invoice, a
// proposal or quotation awaiting their answer, a reply to their messages, a task assigned to them,
// a document shared), one row per person, read or not. Each person chooses per kind whether it is
// only in the portal, emailed at once, or gathered in a daily email (portal_client_preferences).
// For a host that cannot report what it did (HostNewsPort), the portal reads it after a cursor kept
// per workspace (portal_host_news).
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20261229000001_client_notifications';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_client_notifications', (t) => {
    t.comment('What a client user is told of, in the portal and (as they chose) by email.');
    t.string('workspace_id', 64).notNullable();
    t.bigIncrements('id', { primaryKey: false });
    t.string('client_id', 64).notNullable();
    t.uuid('client_user_id').notNullable();
    t.string('kind', 24).notNullable().comment('invoice_issued | offer_sent | message_reply | task_assigned | document_shared');
    t.string('subject_type', 16).notNullable().comment('invoice | proposal | quotation | message | task | document');
    t.string('subject_id', 100).notNullable();
    t.string('title', 300).nullable().comment('As the host named the record when it told the portal.');
    t.string('number', 100).nullable();
    t.string('channel', 8).notNullable().comment('portal | email | digest: the person’s choice when it was made');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('read_at', { useTz: true }).nullable();
    t.timestamp('emailed_at', { useTz: true }).nullable().comment('Sent at once, or in a daily email.');
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'client_user_id', 'kind', 'subject_id'], { indexName: 'portal_client_notifications_once_idx' });
    t.index(['workspace_id', 'client_user_id', 'id'], 'portal_client_notifications_person_idx');
  });
  await knex.raw(
    `create index portal_client_notifications_unread_idx on portal_client_notifications (workspace_id, client_user_id) where read_at is null`,
  );
  await knex.raw(
    `create index portal_client_notifications_digest_idx on portal_client_notifications (created_at) where channel = 'digest' and emailed_at is null`,
  );
  await addOwnedColumns(knex, 'portal_client_preferences', {
    notification_channels: (t) =>
      t.jsonb('notification_channels').notNullable().defaultTo('{}').comment('Per kind of notification: portal, email or digest.'),
    last_digest_at: (t) => t.timestamp('last_digest_at', { useTz: true }).nullable().comment('When the last daily email went out.'),
  });
  await createOwnedTable(knex, MIGRATION, 'portal_host_news', (t) => {
    t.comment('How far the portal has read what the host issued and sent, per workspace (HostNewsPort).');
    t.string('workspace_id', 64).notNullable().primary();
    t.text('cursor').nullable().comment('The adapter’s own text: where the next read starts.');
    t.timestamp('claimed_at', { useTz: true }).nullable().comment('When an instance last took the read: one at a time.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'portal_client_preferences', ['notification_channels', 'last_digest_at']);
  await dropOwnedTables(knex, MIGRATION);
}
