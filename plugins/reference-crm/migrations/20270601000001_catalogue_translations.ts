// The request catalogue and the appointment services named in more than one language, as ticket
// categories are (20270410000001): an agency serving German and French clients writes "Website
// change" once and "Änderung an der Website" beside it. `name` and `description` stay the agency's
// own words, read wherever the reader's language has none.
import type { Knex } from 'knex';

const TRANSLATIONS = 'in other languages, by language code ({"de": "…"}); the base column where the reader\'s is missing.';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('request_definitions', (t) => {
    t.jsonb('names').notNullable().defaultTo('{}').comment(`The name ${TRANSLATIONS}`);
    t.jsonb('descriptions').notNullable().defaultTo('{}').comment(`The description ${TRANSLATIONS}`);
  });
  await knex.schema.alterTable('appointment_services', (t) => {
    t.jsonb('names').notNullable().defaultTo('{}').comment(`The name ${TRANSLATIONS}`);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('request_definitions', (t) => {
    t.dropColumn('names');
    t.dropColumn('descriptions');
  });
  await knex.schema.alterTable('appointment_services', (t) => {
    t.dropColumn('names');
  });
}
