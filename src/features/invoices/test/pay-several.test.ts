// Paying several invoices at once from the invoice list, over HTTP against the reference CRM with
// the demo provider: the client chooses open invoices, pays their balances in one checkout, and
// each invoice is paid in the CRM's own table by its share; one chosen alone is paid alone and
// the list says so; a repeated callback records nothing more; an invoice paid meanwhile keeps its
// share as unapplied while the others are recorded; the same choice again goes back to the
// checkout already open, and forty at once open one; mixed currencies, nothing chosen, too many,
// another company's invoice and a paid one are refused with a message on the list, nothing
// started; without online payments the online button is absent and the route 404. The request's
// statements are counted.
import { expect } from 'chai';
import { createDemoProvider } from '../payments/demo-provider.ts';
import { sendDemoCallback } from './demo-callback.ts';
import { saveOnlinePayments } from './autopay-world.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { openInvoiceOf } from '../../../../test/route-matrix/payments.routes.ts';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const SECRET = 'test-secret-'.padEnd(48, 'x');
/** What starting a checkout of two invoices may cost in statements; measured, not guessed. */
const PAY_SEVERAL_BUDGET = 13;
/** What each further invoice chosen adds: the host's read of it and its line in the activity log. */
const PER_INVOICE_CHOSEN = 2;
const LIST = '/portal/demo/invoices';

describe('paying several invoices at once', function () {
  this.timeout(90_000);
  let h: PortalHarness;
  let client: Agent;
  let scope: { workspaceId: string; clientId: string };
  const demo = createDemoProvider({ secret: SECRET });

  /** A new open invoice for Maria's company, so each test starts from known balances. */
  async function openInvoice(cents: number, currency = 'EUR'): Promise<string> {
    const created = await createInvoice(h.crm.db, {
      workspaceId: Number(scope.workspaceId),
      clientId: Number(scope.clientId),
      status: 'sent',
      currency,
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: [{ description: 'Retainer', quantity: 1, unitPriceCents: cents }],
    });
    return String(created.id);
  }

  const find = async (id: string) => (await h.crm.adapter.invoices!.find(scope.workspaceId, scope.clientId, id))!;
  const rowsOf = (checkoutId: string) =>
    h.crm.db('client_payments').where({ workspace_id: scope.workspaceId, checkout_id: checkoutId }).orderBy('invoice_number');

  /** Posts the list's form with these invoices chosen, as the browser sends it. */
  async function choose(ids: string[], status: number) {
    const page = await client.get(LIST).expect(200);
    return client
      .post(`${LIST}/pay`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}${ids.map((id) => `&invoice=${encodeURIComponent(id)}`).join('')}`)
      .expect(status);
  }

  async function startCheckout(ids: string[]): Promise<string> {
    const res = await choose(ids, 303);
    const match = /\/portal\/demo\/payments\/demo\/([0-9a-f-]{36})$/.exec(res.headers.location ?? '');
    expect(match, res.headers.location).to.not.equal(null);
    return match![1]!;
  }

  const callback = (checkoutId: string, amountCents: number, eventId = `evt_${checkoutId}`) =>
    sendDemoCallback(h, demo, { workspaceId: scope.workspaceId, checkoutId, amountCents, currency: 'EUR', eventId });

  before(async function () {
    h = await startPortalHarness();
    const maria = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    client = await signedInAgent(h.agent(), 'demo', maria);
    const invoice = await openInvoiceOf(h.crm.db, maria.email);
    scope = { workspaceId: invoice.workspaceId, clientId: invoice.clientId };
    await saveOnlinePayments(h, true);
  });

  after(async function () {
    await h?.close();
  });

  it('pays two open invoices in one payment through the demo checkout: both paid in the CRM, each by its share', async function () {
    const first = await openInvoice(40_000);
    const second = await openInvoice(12_550);
    const list = await client.get(LIST).expect(200);
    expect(list.text).to.include(`id="pay-${first}"`).and.include(`id="pay-${second}"`).and.include('Pay the chosen invoices');

    const checkoutId = await startCheckout([first, second]);
    const checkout = await client.get(`/portal/demo/payments/demo/${checkoutId}`).expect(200);
    // One sum, and what it pays.
    expect(checkout.text)
      .to.include('€525.50')
      .and.include(`${(await find(first)).number}: €400.00`)
      .and.include('€125.50');
    const rows = await rowsOf(checkoutId);
    expect(rows.map((row) => [row.invoice_id, Number(row.amount_cents), row.status])).to.have.deep.members([
      [first, 40_000, 'pending'],
      [second, 12_550, 'pending'],
    ]);

    await client
      .post(`/portal/demo/payments/demo/${checkoutId}`)
      .type('form')
      .send({ _csrf: csrfFrom(checkout.text), action: 'pay' })
      .expect(303);
    for (const id of [first, second]) {
      const paid = await find(id);
      expect(paid.status, `invoice ${id}`).to.equal('paid');
      expect(paid.balanceCents).to.equal(0);
      expect(paid.payments.map((payment) => payment.amountCents)).to.deep.equal([id === first ? 40_000 : 12_550]);
    }
    // In the CRM's own table: a payment row per invoice, with the provider's one reference.
    const hostPayments = await h.crm
      .db('payments')
      .whereIn('invoice_id', [first, second].map(Number))
      .select('invoice_id', 'amount_cents', 'reference');
    expect(hostPayments).to.have.length(2);
    expect(new Set(hostPayments.map((row) => row.reference))).to.deep.equal(new Set([`demo:evt_${checkoutId}`]));
    expect((await rowsOf(checkoutId)).map((row) => row.status)).to.deep.equal(['recorded', 'recorded']);
    const recorded = await h.crm.db('client_activity_logs').where({ workspace_id: scope.workspaceId, event: 'invoice.payment_recorded' });
    expect(recorded.filter((row) => row.details.checkoutId === checkoutId).map((row) => row.details.invoiceId)).to.have.members([
      first,
      second,
    ]);

    // Back on the list from the provider, through the checkout's link: the sum received and the invoices updated.
    const paidCheckout = await client.get(`/portal/demo/payments/demo/${checkoutId}`).expect(200);
    expect(paidCheckout.text).to.include(`href="${LIST}?payment=${checkoutId}"`);
    const back = await client.get(`${LIST}?payment=${checkoutId}`).expect(200);
    expect(back.text)
      .to.include('data-outcome="paid"')
      .and.include('your payment of €525.50 has been received and the 2 invoices are updated');
    // Paid invoices are no longer offered.
    expect(back.text).to.not.include(`id="pay-${first}"`);

    // The provider sends its event again: nothing more is recorded.
    await callback(checkoutId, 52_550).expect(200, { status: 'duplicate' });
    await callback(checkoutId, 52_550, `evt_again_${checkoutId}`).expect(200);
    expect(await h.crm.db('payments').whereIn('invoice_id', [first, second].map(Number))).to.have.length(2);
  });

  it('one invoice chosen on the list is paid alone, and the list it comes back to says so', async function () {
    const only = await openInvoice(9_900);
    const checkoutId = await startCheckout([only]);
    await callback(checkoutId, 9_900).expect(200, { status: 'recorded' });
    expect((await find(only)).status).to.equal('paid');
    const back = await client.get(`${LIST}?payment=${checkoutId}`).expect(200);
    expect(back.text).to.include('data-outcome="paid"').and.include('your payment of €99.00 has been received and the invoice is updated');
  });

  it('an invoice paid meanwhile keeps its share as unapplied; the other is recorded', async function () {
    const first = await openInvoice(30_000);
    const second = await openInvoice(20_000);
    const checkoutId = await startCheckout([first, second]);
    // Paid in the CRM by staff while the client was on the provider's page.
    await h.crm.adapter.invoices!.recordPayment!(scope.workspaceId, scope.clientId, second, {
      amountCents: 20_000,
      method: 'bank_transfer',
      reference: 'staff',
      paidAt: new Date(),
      provider: null,
    });
    await callback(checkoutId, 50_000).expect(200, { status: 'recorded' });
    expect((await find(first)).status).to.equal('paid');
    expect((await find(second)).payments.map((payment) => payment.amountCents)).to.deep.equal([20_000]);
    const rows = await rowsOf(checkoutId);
    const kept = await h.crm
      .db('client_unapplied_payments')
      .where({ workspace_id: scope.workspaceId })
      .whereIn(
        'payment_id',
        rows.map((row) => row.id),
      );
    expect(kept.map((row) => [row.invoice_id, Number(row.amount_cents), row.reason])).to.deep.equal([[second, 20_000, 'not_applicable']]);
    expect(Object.fromEntries(rows.map((row) => [row.invoice_id, row.status]))).to.deep.equal({
      [first]: 'recorded',
      [second]: 'unapplied',
    });
    const back = await client.get(`${LIST}?payment=${checkoutId}`).expect(200);
    expect(back.text)
      .to.include('data-outcome="unapplied"')
      .and.include(`applied to ${(await find(first)).number}`);
  });

  it('the same choice again goes back to the open checkout; forty at once open one; paying one of them alone closes it', async function () {
    const first = await openInvoice(10_000);
    const second = await openInvoice(5_000);
    const checkoutId = await startCheckout([first, second]);
    expect(await startCheckout([second, first])).to.equal(checkoutId);

    const third = await openInvoice(7_000);
    const page = await client.get(LIST).expect(200);
    const body = `_csrf=${encodeURIComponent(csrfFrom(page.text))}&invoice=${first}&invoice=${third}`;
    const answers = await Promise.all(Array.from({ length: 40 }, () => client.post(`${LIST}/pay`).type('form').send(body)));
    // Every click answered without a server error; those that opened or reused the checkout were sent to the same one.
    expect(answers.filter((res) => res.status >= 500).map((res) => res.status)).to.deep.equal([]);
    const locations = new Set(answers.filter((res) => res.status === 303).map((res) => res.headers.location));
    expect(locations.size).to.equal(1);
    const pending = await h.crm
      .db('client_payments')
      .where({ workspace_id: scope.workspaceId, status: 'pending' })
      .whereIn('invoice_id', [first, second, third]);
    // The new choice closed the first checkout (it paid `first` too) and opened exactly one.
    expect(new Set(pending.map((row) => row.checkout_id)).size).to.equal(1);
    expect(pending.map((row) => row.invoice_id)).to.have.members([first, third]);
    expect((await rowsOf(checkoutId)).map((row) => row.status)).to.deep.equal(['cancelled', 'cancelled']);

    // Paying one of them alone closes the checkout of several: both its rows.
    const pay = `/portal/demo/invoices/${third}/pay`;
    const payPage = await client.get(pay).expect(200);
    await client
      .post(pay)
      .type('form')
      .send({ _csrf: csrfFrom(payPage.text), choice: 'full' })
      .expect(303);
    const open = await h.crm
      .db('client_payments')
      .where({ workspace_id: scope.workspaceId, status: 'pending' })
      .whereIn('invoice_id', [first, third]);
    expect(open.map((row) => row.invoice_id)).to.deep.equal([third]);
  });

  it('refuses what cannot be paid together with a message on the list, and starts nothing', async function () {
    const euro = await openInvoice(10_000);
    const dollar = await openInvoice(10_000, 'USD');
    const started = async () =>
      Number((await h.crm.db('client_payments').where({ workspace_id: scope.workspaceId }).count({ n: '*' }))[0]!.n);
    const before = await started();

    const mixed = await choose([euro, dollar], 400);
    expect(mixed.text).to.include('The chosen invoices are in different currencies');
    // What was chosen stays chosen.
    expect(mixed.text).to.match(new RegExp(`id="pay-${euro}"[^>]*checked`));

    const page = await client.get(LIST).expect(200);
    const none = await client
      .post(`${LIST}/pay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(400);
    expect(none.text).to.include('Choose at least one invoice to pay.');
    const many = await choose(
      Array.from({ length: 26 }, (_, index) => String(index + 1)),
      400,
    );
    expect(many.text).to.include('Choose at most 25 invoices for one payment.');

    // Another company's invoice is not found for this client.
    const other = await h.crm
      .db('invoices')
      .where({ workspace_id: Number(scope.workspaceId) })
      .whereNot({ client_id: Number(scope.clientId) })
      .first('id');
    const foreign = await choose([euro, String(other!.id)], 400);
    expect(foreign.text).to.include('One of the chosen invoices could not be found');

    // A paid one is named.
    await h.crm.adapter.invoices!.recordPayment!(scope.workspaceId, scope.clientId, euro, {
      amountCents: 10_000,
      method: 'bank_transfer',
      reference: 'staff',
      paidAt: new Date(),
      provider: null,
    });
    const paid = await choose([euro], 400);
    expect(paid.text).to.include(`Nothing is left to pay on invoice ${(await find(euro)).number}`);
    expect(await started()).to.equal(before);
  });

  it('answers a form near the size limit, or past its field count, at once with a message', async function () {
    const page = await client.get(LIST).expect(200);
    const csrf = `_csrf=${encodeURIComponent(csrfFrom(page.text))}`;
    // Twenty-six ids of 1,100 characters: about 29 KB of the 32 KB a form may hold.
    const near = `${csrf}${Array.from({ length: 26 }, (_, n) => `&invoice=${String(n).padStart(1_100, '9')}`).join('')}`;
    const started = Date.now();
    const big = await client.post(`${LIST}/pay`).type('form').send(near).expect(400);
    expect(big.text).to.include('Choose at most 25 invoices for one payment.');
    // More fields than a form may have: refused before it is read.
    const many = `${csrf}${Array.from({ length: 60 }, (_, n) => `&invoice=${n}`).join('')}`;
    await client.post(`${LIST}/pay`).type('form').send(many).expect(413);
    expect(Date.now() - started, 'both answered within seconds').to.be.below(5_000);
  });

  it('without online payments: no online button on the list, and the form does not exist (404)', async function () {
    const id = await openInvoice(1_000);
    await saveOnlinePayments(h, false);
    try {
      const list = await client.get(LIST).expect(200);
      // The choice stays for one bank transfer (several-transfer.test.ts), not for paying online.
      expect(list.text).to.include(`/invoices/${id}`).and.not.include('Pay the chosen invoices</button>');
      await client
        .post(`${LIST}/pay`)
        .type('form')
        .send({ _csrf: csrfFrom(list.text), invoice: id })
        .expect(404);
    } finally {
      await saveOnlinePayments(h, true);
    }
  });

  it('counts the statements of starting a checkout: a fixed part, and two per invoice chosen (its read, its log line)', async function () {
    const counter = countQueries();
    const start = async (count: number) => {
      const ids: string[] = [];
      // One after another: the CRM numbers each from the last.
      for (let index = 0; index < count; index += 1) ids.push(await openInvoice(1_000 + index));
      const page = await client.get(LIST).expect(200);
      const body = `_csrf=${encodeURIComponent(csrfFrom(page.text))}${ids.map((id) => `&invoice=${id}`).join('')}`;
      return counter.measure(() => client.post(`${LIST}/pay`).type('form').send(body).expect(303));
    };
    try {
      const two = await start(2);
      const four = await start(4);
      console.log(`      starting a checkout: ${two.count} queries for two invoices, ${four.count} for four`);
      expect(two.count, describeQueries('starting a checkout of two invoices', two)).to.be.at.most(PAY_SEVERAL_BUDGET);
      expect(four.count - two.count, describeQueries('starting a checkout of four invoices', four)).to.be.at.most(2 * PER_INVOICE_CHOSEN);
    } finally {
      counter.stop();
    }
  });
});
