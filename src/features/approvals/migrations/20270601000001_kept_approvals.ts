// Approvals the portal keeps, for a host with documents and events but no approvals of its own
// (HostApprovalFilesPort: Dolibarr, Alga PSA): the work and its versions are rows here, each
// version's file is the host's (kept among the client's documents, named here by the host's opaque
// reference). Host ids are text and never foreign keys: the host's rows are its own. Both tables
// are distributed by workspace and co-located, so a page's reads route to one node on Citus.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270601000001_kept_approvals';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_kept_approvals', (t) => {
    t.comment('A piece of work the agency shares with one client company for approval, kept by the portal for a host without approvals.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable().comment('The host’s client company id.');
    t.string('title', 200).notNullable();
    t.integer('latest_version').notNullable().defaultTo(1).comment('The number of its newest version (1, 2, …).');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('latest_shared_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When its newest version was shared.');
    t.string('created_by', 64).notNullable().comment('The host’s staff user id of who shared it first.');
    t.primary(['workspace_id', 'id']);
    // The client's list, latest shared first, and the workspace's list for staff.
    t.index(['workspace_id', 'client_id', 'latest_shared_at', 'id'], 'portal_kept_approvals_client_idx');
    t.index(['workspace_id', 'latest_shared_at', 'id'], 'portal_kept_approvals_workspace_idx');
  });
  await knex.raw('alter table portal_kept_approvals add constraint portal_kept_approvals_sane check (latest_version >= 1)');

  await createOwnedTable(knex, MIGRATION, 'portal_kept_approval_versions', (t) => {
    t.comment('One version of a kept approval: the host’s reference to its file, and the agency’s message with it. Never replaced.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('approval_id').notNullable();
    t.integer('number').notNullable().comment('1, 2, …: the next upload is the next number.');
    t.string('file_ref', 255).notNullable().comment('The host’s opaque reference to the file it keeps (HostApprovalFilesPort.keep).');
    t.string('file_name', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.text('message').notNullable().defaultTo('');
    t.string('shared_by', 64).notNullable().comment('The host’s staff user id of who shared this version.');
    t.timestamp('shared_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'approval_id', 'number']);
    t.foreign(['workspace_id', 'approval_id']).references(['workspace_id', 'id']).inTable('portal_kept_approvals').onDelete('CASCADE');
  });
  await knex.raw(
    'alter table portal_kept_approval_versions add constraint portal_kept_approval_versions_sane check (number >= 1 and size_bytes >= 0)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
