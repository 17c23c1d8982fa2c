// Saved payment methods and autopay over HTTP against the reference CRM with the demo provider:
// the agency allows autopay on its payments page; a client saves a card on the demo provider's page,
// switches autopay on with the consent (refused without it), and an invoice the agency then issues,
// due today, is paid by the next pass with no step by the client, in the CRM's own table, logged
// "paid automatically". A second pass charges nothing more. A declining card fails: the checkout
// closes, the client gets an email with one step to fix it, the agency is told, the next attempt
// waits for the retry days. Removing the last method switches autopay off; another company's
// method is not found; forty identical submissions at once save one consent.
import { expect } from 'chai';
import { SECTION_SWITCHES } from '../../../core/index.ts';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';
import { mariasCompany, openInvoiceFor } from './autopay-world.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const PAGE = '/portal/demo/payment-methods';

describe('saved payment methods and autopay', function () {
  this.timeout(90_000);
  let h: PortalHarness;
  let client: Agent;
  let scope: { workspaceId: string; clientId: string };
  const today = new Date().toISOString().slice(0, 10);

  const newInvoice = (cents: number, issueDate = today, dueDate = today) => openInvoiceFor(h, scope, cents, { issueDate, dueDate });
  const find = async (id: string) => (await h.crm.adapter.invoices!.find(scope.workspaceId, scope.clientId, id))!;

  async function allowAutopay(retryDays: string) {
    const staff = await signedInStaffAgent(h, 'demo');
    const settings = await staff.get('/settings/client-portal').expect(200);
    const switches: Record<string, string> = { _csrf: csrfFrom(settings.text), loginWithCode: 'on', loginWithPassword: 'on' };
    for (const s of SECTION_SWITCHES) switches[s.key] = 'on';
    await staff.post('/settings/client-portal').type('form').send(switches).expect(303);
    const page = await staff.get('/settings/client-portal/payments').expect(200);
    await staff
      .post('/settings/client-portal/payments')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        bankTransferInstructions: '',
        onlineProvider: 'demo',
        autopayAllowed: 'on',
        autopayRetryDays: retryDays,
      })
      .expect(303);
  }

  /** Saves a demo method through the demo provider's page, as the client's browser does. */
  async function saveMethod(method: 'card' | 'declining_card' | 'sepa_debit') {
    const page = await client.get(PAGE).expect(200);
    const started = await client
      .post(`${PAGE}/add`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const setupUrl = started.headers.location!;
    expect(setupUrl).to.match(/\/portal\/demo\/payment-methods\/demo\/[0-9a-f-]{36}$/);
    const setup = await client.get(setupUrl).expect(200);
    const back = await client
      .post(setupUrl)
      .type('form')
      .send({ _csrf: csrfFrom(setup.text), action: 'save', method })
      .expect(303);
    const returned = await client.get(back.headers.location!).expect(200);
    expect(returned.text).to.include('The payment method is saved.');
  }

  async function switchOn(form: Record<string, string>, status: number) {
    const page = await client.get(PAGE).expect(200);
    return client
      .post(`${PAGE}/autopay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'on', ...form })
      .expect(status);
  }

  const methodsOf = () =>
    h.crm.db('client_payment_methods').where({ workspace_id: scope.workspaceId, client_id: scope.clientId }).whereNull('removed_at');
  const activity = (event: string) => h.crm.db('client_activity_logs').where({ workspace_id: scope.workspaceId, event });

  before(async function () {
    h = await startPortalHarness();
    const maria = await mariasCompany(h);
    client = await signedInAgent(h.agent(), 'demo', maria.login);
    scope = maria.scope;
  });

  after(async function () {
    await h?.close();
  });

  it('is not offered until the agency allows autopay', async function () {
    await client.get(PAGE).expect(404);
    const staff = await signedInStaffAgent(h, 'demo');
    expect((await staff.get('/settings/client-portal/payments').expect(200)).text).to.not.include('payment_intent.succeeded');
    await allowAutopay('1, 3, 7');
    // Autopay's charges report through PaymentIntent events: the Stripe endpoint must send them too.
    expect((await staff.get('/settings/client-portal/payments').expect(200)).text).to.include('payment_intent.succeeded');
    const page = await client.get(PAGE).expect(200);
    expect(page.text).to.include('No payment method is saved yet.').and.include('Save a payment method first to switch autopay on.');
  });

  it('saves a card, switches autopay on with the consent, and pays an invoice issued afterwards with no step by the client', async function () {
    await saveMethod('card');
    const [method] = await methodsOf();
    expect(method).to.include({ kind: 'card', brand: 'visa', last4: '4242', is_default: true });

    // Without the consent ticked: refused with a message, nothing switched on.
    const refused = await switchOn({ chargeOn: 'due' }, 400);
    expect(refused.text).to.include('Tick the box to accept the autopay consent.');
    expect(await h.crm.db('client_autopay').where({ workspace_id: scope.workspaceId, client_id: scope.clientId })).to.have.length(0);

    await switchOn({ chargeOn: 'due', consent: 'on' }, 303);
    const [enrolled] = await h.crm.db('client_autopay').where({ workspace_id: scope.workspaceId, client_id: scope.clientId });
    expect(enrolled).to.include({ enabled: true, charge_on: 'due', consent_version: '2026-11', accepted_by_email: 'maria@northwind.test' });
    expect(enrolled.consent_text).to.include('I authorise').and.include("Chosen: on the invoice's due date.");
    const page = await client.get(PAGE).expect(200);
    expect(page.text).to.include('Autopay is on: new invoices are charged to Visa ending in 4242.').and.include('consent version 2026-11');

    // Invoices dated before the consent are not charged by surprise; one issued now, due today, is.
    const older = await newInvoice(9_900, '2026-01-01', '2026-01-31');
    const invoiceId = await newInvoice(48_000);
    const laterThisMonth = await newInvoice(12_000, today, '2099-12-31');
    expect(await h.crm.portal.autopay!.run()).to.equal(1);
    const paid = await find(invoiceId);
    expect(paid.status).to.equal('paid');
    expect(paid.payments.map((payment) => payment.amountCents)).to.deep.equal([48_000]);
    expect((await find(older)).status).to.equal('open');
    expect((await find(laterThisMonth)).status).to.equal('open');
    // In the CRM's own table, as a client's own online payment.
    const hostPayments = await h.crm.db('payments').where({ invoice_id: Number(invoiceId) });
    expect(hostPayments).to.have.length(1);
    expect(hostPayments[0].reference).to.match(/^demo:portal-autopay-/);
    const logged = await activity('invoice.autopay_paid');
    expect(logged.map((row) => row.details.invoiceId)).to.include(invoiceId);

    // The next pass charges nothing again.
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
    expect(await h.crm.db('client_autopay_charges').where({ workspace_id: scope.workspaceId, invoice_id: invoiceId })).to.have.length(1);
  });

  it('tells the client and the agency when a charge fails, and tries again only after the retry days', async function () {
    await saveMethod('declining_card');
    const declining = (await methodsOf()).find((row) => row.last4 === '0002')!;
    const page = await client.get(PAGE).expect(200);
    await client
      .post(`${PAGE}/${declining.id}/default`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const invoiceId = await newInvoice(30_000);
    const number = (await find(invoiceId)).number;

    expect(await h.crm.portal.autopay!.run()).to.equal(1);
    expect((await find(invoiceId)).status).to.equal('open');
    const [charge] = await h.crm.db('client_autopay_charges').where({ workspace_id: scope.workspaceId, invoice_id: invoiceId });
    expect(charge).to.include({ status: 'failed', failure_code: 'card_declined', attempt: 1 });
    const waited = new Date(charge.next_attempt_at).getTime() - new Date(charge.attempted_at).getTime();
    expect(Math.round(waited / 86_400_000)).to.equal(1);
    const [checkout] = await h.crm.db('client_payments').where({ workspace_id: scope.workspaceId, checkout_id: charge.checkout_id });
    expect(checkout).to.include({ status: 'refused', origin: 'autopay' });
    expect((await activity('invoice.autopay_failed')).map((row) => row.details.invoiceNumber)).to.include(number);
    await h.crm.portal.drainOutbox();
    const email = await h.smtp.waitForMessage((message) => message.subject.includes(number));
    expect(email.to).to.deep.equal(['maria@northwind.test']);
    expect(email.text).to.include(`/portal/demo/invoices/${invoiceId}/pay`).and.include('/portal/demo/payment-methods');

    // Not again before the retry day; the client can still pay by hand at once.
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
    await h.crm
      .db('client_autopay_charges')
      .where({ workspace_id: scope.workspaceId, id: charge.id })
      .update({ next_attempt_at: new Date(Date.now() - 1000) });
    // The client switched back to the good card meanwhile: the retry pays.
    const good = (await methodsOf()).find((row) => row.last4 === '4242')!;
    const again = await client.get(PAGE).expect(200);
    await client
      .post(`${PAGE}/${good.id}/default`)
      .type('form')
      .send({ _csrf: csrfFrom(again.text) })
      .expect(303);
    expect(await h.crm.portal.autopay!.run()).to.equal(1);
    expect((await find(invoiceId)).status).to.equal('paid');
  });

  it("answers 404 for another company's method and for a method id that is not one", async function () {
    const page = await client.get(PAGE).expect(200);
    await client
      .post(`${PAGE}/00000000-0000-4000-8000-000000000000/default`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(404);
    await client
      .post(`${PAGE}/not-a-uuid/remove`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(404);
    const priya = h.crm.clientLogins.find(
      (l) => l.workspaceSlug === 'demo' && l.email !== 'maria@northwind.test' && l.clientName !== 'Northwind',
    )!;
    const other = await signedInAgent(h.agent(), 'demo', priya);
    const mine = (await methodsOf())[0]!;
    const theirs = await other.get(PAGE);
    if (theirs.status === 200)
      await other
        .post(`${PAGE}/${mine.id}/remove`)
        .type('form')
        .send({ _csrf: csrfFrom(theirs.text) })
        .expect(404);
    expect((await methodsOf()).map((row) => row.id)).to.include(mine.id);
  });

  it('forty identical consents at once switch autopay on once, with no error', async function () {
    await h.afterRepeatWindow();
    const page = await client.get(PAGE).expect(200);
    const before = (await activity('autopay.switched_on')).length;
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        client
          .post(`${PAGE}/autopay`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), action: 'on', chargeOn: 'issue', consent: 'on' }),
      ),
    );
    expect(answers.filter((res) => res.status >= 500)).to.deep.equal([]);
    expect(await h.crm.db('client_autopay').where({ workspace_id: scope.workspaceId, client_id: scope.clientId })).to.have.length(1);
    expect((await activity('autopay.switched_on')).length - before).to.be.at.least(1);
  });

  it('a consent form near the size limit is answered with a clear 4xx', async function () {
    const page = await client.get(PAGE).expect(200);
    const res = await client
      .post(`${PAGE}/autopay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'on', chargeOn: 'x'.repeat(90_000), consent: 'on' });
    expect(res.status).to.be.within(400, 499);
    expect(res.text).to.not.match(/at \w+ \(|stack/i);
  });

  it('a pass with nothing due costs a fixed few statements per enrolled company, none per invoice already paid', async function () {
    // Maria's company is enrolled (charged on the issue day since the consents above): a first pass
    // charges what that made due, the second finds every invoice paid or waiting for its day.
    await h.crm.portal.autopay!.run();
    const counter = countQueries();
    try {
      const counted = await counter.measure(() => h.crm.portal.autopay!.run());
      const own = counted.sql.filter(
        (sql) => !/portal_mail_outbox|portal_notification_dispatch|^(BEGIN|COMMIT|ROLLBACK);?$/i.test(sql.trim()),
      );
      // The enrolled companies (1 page of 200), the workspace's payment settings (1 per workspace),
      // then per company its default method and the host's open invoices (2); their charges are
      // read only when one of them is due.
      expect(own.length, describeQueries('autopay pass', { ...counted, sql: own, count: own.length })).to.equal(4);
    } finally {
      counter.stop();
    }
  });

  it('removing the last method switches autopay off and says so', async function () {
    for (const method of await methodsOf()) {
      const page = await client.get(PAGE).expect(200);
      await client
        .post(`${PAGE}/${method.id}/remove`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(303);
    }
    const [enrolled] = await h.crm.db('client_autopay').where({ workspace_id: scope.workspaceId, client_id: scope.clientId });
    expect(enrolled.enabled).to.equal(false);
    expect((await activity('autopay.switched_off')).map((row) => row.details.reason)).to.include('no_method_left');
    const page = await client.get(PAGE).expect(200);
    expect(page.text).to.include('No payment method is saved yet.');
  });
});
