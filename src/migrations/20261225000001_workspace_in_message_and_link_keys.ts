// A message belongs to a conversation, an attachment to a message and an access to a public link of
// the same workspace: the foreign keys now say so, through (workspace_id, …) against a unique
// (workspace_id, id) on the parent. A row can no longer point at another workspace's parent, and
// the keys are the shape Citus needs to keep the two tables on one node when they are distributed
// by workspace (src/core/db/distribution.ts). Deleting a parent still deletes its children. Only
// tables the portal created are touched.
import type { Knex } from 'knex';
import { onOwnedTable } from '../core/index.ts';

interface Link {
  child: string;
  column: string;
  parent: string;
}

const LINKS: Link[] = [
  { child: 'portal_messages', column: 'conversation_id', parent: 'portal_conversations' },
  { child: 'portal_message_attachments', column: 'message_id', parent: 'portal_messages' },
  { child: 'portal_public_link_accesses', column: 'link_id', parent: 'portal_public_links' },
];

const PARENTS = ['portal_conversations', 'portal_messages', 'portal_public_links'];

const unique = (parent: string) => `${parent}_workspace_id_id_unique`;
const oldKey = (link: Link) => `${link.child}_${link.column}_foreign`;
const newKey = (link: Link) => `${link.child}_workspace_id_${link.column}_foreign`;

export async function up(knex: Knex): Promise<void> {
  for (const parent of PARENTS) {
    await onOwnedTable(knex, parent, `alter table ${parent} add constraint ${unique(parent)} unique (workspace_id, id)`);
  }
  for (const link of LINKS) {
    await onOwnedTable(
      knex,
      link.child,
      `alter table ${link.child} drop constraint if exists ${oldKey(link)}`,
      `alter table ${link.child} add constraint ${newKey(link)} foreign key (workspace_id, ${link.column})
         references ${link.parent} (workspace_id, id) on delete cascade`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const link of [...LINKS].reverse()) {
    await onOwnedTable(
      knex,
      link.child,
      `alter table ${link.child} drop constraint if exists ${newKey(link)}`,
      `alter table ${link.child} add constraint ${oldKey(link)} foreign key (${link.column}) references ${link.parent} (id) on delete cascade`,
    );
  }
  for (const parent of PARENTS) {
    await onOwnedTable(knex, parent, `alter table ${parent} drop constraint if exists ${unique(parent)}`);
  }
}
