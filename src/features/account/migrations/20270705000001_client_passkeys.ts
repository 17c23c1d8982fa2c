// Passkeys (WebAuthn credentials) of client users: several per person, each named by them, used
// to sign in without a password or code. Portal-owned table only; client users are linked by id.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20270705000001_client_passkeys';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'client_passkeys', (t) => {
    t.comment('The passkeys (WebAuthn public-key credentials) of client users; the private key never leaves their device.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('client_user_id').notNullable().comment('client_users.id');
    t.string('credential_id', 1400).notNullable().comment('The credential id the authenticator chose (base64url).');
    t.text('public_key').notNullable().comment('The COSE public key (base64url): public, it only verifies signatures.');
    t.bigInteger('sign_count')
      .notNullable()
      .defaultTo(0)
      .comment('The signature counter last seen; a lower one again is refused as a copy.');
    t.string('transports', 200)
      .notNullable()
      .defaultTo('')
      .comment('How the browser reaches the authenticator, comma separated (internal, hybrid, usb…).');
    t.string('device_type', 20).notNullable().comment('singleDevice | multiDevice (synced).');
    t.boolean('backed_up').notNullable().defaultTo(false);
    t.string('name', 100).notNullable().comment('The name the person gave it.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.primary(['workspace_id', 'id']);
    // A credential id is the authenticator's random choice: unique within a workspace, where sign-in looks it up.
    t.unique(['workspace_id', 'credential_id']);
    t.foreign(['workspace_id', 'client_user_id']).references(['workspace_id', 'id']).inTable('client_users').onDelete('CASCADE');
    t.index(['workspace_id', 'client_user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
