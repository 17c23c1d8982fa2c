// The agency's record of a client's decision keeps the browser it came from beside the IP, as the
// evidence the portal keeps does (docs/features.md: who, when, from where: IP and user agent).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('approval_decisions', (t) => {
    t.string('user_agent', 400).comment('The browser’s User-Agent the decision came with; null where unknown.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('approval_decisions', (t) => {
    t.dropColumn('user_agent');
  });
}
