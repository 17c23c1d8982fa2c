// Single sign-on for clients: the identity providers an agency adds (OpenID Connect now; the
// protocol column leaves room for SAML 2.0 beside it), which client companies each one signs in and
// from which email domains, and the provider accounts already matched to a client user. Every row
// by workspace; a provider’s client secret is kept sealed (core/crypto/secret-box.ts), never plain.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270201000001_single_sign_on';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_sso_providers', (t) => {
    t.comment('An identity provider the agency added for its clients to sign in with (OpenID Connect; SAML next).');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('protocol', 16).notNullable().defaultTo('oidc').comment('oidc | saml: how the portal talks to it.');
    t.string('display_name', 80).notNullable().comment('What the button says: “Sign in with <display name>”.');
    t.string('issuer_url', 500).notNullable().comment('The OpenID issuer; its discovery document is read from it.');
    t.string('client_id', 255).notNullable().comment('The portal’s client id at the provider.');
    t.text('client_secret_sealed')
      .nullable()
      .comment('The client secret, sealed with the workspace’s key and this row’s id; null for a public client.');
    t.string('scopes', 500).notNullable().defaultTo('openid email profile');
    t.boolean('mfa_satisfies_two_factor')
      .notNullable()
      .defaultTo(false)
      .comment('When the provider says it did multi-factor (amr), the portal’s own second factor is not asked.');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
  });
  await knex.raw("alter table portal_sso_providers add constraint portal_sso_providers_protocol check (protocol in ('oidc', 'saml'))");

  await createOwnedTable(knex, MIGRATION, 'portal_sso_bindings', (t) => {
    t.comment('Which provider signs in a host client company, from which email domains, and whether passwords and codes still work.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable().comment('The host’s client company id: one provider per company.');
    t.uuid('provider_id').notNullable();
    t.specificType('email_domains', 'text[]').notNullable().comment('Lower-case domains an email must end in (after the @).');
    t.string('sign_in_mode', 16).notNullable().defaultTo('any').comment('any: password and code too | sso_only: only the provider.');
    t.boolean('allow_self_registration')
      .notNullable()
      .defaultTo(false)
      .comment('A contact of the company without a portal account gets one at the first single sign-on.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'client_id']);
    t.foreign(['workspace_id', 'provider_id']).references(['workspace_id', 'id']).inTable('portal_sso_providers').onDelete('CASCADE');
    t.index(['workspace_id', 'provider_id'], 'portal_sso_bindings_provider_idx');
  });
  await knex.raw("alter table portal_sso_bindings add constraint portal_sso_bindings_mode check (sign_in_mode in ('any', 'sso_only'))");

  await createOwnedTable(knex, MIGRATION, 'portal_sso_identities', (t) => {
    t.comment('A provider account (its sub) remembered as a client user after its first match by verified email.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('provider_id').notNullable();
    t.string('subject', 255).notNullable().comment('The provider’s sub claim: stable for the person at that provider.');
    t.uuid('client_user_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'provider_id', 'subject']);
    t.foreign(['workspace_id', 'provider_id']).references(['workspace_id', 'id']).inTable('portal_sso_providers').onDelete('CASCADE');
    t.index(['workspace_id', 'client_user_id'], 'portal_sso_identities_person_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
