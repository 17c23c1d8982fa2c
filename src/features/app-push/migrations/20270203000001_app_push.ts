// The installed portal's push messages: each workspace's VAPID key pair (the application server's
// identity the push services check; kept when not given by the environment, the private key
// sealed), and each person's subscriptions, one per device (browser) they turned push on in.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20270203000001_app_push';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_push_keys', (t) => {
    t.comment('A workspace’s VAPID key pair, made the first time it needs one when the environment gives none.');
    t.string('workspace_id', 64).notNullable().primary();
    t.text('public_key').notNullable().comment('Base64url, uncompressed P-256 point: what browsers subscribe with.');
    t.text('private_key_sealed').notNullable().comment('Sealed with the portal’s secret box, bound to the workspace.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await createOwnedTable(knex, MIGRATION, 'portal_push_subscriptions', (t) => {
    t.comment('Where a person’s push messages go: one row per person and device (browser profile).');
    t.string('workspace_id', 64).notNullable();
    t.bigIncrements('id', { primaryKey: false });
    t.uuid('client_user_id').notNullable();
    t.string('endpoint_hash', 64).notNullable().comment('SHA-256 of the endpoint, hex: how a device’s row is found.');
    t.text('endpoint').notNullable().comment('The push service’s URL for this device: a capability, never shown.');
    t.string('p256dh', 100).notNullable().comment('The device’s public key, base64url.');
    t.string('auth', 40).notNullable().comment('The device’s auth secret, base64url.');
    t.string('device_label', 60).nullable().comment('Browser and system, read from the user agent, for the person’s list.');
    t.string('session_hash', 64).nullable().comment('The session that subscribed: its sign-out removes the row.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_success_at', { useTz: true }).nullable().comment('When a push service last took a message for it.');
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'endpoint_hash'], { indexName: 'portal_push_subscriptions_endpoint_idx' });
    t.index(['workspace_id', 'client_user_id'], 'portal_push_subscriptions_person_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
