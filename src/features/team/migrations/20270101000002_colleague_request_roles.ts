// A client admin asking for a new colleague says which role they should have; staff see it as the
// default of the role they give when adding them. Requests asked before have none: staff choose.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns, onOwnedTable } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'portal_colleague_requests', {
    role: (t) =>
      t
        .string('role', 16)
        .nullable()
        .comment('The role asked for: admin | full | billing | member | custom; null before roles were asked.'),
    client_role_id: (t) => t.uuid('client_role_id').nullable().comment('With role custom: the client_roles row (same workspace).'),
  });
  await onOwnedTable(
    knex,
    'portal_colleague_requests',
    `alter table portal_colleague_requests add constraint portal_colleague_requests_role_check
       check (role is null or (role in ('admin', 'full', 'billing', 'member', 'custom') and (role = 'custom') = (client_role_id is not null)))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(
    knex,
    'portal_colleague_requests',
    'alter table portal_colleague_requests drop constraint if exists portal_colleague_requests_role_check',
  );
  await dropOwnedColumns(knex, 'portal_colleague_requests', ['role', 'client_role_id']);
}
