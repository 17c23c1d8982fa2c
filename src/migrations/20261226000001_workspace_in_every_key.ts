// Every key of a table that holds a workspace's data now starts with workspace_id: the primary key,
// each unique constraint and each foreign key between such tables. That is the shape Citus needs to
// distribute the tables by workspace and keep a workspace's rows of every table on one node
// (src/core/db/distribution.ts); on plain PostgreSQL it also means no row can name another
// workspace's row as its parent. Login codes, link tokens and file chunks gain the workspace_id
// they lacked, taken from their client user or file. Only tables the portal created are touched.
import type { Knex } from 'knex';
import { onOwnedTable } from '../core/index.ts';

/** Tables whose primary key (id) becomes (workspace_id, id). */
const BY_ID = [
  'client_users',
  'client_activity_logs',
  'client_comments',
  'client_confirmation_codes',
  'client_login_codes',
  'client_payment_callbacks',
  'client_payments',
  'client_recovery_codes',
  'client_uploads',
  'client_user_tokens',
  'portal_conversations',
  'portal_files',
  'portal_messages',
  'portal_message_attachments',
  'portal_offer_decisions',
  'portal_public_links',
  'portal_public_link_accesses',
];

/** Primary keys on other columns: before and after. */
const OTHER_KEYS = [
  { table: 'client_two_factor', before: 'client_user_id', after: 'workspace_id, client_user_id' },
  { table: 'portal_file_chunks', before: 'file_id, seq', after: 'workspace_id, file_id, seq' },
  { table: 'portal_live_events', before: 'seq', after: 'workspace_id, seq' },
];

/** Tables that gain workspace_id, from the parent row they belong to. */
const GAINS_WORKSPACE = [
  { table: 'client_login_codes', column: 'client_user_id', parent: 'client_users' },
  { table: 'client_user_tokens', column: 'client_user_id', parent: 'client_users' },
  { table: 'portal_file_chunks', column: 'file_id', parent: 'portal_files' },
];

/** Foreign keys between workspace tables: single-column before, through workspace_id after. */
const SINGLE_LINKS = GAINS_WORKSPACE;
/** Foreign keys already through workspace_id, against a unique (workspace_id, id) the primary key now replaces. */
const WORKSPACE_LINKS = [
  { table: 'portal_messages', column: 'conversation_id', parent: 'portal_conversations' },
  { table: 'portal_message_attachments', column: 'message_id', parent: 'portal_messages' },
  { table: 'portal_public_link_accesses', column: 'link_id', parent: 'portal_public_links' },
];

/** Unique constraints that gain workspace_id in front. */
const UNIQUES = [
  { table: 'client_user_tokens', columns: 'token_hash' },
  { table: 'client_payment_callbacks', columns: 'provider, idempotency_key' },
  { table: 'portal_public_links', columns: 'token_hash' },
];

const uniqueName = (table: string, columns: string) => `${table}_${columns.replaceAll(', ', '_')}_unique`;
const singleKey = (link: { table: string; column: string }) => `${link.table}_${link.column}_foreign`;
const workspaceKey = (link: { table: string; column: string }) => `${link.table}_workspace_id_${link.column}_foreign`;
const addWorkspaceKey = (link: { table: string; column: string; parent: string }) =>
  `alter table ${link.table} add constraint ${workspaceKey(link)} foreign key (workspace_id, ${link.column})
     references ${link.parent} (workspace_id, id) on delete cascade`;
const primaryKey = (table: string, columns: string) =>
  `alter table ${table} drop constraint ${table}_pkey, add constraint ${table}_pkey primary key (${columns})`;

export async function up(knex: Knex): Promise<void> {
  for (const gain of GAINS_WORKSPACE) {
    await onOwnedTable(
      knex,
      gain.table,
      `alter table ${gain.table} add column if not exists workspace_id varchar(64)`,
      `update ${gain.table} c set workspace_id = p.workspace_id from ${gain.parent} p where p.id = c.${gain.column} and c.workspace_id is null`,
      `alter table ${gain.table} alter column workspace_id set not null`,
    );
  }
  // Foreign keys first: they hang on the keys about to be rebuilt.
  for (const link of SINGLE_LINKS)
    await onOwnedTable(knex, link.table, `alter table ${link.table} drop constraint if exists ${singleKey(link)}`);
  for (const link of WORKSPACE_LINKS) {
    await onOwnedTable(knex, link.table, `alter table ${link.table} drop constraint if exists ${workspaceKey(link)}`);
    await onOwnedTable(
      knex,
      link.parent,
      `alter table ${link.parent} drop constraint if exists ${uniqueName(link.parent, 'workspace_id, id')}`,
    );
  }
  for (const table of BY_ID) await onOwnedTable(knex, table, primaryKey(table, 'workspace_id, id'));
  for (const key of OTHER_KEYS) await onOwnedTable(knex, key.table, primaryKey(key.table, key.after));
  for (const unique of UNIQUES) {
    await onOwnedTable(
      knex,
      unique.table,
      `alter table ${unique.table} drop constraint if exists ${uniqueName(unique.table, unique.columns)}`,
      `alter table ${unique.table} add constraint ${uniqueName(unique.table, `workspace_id, ${unique.columns}`)} unique (workspace_id, ${unique.columns})`,
    );
  }
  for (const link of [...SINGLE_LINKS, ...WORKSPACE_LINKS]) await onOwnedTable(knex, link.table, addWorkspaceKey(link));
  // The unread counts read a conversation's messages past a read marker (id > marker). With one
  // client holding most of a workspace's messages the planner costs the (workspace_id, client_id,
  // conversation_id, id) index as no better than a scan, and read every message; the primary key
  // on id alone was what it took before, so an index on id stays.
  await onOwnedTable(knex, 'portal_messages', 'create index if not exists portal_messages_id_index on portal_messages (id)');
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(knex, 'portal_messages', 'drop index if exists portal_messages_id_index');
  for (const link of [...SINGLE_LINKS, ...WORKSPACE_LINKS]) {
    await onOwnedTable(knex, link.table, `alter table ${link.table} drop constraint if exists ${workspaceKey(link)}`);
  }
  for (const unique of UNIQUES) {
    await onOwnedTable(
      knex,
      unique.table,
      `alter table ${unique.table} drop constraint if exists ${uniqueName(unique.table, `workspace_id, ${unique.columns}`)}`,
      `alter table ${unique.table} add constraint ${uniqueName(unique.table, unique.columns)} unique (${unique.columns})`,
    );
  }
  for (const key of OTHER_KEYS) await onOwnedTable(knex, key.table, primaryKey(key.table, key.before));
  for (const table of BY_ID) await onOwnedTable(knex, table, primaryKey(table, 'id'));
  for (const link of WORKSPACE_LINKS) {
    await onOwnedTable(
      knex,
      link.parent,
      `alter table ${link.parent} add constraint ${uniqueName(link.parent, 'workspace_id, id')} unique (workspace_id, id)`,
    );
    await onOwnedTable(knex, link.table, addWorkspaceKey(link));
  }
  for (const link of SINGLE_LINKS) {
    await onOwnedTable(
      knex,
      link.table,
      `alter table ${link.table} add constraint ${singleKey(link)} foreign key (${link.column}) references ${link.parent} (id) on delete cascade`,
    );
  }
  for (const gain of GAINS_WORKSPACE) await onOwnedTable(knex, gain.table, `alter table ${gain.table} drop column if exists workspace_id`);
}
