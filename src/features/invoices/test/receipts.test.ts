// A receipt per payment: linked from the invoice page beside each payment, numbered from the
// invoice and the payment's place among its payments (R-INV-0002-1), naming the parties, the
// amount received and the balance it left, in English and German. A payment of another invoice
// is not found under this one.
import { expect } from 'chai';
import { type PortalHarness, type signedInAgent, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';
import { binary, flatText as flat, pdfText } from '../../../../test/support/pdf-text.ts';

describe('payment receipts', function () {
  let h: PortalHarness;
  let maria: Awaited<ReturnType<typeof signedInAgent>>;
  let invoiceHref: string;
  let paidInvoiceId: string;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    const invoice = (number: string) =>
      h.crm
        .db('invoices as i')
        .join('workspaces as w', 'w.id', 'i.workspace_id')
        .where({ 'w.slug': 'demo', 'i.number': number })
        .first('i.id');
    invoiceHref = `/portal/demo/invoices/${(await invoice('INV-0002')).id}`;
    paidInvoiceId = String((await invoice('INV-0001')).id);
  });
  after(async function () {
    await h?.close();
  });

  const receiptLink = async () => {
    const page = await maria.get(invoiceHref).expect(200);
    const href = /href="([^"]+\/receipts\/\d+\.pdf)"/.exec(page.text)?.[1];
    expect(href, 'a receipt link beside the payment').to.be.a('string');
    expect(page.text).to.include('aria-label="Receipt R-INV-0002-1 (PDF)"');
    return href!;
  };

  it('links each payment to its numbered receipt, which names the parties, the amount and the balance left', async function () {
    const res = await maria
      .get(await receiptLink())
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).to.match(/^application\/pdf/);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="Receipt-R-INV-0002-1.pdf"');
    const text = flat(await pdfText(res.body as Buffer));
    for (const phrase of [
      'Receipt R-INV-0002-1',
      'Receipt number R-INV-0002-1',
      'For invoice INV-0002',
      'Invoice date Nov 6, 2026',
      'Paid by Bank transfer',
      'Reference NW-2290',
      'Demo Agency GmbH',
      'VAT ID: DE298765432',
      'RECEIVED FROM',
      'Northwind Traders',
      'Tax ID: 91-1144442',
      'We have received $2,000.00 in payment of invoice INV-0002.',
      'Amount received $2,000.00',
      'Invoice total $5,170.00',
      'Paid to date $2,000.00',
      'Balance left $3,170.00',
      'Page 1 of 1',
    ]) {
      expect(text, phrase).to.include(phrase);
    }
  });

  it('says the same in German', async function () {
    const res = await maria
      .get(await receiptLink())
      .set('Accept-Language', 'de')
      .buffer(true)
      .parse(binary)
      .expect(200);
    const text = flat(await pdfText(res.body as Buffer));
    for (const phrase of [
      'Quittung R-INV-0002-1',
      'Quittungsnummer R-INV-0002-1',
      'Zur Rechnung INV-0002',
      'Restbetrag',
      'Seite 1 von 1',
    ]) {
      expect(text, phrase).to.include(phrase);
    }
  });

  it('finds no payment of another invoice under this one, nor a malformed id', async function () {
    const href = await receiptLink();
    const paymentId = /\/receipts\/(\d+)\.pdf/.exec(href)![1]!;
    await maria.get(`/portal/demo/invoices/${paidInvoiceId}/receipts/${paymentId}.pdf`).expect(404);
    await maria.get(`${invoiceHref}/receipts/999999.pdf`).expect(404);
    await maria
      .get(`${invoiceHref}/receipts/${encodeURIComponent('1;drop')}.pdf`)
      .expect((res) => expect([400, 404]).to.include(res.status));
  });
});
