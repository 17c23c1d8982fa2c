// Client two-factor authentication (TOTP secrets, recovery codes), the confirmation codes a client
// types to prove it is them (emailed: for password-less clients and for a new sign-in address), and
// the workspace switch that requires two-factor for every client user. Portal-owned tables only;
// client users are linked by id.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20261204000001_two_factor_and_email_change';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'client_two_factor', (t) => {
    t.comment('The TOTP authenticator of a client user, one row each; enabled_at null while set-up is unconfirmed.');
    t.uuid('client_user_id').primary().comment('client_users.id');
    t.string('workspace_id', 64).notNullable();
    t.text('secret_ciphertext')
      .notNullable()
      .comment('The TOTP secret, AES-256-GCM under a key derived from the portal secret, bound to the client user id.');
    t.timestamp('enabled_at', { useTz: true }).comment('When set-up was confirmed with a code; null: not active yet.');
    t.bigInteger('last_used_step').comment('The newest 30-second step a code was accepted for: a code is accepted once.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'client_user_id']);
  });

  await createOwnedTable(knex, MIGRATION, 'client_recovery_codes', (t) => {
    t.comment('Single-use recovery codes for two-factor sign-in, stored as an HMAC under the portal secret.');
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.uuid('client_user_id').notNullable();
    t.string('code_hash', 64).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['workspace_id', 'client_user_id']);
  });

  await createOwnedTable(knex, MIGRATION, 'client_confirmation_codes', (t) => {
    t.comment(
      'Emailed 6-digit codes a signed-in client types to confirm a change: two-factor set-up or removal without a password, or a new sign-in email.',
    );
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.uuid('client_user_id').notNullable();
    t.string('purpose', 20).notNullable().comment('step-up (proves it is the client, for those without a password) | email-change');
    t.string('new_email', 320).comment('The address being confirmed (email-change only).');
    t.string('code_hash', 64).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'client_user_id', 'purpose']);
  });

  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    require_two_factor: (t) =>
      t
        .boolean('require_two_factor')
        .notNullable()
        .defaultTo(false)
        .comment('Every client user must set up two-factor before using the portal.'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['require_two_factor']);
  await dropOwnedTables(knex, MIGRATION);
}
