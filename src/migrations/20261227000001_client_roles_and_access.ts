// Client teams: each client user has a role (a built-in one, or one the workspace defines in
// client_roles), and the agency may hide parts of the portal from one client company
// (portal_client_access) or from one person (client_users.denied_permissions). What a person sees
// resolves in the policy module (src/core/policies/client-access.ts); these tables only hold the
// choices. Existing client users get the role 'full': everything the workspace allows, as before.
//
// client_users.client_role_id has no foreign key to client_roles: on Citus both are distributed by
// workspace, and a key added to an already distributed table must reference a table that already
// is, which a new one is not until migrate has finished. A custom role that no longer exists grants
// nothing (the policy fails closed), and removing a role someone holds is refused.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables, onOwnedTable } from '../core/index.ts';

const MIGRATION = '20261227000001_client_roles_and_access';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'client_roles', (t) => {
    t.comment('Client roles a workspace defines besides the built-in ones; each grants a set of portal permissions.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable();
    t.string('name', 60).notNullable().comment('As the admin pages and the client admin see it.');
    t.specificType('permissions', 'text[]')
      .notNullable()
      .defaultTo('{}')
      .comment('What the role grants (src/core/policies/client-access.ts).');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'name']);
  });
  await createOwnedTable(knex, MIGRATION, 'portal_client_access', (t) => {
    t.comment('What the agency hides from every person of one client company, on top of the workspace switches.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable().comment('Host client (company) id.');
    t.specificType('denied_permissions', 'text[]').notNullable().defaultTo('{}');
    t.string('updated_by', 64).nullable().comment('Host staff user id of the last change.');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'client_id']);
  });
  await addOwnedColumns(knex, 'client_users', {
    role: (t) => t.string('role', 16).notNullable().defaultTo('full').comment('admin | full | billing | member | custom'),
    client_role_id: (t) => t.uuid('client_role_id').nullable().comment('With role custom: the client_roles row (same workspace).'),
    denied_permissions: (t) =>
      t.specificType('denied_permissions', 'text[]').notNullable().defaultTo('{}').comment('What the agency hides from this person.'),
  });
  await onOwnedTable(
    knex,
    'client_users',
    `alter table client_users add constraint client_users_role_check
       check (role in ('admin', 'full', 'billing', 'member', 'custom') and (role = 'custom') = (client_role_id is not null))`,
    'create index if not exists client_users_custom_role_idx on client_users (workspace_id, client_role_id) where client_role_id is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(
    knex,
    'client_users',
    'drop index if exists client_users_custom_role_idx',
    'alter table client_users drop constraint if exists client_users_role_check',
  );
  await dropOwnedColumns(knex, 'client_users', ['role', 'client_role_id', 'denied_permissions']);
  await dropOwnedTables(knex, MIGRATION);
}
