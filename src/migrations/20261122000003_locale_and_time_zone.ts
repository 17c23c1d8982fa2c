// Language and time zone: a client's own choice on client_users, the workspace's defaults on the
// settings row. Both tables are the portal's; a table it did not create is left alone.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'client_users', {
    locale: (t) => t.string('locale', 10).comment('The language the client chose (en, de); null follows the workspace and browser.'),
    time_zone: (t) => t.string('time_zone', 64).comment('IANA time zone the client chose; null follows the browser, then the workspace.'),
  });
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    default_locale: (t) =>
      t.string('default_locale', 10).comment('The portal language for clients who chose none; null follows the browser.'),
    default_time_zone: (t) => t.string('default_time_zone', 64).comment('IANA time zone for clients whose browser does not say.'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['default_locale', 'default_time_zone']);
  await dropOwnedColumns(knex, 'client_users', ['locale', 'time_zone']);
}
