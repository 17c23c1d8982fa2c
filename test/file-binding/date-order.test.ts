// A file binding's list order where the date is a `date` column of the record's table: newest
// first by (date, key), the undated last by key, page after page without a record lost or shown
// twice, and read in an order a host index on (client, date) gives, so a client's long history
// costs its page, not a sort of every row. On Invoice Ninja's real schema (bindings/invoiceninja.yaml).
import { expect } from 'chai';
import path from 'node:path';
import type { Knex } from 'knex';
import type { FileBinding } from '../../plugins/file-binding/adapter.ts';
import { INVOICENINJA, realSchemaUnavailable } from './real-schema.ts';
import { bindingFromFile, type SeededCrm, seededCrm } from './serve-binding-file.ts';

const reason = realSchemaUnavailable({ sample: true });
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

describe('binding file: a list newest first on a date column, undated last, by keyset', function () {
  this.timeout(120_000);
  let crm: SeededCrm;
  let db: Knex;
  let binding: FileBinding;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) or no Invoice Ninja sample here: the schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(INVOICENINJA);
    db = crm.db;
    // Several on one day, some undated, one draft (never listed), one deleted, one of another client.
    const dates = ['2026-01-05', '2026-01-05', '2026-01-05', '2026-02-01', null, '2025-12-31', null, '2026-03-10', null, '2026-02-01'];
    const rows = dates.map((date, i) => ({ id: 1001 + i, client_id: 1, status_id: 2, date, is_deleted: 0 }));
    rows.push({ id: 1011, client_id: 1, status_id: 1, date: '2026-04-01', is_deleted: 0 });
    rows.push({ id: 1012, client_id: 1, status_id: 2, date: '2026-04-02', is_deleted: 1 });
    rows.push({ id: 1013, client_id: 2, status_id: 2, date: '2026-04-03', is_deleted: 0 });
    await db('invoices').insert(
      rows.map((row) => ({ ...row, company_id: 1, user_id: 1, number: `INV-${row.id}`, amount: 10, balance: 10, line_items: '[]' })),
    );
    binding = await bindingFromFile(db, path.join(ROOT, 'bindings/invoiceninja.yaml'));
  });
  after(async function () {
    await crm?.close();
  });

  /** Every invoice a client's list shows, page by page of `limit`. */
  async function allPages(limit: number): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const { items, next } = await binding.adapter.invoices!.list('1', '1', {}, { limit, after });
      ids.push(...items.map((item) => item.id));
      if (!next) return ids;
      after = next;
    }
    throw new Error('the pages never end');
  }

  it('lists dated invoices newest first (the key breaks ties), then the undated by key, on every page size', async function () {
    const rows = (await db('invoices')
      .where({ client_id: 1, is_deleted: 0 })
      .whereIn('status_id', [2, 3, 4, 5, 6])
      .whereNull('deleted_at')
      .select('id', db.raw(`to_char(date, 'YYYY-MM-DD') as date`))) as Array<{ id: string; date: string | null }>;
    const expected = rows
      .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || Number(b.id) - Number(a.id))
      .map((row) => String(row.id));
    expect(expected.slice(0, 4)).to.deep.equal(['1', '1008', '1010', '1004']);
    expect(expected.slice(-3)).to.deep.equal(['1009', '1007', '1005']);
    for (const limit of [1, 2, 3, 4, 20]) expect(await allPages(limit), `pages of ${limit}`).to.deep.equal(expected);
  });

  it('reads a page in the order an index on (client, date) gives, where the host has one', async function () {
    await db.raw(`insert into invoices (id, company_id, client_id, user_id, status_id, number, date, amount, balance, line_items, is_deleted)
      select 5000 + n, 1, 1, 1, 2, 'BULK-' || n, date '2010-01-01' + (n % 3000), 10, 10, '[]', 0 from generate_series(1, 20000) n`);
    await db.raw('create index invoices_client_date on invoices (client_id, date)');
    await db.raw('analyze invoices');
    const sent: Array<{ sql: string; bindings: unknown[] }> = [];
    const listen = (query: { sql: string; bindings?: unknown[] }) => sent.push({ sql: query.sql, bindings: query.bindings ?? [] });
    db.on('query', listen);
    try {
      await binding.adapter.invoices!.list('1', '1', {}, { limit: 20 });
    } finally {
      db.off('query', listen);
    }
    expect(sent).to.have.length(1);
    const [{ sql, bindings }] = sent as [{ sql: string; bindings: unknown[] }];
    const plan = (await db.raw(`explain ${sql.replace(/\$\d+/g, '?')}`, bindings as Knex.RawBinding[])).rows
      .map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'])
      .join('\n');
    expect(plan, plan).to.contain('Index Scan Backward using invoices_client_date');
  });
});
