// "This client's records whose number, title or file name contains …": the portal's list search
// (ILIKE '%text%', the text escaped) cannot use a btree index, whose order serves only a prefix.
// Trigram indexes (pg_trgm's GIN operator class) serve a contains-match on three characters or
// more, so a search on a client with thousands of records reads the matching rows, not every row
// of the client; on a short list the planner keeps the client's order index, which is cheaper.
// pg_trgm ships with PostgreSQL's contrib package (and with the embedded engine, which loads it):
// where a server lacks it, these indexes are left out and the search still runs, through the
// client's order index, as the lists did before.
import type { Knex } from 'knex';

const INDEXES = [
  { table: 'invoices', name: 'invoices_number_trgm_idx', columns: '(number gin_trgm_ops)' },
  { table: 'proposals', name: 'proposals_number_title_trgm_idx', columns: '(number gin_trgm_ops, title gin_trgm_ops)' },
  { table: 'quotations', name: 'quotations_number_title_trgm_idx', columns: '(number gin_trgm_ops, title gin_trgm_ops)' },
  { table: 'documents', name: 'documents_filename_trgm_idx', columns: '(filename gin_trgm_ops)' },
  { table: 'tasks', name: 'tasks_title_trgm_idx', columns: '(title gin_trgm_ops)' },
];

async function trigramsAvailable(knex: Knex): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: unknown[] }>("select 1 from pg_available_extensions where name = 'pg_trgm'");
  return rows.length > 0;
}

export async function up(knex: Knex): Promise<void> {
  if (!(await trigramsAvailable(knex))) return;
  // Trusted since PostgreSQL 13: a database owner may create it without being a superuser.
  await knex.raw('create extension if not exists pg_trgm');
  for (const index of INDEXES) await knex.raw(`create index if not exists ${index.name} on ${index.table} using gin ${index.columns}`);
}

export async function down(knex: Knex): Promise<void> {
  // The extension stays: other tables of the database may use it.
  for (const index of INDEXES) await knex.raw(`drop index if exists ${index.name}`);
}
