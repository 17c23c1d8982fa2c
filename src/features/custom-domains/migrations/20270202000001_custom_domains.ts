// A workspace's portal at the agency's own domain: the domains staff added, each with the TXT token
// that proves the agency controls its DNS, and the claim of each host name across all workspaces.
// The claim is a table of its own because on Citus a unique index on a table distributed by
// workspace must include workspace_id; keyed by host name alone it stops a second workspace from
// adding a name another holds, and answers "which workspace is this Host?" in one shard's index.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20270202000001_custom_domains';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_custom_domains', (t) => {
    t.comment('A host name a workspace’s portal is (or is to be) served at, and the state of its DNS check.');
    t.string('workspace_id', 64).notNullable();
    t.string('hostname', 253).notNullable().comment('Lower case, IDNA (punycode) form, no trailing dot.');
    t.string('token', 64).notNullable().comment('The TXT value that proves control of the domain; shown to staff, not a secret.');
    t.string('status', 16).notNullable().defaultTo('pending').comment('pending | verified | failed');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('created_by_staff_id', 64).nullable();
    t.timestamp('checked_at', { useTz: true }).nullable().comment('When DNS was last asked.');
    t.string('check_result', 32).nullable().comment('What the last check found: a key of the feature’s messages.');
    t.timestamp('verified_at', { useTz: true }).nullable();
    t.primary(['workspace_id', 'hostname']);
  });
  await createOwnedTable(knex, MIGRATION, 'portal_custom_domain_hosts', (t) => {
    t.comment('Which workspace holds a host name: unique across workspaces, read by Host on every request at a custom domain.');
    t.string('hostname', 253).notNullable().primary();
    t.string('workspace_id', 64).notNullable();
    t.boolean('verified').notNullable().defaultTo(false).comment('Served (and given a certificate) only once true.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
