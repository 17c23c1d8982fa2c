// The statement of account: linked from the invoices list, it lists the client's invoices and
// payments by date with a running balance and the balance due, only that client's, in English and
// German, under the invoice's letterhead (the agency's block and legal details, the client's address).
// The reference CRM's one-read statement() answers what list() and find() answer.
import { expect } from 'chai';
import { createReferenceCrmAdapter } from '../../../../plugins/reference-crm/binding/adapter.ts';
import { formattersFor, type PdfDocumentModel, type RequestI18n, translator } from '../../../core/index.ts';
import { PLANNED_FOR_ITS_VALUES } from '../../../core/db/prepared-statements.ts';
import type { InvoicesPort, InvoiceStatementData } from '../port.ts';
import { loadStatement, statementPdfModel } from '../statement.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';
import { SINCE_ZERO, statementPeriodOf } from '../statement-period.ts';
import { binary, flatText as flat, pdfText } from '../../../../test/support/pdf-text.ts';
import { type PortalHarness, type signedInAgent, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';
import { demoNorthwind } from '../../../../test/support/demo-records.ts';
import { analyzed, recordedDuring, rowsRead } from '../../../../test/support/plans.ts';

const addDaysUtc = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * n invoices of 100.00 over the 60 days up to 20 days ago, each but the last paid the day it was
 * issued: the balance was last zero within the quarter whatever n, so both walk the same days.
 */
function invoicesOf(n: number) {
  const first = Date.now() - 80 * 86_400_000;
  return Array.from({ length: n }, (_, i) => {
    const issued = new Date(first + Math.floor((i * 60) / n) * 86_400_000).toISOString().slice(0, 10);
    return {
      number: `N${n}-${i + 1}`,
      currency: 'USD',
      issued,
      cents: 10_000,
      ...(i < n - 1 ? { payments: [[`${issued}T12:00:00Z`, 10_000]] as Array<[string, number]> } : {}),
    };
  });
}

describe('statement of account', function () {
  let h: PortalHarness;
  let maria: Awaited<ReturnType<typeof signedInAgent>>;
  let northwind: { id: number; workspace_id: number };

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    northwind = await demoNorthwind(h.crm.db);
  });
  after(async function () {
    await h?.close();
  });

  const statement = async (lang = 'en', period = 'since-zero') => {
    const list = await maria.get('/portal/demo/invoices').expect(200);
    const action = /<form method="get" action="([^"]*\/invoices\/statement\.pdf)"/.exec(list.text)?.[1];
    expect(action, 'the statement form on the invoices list').to.equal('/portal/demo/invoices/statement.pdf');
    const chosen = /<select id="statement-period" name="period">\s*<option value="([^"]+)"/.exec(list.text)?.[1];
    expect(chosen, 'the default period, first').to.equal('since-zero');
    const res = await maria.get(`${action}?period=${period}`).set('Accept-Language', lang).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.match(/^application\/pdf/);
    expect(res.headers['content-disposition']).to.match(
      /^attachment; filename="(Statement|Kontoauszug)-Northwind-Traders-\d{4}-\d{2}-\d{2}\.pdf"$/,
    );
    return flat(await pdfText(res.body as Buffer));
  };

  it("lists the client's invoices and payments with the balance due", async function () {
    const text = await statement();
    const invoices = await h.crm
      .db('invoices')
      .where({ client_id: northwind.id, workspace_id: northwind.workspace_id })
      .whereNot('status', 'draft')
      .select('id', 'number', 'status', 'total_cents', 'paid_cents');
    const counted = invoices.filter((invoice) => invoice.status !== 'void');
    const balance = counted.reduce((sum, invoice) => sum + Number(invoice.total_cents) - Number(invoice.paid_cents), 0);
    const usd = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    expect(text).to.include('Statement of account');
    expect(text).to.include('Northwind Traders');
    // Since the balance was last zero (the default): the invoices of that period, and the balance
    // due of the whole history, which the balance brought forward carries.
    const period = await loadStatement(
      createReferenceCrmAdapter(h.crm.db).invoices!,
      String(northwind.workspace_id),
      String(northwind.id),
      statementPeriodOf(SINCE_ZERO, 'UTC'),
    );
    expect(period.invoices.length).to.be.greaterThan(0);
    for (const invoice of period.invoices) expect(text, invoice.number).to.include(`Invoice ${invoice.number}`);
    // The entry may wrap in its column: its parts are in order, the payment's amount and the
    // balance it left beside them, after whichever of its lines the row's figures stand on.
    const entry =
      /Payment for INV-0002 · (?<a>\$2,000\.00 \$3,170\.00 )?Bank transfer · (?<b>\$2,000\.00 \$3,170\.00 )?NW-2290(?<c> \$2,000\.00 \$3,170\.00)?/.exec(
        text,
      );
    expect(entry, text).to.not.equal(null);
    expect(Object.values(entry!.groups!).filter(Boolean), 'the amount and the balance beside the entry').to.have.length(1);
    expect(text).to.include(`Balance due ${usd(balance)}`);
    expect(text).to.include('Page 1 of 1');
    const others = await h.crm
      .db('invoices')
      .where({ workspace_id: northwind.workspace_id })
      .whereNot('client_id', northwind.id)
      .whereNot('status', 'draft')
      .pluck('number');
    for (const number of others) expect(text, `another client's ${number}`).to.not.include(`${number} `);
  });

  it('says the same in German', async function () {
    const text = await statement('de');
    for (const phrase of ['Kontoauszug', 'Zahlung auf INV-0002', 'Offener Betrag', 'Seite 1 von 1'])
      expect(text, phrase).to.include(phrase);
  });

  it("is headed as an invoice is: the agency's block and legal details, the client's address", async function () {
    const text = await statement();
    for (const phrase of [
      'FROM',
      'Demo Agency GmbH',
      'Rosenthaler Straße 40',
      '10178 Berlin',
      '410 Harbor Street',
      'Seattle, WA 98101',
      'Tax ID: 91-1144442',
      'VAT ID: DE298765432',
      'Registration: HRB 187654 B',
    ])
      expect(text, phrase).to.include(phrase);
    expect(text).to.match(/Demo Agency GmbH · Rosenthaler Straße 40, 10178 Berlin, Germany · VAT ID: DE298765432 ·/);
    const german = await statement('de');
    for (const phrase of [
      'Rosenthaler Straße 40',
      '410 Harbor Street',
      'USt-IdNr.: DE298765432',
      'Steuer-ID: 91-1144442',
      'RECHNUNGSSTELLER',
    ])
      expect(german, phrase).to.include(phrase);
    // The country the host wrote in English, in the reader's language.
    expect(german).to.match(/10178 Berlin, Deutschland ·/);
    expect(german).not.to.include('Germany');
  });

  it("answers from the host's one read what list() and find() answer", async function () {
    const adapter = createReferenceCrmAdapter(h.crm.db);
    const port = adapter.invoices!;
    for (const period of [statementPeriodOf(SINCE_ZERO, 'UTC'), { from: '1970-01-01', before: null, timeZone: 'UTC' }]) {
      const fast = await loadStatement(port, String(northwind.workspace_id), String(northwind.id), period);
      const slow = await loadStatement({ ...port, statement: undefined }, String(northwind.workspace_id), String(northwind.id), period);
      expect(fast.invoices.length).to.be.greaterThan(0);
      expect(fast.payments.length).to.be.greaterThan(0);
      expect(fast).to.deep.equal(slow);
    }
  });

  // A client of its own, so every figure is known: USD paid to zero in March 2025, an invoice made
  // void (its payment counts nowhere), one part-paid across the turn of the year in Berlin; EUR
  // paid to zero in January 2025, then one open. Another client's invoices in the same days.
  describe('by period', function () {
    let port: InvoicesPort;
    let ws: string;
    let client: string;

    type Seeded = { number: string; currency: string; issued: string; cents: number; status?: string; payments?: Array<[string, number]> };
    async function seedClient(name: string, invoices: Seeded[]): Promise<string> {
      const db = h.crm.db;
      const [{ id }] = await db('clients').insert({ workspace_id: northwind.workspace_id, name }).returning('id');
      for (const invoice of invoices) {
        const [row] = await db('invoices')
          .insert({
            workspace_id: northwind.workspace_id,
            client_id: id,
            number: invoice.number,
            status: 'sent',
            currency: invoice.currency,
            issue_date: invoice.issued,
            due_date: invoice.issued,
          })
          .returning('id');
        await db('invoice_items').insert({
          workspace_id: northwind.workspace_id,
          invoice_id: row.id,
          position: 1,
          description: 'Work',
          quantity: 1,
          unit_price_cents: invoice.cents,
        });
        for (const [paidAt, cents] of invoice.payments ?? [])
          await db('payments').insert({
            workspace_id: northwind.workspace_id,
            invoice_id: row.id,
            amount_cents: cents,
            method: 'bank_transfer',
            paid_at: paidAt,
          });
        if (invoice.status) await db('invoices').where({ id: row.id }).update({ status: invoice.status });
      }
      return String(id);
    }

    before(async function () {
      port = createReferenceCrmAdapter(h.crm.db).invoices!;
      ws = String(northwind.workspace_id);
      client = await seedClient('Ledger Test Co', [
        {
          number: 'LT-A',
          currency: 'USD',
          issued: '2025-03-01',
          cents: 10_000,
          payments: [['2025-03-10T12:00:00Z', 10_000]],
          status: 'paid',
        },
        {
          number: 'LT-B',
          currency: 'USD',
          issued: '2025-06-01',
          cents: 5_000,
          payments: [['2025-06-05T12:00:00Z', 1_000]],
          status: 'void',
        },
        {
          number: 'LT-C',
          currency: 'USD',
          issued: '2025-11-01',
          cents: 20_000,
          // 00:30 on 1 January 2026 in Berlin, still 2025 in UTC.
          payments: [
            ['2025-11-20T12:00:00Z', 2_000],
            ['2025-12-31T23:30:00Z', 5_000],
          ],
        },
        { number: 'LT-D', currency: 'USD', issued: '2026-02-01', cents: 3_000 },
        {
          number: 'LT-E',
          currency: 'EUR',
          issued: '2025-01-05',
          cents: 8_000,
          payments: [['2025-01-20T12:00:00Z', 8_000]],
          status: 'paid',
        },
        { number: 'LT-F', currency: 'EUR', issued: '2025-12-01', cents: 8_000 },
      ]);
      await seedClient('Other Ledger Co', [
        { number: 'OT-A', currency: 'USD', issued: '2025-12-15', cents: 99_900, payments: [['2026-01-10T12:00:00Z', 900]] },
      ]);
    });

    const numbers = (data: InvoiceStatementData) => data.invoices.map((invoice) => invoice.number);
    const paid = (data: InvoiceStatementData) =>
      data.payments.map((payment) => `${payment.invoiceNumber}#${payment.position}:${payment.amountCents}`);

    it('since the balance was last zero: from the day after the earliest currency last closed at zero', async function () {
      const data = await loadStatement(port, ws, client, statementPeriodOf(SINCE_ZERO, 'UTC'));
      // EUR closed at zero on 20 January 2025, USD on 10 March: the earlier starts the document.
      expect(data.from).to.equal('2025-01-21');
      expect(data.before).to.equal(null);
      expect(data.broughtForward).to.deep.equal([]);
      expect(numbers(data)).to.deep.equal(['LT-A', 'LT-B', 'LT-C', 'LT-F', 'LT-D']);
      expect(paid(data)).to.deep.equal(['LT-A#1:10000', 'LT-C#1:2000', 'LT-C#2:5000']);
    });

    it('a year: what was owed at its start brought forward per currency, void invoices and their payments left out', async function () {
      const berlin = await loadStatement(port, ws, client, statementPeriodOf('year:2026', 'Europe/Berlin'));
      expect(berlin.from).to.equal('2026-01-01');
      expect(berlin.before).to.equal('2027-01-01');
      // USD: LT-C's 200.00 less 20.00 (LT-B void counts not, nor its payment); EUR: LT-F.
      expect(berlin.broughtForward).to.deep.equal([
        { currency: 'EUR', cents: 8_000 },
        { currency: 'USD', cents: 18_000 },
      ]);
      expect(numbers(berlin)).to.deep.equal(['LT-D']);
      expect(paid(berlin), 'paid at 00:30 on New Year in Berlin').to.deep.equal(['LT-C#2:5000']);
      const utc = await loadStatement(port, ws, client, statementPeriodOf('year:2026', 'UTC'));
      expect(utc.broughtForward).to.deep.equal([
        { currency: 'EUR', cents: 8_000 },
        { currency: 'USD', cents: 13_000 },
      ]);
      expect(paid(utc), 'still 2025 in UTC').to.deep.equal([]);
      const first = await loadStatement(port, ws, client, statementPeriodOf('year:2025', 'UTC'));
      expect(first.broughtForward, 'nothing before the first invoice').to.deep.equal([]);
      expect(numbers(first)).to.deep.equal(['LT-E', 'LT-A', 'LT-B', 'LT-C', 'LT-F']);
      expect(paid(first)).to.deep.equal(['LT-E#1:8000', 'LT-A#1:10000', 'LT-C#1:2000', 'LT-C#2:5000']);
      const empty = await loadStatement(port, ws, client, statementPeriodOf('year:2024', 'UTC'));
      expect([numbers(empty), empty.payments, empty.broughtForward]).to.deep.equal([[], [], []]);
    });

    it("answers every period as the portal's own paging through list() and find() does", async function () {
      for (const choice of [SINCE_ZERO, 'year:2024', 'year:2025', 'year:2026'])
        for (const zone of ['UTC', 'Europe/Berlin', 'Pacific/Auckland']) {
          const period = statementPeriodOf(choice, zone);
          const slow = await loadStatement({ ...port, statement: undefined }, ws, client, period);
          expect(await loadStatement(port, ws, client, period), `${choice} in ${zone}`).to.deep.equal(slow);
        }
    });

    it('prints the balance brought forward and the closing balance of each currency', async function () {
      const i18n: RequestI18n = { locale: 'en', timeZone: 'Europe/Berlin', t: translator('en'), fmt: formattersFor('en', 'Europe/Berlin') };
      const data = await loadStatement(port, ws, client, statementPeriodOf('year:2026', 'Europe/Berlin'));
      const model = statementPdfModel(
        i18n,
        data,
        { name: 'Demo Agency' } as PdfDocumentModel['brand'],
        'Ledger Test Co',
        '2026-11-30',
        null,
      );
      const lines = model.lines.map((line) => `${line.description} | ${line.total}`);
      expect(lines).to.deep.equal([
        'Jan 1, 2026 · Balance brought forward | €80.00',
        'Jan 1, 2026 · Balance brought forward | $180.00',
        'Jan 1, 2026 · Payment for LT-C · Bank transfer · R-LT-C-2 | $130.00',
        'Feb 1, 2026 · Invoice LT-D, due Feb 1, 2026 | $160.00',
      ]);
      const totals = Object.fromEntries(model.totals.map((total) => [total.label, total.value]));
      expect(totals).to.deep.include({
        'Balance brought forward (EUR)': '€80.00',
        'Balance due (EUR)': '€80.00',
        'Invoiced (USD)': '$30.00',
        'Paid (USD)': '$50.00',
        'Balance due (USD)': '$160.00',
      });
      expect(model.meta).to.deep.include({ label: 'Period', value: 'Jan 1, 2026 – Dec 31, 2026' });
    });

    it('reads the same number of statements with 5 invoices as with 50, for every period', async function () {
      // What the client owes now, its moves by day (for since-zero a range each, walked back from
      // today to where the balance was last zero: one quarter for both; for a year the days since
      // its first), then the period's rows.
      const few = await seedClient('Five Invoices Co', invoicesOf(5));
      const many = await seedClient('Fifty Invoices Co', invoicesOf(50));
      const counter = countQueries();
      try {
        for (const choice of [SINCE_ZERO, 'year:2025']) {
          const period = statementPeriodOf(choice, 'UTC');
          const [a, b] = [
            await counter.measure(() => port.statement!(ws, few, period)),
            await counter.measure(() => port.statement!(ws, many, period)),
          ];
          const ranges = a.sql.filter((sql) => sql.includes('sum(charged)')).length;
          expect(ranges, describeQueries(`5 invoices, ${choice}`, a)).to.equal(1);
          expect(a.count, describeQueries(`5 invoices, ${choice}`, a)).to.equal(3);
          expect(b.count, describeQueries(`50 invoices, ${choice}`, b)).to.equal(a.count);
        }
      } finally {
        counter.stop();
      }
    });

    it('reads what the period and the walk hold, not the history, under the plans PostgreSQL keeps too', async function () {
      // 20,000 invoices settled over ten years (with fewer, reading the whole table is the cheaper
      // plan), then one paid to zero and one open this month. The history is written with its sums
      // in place and the CRM's triggers off for the two statements: a seed, not what is measured.
      this.timeout(120_000);
      const db = h.crm.db;
      const [{ id }] = await db('clients').insert({ workspace_id: northwind.workspace_id, name: 'Long History Co' }).returning('id');
      await db.transaction(async (trx) => {
        await trx.raw('set local session_replication_role = replica');
        await trx.raw(
          `insert into invoices (workspace_id, client_id, number, status, currency, issue_date, due_date, total_cents, paid_cents)
           select ?, ?, 'LH-' || g, 'paid', 'USD', d, d, 12000, 12000
             from generate_series(1, 20000) g, lateral (select current_date - 3700 + (g * 0.18)::int as d) i`,
          [northwind.workspace_id, id],
        );
        await trx.raw(
          `insert into payments (workspace_id, invoice_id, amount_cents, method, paid_at)
           select workspace_id, id, 12000, 'bank_transfer', issue_date + 5 from invoices where workspace_id = ? and client_id = ?`,
          [northwind.workspace_id, id],
        );
      });
      await db.raw('vacuum analyze invoices, payments');
      const client = String(id);
      const month = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
      await db('invoices').insert([
        {
          workspace_id: northwind.workspace_id,
          client_id: id,
          number: 'LH-NOW-1',
          status: 'sent',
          currency: 'USD',
          issue_date: month,
          due_date: month,
          total_cents: 5_000,
        },
      ]);
      const [paidNow] = await db('invoices').where({ client_id: id, number: 'LH-NOW-1' }).select('id');
      await db('payments').insert({
        workspace_id: northwind.workspace_id,
        invoice_id: paidNow.id,
        amount_cents: 5_000,
        method: 'bank_transfer',
        paid_at: `${month}T15:00:00Z`,
      });
      const today = new Date().toISOString().slice(0, 10);
      await db('invoices').insert({
        workspace_id: northwind.workspace_id,
        client_id: id,
        number: 'LH-NOW-2',
        status: 'sent',
        currency: 'USD',
        issue_date: today,
        due_date: today,
        total_cents: 7_000,
      });
      const period = statementPeriodOf(SINCE_ZERO, 'UTC');
      const { result, recorded } = await recordedDuring(() => port.statement!(ws, client, period));
      expect(result.from, 'the day after LH-NOW-1 was paid').to.equal(addDaysUtc(month, 1));
      expect(result.invoices.map((invoice) => invoice.number)).to.deep.equal(['LH-NOW-2']);
      // Each as planned for its values, and each the portal names (all but those planned for their
      // values) also as the plan PostgreSQL may keep for any values: rows by the hundred (the
      // range's, the workspace's payments in it among them), never the 20,000 of the history.
      for (const statement of recorded)
        for (const generic of statement.sql.startsWith(PLANNED_FOR_ITS_VALUES) ? [false] : [false, true]) {
          const plan = await analyzed(h.crm.sessionPool, statement, { generic });
          const read = rowsRead(plan, 'invoices') + rowsRead(plan, 'payments');
          expect(read, `${generic ? 'generic' : 'custom'} plan of ${statement.sql.slice(0, 80)}`).to.be.below(1_000);
        }
    });

    it('refuses a period not on the list with a sentence, never a server error', async function () {
      for (const bad of ['all', 'year:1800', 'year:99999', 'year:', 'year:20x6', 'x'.repeat(300)]) {
        const res = await maria.get(`/portal/demo/invoices/statement.pdf?period=${encodeURIComponent(bad)}`).expect(400);
        expect(res.text, bad).to.include('Choose a period from the list');
      }
      const german = await maria.get('/portal/demo/invoices/statement.pdf?period=all').set('Accept-Language', 'de').expect(400);
      expect(german.text).to.include('Wählen Sie einen Zeitraum');
    });

    it('offers this year and last year on the invoice list, and prints the chosen one', async function () {
      const list = await maria.get('/portal/demo/invoices').expect(200);
      const year = new Date().getUTCFullYear();
      for (const value of [SINCE_ZERO, `year:${year}`, `year:${year - 1}`]) expect(list.text).to.include(`<option value="${value}">`);
      const text = await statement('en', `year:${year}`);
      expect(text).to.include('Balance brought forward');
      expect(text).to.include(`Jan 1, ${year} – Dec 31, ${year}`);
    });
  });
});
