// A ticket's categories and priorities named in more than one language, as the CRM's other
// dictionaries keep a translation beside the name: "High" is "Hoch" to a client reading German.
import type { Knex } from 'knex';

const TABLES = ['ticket_categories', 'ticket_priorities'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.jsonb('names')
        .notNullable()
        .defaultTo('{}')
        .comment('The name in other languages, by language code ({"de": "Hoch"}); `name` where the reader\'s is missing.');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.dropColumn('names');
    });
  }
}
