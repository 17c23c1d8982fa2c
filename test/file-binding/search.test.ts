// A file binding's list search, text in the number or an amount of the total, on Invoice Ninja's real
// schema (bindings/invoiceninja.yaml): the amount is read as the total rounded to cents, at every
// edge of the rounding, newest first, page after page; and where the host has the indexes `check`
// proposes (a trigram index on the number, one on the client's totals), the search reads through
// them and not through every row of the client.
import { expect } from 'chai';
import path from 'node:path';
import type { Knex } from 'knex';
import type { FileBinding } from '../../plugins/file-binding/adapter.ts';
import { INVOICENINJA, realSchemaUnavailable } from './real-schema.ts';
import { bindingFromFile, type SeededCrm, seededCrm } from './serve-binding-file.ts';

const reason = realSchemaUnavailable({ sample: true });
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

describe('binding file: the list search by number or amount', function () {
  this.timeout(120_000);
  let crm: SeededCrm;
  let db: Knex;
  let binding: FileBinding;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) or no Invoice Ninja sample here: the schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(INVOICENINJA);
    db = crm.db;
    // Totals on each side of 42.00 to 42.99 once rounded to cents, one number holding the text, one
    // of another client with the amount, one undated.
    const amounts = ['41.994999', '41.995', '42', '42.994999', '42.995', '-42.5', '7', '42.5', '42.1'];
    const rows = amounts.map((amount, i) => ({
      id: 2001 + i,
      client_id: 1,
      amount,
      number: i === 6 ? 'INV-7042' : `INV-${2001 + i}`,
      date: i === 7 ? null : `2026-0${1 + (i % 3)}-1${i}`,
    }));
    rows.push({ id: 2010, client_id: 2, amount: '42.5', number: 'INV-2010', date: '2026-01-01' });
    await db('invoices').insert(
      rows.map((row) => ({ ...row, company_id: 1, user_id: 1, status_id: 2, balance: row.amount, line_items: '[]', is_deleted: 0 })),
    );
    binding = await bindingFromFile(db, path.join(ROOT, 'bindings/invoiceninja.yaml'));
  });
  after(async function () {
    await crm?.close();
  });

  /** Every invoice of client 1 a search shows, page by page of `limit`. */
  async function allPages(search: string, amount: { fromCents: number; toCents: number }, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const { items, next } = await binding.adapter.invoices!.list('1', '1', { search, amount }, { limit, after });
      ids.push(...items.map((item) => item.id));
      if (!next) return ids;
      after = next;
    }
    throw new Error('the pages never end');
  }

  it('finds the number holding the text and the totals that round into the amount, newest first, undated last', async function () {
    // The sample's INV-BARS-0042 by its number, 7042 by its number, the others by their total.
    const expected = ['1', '2009', '2003', '2002', '2007', '2004', '2008'];
    for (const limit of [1, 2, 4, 20])
      expect(await allPages('42', { fromCents: 4200, toCents: 4299 }, limit), `pages of ${limit}`).to.deep.equal(expected);
    expect(await allPages('42.10', { fromCents: 4210, toCents: 4210 }, 20)).to.deep.equal(['2009']);
  });

  it("reads the search through a trigram index on the number and an index on the client's totals, where the host has them", async function () {
    await db.raw(`insert into invoices (id, company_id, client_id, user_id, status_id, number, date, amount, balance, line_items, is_deleted)
      select 5000 + n, 1, 1, 1, 2, 'BULK-' || n, date '2010-01-01' + (n % 3000), 10, 10, '[]', 0 from generate_series(1, 20000) n`);
    await db.raw('create extension if not exists pg_trgm');
    await db.raw('create index invoices_client_date on invoices (client_id, date)');
    await db.raw('create index invoices_number_trgm on invoices using gin (number gin_trgm_ops)');
    await db.raw('create index invoices_client_amount on invoices (client_id, amount)');
    await db.raw('analyze invoices');
    const sent: Array<{ sql: string; bindings: unknown[] }> = [];
    const listen = (query: { sql: string; bindings?: unknown[] }) => sent.push({ sql: query.sql, bindings: query.bindings ?? [] });
    db.on('query', listen);
    try {
      const { items } = await binding.adapter.invoices!.list(
        '1',
        '1',
        { search: '7042', amount: { fromCents: 704200, toCents: 704299 } },
        { limit: 20 },
      );
      // INV-7042, then BULK-17042 and BULK-7042 (2010 onwards).
      expect(items.map((item) => item.id)).to.deep.equal(['2007', '22042', '12042']);
    } finally {
      db.off('query', listen);
    }
    expect(sent).to.have.length(1);
    const [{ sql, bindings }] = sent as [{ sql: string; bindings: unknown[] }];
    const plan = (await db.raw(`explain ${sql.replace(/\$\d+/g, '?')}`, bindings as Knex.RawBinding[])).rows
      .map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'])
      .join('\n');
    expect(plan, plan).to.contain('Bitmap Index Scan on invoices_number_trgm');
    expect(plan, plan).to.contain('Bitmap Index Scan on invoices_client_amount');
  });
});
