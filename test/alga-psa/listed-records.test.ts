// Covers a client's invoice and quotation lists, and the dashboard's unpaid invoices, beside Alga
// PSA for a client with years of history, through the portal's listed records
// (plugins/alga-psa/queries/listed.ts): Alga indexes invoices by tenant and id only and quotes by
// client but not by date, so without them every page read the client's whole history. On the real
// schema: until the first background pass the lists read Alga's tables (and the measure sees the
// history read); after it, paging through each list gives every row Alga's order gives, each once,
// none of another client or tenant; what Alga changes since the pass shows at once (a status, an
// amount, a row moved to another client or deleted, a quote sent), an invoice issued since it from
// the next pass. The structure: a page and the counts read a few rows of invoices and quotes,
// counted by PostgreSQL itself (pg_stat_xact_user_tables, rows fetched by sequential and index
// scans in the transaction), not the client's history. With hundreds of quotes awaiting an answer,
// the count reads the newest live and the rest as the pass left them: one Alga expired long ago
// counts until the next pass, the client's own answer from the portal at once.
import { expect } from 'chai';
import { invoiceCounts, listInvoices, scanListedInvoices } from '../../plugins/alga-psa/queries/invoices.ts';
import { listQuotes, quoteCounts, scanListedQuotes } from '../../plugins/alga-psa/queries/quotes.ts';
import { COUNTED_LIVE } from '../../plugins/shared/count-up-to.ts';
import { type HostAdapter, SUMMARY_COUNT_LIMIT } from '../../src/core/ports/host.ts';
import { IMPORTED_TASK, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { rowsRead } from '../support/rows-read.ts';
import { insertRowCopies } from '../support/row-copies.ts';

const reason = unavailable();
const HISTORY = 3_000;
const PAGE = 20;

describe('alga-psa host: the lists of a client with years of invoices and quotes', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let adapter: HostAdapter;

  const tenant = () => host.seed.tenant;
  const bakery = () => host.seed.clients.bakery;
  const scan = async () => {
    for (const t of [host.seed.tenant, host.seed.otherTenant]) {
      await scanListedInvoices(host.db, t);
      await scanListedQuotes(host.db, t);
    }
  };

  /** Every page of a list, following its cursors: the ids in the order shown. */
  async function allPages(list: (after: string | null) => Promise<{ items: Array<{ id: string }>; next: string | null }>) {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; next: string | null } = await list(after);
      seen.push(...page.items.map((item) => item.id));
      after = page.next;
    } while (after);
    return seen;
  }
  const invoicePages = (filter: { status?: Array<'open' | 'paid' | 'void'> } = {}) =>
    allPages((after) => adapter.invoices!.list(tenant(), bakery(), filter, { limit: 50, after }));
  const quotePages = (filter: { status?: Array<'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn'> } = {}) =>
    allPages((after) => adapter.offers!.list(tenant(), bakery(), 'quotation', filter, { limit: 50, after }));

  /** Alga's own order of what the bakery sees, read straight from its tables. */
  const expectedInvoices = async (statuses = ['sent', 'pending', 'overdue', 'partially_applied', 'paid', 'cancelled', 'void']) =>
    (
      await host
        .db('invoices')
        .where({ tenant: tenant(), client_id: bakery(), is_prepayment: false })
        .whereIn('status', statuses)
        .orderBy([
          { column: 'invoice_date', order: 'desc' },
          { column: 'invoice_id', order: 'desc' },
        ])
        .select<Array<{ invoice_id: string }>>('invoice_id')
    ).map((row) => row.invoice_id);
  const expectedQuotes = async (
    statuses = ['sent', 'accepted', 'rejected', 'expired', 'converted', 'cancelled', 'superseded', 'archived'],
  ) =>
    (
      await host
        .db('quotes')
        .where({ tenant: tenant(), client_id: bakery(), is_template: false })
        .whereIn('status', statuses)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'quote_id', order: 'desc' },
        ])
        .select<Array<{ quote_id: string }>>('quote_id')
    ).map((row) => row.quote_id);

  /** Past invoices and quotes of `client` in `t`, dated day by day from `from`. */
  async function history(t: string, client: string, staff: string, rows: number, prefix: string, from: string) {
    const { db } = host;
    await db.raw(
      `insert into invoices (tenant, client_id, invoice_number, invoice_date, due_date, subtotal, tax, total_amount,
                             status, currency_code, is_manual, invoice_type, finalized_at, created_at, updated_at)
       select ?, ?, ? || g, d, d + interval '30 days', 10000, 800, 10800,
              case when g % 4 = 0 then 'cancelled' else 'paid' end, 'USD', true, 'standard', d, d, d
         from generate_series(1, ?) g, lateral (select ?::timestamptz + (g % 900) * interval '1 day' as d) day`,
      [t, client, `INV-${prefix}-`, rows, from],
    );
    await db.raw(
      `insert into quotes (tenant, client_id, quote_number, title, status, version, quote_date, valid_until, currency_code,
                           is_template, sent_at, created_by, updated_by, created_at, updated_at)
       select ?, ?, ? || g, 'Past work ' || g, (array['accepted', 'rejected', 'expired', 'converted'])[1 + g % 4], 1, d,
              d + interval '30 days', 'USD', false, d, ?, ?, d, d
         from generate_series(1, ?) g, lateral (select ?::timestamptz + (g % 900) * interval '1 day' as d) day`,
      [t, client, `Q-${prefix}-`, staff, staff, rows, from],
    );
  }

  before(async function () {
    // Needs Alga's real schema on a PostgreSQL server (DATABASE_URL and ../shared/crm-schemas).
    if (reason) this.skip();
    host = await startAlgaHost({ portalTables: true });
    adapter = host.adapter();
    const { seed } = host;
    // The bakery's years, and a garage (another client) and another tenant with rows on the same days.
    await history(seed.tenant, seed.clients.bakery, seed.users.admin, HISTORY, 'B', '2021-01-01T00:00:00Z');
    await history(seed.tenant, seed.clients.garage, seed.users.admin, 200, 'G', '2021-01-01T12:00:00Z');
    await history(seed.otherTenant, seed.clients.otherTenantClient, seed.users.otherAdmin, 200, 'O', '2021-01-01T06:00:00Z');
    await host.db.raw('analyze invoices');
    await host.db.raw('analyze quotes');
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("reads Alga's tables until the first pass, and the measure sees the history read", async function () {
    expect(await host.db('portal_alga_listed_scans')).to.deep.equal([]);
    expect(await invoicePages()).to.deep.equal(await expectedInvoices());
    expect(await quotePages()).to.deep.equal(await expectedQuotes());
    const page = await rowsRead(host.db, 'invoices', (trx) => listInvoices(trx, { tenant: tenant(), clientId: bakery(), limit: PAGE }));
    expect(page.value).to.have.length(PAGE + 1);
    expect(page.read).to.be.at.least(HISTORY);
    const quotes = await rowsRead(host.db, 'quotes', (trx) => listQuotes(trx, { tenant: tenant(), clientId: bakery(), limit: PAGE }));
    expect(quotes.value).to.have.length(PAGE + 1);
    expect(quotes.read).to.be.at.least(HISTORY);
  });

  it("after the pass, pages each list by keyset in Alga's order, every row once, none of another client or tenant", async function () {
    await scan();
    const invoices = await invoicePages();
    expect(invoices).to.deep.equal(await expectedInvoices());
    expect(invoices).to.have.length.above(HISTORY);
    expect(await invoicePages({ status: ['open'] })).to.deep.equal(
      await expectedInvoices(['sent', 'pending', 'overdue', 'partially_applied']),
    );
    expect(await invoicePages({ status: ['void'] })).to.deep.equal(await expectedInvoices(['cancelled', 'void']));
    const quotes = await quotePages();
    expect(quotes).to.deep.equal(await expectedQuotes());
    expect(await quotePages({ status: ['open'] })).to.deep.equal(await expectedQuotes(['sent']));
    expect(await quotePages({ status: ['open', 'declined'] })).to.deep.equal(await expectedQuotes(['sent', 'rejected']));
    // The other client's and the other tenant's rows are in the listed records, never in the bakery's lists.
    const elsewhere = await host
      .db('portal_alga_listed_records')
      .whereNot({ client_id: bakery() })
      .select<Array<{ record_id: string }>>('record_id');
    expect(elsewhere.length).to.be.at.least(800);
    const shown = new Set([...invoices, ...quotes]);
    expect(elsewhere.filter((row) => shown.has(row.record_id))).to.deep.equal([]);
    // Another tenant asking for the bakery gets nothing.
    expect((await adapter.invoices!.list(host.seed.otherTenant, bakery(), {}, { limit: 50 })).items).to.deep.equal([]);
  });

  it(`reads a few invoices and quotes rows for a page and the counts, not the client's ${HISTORY.toLocaleString('en')} past ones`, async function () {
    const args = { tenant: tenant(), clientId: bakery() };
    const today = new Date().toISOString().slice(0, 10);
    const first = await rowsRead(host.db, 'invoices', (trx) => listInvoices(trx, { ...args, limit: PAGE }));
    expect(first.value.map((row) => row.invoice_id)).to.deep.equal((await expectedInvoices()).slice(0, PAGE + 1));
    expect(first.read).to.be.below(4 * PAGE);
    const last = first.value[PAGE - 1]!;
    const second = await rowsRead(host.db, 'invoices', (trx) =>
      listInvoices(trx, { ...args, limit: PAGE, before: { at: last.sort_key, id: last.invoice_id } }),
    );
    expect(second.value.map((row) => row.invoice_id)).to.deep.equal((await expectedInvoices()).slice(PAGE, 2 * PAGE + 1));
    expect(second.read).to.be.below(4 * PAGE);
    const open = await rowsRead(host.db, 'invoices', (trx) => listInvoices(trx, { ...args, states: ['open'], limit: PAGE }));
    expect(open.value).to.have.length(3);
    expect(open.read).to.be.below(20);
    const counts = await rowsRead(host.db, 'invoices', (trx) =>
      invoiceCounts(trx, { ...args, today, countLimit: SUMMARY_COUNT_LIMIT + 1 }),
    );
    expect(counts.value).to.have.length(1);
    expect(counts.value[0]).to.include({ currency_code: 'USD', unpaid: 3 });
    expect(counts.read).to.be.below(20);
    const quotes = await rowsRead(host.db, 'quotes', (trx) => listQuotes(trx, { ...args, limit: PAGE }));
    expect(quotes.value.map((row) => row.quote_id)).to.deep.equal((await expectedQuotes()).slice(0, PAGE + 1));
    expect(quotes.read).to.be.below(4 * PAGE);
    const sent = await rowsRead(host.db, 'quotes', (trx) => listQuotes(trx, { ...args, statuses: ['sent'], limit: PAGE }));
    expect(sent.value).to.have.length(2);
    expect(sent.read).to.be.below(20);
  });

  it('shows at once what Alga changed since the pass: statuses, amounts, a row moved or deleted; a quote sent from the next pass', async function () {
    const { db, seed } = host;
    const summary = () => adapter.summaries.forClient(tenant(), bakery(), seed.contacts.claire);
    expect((await summary()).invoices.unpaid).to.equal(3);
    // Alga marks the unpaid invoice paid and corrects its total.
    await db('invoices').where({ tenant: tenant(), invoice_id: seed.invoices.unpaid }).update({ status: 'paid', total_amount: 151000 });
    expect((await summary()).invoices.unpaid).to.equal(2);
    expect(await invoicePages({ status: ['open'] })).to.deep.equal(
      await expectedInvoices(['sent', 'pending', 'overdue', 'partially_applied']),
    );
    expect(await invoicePages({ status: ['paid'] })).to.deep.equal(await expectedInvoices(['paid']));
    const shown = (await adapter.invoices!.list(tenant(), bakery(), {}, { limit: 5 })).items.find((i) => i.id === seed.invoices.unpaid);
    expect(shown).to.include({ status: 'paid', totalCents: 151000 });
    // A past invoice moved to the garage, another deleted, one of the bakery's quotes back to draft.
    const [moved, deleted] = (await expectedInvoices(['paid'])).slice(-2);
    await db('invoices').where({ tenant: tenant(), invoice_id: moved }).update({ client_id: seed.clients.garage });
    await db('invoices').where({ tenant: tenant(), invoice_id: deleted }).delete();
    const [redrafted] = (await expectedQuotes(['rejected'])).slice(-1);
    await db('quotes').where({ tenant: tenant(), quote_id: redrafted }).update({ status: 'draft' });
    // A quote of the bakery's sent in Alga since the pass: listed and counted from the next pass,
    // the one that tells the client of it, as an invoice issued since the pass.
    await db('quotes').where({ tenant: tenant(), quote_id: seed.quotes.draft }).update({ status: 'sent', sent_at: db.fn.now() });
    const invoices = await invoicePages();
    expect(invoices).to.deep.equal(await expectedInvoices());
    expect(invoices).to.not.include(moved).and.not.include(deleted);
    const awaiting = async () => (await summary()).quotations.open;
    const openBefore = await awaiting();
    const quotes = await quotePages();
    expect(quotes).to.deep.equal((await expectedQuotes()).filter((id) => id !== seed.quotes.draft));
    expect(quotes).to.not.include(redrafted);
    expect(await quotePages({ status: ['open'] })).to.deep.equal((await expectedQuotes(['sent'])).filter((id) => id !== seed.quotes.draft));
    await scan();
    expect(await quotePages())
      .to.deep.equal(await expectedQuotes())
      .and.include(seed.quotes.draft);
    expect(await quotePages({ status: ['open'] })).to.deep.equal(await expectedQuotes(['sent']));
    expect(await awaiting()).to.equal(openBefore + 1);
  });

  it('lists an invoice issued in Alga since the pass from the next pass on', async function () {
    const { db, seed } = host;
    const [issued] = await db('invoices')
      .insert({
        tenant: tenant(),
        client_id: bakery(),
        invoice_number: 'INV-NEW-1',
        invoice_date: '2026-03-10T00:00:00Z',
        due_date: '2099-12-31T00:00:00Z',
        subtotal: 1000,
        tax: 80,
        total_amount: 1080,
        status: 'sent',
        currency_code: 'USD',
        is_manual: true,
        invoice_type: 'standard',
        finalized_at: db.fn.now(),
      })
      .returning<Array<{ invoice_id: string }>>('invoice_id');
    expect(await invoicePages()).to.not.include(issued!.invoice_id);
    await scan();
    const invoices = await invoicePages();
    expect(invoices[0]).to.equal(issued!.invoice_id);
    expect(invoices).to.deep.equal(await expectedInvoices());
    expect((await adapter.summaries.forClient(tenant(), bakery(), seed.contacts.claire)).invoices.unpaid).to.equal(3);
  });

  it('counts unpaid invoices, quotes awaiting an answer and open tasks to the limit and one more, reading no more of them', async function () {
    const { db, seed } = host;
    // An import gone wrong: more of each open than the dashboard counts.
    const many = SUMMARY_COUNT_LIMIT + 500;
    await db.raw(
      `insert into invoices (tenant, client_id, invoice_number, invoice_date, due_date, subtotal, tax, total_amount,
                             status, currency_code, is_manual, invoice_type, finalized_at, created_at, updated_at)
       select ?, ?, 'INV-IMPORT-' || g, d, d + interval '30 days', 10000, 800, 10800, 'sent', 'USD', true, 'standard', d, d, d
         from generate_series(1, ?) g, lateral (select timestamptz '2022-01-01 00:00:00Z' + g * interval '1 hour' as d) day`,
      [tenant(), bakery(), many],
    );
    await db.raw(
      `insert into quotes (tenant, client_id, quote_number, title, status, version, quote_date, valid_until, currency_code,
                           is_template, sent_at, created_by, updated_by, created_at, updated_at)
       select ?, ?, 'Q-IMPORT-' || g, 'Imported ' || g, 'sent', 1, d, d + interval '30 days', 'USD', false, d, ?, ?, d, d
         from generate_series(1, ?) g, lateral (select timestamptz '2022-01-01 00:00:00Z' + g * interval '1 hour' as d) day`,
      [tenant(), bakery(), seed.users.admin, seed.users.admin, many],
    );
    // And open tasks the contact sees: copies of a seed task on nobody, with their own keys.
    await insertRowCopies(db, 'project_tasks', { tenant: tenant(), task_id: seed.tasks.undated }, many, IMPORTED_TASK);
    await db.raw('analyze invoices, quotes, project_tasks');
    try {
      const today = new Date().toISOString().slice(0, 10);
      const args = { tenant: tenant(), clientId: bakery(), today, countLimit: SUMMARY_COUNT_LIMIT + 1 };
      const unpaid = (rows: Array<{ unpaid: number }>) => rows.reduce((sum, row) => sum + row.unpaid, 0);
      // From the next pass on (as any invoice issued since one), through the listed records: the
      // limit's worth of invoices read, not the 1,500.
      await scan();
      const counts = await rowsRead(db, 'invoices', (trx) => invoiceCounts(trx, args));
      expect(unpaid(counts.value)).to.equal(SUMMARY_COUNT_LIMIT + 1);
      expect(counts.read).to.be.at.most(SUMMARY_COUNT_LIMIT + 1);
      const summary = await adapter.summaries.forClient(tenant(), bakery(), seed.contacts.claire);
      expect(summary.invoices.unpaid).to.equal(SUMMARY_COUNT_LIMIT + 1);
      expect(summary.quotations.open).to.equal(SUMMARY_COUNT_LIMIT + 1);
      expect(summary.tasks.open).to.equal(SUMMARY_COUNT_LIMIT + 1);
    } finally {
      await db('project_tasks').where({ tenant: tenant() }).whereLike('task_name', 'Imported %').delete();
      await db('invoices').where({ tenant: tenant() }).whereLike('invoice_number', 'INV-IMPORT-%').delete();
      await db('quotes').where({ tenant: tenant() }).whereLike('quote_number', 'Q-IMPORT-%').delete();
      await scan();
    }
  });

  it(`counts quotes awaiting an answer reading the ${COUNTED_LIVE} newest live, the rest as the pass left them, the client's own answer at once`, async function () {
    const { db, seed } = host;
    const heap = 4 * COUNTED_LIVE;
    await db.raw(
      `insert into quotes (tenant, client_id, quote_number, title, status, version, quote_date, valid_until, currency_code,
                           is_template, sent_at, created_by, updated_by, created_at, updated_at)
       select ?, ?, 'Q-HEAP-' || g, 'Waiting ' || g, 'sent', 1, d, d + interval '30 days', 'USD', false, d, ?, ?, d, d
         from generate_series(1, ?::int) g, lateral (select timestamptz '2022-06-01 00:00:00Z' - g * interval '1 hour' as d) day`,
      [tenant(), bakery(), seed.users.admin, seed.users.admin, heap],
    );
    await db.raw('analyze quotes');
    const inAlga = async () =>
      Number(
        (
          await db('quotes')
            .where({ tenant: tenant(), client_id: bakery(), status: 'sent', is_template: false })
            .count<Array<{ count: string }>>('* as count')
        )[0]?.count,
      );
    const counted = async () => (await adapter.summaries.forClient(tenant(), bakery(), seed.contacts.claire)).quotations.open;
    const quote = async (number: string) =>
      (await db('quotes').where({ tenant: tenant(), quote_number: number }).first<{ quote_id: string }>('quote_id'))!.quote_id;
    try {
      await scan();
      expect(await counted()).to.equal(await inAlga());
      // The quotes rows the counts read: the newest awaiting an answer and the newest of all, not the heap.
      const read = await rowsRead(db, 'quotes', (trx) =>
        quoteCounts(trx, { tenant: tenant(), clientId: bakery(), countLimit: SUMMARY_COUNT_LIMIT + 1 }),
      );
      expect(read.read).to.be.at.most(2 * COUNTED_LIVE);
      // Expired in Alga: the newest at once; the oldest of the heap counts until the next pass.
      const [newest] = await quotePages({ status: ['open'] });
      await db('quotes')
        .where({ tenant: tenant() })
        .whereIn('quote_id', [newest!, await quote(`Q-HEAP-${heap}`)])
        .update({ status: 'expired' });
      expect(await counted()).to.equal((await inAlga()) + 1);
      // Declined from the portal, an old one of the heap: at once.
      const declined = await quote(`Q-HEAP-${heap - 1}`);
      expect(await adapter.offers!.decide(tenant(), bakery(), 'quotation', declined, { outcome: 'declined', at: new Date() })).to.equal(
        true,
      );
      expect(await counted()).to.equal((await inAlga()) + 1);
      await scan();
      expect(await counted()).to.equal(await inAlga());
    } finally {
      await db('quote_activities')
        .where({ tenant: tenant() })
        .whereIn('quote_id', db('quotes').where({ tenant: tenant() }).whereLike('quote_number', 'Q-HEAP-%').select('quote_id'))
        .delete();
      await db('quotes').where({ tenant: tenant() }).whereLike('quote_number', 'Q-HEAP-%').delete();
      await scan();
    }
  });
});
