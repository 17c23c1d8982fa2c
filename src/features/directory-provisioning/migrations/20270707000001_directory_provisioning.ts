// Directory provisioning (SCIM 2.0): the bearer tokens a client company's directory (Entra ID,
// Okta) provisions its people with, what each company's provisioning gives them, and what the
// directory said of each person beyond their email (its external id, their name). Every row by
// workspace; a token is kept only as its SHA-256 hash, with a short prefix to recognise it by.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270707000001_directory_provisioning';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_scim_tokens', (t) => {
    t.comment('A bearer token a client company’s directory provisions its people with (SCIM 2.0); kept hashed.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable().comment('The host’s client company whose people the token provisions.');
    t.string('token_hash', 64).notNullable().comment('SHA-256 of the token (hex): the token itself is shown once, never stored.');
    t.string('prefix', 12).notNullable().comment('The first characters of the token, for the agency to recognise it.');
    t.uuid('form_id').notNullable().comment('The staff form that created it: the same form sent twice creates one token.');
    t.string('created_by_staff_id', 64).notNullable();
    t.string('created_by_staff_name', 255).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable().comment('Set: the token is refused from then on.');
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'token_hash'], { indexName: 'portal_scim_tokens_hash_key' });
    t.unique(['workspace_id', 'form_id'], { indexName: 'portal_scim_tokens_form_key' });
    t.index(['workspace_id', 'client_id'], 'portal_scim_tokens_client_idx');
  });

  await createOwnedTable(knex, MIGRATION, 'portal_scim_token_reveals', (t) => {
    t.comment('A new token, sealed, until the staff page after its creation shows it once (then deleted).');
    t.string('workspace_id', 64).notNullable();
    t.uuid('token_id').notNullable();
    t.text('token_sealed').notNullable().comment('Sealed with the portal’s secret box, bound to the workspace and the token’s id.');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['workspace_id', 'token_id']);
    t.foreign(['workspace_id', 'token_id']).references(['workspace_id', 'id']).inTable('portal_scim_tokens').onDelete('CASCADE');
  });

  await createOwnedTable(knex, MIGRATION, 'portal_scim_companies', (t) => {
    t.comment('What provisioning gives a client company’s people: their role, and whether missing contacts are created in the host.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.string('default_role', 16).notNullable().defaultTo('member').comment('The built-in client role a provisioned person gets.');
    t.boolean('create_contacts')
      .notNullable()
      .defaultTo(false)
      .comment('A person with no contact of that email in the company gets one, as the host’s own screen creates it.');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'client_id']);
  });
  await knex.raw(
    "alter table portal_scim_companies add constraint portal_scim_companies_role check (default_role in ('admin', 'full', 'billing', 'member'))",
  );

  await createOwnedTable(knex, MIGRATION, 'portal_scim_people', (t) => {
    t.comment('What a company’s directory said of a client user beyond their email: its id for them, their name.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('client_user_id').notNullable();
    t.string('client_id', 64).notNullable();
    t.string('external_id', 255).nullable().comment('The directory’s own id of the person (SCIM externalId).');
    t.string('given_name', 255).nullable();
    t.string('family_name', 255).nullable();
    t.string('display_name', 255).nullable();
    t.timestamp('deleted_at', { useTz: true })
      .nullable()
      .comment('The directory deleted the person: disabled, and no longer shown to it (a new create takes them back).');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'client_user_id']);
    t.foreign(['workspace_id', 'client_user_id']).references(['workspace_id', 'id']).inTable('client_users').onDelete('CASCADE');
    t.index(['workspace_id', 'client_id'], 'portal_scim_people_client_idx');
  });

  await createOwnedTable(knex, MIGRATION, 'portal_scim_groups', (t) => {
    t.comment('A group the company’s directory pushed (SCIM Groups): its members get the client role the agency mapped to its name.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable();
    t.string('display_name', 255).notNullable().comment('The group’s name in the directory; the role mapping names it.');
    t.string('external_id', 255).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'client_id'], 'portal_scim_groups_client_idx');
  });
  await knex.raw('create unique index portal_scim_groups_name_key on portal_scim_groups (workspace_id, client_id, lower(display_name))');

  await createOwnedTable(knex, MIGRATION, 'portal_scim_group_members', (t) => {
    t.comment('A client user in a directory group.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('group_id').notNullable();
    t.uuid('client_user_id').notNullable();
    t.primary(['workspace_id', 'group_id', 'client_user_id']);
    t.foreign(['workspace_id', 'group_id']).references(['workspace_id', 'id']).inTable('portal_scim_groups').onDelete('CASCADE');
    t.foreign(['workspace_id', 'client_user_id']).references(['workspace_id', 'id']).inTable('client_users').onDelete('CASCADE');
    t.index(['workspace_id', 'client_user_id'], 'portal_scim_group_members_person_idx');
  });

  await createOwnedTable(knex, MIGRATION, 'portal_scim_group_roles', (t) => {
    t.comment('The agency’s mapping of a directory group’s name to a built-in client role, per company.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.string('group_name', 255).notNullable().comment('Lower-case: the directory’s group displayName.');
    t.string('role', 16).notNullable();
    t.primary(['workspace_id', 'client_id', 'group_name']);
  });
  await knex.raw(
    "alter table portal_scim_group_roles add constraint portal_scim_group_roles_role check (role in ('admin', 'full', 'billing', 'member'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
