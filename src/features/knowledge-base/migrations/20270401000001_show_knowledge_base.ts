// The workspace's switch for the knowledge base (Help). On by default: the section exists only
// beside a host that keeps a knowledge base (KnowledgeBasePort), and there the host decides what is
// published for clients; an agency that wants none switches it off.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_knowledge_base: (t) =>
      t
        .boolean('show_knowledge_base')
        .notNullable()
        .defaultTo(true)
        .comment("Clients read the host's published help articles in the portal."),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_knowledge_base']);
}
