// The agency's page of "Was this helpful?" answers counts a workspace's answers per article in one
// aggregate. The primary key (workspace_id, article_id, client_user_id) finds the workspace's rows
// but not the answer and its time, so the count fetched each row from the table, whose blocks
// hold every workspace's answers side by side: reading one workspace touched nearly every block
// of the table. With the answer and its time in the index, in article order, the count reads only
// the workspace's part of the index and groups it as it goes (an index-only scan into a group
// aggregate). Only on the portal's own portal_knowledge_votes.
import type { Knex } from 'knex';
import { onOwnedTable } from '../../../core/index.ts';

const INDEX = 'portal_knowledge_votes_counts_idx';

export async function up(knex: Knex): Promise<void> {
  await onOwnedTable(
    knex,
    'portal_knowledge_votes',
    `create index if not exists ${INDEX} on portal_knowledge_votes (workspace_id, article_id) include (helpful, voted_at)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(knex, 'portal_knowledge_votes', `drop index if exists ${INDEX}`);
}
