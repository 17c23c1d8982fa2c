// A staff member's own choices in the portal, kept by the portal whatever the host keeps: the
// language of the portal's staff pages, of the notifications and emails it sends them, and of its
// items in the host's header. A host's own language setting (HostStaffUser.locale) applies until a
// staff member chooses here.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270103000001_staff_preferences';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_staff_preferences', (t) => {
    t.comment('A staff member’s own choices for the portal’s staff side.');
    t.string('workspace_id', 64).notNullable();
    t.string('staff_user_id', 64).notNullable().comment('The host’s id of the staff member (a link, not a foreign key).');
    t.string('locale', 8).nullable().comment('The language chosen (en, de); null follows the host, then the browser.');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'staff_user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
