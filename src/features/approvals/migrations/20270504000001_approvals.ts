// The approvals section: its workspace switch (off until an agency switches it on) and the
// evidence of each decision a client makes on a version of shared work. The work and its files
// are the host's; the evidence is the portal's, whatever the host (Alga PSA has no place for it,
// Dolibarr keeps an agenda event that names it), one row per version decided, never changed.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270504000001_approvals';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_approvals: (t) =>
      t
        .boolean('show_approvals')
        .notNullable()
        .defaultTo(false)
        .comment('Clients approve shared work or ask for changes (where the host keeps it).'),
  });
  await createOwnedTable(knex, MIGRATION, 'portal_approval_decisions', (t) => {
    t.comment(
      'A client’s decision on one version of work shared for approval: who, when, from where, and the SHA-256 of the file decided.',
    );
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable();
    t.string('approval_id', 64).notNullable().comment('The host’s id of the work shared.');
    t.integer('version').notNullable().comment('The version decided (1, 2, …).');
    t.string('title', 255).notNullable().comment('The work’s title when decided.');
    t.string('outcome', 24).notNullable().comment('approved | changes_requested');
    t.text('comment').notNullable().defaultTo('');
    t.decimal('point_x', 6, 5).nullable().comment('Where the comment points: across, as a fraction of the shown width.');
    t.decimal('point_y', 6, 5).nullable().comment('Down, as a fraction of the shown height.');
    t.integer('point_page').nullable().comment('The PDF’s page the point is on.');
    t.uuid('client_user_id').nullable().comment('Who decided (client_users.id); null once erased.');
    t.string('contact_id', 64).nullable().comment('The host contact who decided; null once erased.');
    t.string('decided_by', 200).notNullable().comment('Their name as it was; “(erased)” once erased.');
    t.string('file_name', 255).notNullable();
    t.string('file_sha256', 64).notNullable().comment('SHA-256 (hex) of exactly the bytes of the version decided.');
    t.string('ip', 64).nullable();
    t.string('user_agent', 400).nullable();
    t.timestamp('decided_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    // One decision per version: a second (another tab, a colleague) is refused by the database.
    t.unique(['workspace_id', 'client_id', 'approval_id', 'version'], { indexName: 'portal_approval_decisions_version_key' });
    t.index(['workspace_id', 'client_user_id'], 'portal_approval_decisions_person_idx');
  });
  await knex.raw(`alter table portal_approval_decisions add constraint portal_approval_decisions_sane check (
    outcome in ('approved', 'changes_requested') and version >= 1
    and (point_x is null) = (point_y is null)
    and (point_x is null or (point_x between 0 and 1 and point_y between 0 and 1))
    and (point_page is null or (point_page >= 1 and point_x is not null)))`);
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_approvals']);
  await dropOwnedTables(knex, MIGRATION);
}
