// The dashboard's counts through a binding file, on Invoice Ninja's real schema
// (bindings/invoiceninja.yaml), for a client with thousands of settled invoices and accepted quotes
// and a few open ones: the counts, the overdue ones and the outstanding balance are what the lists
// show, to the cent; each section is one statement counting on the base table alone (the status is
// a column of it); where the host has the (client, status) index `check` proposes, the counts read
// through it; `check` names that index until it exists; and a balance read through a join is
// summed row by row, as the list shows it.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { FileBinding } from '../../plugins/file-binding/adapter.ts';
import { checkBindingFile } from '../../plugins/file-binding/check.ts';
import { INVOICENINJA, realSchemaUnavailable } from './real-schema.ts';
import { bindingFromFile, type SeededCrm, seededCrm } from './serve-binding-file.ts';

const reason = realSchemaUnavailable({ sample: true });
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FILE = path.join(ROOT, 'bindings/invoiceninja.yaml');

describe('binding file: the dashboard counts of a client with a long history', function () {
  this.timeout(120_000);
  let crm: SeededCrm;
  let db: Knex;
  let binding: FileBinding;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) or no Invoice Ninja sample here: the schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(INVOICENINJA);
    db = crm.db;
    // Client 1 (the sample's bakery): 20,000 paid invoices and accepted quotes, and 7 open invoices
    // (sent or partly paid; 3 overdue, one due today, one with no due day) with balances that round
    // at the half cent, and 4 open quotes. Client 2 has open ones too, which never count for client 1.
    await db.raw(`insert into invoices (id, company_id, client_id, user_id, status_id, number, date, due_date, amount, balance, line_items, is_deleted)
      select 10000 + n, 1, case when n <= 20000 then 1 else 2 end, 1, case when n <= 20000 then 4 else 2 end, 'BULK-' || n,
             date '2010-01-01' + (n % 3000), date '2010-02-01' + (n % 3000), 10, case when n <= 20000 then 0 else 10 end, '[]', 0
      from generate_series(1, 20500) n`);
    await db.raw(`insert into quotes (id, company_id, client_id, user_id, status_id, number, date, amount, balance, line_items, is_deleted)
      select 10000 + n, 1, case when n <= 20000 then 1 else 2 end, 1, case when n <= 20000 then 4 else 2 end, 'QBULK-' || n,
             date '2010-01-01' + (n % 3000), 10, 10, '[]', 0
      from generate_series(1, 20500) n`);
    const today = new Date().toISOString().slice(0, 10);
    const open = [
      { status_id: 2, balance: '100.005', due_date: '2020-01-01' },
      { status_id: 3, balance: '0.004', due_date: '2021-06-30' },
      { status_id: 2, balance: '19.99', due_date: '2022-12-31' },
      { status_id: 2, balance: '5', due_date: today },
      { status_id: 3, balance: '250.5', due_date: '2999-01-01' },
      { status_id: 2, balance: '1', due_date: null },
    ];
    await db('invoices').insert(
      open.map((row, i) => ({
        ...row,
        id: 40001 + i,
        company_id: 1,
        client_id: 1,
        user_id: 1,
        number: `OPEN-${i}`,
        date: '2024-01-01',
        amount: row.balance,
        line_items: '[]',
        is_deleted: 0,
      })),
    );
    await db('quotes').insert(
      [1, 2, 3, 4].map((i) => ({
        id: 40000 + i,
        company_id: 1,
        client_id: 1,
        user_id: 1,
        status_id: 2,
        number: `QOPEN-${i}`,
        date: '2024-01-01',
        amount: 1,
        balance: 1,
        line_items: '[]',
        is_deleted: 0,
      })),
    );
    await db.raw('analyze invoices');
    await db.raw('analyze quotes');
    binding = await bindingFromFile(db, FILE);
  });
  after(async function () {
    await crm?.close();
  });

  /** Every invoice of client 1 the list shows with `filter`, page by page. */
  async function listed(filter: { status?: Array<'open'>; overdue?: boolean }, through = binding) {
    const items = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const result = await through.adapter.invoices!.list('1', '1', filter, { limit: 50, after });
      items.push(...result.items);
      if (!result.next) return items;
      after = result.next;
    }
    throw new Error('the pages never end');
  }

  /** The statements one call sends, in order. */
  async function sentBy(call: () => Promise<unknown>): Promise<Array<{ sql: string; bindings: unknown[] }>> {
    const sent: Array<{ sql: string; bindings: unknown[] }> = [];
    const listen = (query: { sql: string; bindings?: unknown[] }) => sent.push({ sql: query.sql, bindings: query.bindings ?? [] });
    db.on('query', listen);
    try {
      await call();
    } finally {
      db.off('query', listen);
    }
    return sent;
  }

  const planOf = async ({ sql, bindings }: { sql: string; bindings: unknown[] }) =>
    (await db.raw(`explain ${sql.replace(/\$\d+/g, '?')}`, bindings as Knex.RawBinding[])).rows
      .map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'])
      .join('\n');

  it('counts what the lists show: open and overdue invoices, their balance to the cent, open and all quotes', async function () {
    const summary = await binding.adapter.summaries.forClient('1', '1', '1');
    const open = await listed({ status: ['open'] });
    const overdue = await listed({ overdue: true });
    expect(summary.invoices.unpaid).to.equal(open.length);
    expect(summary.invoices.overdue).to.equal(overdue.length);
    const cents = open.reduce((sum, invoice) => sum + invoice.balanceCents, 0);
    expect(summary.invoices.outstanding).to.deep.equal([{ currency: 'EUR', cents }]);
    // The six above and the sample's own open invoice (INV-BARS-0042, 1,200.00, overdue).
    expect(open.map((invoice) => invoice.id)).to.include.members(['40001', '40002', '40003', '40004', '40005', '40006']);
    // Due before today: overdue; due today, later or never: not.
    expect(overdue.map((invoice) => invoice.id)).to.include.members(['40001', '40002', '40003']);
    expect(overdue.map((invoice) => invoice.id)).not.to.include.any.members(['40004', '40005', '40006']);
    const [row] = (
      await db.raw(
        `select count(*)::int as n, sum(round(balance * 100))::text as cents from invoices
        where client_id = 1 and company_id = 1 and status_id in (2, 3) and is_deleted = 0 and deleted_at is null`,
      )
    ).rows as Array<{ n: number; cents: string }>;
    expect(summary.invoices.unpaid).to.equal(row!.n);
    expect(cents).to.equal(Number(row!.cents));
    expect(summary.quotations.open).to.equal(
      (await binding.adapter.offers!.list('1', '1', 'quotation', { status: ['open'] }, { limit: 50 })).items.length,
    );
    expect(summary.quotations.total).to.equal(1001);
  });

  it('sends one statement per section, counting on the base table alone: no join decides the state', async function () {
    const sent = await sentBy(() => binding.adapter.summaries.forClient('1', '1', '1'));
    // Quotations, invoices, tasks (the file maps no proposals).
    expect(sent.map((s) => s.sql.match(/from "(\w+)"/)?.[1])).to.deep.equal(['quotes', 'invoices', 'tasks']);
    const [quotes, invoices] = sent.map((statement) => statement.sql) as [string, string];
    expect(quotes, quotes).not.to.include(' join ');
    // The open invoices are found on invoices alone; only those rows meet the client for the currency.
    const bounded = invoices.match(/from \((select "r"\.\* from "invoices" as "r" .*? limit \$\d+)\) as "r"/)?.[1];
    expect(bounded, invoices).to.be.a('string');
    expect(bounded).not.to.include(' join ');
  });

  it('reads the open ones through an index on (client, status), where the host has the one check proposes', async function () {
    const before = await checkBindingFile(db, FILE);
    expect(before.problems).to.deep.equal([]);
    for (const table of ['invoices', 'quotes'])
      expect(before.lines.join('\n')).to.include(
        `${table === 'quotes' ? 'quotations' : 'invoices'}: no index on ${table} gives a client's records by status, so the dashboard's counts read a client's rows until they find the open ones. The host's administrator may create one (the portal never alters a host table): create index concurrently on "${table}" ("client_id", "status_id");`,
      );
    await db.raw('create index invoices_client_status on invoices (client_id, status_id)');
    await db.raw('create index quotes_client_status on quotes (client_id, status_id)');
    await db.raw('analyze invoices');
    await db.raw('analyze quotes');
    const after = await checkBindingFile(db, FILE);
    expect(after.lines.join('\n')).not.to.include('by status');

    const [quotes, invoices] = await sentBy(() => binding.adapter.summaries.forClient('1', '1', '1'));
    const quotesPlan = await planOf(quotes!);
    const invoicesPlan = await planOf(invoices!);
    const through = (index: string) => new RegExp(`(Index (Only )?Scan using|Bitmap Index Scan on) ${index}\\b`);
    expect(quotesPlan, quotesPlan).to.match(through('quotes_client_status'));
    expect(invoicesPlan, invoicesPlan).to.match(through('invoices_client_status'));
    // No row is read twice: the open invoices are not looked up again by their key.
    expect(invoicesPlan, invoicesPlan).not.to.include('invoices_pkey');
  });

  it('sums a balance read through a join row by row, as the list shows it', async function () {
    // A file whose balance adds the client's own (clients.balance): each invoice meets its client first.
    const folder = mkdtempSync(path.join(tmpdir(), 'counts-'));
    const file = path.join(folder, 'joined-balance.yaml');
    writeFileSync(file, readFileSync(FILE, 'utf8').replace('  balance: balance\n', '  balance: { sum: [balance, c.balance] }\n'));
    const [client] = (await db.raw('select balance::text as balance from clients where id = 1')).rows as Array<{ balance: string }>;
    await db.raw('update clients set balance = 0.125 where id = 1');
    try {
      const joined = await bindingFromFile(db, file);
      const summary = await joined.adapter.summaries.forClient('1', '1', '1');
      const open = await listed({ status: ['open'] }, joined);
      expect(summary.invoices.unpaid).to.equal(open.length);
      const cents = open.reduce((sum, invoice) => sum + invoice.balanceCents, 0);
      const [row] = (
        await db.raw(
          `select sum(round((balance + 0.125) * 100))::text as cents from invoices
          where client_id = 1 and company_id = 1 and status_id in (2, 3) and is_deleted = 0 and deleted_at is null`,
        )
      ).rows as Array<{ cents: string }>;
      expect(cents).to.equal(Number(row!.cents));
      expect(summary.invoices.outstanding).to.deep.equal([{ currency: 'EUR', cents }]);
    } finally {
      await db.raw('update clients set balance = ? where id = 1', [client!.balance]);
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
