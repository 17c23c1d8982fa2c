// The file binding's port calls beside Invoice Ninja (bindings/invoiceninja.yaml on its real schema
// and the shared sample), at the sample's size and with the client holding a large history, in
// one run: two databases on one server, the same calls, timed one at a time (warmed, then small,
// large, large, small, the upper median of each side), with the ratio large / small; then again
// once the large database has the (client, date) index `check` proposes, and a third time with the
// other indexes it proposes too (pg_trgm on the number, the client's totals for the search, the
// client's statuses for the dashboard's counts).
//   large  the sample's bakery with 100,000 invoices and 100,000 quotes more (1 % of each open),
//          and 1,000 other clients with 100 invoices each
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/file-binding.ts
//   FILE_BINDING_ROUNDS=30  calls per median (default 40)
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { createFileBinding, type FileBinding } from '../plugins/file-binding/adapter.ts';
import { readBindingFile } from '../plugins/file-binding/load.ts';
import { createKnex } from '../src/core/db/connect.ts';
import { amountSearchOf } from '../src/core/web/amount-search.ts';
import { INVOICENINJA_SAMPLE } from '../test/file-binding/real-schema.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema } from '../test/support/audit-real-schemas.ts';
import { dropDatabasesOfRun } from '../test/support/database.ts';
import { upperMedian } from './median.ts';

const ROUNDS = Number(process.env.FILE_BINDING_ROUNDS ?? 40);
if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to a PostgreSQL server.');
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

async function invoiceNinja(large: boolean): Promise<{ db: Knex; binding: FileBinding }> {
  const database = await loadRealSchema('invoiceninja.sql', BUILT_SCHEMAS_DIR);
  await promisify(execFile)('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', '-f', INVOICENINJA_SAMPLE, database.url]);
  const db = createKnex(database.url);
  if (large) {
    const line = JSON.stringify([{ product_key: 'Hours', notes: 'Support', cost: 10, quantity: 1, tax_rate1: 0 }]);
    const clients = `insert into clients (id, company_id, user_id, name, settings, is_deleted, balance, paid_to_date, credit_balance, payment_balance, is_tax_exempt, has_valid_vat_number)
      select 10 + n, 1, 1, 'Client ' || n, '{"currency_id":"3"}', 0, 0, 0, 0, 0, 0, 0 from generate_series(1, 1000) n`;
    await db.raw(clients);
    for (const table of ['invoices', 'quotes'])
      await db.raw(
        `insert into ${table} (id, company_id, client_id, user_id, status_id, number, date, due_date, amount, balance, line_items, is_deleted)
         select 100 + n, 1, case when n <= 100000 then 1 else 11 + (n % 1000) end, 1, case when n % 100 = 0 then 2 else 4 end,
                '${table === 'invoices' ? 'INV' : 'Q'}-' || n, date '2016-01-01' + (n % 3650), date '2016-02-01' + (n % 3650), 10, 10, ?, 0
         from generate_series(1, 200000) n`,
        [line],
      );
    await db.raw('analyze');
  }
  const binding = await createFileBinding(db, readBindingFile(path.join(ROOT, 'bindings/invoiceninja.yaml')), { name: 'bench' });
  return { db, binding };
}

/** "0042" as the lists' search reads it: text in the number, or an amount of 42.00 to 42.99. */
const SEARCHED = amountSearchOf('0042', 'en')!;

const CALLS: Array<[string, (b: FileBinding) => Promise<unknown>]> = [
  ['dashboard counts (summaries.forClient)', (b) => b.adapter.summaries.forClient('1', '1', '1')],
  ['invoices, first page', (b) => b.adapter.invoices!.list('1', '1', {}, { limit: 20 })],
  ['invoices, open', (b) => b.adapter.invoices!.list('1', '1', { status: ['open'] }, { limit: 20 })],
  ['invoices, search "0042"', (b) => b.adapter.invoices!.list('1', '1', { search: '0042', amount: SEARCHED }, { limit: 20 })],
  ['invoice page (find)', (b) => b.adapter.invoices!.find('1', '1', '1')],
  ['quotes, first page', (b) => b.adapter.offers!.list('1', '1', 'quotation', {}, { limit: 20 })],
  ['quotes, search "0042"', (b) => b.adapter.offers!.list('1', '1', 'quotation', { search: '0042', amount: SEARCHED }, { limit: 20 })],
  ['quote page (find)', (b) => b.adapter.offers!.find('1', '1', 'quotation', '1')],
];

async function time(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/** Each call's p50 on the sample and on the large client, timed alternately (see the top). */
async function measure(small: FileBinding, large: FileBinding): Promise<Array<{ smallMs: number; largeMs: number }>> {
  const rows = [];
  for (const [, call] of CALLS) {
    for (let i = 0; i < 5; i += 1) await Promise.all([call(small), call(large)]);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < ROUNDS / 2; i += 1) {
      a.push(await time(() => call(small)));
      b.push(await time(() => call(large)));
      b.push(await time(() => call(large)));
      a.push(await time(() => call(small)));
    }
    rows.push({ smallMs: upperMedian(a), largeMs: upperMedian(b) });
  }
  return rows;
}

const small = await invoiceNinja(false);
const large = await invoiceNinja(true);
try {
  const bare = await measure(small.binding, large.binding);
  // The index `check` asks the host's administrator for: (client, date) on invoices and quotes.
  for (const table of ['invoices', 'quotes']) await large.db.raw(`create index on ${table} (client_id, date)`);
  await large.db.raw('analyze');
  const indexed = await measure(small.binding, large.binding);
  // The other indexes `check` asks for: for the search, a trigram index on the number and one on the
  // client's totals; for the dashboard's counts, one on the client's statuses.
  await large.db.raw('create extension if not exists pg_trgm');
  for (const table of ['invoices', 'quotes']) {
    await large.db.raw(`create index on ${table} using gin (number gin_trgm_ops)`);
    await large.db.raw(`create index on ${table} (client_id, amount)`);
    await large.db.raw(`create index on ${table} (client_id, status_id)`);
  }
  await large.db.raw('analyze');
  const searchable = await measure(small.binding, large.binding);
  const rows = CALLS.map(([name], i) => ({
    name,
    smallMs: Number(bare[i]!.smallMs.toFixed(2)),
    largeMs: Number(bare[i]!.largeMs.toFixed(2)),
    ratio: Number((bare[i]!.largeMs / bare[i]!.smallMs).toFixed(2)),
    indexedMs: Number(indexed[i]!.largeMs.toFixed(2)),
    indexedRatio: Number((indexed[i]!.largeMs / indexed[i]!.smallMs).toFixed(2)),
    searchableMs: Number(searchable[i]!.largeMs.toFixed(2)),
    searchableRatio: Number((searchable[i]!.largeMs / searchable[i]!.smallMs).toFixed(2)),
  }));
  console.log('file binding beside Invoice Ninja: p50 per call, the sample vs a client with 100,000 invoices and 100,000 quotes,');
  console.log(
    'as Invoice Ninja indexes them (by client), with the (client, date) index check proposes, and with its search and status indexes too',
  );
  console.log(
    `  ${''.padEnd(40)} ${'sample'.padStart(11)} ${'large'.padStart(11)}  ${'ratio'.padEnd(8)} ${'indexed'.padStart(11)}  ${'ratio'.padEnd(8)} ${'+check'.padStart(11)}  ratio`,
  );
  for (const row of rows)
    console.log(
      `  ${row.name.padEnd(40)} ${String(row.smallMs).padStart(8)} ms ${String(row.largeMs).padStart(8)} ms  × ${String(row.ratio).padEnd(6)} ${String(row.indexedMs).padStart(8)} ms  × ${String(row.indexedRatio).padEnd(6)} ${String(row.searchableMs).padStart(8)} ms  × ${row.searchableRatio}`,
    );
  console.log(JSON.stringify(rows));
} finally {
  await small.db.destroy();
  await large.db.destroy();
  await dropDatabasesOfRun();
}
