// Paying an invoice from the portal, over HTTP against the reference CRM: with online payments off
// the online routes do not exist and the pay page shows the bank transfer only, whose EPC QR code
// decodes to the IBAN, amount and reference (none for another currency than the euro); a partial payment through the demo checkout, then the rest,
// turns the invoice paid; a provider callback repeated (in sequence and concurrently) records one
// payment; a bad signature records nothing; a bank transfer report leaves the invoice as it is and
// emails the workspace's admins once; the staff list shows the events with an unread count that
// the CRM's header carries. A payment taken online is named on the client's page, receipt and
// statement by its method and a reference the client can quote, never by the provider's id, which
// staff find on the record page. Query counts per request are measured here too.
import { expect } from 'chai';
import { createDemoProvider } from '../payments/demo-provider.ts';
import { sendDemoCallback } from './demo-callback.ts';
import { SECTION_SWITCHES } from '../../../core/index.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness, postFormFrom } from '../../../../test/support/portal-harness.ts';
import { openInvoiceOf } from '../../../../test/route-matrix/payments.routes.ts';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';
import { decodeQrPng, pngFromDataUrl } from '../../../../test/support/qr-decode.ts';
import { binary, flatText as flat, pdfText } from '../../../../test/support/pdf-text.ts';
import { formattersFor } from '../../../core/i18n/formatters.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const SECRET = 'test-secret-'.padEnd(48, 'x');
/** What the pay page (warm) and a provider's callback may cost in statements; measured, not guessed. */
const PAY_PAGE_BUDGET = 4;
const CALLBACK_BUDGET = 12;

describe('paying invoices from the portal', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let client: Agent;
  let staff: Agent;
  let invoice: { id: string; workspaceId: string; clientId: string };
  const demo = createDemoProvider({ secret: SECRET });

  async function saveSwitches(on: boolean) {
    const page = await staff.get('/settings/client-portal').expect(200);
    const form: Record<string, string> = { _csrf: csrfFrom(page.text), loginWithCode: 'on', loginWithPassword: 'on' };
    for (const s of SECTION_SWITCHES) if (on || s.key !== 'allowOnlinePayments') form[s.key] = 'on';
    await staff.post('/settings/client-portal').type('form').send(form).expect(303);
  }

  const detail = async () => (await h.crm.adapter.invoices!.find(invoice.workspaceId, invoice.clientId, invoice.id))!;
  const activity = (event: string) => h.crm.db('client_activity_logs').where({ workspace_id: invoice.workspaceId, event }).orderBy('id');

  async function startCheckout(form: Record<string, string>): Promise<string> {
    const pay = `/portal/demo/invoices/${invoice.id}/pay`;
    const res = await postFormFrom(client, pay, pay, form, 303);
    const match = /\/portal\/demo\/payments\/demo\/([0-9a-f-]{36})$/.exec(res.headers.location ?? '');
    expect(match, res.headers.location).to.not.equal(null);
    return match![1]!;
  }

  const callback = (paymentId: string, amountCents: number, currency: string, eventId = `evt_${paymentId}`) =>
    sendDemoCallback(h, demo, { workspaceId: invoice.workspaceId, checkoutId: paymentId, amountCents, currency, eventId });

  /** A new open invoice of 500.00 for Maria's company, so each test starts from a known balance. */
  async function newOpenInvoice() {
    const created = await createInvoice(h.crm.db, {
      workspaceId: Number(invoice.workspaceId),
      clientId: Number(invoice.clientId),
      status: 'sent',
      currency: 'EUR',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: [{ description: 'Design work', quantity: 1, unitPriceCents: 50_000 }],
    });
    invoice = { ...invoice, id: String(created.id) };
  }

  before(async function () {
    h = await startPortalHarness();
    const maria = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    client = await signedInAgent(h.agent(), 'demo', maria);
    invoice = await openInvoiceOf(h.crm.db, maria.email);
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    staff = h.agent();
    const page = await staff.get('/signin').expect(200);
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: admin.email, password: admin.password })
      .expect(303);
  });

  after(async function () {
    await h?.close();
  });

  it('with online payments off: no new online payment (404), the bank transfer still shown; callbacks still heard', async function () {
    await saveSwitches(false);
    const page = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    expect(page.text).to.include('Pay by bank transfer').and.include('DE89 3704 0044 0532 0130 00');
    expect(page.text).to.not.include('name="choice"');
    await client
      .post(`/portal/demo/invoices/${invoice.id}/pay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), choice: 'full' })
      .expect(404);
    // The switch governs new checkouts; a provider's event about one already started is still
    // read (this one names no checkout, so nothing is recorded).
    await callback('00000000-0000-4000-8000-000000000000', 100, 'USD').expect(200);
    // The invoice's pay button leads there too.
    expect((await client.get(`/portal/demo/invoices/${invoice.id}`).expect(200)).text).to.include(
      `/portal/demo/invoices/${invoice.id}/pay`,
    );

    // Without bank details (nor instructions) there is no way to pay: no button, no page.
    const saved = await h.crm.db('workspaces').where({ id: invoice.workspaceId }).first('iban');
    await h.crm.db('workspaces').where({ id: invoice.workspaceId }).update({ iban: null });
    try {
      expect((await client.get(`/portal/demo/invoices/${invoice.id}`).expect(200)).text).to.not.include(`/invoices/${invoice.id}/pay`);
      await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(404);
      await client
        .post(`/portal/demo/invoices/${invoice.id}/pay/transfer`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), reference: 'none' })
        .expect(404);
    } finally {
      await h.crm.db('workspaces').where({ id: invoice.workspaceId }).update(saved);
    }
  });

  it('shows the amount, IBAN, BIC and reference with an EPC QR code that decodes to them; the transfer report records no payment', async function () {
    await newOpenInvoice();
    const { number, balanceCents } = await detail();
    const page = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    expect(page.text).to.include('€500.00').and.include('COBADEFFXXX').and.include(number);
    const src = /<img src="(data:image\/png;base64,[^"]+)"[^>]*data-epc-qr/.exec(page.text)?.[1];
    expect(src, 'the QR code image').to.be.a('string');
    const decoded = decodeQrPng(pngFromDataUrl(src!));
    expect(decoded).to.equal(
      ['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Demo Agency GmbH', 'DE89370400440532013000', 'EUR500.00', '', '', number].join('\n'),
    );
    expect(balanceCents).to.equal(50_000);

    const before = await detail();
    await client
      .post(`/portal/demo/invoices/${invoice.id}/pay/transfer`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), reference: 'TRF-OFF' })
      .expect(303)
      .expect('Location', `/portal/demo/invoices/${invoice.id}/pay?reported=1`);
    expect(await detail()).to.deep.equal(before);
    expect((await activity('invoice.payment_reported')).map((row) => row.details.reference)).to.include('TRF-OFF');
    // A note to the agency: its admins are told, as with online payments on.
    await new Promise((resolve) => setTimeout(resolve, 2300));
    await h.crm.portal.notifications.runOnce();
    await h.crm.portal.notifications.runOnce();
    await h.crm.portal.drainOutbox();
    expect(h.smtp.messages.filter((m) => m.subject.includes('bank transfer'))).to.have.length.greaterThan(0);
  });

  it('no QR code for an invoice in another currency; the account and reference still shown, with why', async function () {
    const created = await createInvoice(h.crm.db, {
      workspaceId: Number(invoice.workspaceId),
      clientId: Number(invoice.clientId),
      status: 'sent',
      currency: 'USD',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: [{ description: 'Consulting', quantity: 1, unitPriceCents: 20_000 }],
    });
    const page = await client.get(`/portal/demo/invoices/${created.id}/pay`).expect(200);
    expect(page.text).to.include('DE89 3704 0044 0532 0130 00').and.include('The scannable code is for transfers in euros');
    expect(page.text).to.not.include('data-epc-qr');
  });

  it('lets the admin set bank transfer instructions (post/redirect/get, errors re-shown)', async function () {
    await saveSwitches(true);
    const page = await staff.get('/settings/client-portal/payments').expect(200);
    const bad = await staff
      .post('/settings/client-portal/payments')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), bankTransferInstructions: 'x', onlineProvider: 'paypal' })
      .expect(400);
    expect(bad.text).to.include('Choose an online payment provider from the list.');
    await staff
      .post('/settings/client-portal/payments')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        bankTransferInstructions: 'Northwind Agency\nIBAN DE89 3704 0044 0532 0130 00',
        onlineProvider: 'demo',
      })
      .expect(303)
      .expect('Location', '/settings/client-portal/payments?saved=1');
    const pay = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    expect(pay.text).to.include('IBAN DE89 3704 0044 0532 0130 00');
  });

  it('re-shows the pay form with the amount typed and the error for a bad or too large amount', async function () {
    const page = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    const bad = await client
      .post(`/portal/demo/invoices/${invoice.id}/pay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), choice: 'partial', amount: 'lots' })
      .expect(400);
    expect(bad.text).to.include('Enter an amount of money').and.include('value="lots"');
    const tooMuch = await client
      .post(`/portal/demo/invoices/${invoice.id}/pay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), choice: 'partial', amount: '99999999' })
      .expect(400);
    expect(tooMuch.text).to.include('more than is left to pay');
  });

  it('pays part through the demo checkout, then the rest: the invoice turns paid', async function () {
    const before = await detail();
    const paymentId = await startCheckout({ choice: 'partial', amount: '1,50' });
    const checkout = await client.get(`/portal/demo/payments/demo/${paymentId}`).expect(200);
    expect(checkout.text).to.include('Demo payment provider').and.include('No card is charged');
    await client
      .post(`/portal/demo/payments/demo/${paymentId}`)
      .type('form')
      .send({ _csrf: csrfFrom(checkout.text), action: 'pay' })
      .expect(303);
    const partly = await detail();
    expect(partly.paidCents).to.equal(before.paidCents + 150);
    expect(partly.status).to.equal('open');
    expect((await client.get(`/portal/demo/payments/demo/${paymentId}`).expect(200)).text).to.include('Payment received');
    // Staff read it as the client does: partly paid, with what is left, in their language too.
    const recordPath = `/settings/client-portal/records/invoice/${invoice.clientId}/${invoice.id}`;
    const record = (await staff.get(recordPath).expect(200)).text;
    expect(record).to.include('data-status="partly-paid"').and.include('Partly paid');
    expect(record).to.include(`${formattersFor('en', 'UTC').money(partly.balanceCents, partly.currency)} left to pay`);

    // The same callback again (the provider retrying): nothing more is recorded.
    const repeat = await callback(paymentId, 150, before.currency).expect(200);
    expect(repeat.body).to.deep.equal({ status: 'duplicate' });
    expect((await detail()).paidCents).to.equal(partly.paidCents);

    const restId = await startCheckout({ choice: 'full' });
    const page = await client.get(`/portal/demo/payments/demo/${restId}`).expect(200);
    await client
      .post(`/portal/demo/payments/demo/${restId}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'pay' })
      .expect(303);
    const paid = await detail();
    expect(paid.status).to.equal('paid');
    expect(paid.balanceCents).to.equal(0);
    expect(await activity('invoice.payment_started')).to.have.length(2);
    const recorded = await activity('invoice.payment_recorded');
    expect(recorded).to.have.length(2);
    expect(recorded[0].details).to.include({ invoiceId: invoice.id, amountCents: 150 });
    expect((await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200)).text).to.include('Nothing is left to pay');
  });

  it("names a payment taken online by its method and a reference to quote, never the provider's id; staff see that id", async function () {
    const paid = await detail();
    const online = paid.payments.filter((payment) => payment.providerReference);
    expect(online.map((payment) => payment.providerReference))
      .to.have.length(2)
      .and.satisfy((ids: string[]) => ids.every((id) => id.startsWith('demo:evt_')));
    expect(online.map((payment) => payment.reference)).to.deep.equal([null, null]);
    const raw = /demo:|evt_/;

    const page = await client.get(`/portal/demo/invoices/${invoice.id}`).expect(200);
    expect(page.text).to.not.match(raw);
    expect(page.text).to.include(`Card · R-${paid.number}-1`).and.include(`Card · R-${paid.number}-2`);
    expect((await client.get(`/portal/demo/invoices/${invoice.id}`).set('Accept-Language', 'de').expect(200)).text).to.include(
      `Karte · R-${paid.number}-1`,
    );
    const pdf = async (href: string) => flat(await pdfText((await client.get(href).buffer(true).parse(binary).expect(200)).body as Buffer));
    const invoicePdf = await pdf(`/portal/demo/invoices/${invoice.id}.pdf`);
    expect(invoicePdf).to.not.match(raw);
    expect(invoicePdf).to.include(`Card · R-${paid.number}-1`);
    const receiptHref = /href="([^"]+\/receipts\/[^"]+\.pdf)"/.exec(page.text)![1]!;
    const receipt = await pdf(receiptHref);
    expect(receipt).to.not.match(raw);
    expect(receipt).to.include('Paid by Card');
    const statement = await pdf('/portal/demo/invoices/statement.pdf');
    expect(statement).to.not.match(raw);
    expect(statement).to.include(`Payment for ${paid.number} · Card · R-${paid.number}-1`);

    const record = await staff.get(`/settings/client-portal/records/invoice/${invoice.clientId}/${invoice.id}`).expect(200);
    for (const payment of online) expect(record.text).to.include(payment.providerReference!);
    // Where the host numbers no payment, staff read the receipt number the client has, not a dash.
    expect(record.text).to.include(`<td>R-${paid.number}-1</td>`);
    // Who paid it online: the person at the client, not a dash.
    expect(record.text).to.include('<td>maria@northwind.test</td>');
  });

  it('records one payment for concurrent duplicate callbacks, and none for a bad signature', async function () {
    await newOpenInvoice();
    const before = await detail();
    const paymentId = await startCheckout({ choice: 'partial', amount: '2' });
    const forged = demo.signedCallback(
      '999',
      {
        id: `evt_${paymentId}`,
        type: 'payment.succeeded',
        payment: { id: paymentId, amount_cents: 200, currency: before.currency, paid_at: new Date().toISOString() },
      },
      new Date(),
    );
    await h
      .agent()
      .post('/portal/demo/payments/callback/demo')
      .set('Demo-Signature', forged.signature)
      .set('Content-Type', 'application/json')
      .send(forged.rawBody.toString())
      .expect(400);

    const started = performance.now();
    // On real PostgreSQL the six arrive at once and race on the unique key. The embedded database
    // serves one backend session and breaks off interleaved statements from concurrent clients, so
    // there they arrive one after another (the same path: the key is taken, nothing is recorded).
    const answers = process.env.DATABASE_URL
      ? await Promise.all(Array.from({ length: 6 }, () => callback(paymentId, 200, before.currency)))
      : await Array.from({ length: 6 }).reduce<Promise<Awaited<ReturnType<typeof callback>>[]>>(
          async (done) => [...(await done), await callback(paymentId, 200, before.currency)],
          Promise.resolve([]),
        );
    const elapsed = performance.now() - started;
    expect(answers.map((res) => `${res.status} ${res.status === 200 ? '' : res.text.slice(0, 300)}`)).to.deep.equal([
      '200 ',
      '200 ',
      '200 ',
      '200 ',
      '200 ',
      '200 ',
    ]);
    expect(answers.map((res) => res.body.status).sort()).to.deep.equal([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'recorded',
    ]);
    const after = await detail();
    expect(after.paidCents).to.equal(before.paidCents + 200);
    expect(after.payments).to.have.length(before.payments.length + 1);
    const [claimed] = await h.crm
      .db('client_payment_callbacks')
      .where({ payment_id: paymentId })
      .count<{ count: string | number }[]>({ count: '*' });
    expect(Number(claimed!.count)).to.equal(1);
    console.log(`      6 duplicate callbacks handled in ${elapsed.toFixed(0)} ms (${(elapsed / 6).toFixed(1)} ms each)`);
  });

  it('takes a bank transfer report without changing the invoice; admins get one email; staff see it as unread', async function () {
    const sentBefore = h.smtp.messages.length;
    const before = await detail();
    const page = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    await client
      .post(`/portal/demo/invoices/${invoice.id}/pay/transfer`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), reference: 'TRF-77' })
      .expect(303)
      .expect('Location', `/portal/demo/invoices/${invoice.id}/pay?reported=1`);
    expect(await detail()).to.deep.equal(before);
    const reported = (await activity('invoice.payment_reported')).find((row) => row.details.reference === 'TRF-77');
    expect(reported?.details).to.include({ reference: 'TRF-77' });

    await new Promise((resolve) => setTimeout(resolve, 2300));
    await h.crm.portal.notifications.runOnce();
    await h.crm.portal.notifications.runOnce();
    await h.crm.portal.drainOutbox();
    const admins = await h.crm.adapter.staff.listAdmins!(invoice.workspaceId);
    const emails = h.smtp.messages.slice(sentBefore).filter((m) => m.subject.includes('bank transfer'));
    expect(emails.map((m) => m.to[0]).sort()).to.deep.equal(admins.map((a) => a.email).sort());
    // Compared without white space: the capture's quoted-printable decoding may drop a space at a soft line break.
    expect(emails[0]!.text.replace(/\s+/g, '')).to.include('Northwind').and.include('Reportedpayingbybanktransfer');

    const list = await staff.get('/client-portal/notifications').expect(200);
    expect(list.text).to.include('Reported paying by bank transfer').and.include('Paid an invoice online').and.include('Northwind Traders');
    const crmPage = await staff.get('/').expect(200);
    expect(crmPage.text).to.match(/Client notifications <span class="badge">\d+/);
    await staff
      .post('/client-portal/notifications/read')
      .type('form')
      .send({ _csrf: csrfFrom(list.text) })
      .expect(303);
    expect((await staff.get('/').expect(200)).text).to.not.match(/Client notifications <span class="badge">/);
  });

  it('keeps one demo checkout per invoice and amount, and says "received" for one paid after the invoice was settled', async function () {
    await newOpenInvoice();
    const first = await startCheckout({ choice: 'full' });
    expect(await startCheckout({ choice: 'full' })).to.equal(first);
    const checkout = await client.get(`/portal/demo/payments/demo/${first}`).expect(200);
    // The invoice is settled in the CRM while the client is on the checkout page; then they pay.
    await h.crm.adapter.invoices!.recordPayment!(invoice.workspaceId, invoice.clientId, invoice.id, {
      amountCents: 50_000,
      method: 'bank_transfer',
      reference: null,
      paidAt: new Date(),
      provider: null,
    });
    await client
      .post(`/portal/demo/payments/demo/${first}`)
      .type('form')
      .send({ _csrf: csrfFrom(checkout.text), action: 'pay' })
      .expect(303);
    const after = (await client.get(`/portal/demo/payments/demo/${first}`).expect(200)).text;
    expect(after).to.include('data-outcome="unapplied"').and.include('has been received, but it could not be applied');
    expect(await h.crm.db('client_unapplied_payments').where({ workspace_id: invoice.workspaceId, payment_id: first })).to.have.length(1);
    expect((await activity('invoice.payment_unapplied')).filter((row) => row.details.paymentId === first)).to.have.length(1);
  });

  it('counts the SQL round trips of the pay page and of a callback', async function () {
    await newOpenInvoice();
    // Every statement a pg client of this process sends for the request (knex's and below it,
    // BEGIN and COMMIT too), the harness's timers left out (test/support/query-counter.ts).
    const counter = countQueries();
    try {
      await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
      const payPage = await counter.measure(() => client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200));
      const paymentId = await startCheckout({ choice: 'partial', amount: '1' });
      const currency = (await detail()).currency;
      const paid = await counter.measure(() => callback(paymentId, 100, currency).expect(200));
      console.log(`      pay page: ${payPage.count} queries; callback: ${paid.count} queries`);
      expect(payPage.count, describeQueries('the pay page', payPage)).to.be.at.most(PAY_PAGE_BUDGET);
      expect(paid.count, describeQueries('a callback', paid)).to.be.at.most(CALLBACK_BUDGET);
    } finally {
      counter.stop();
    }
  });
});
