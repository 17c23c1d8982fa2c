// "Was this helpful?" on a help article: each person's yes or no, one per article, which they may
// change. The articles are the host's; the answers are the portal's, in a table of its own, the
// article named by the host's id, so no host table changes and every host gets the same.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270614000001_article_votes';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_knowledge_votes', (t) => {
    t.comment('Whether a client found a help article helpful: one answer per person and article, the latest kept.');
    t.string('workspace_id', 64).notNullable();
    t.string('article_id', 64).notNullable().comment("The host's id of the article.");
    t.uuid('client_user_id').notNullable().comment('Who answered (client_users.id); the answer goes with the person on erasure.');
    t.boolean('helpful').notNullable();
    t.timestamp('voted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'article_id', 'client_user_id']);
    t.index(['workspace_id', 'client_user_id'], 'portal_knowledge_votes_person_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
