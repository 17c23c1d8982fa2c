// The statement of account: linked from the invoices list, it lists the client's invoices and
// payments by date with a running balance and the balance due, only that client's, in English and
// German, under the invoice's letterhead (the agency's block and legal details, the client's address).
// The reference CRM's one-read statement() answers what list() and find() answer.
import { expect } from 'chai';
import { createReferenceCrmAdapter } from '../../../../plugins/reference-crm/binding/adapter.ts';
import { loadStatement } from '../statement.ts';
import { binary, flatText as flat, pdfText } from '../../../../test/support/pdf-text.ts';
import { type PortalHarness, type signedInAgent, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';
import { demoNorthwind } from '../../../../test/support/demo-records.ts';

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

  const statement = async (lang = 'en') => {
    const list = await maria.get('/portal/demo/invoices').expect(200);
    const href = /href="([^"]*\/invoices\/statement\.pdf)"/.exec(list.text)?.[1];
    expect(href, 'the statement link on the invoices list').to.equal('/portal/demo/invoices/statement.pdf');
    const res = await maria.get(href!).set('Accept-Language', lang).buffer(true).parse(binary).expect(200);
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
    for (const invoice of invoices) expect(text, invoice.number).to.include(`Invoice ${invoice.number}`);
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
    const fast = await loadStatement(port, String(northwind.workspace_id), String(northwind.id));
    const slow = await loadStatement({ ...port, statement: undefined }, String(northwind.workspace_id), String(northwind.id));
    expect(fast.invoices.length).to.be.greaterThan(0);
    expect(fast.payments.length).to.be.greaterThan(0);
    expect(fast).to.deep.equal(slow);
  });
});
