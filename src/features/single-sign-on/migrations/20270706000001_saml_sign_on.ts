// SAML 2.0 beside OpenID Connect: a provider of protocol `saml` keeps its identity provider's
// entity id, sign-in address and signing certificates here (one, or two while the provider rolls
// its certificate over), the workspace keeps one key pair of its own as the service provider (the
// private key sealed like a client secret), the requests sent and not yet answered, and every
// assertion accepted, until it expires, so none is accepted twice.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270706000001_saml_sign_on';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_sso_saml_settings', (t) => {
    t.comment('The SAML side of a provider of protocol saml: its identity provider as the agency gave it.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('provider_id').notNullable();
    t.string('idp_entity_id', 500).notNullable().comment('The Issuer every response and assertion must carry.');
    t.string('sso_url', 500).notNullable().comment('Where the browser takes an AuthnRequest (HTTP-Redirect binding).');
    t.specificType('signing_certificates', 'text[]')
      .notNullable()
      .comment('PEM certificates whose key may sign: one, or two while the provider rolls its certificate over.');
    t.string('metadata_url', 500).nullable().comment('The metadata address the agency gave, if it gave one.');
    t.text('metadata_xml').nullable().comment('The metadata as read (from the address or pasted), for the record.');
    t.boolean('want_assertions_signed')
      .notNullable()
      .defaultTo(true)
      .comment('The assertion itself must be signed (a signed response alone is not enough); always in production.');
    t.boolean('allow_idp_initiated').notNullable().defaultTo(true).comment('An unsolicited response (no InResponseTo) is taken.');
    t.string('email_attribute', 255).notNullable().defaultTo('email').comment('The attribute holding the person’s email.');
    t.primary(['workspace_id', 'provider_id']);
    // An answer nobody asked for names only its issuer: one provider per identity provider, so it finds one.
    t.unique(['workspace_id', 'idp_entity_id'], { indexName: 'portal_sso_saml_settings_entity_idx' });
    t.foreign(['workspace_id', 'provider_id']).references(['workspace_id', 'id']).inTable('portal_sso_providers').onDelete('CASCADE');
  });

  await createOwnedTable(knex, MIGRATION, 'portal_sso_saml_keys', (t) => {
    t.comment('The workspace’s own key pair as a SAML service provider: published in its metadata, decrypts assertions.');
    t.string('workspace_id', 64).notNullable().primary();
    t.text('certificate').notNullable().comment('PEM, self-signed: only its key matters to the identity provider.');
    t.text('private_key_sealed').notNullable().comment('The PKCS#8 private key, sealed with the workspace’s id.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await createOwnedTable(knex, MIGRATION, 'portal_sso_saml_requests', (t) => {
    t.comment('An AuthnRequest sent and not yet answered, found by the answer’s InResponseTo (a cross-site post brings no session).');
    t.string('workspace_id', 64).notNullable();
    t.string('request_id', 100).notNullable();
    t.uuid('provider_id').notNullable();
    t.string('next', 500).nullable().comment('The portal page the person was going to.');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['workspace_id', 'request_id']);
    t.index(['expires_at'], 'portal_sso_saml_requests_expiry_idx');
  });

  await createOwnedTable(knex, MIGRATION, 'portal_sso_saml_assertions', (t) => {
    t.comment('An assertion accepted once, kept until it expires so it is never accepted again; and the sign-in it hands on.');
    t.string('workspace_id', 64).notNullable();
    t.string('assertion_id', 256).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable().comment('Its NotOnOrAfter with the accepted skew: pruned after.');
    t.string('handoff_hash', 64).nullable().comment('SHA-256 of the one-use token the continue page carries.');
    t.uuid('provider_id').nullable();
    t.string('request_id', 100).nullable().comment('The AuthnRequest it answers; the browser finishing must be the one that sent it.');
    t.uuid('client_user_id').nullable().comment('Who it signs in; cleared when the sign-in is taken.');
    t.string('next', 500).nullable();
    t.primary(['workspace_id', 'assertion_id']);
    t.index(['workspace_id', 'handoff_hash'], 'portal_sso_saml_assertions_handoff_idx');
    t.index(['expires_at'], 'portal_sso_saml_assertions_expiry_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
