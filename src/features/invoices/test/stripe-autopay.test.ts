// Autopay through Stripe, the official SDK against the project's stand-in (Stripe's wire format,
// webhooks signed as Stripe signs them), over HTTP against the reference CRM: a client saves a card
// in a Checkout Session in setup mode and switches autopay on; an invoice due today is charged
// off-session (a PaymentIntent with the attempt's idempotency key) and paid in the CRM; Stripe's own
// payment_intent.succeeded for it, delivered twice, changes nothing. A declined charge is followed
// by a fix (the card works again) and the retry pays once. A SEPA mandate: the advance notice is
// emailed first with its day, the debit is made only from that day, stays processing until Stripe's
// event, and that event replayed records one payment.
import { expect } from 'chai';
import { openInvoiceFor } from './autopay-world.ts';
import { csrfFrom, postFormFrom, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { chooseStripeOnDemo } from '../../../../test/support/stripe-portal.ts';
import {
  postStripeEvent,
  type StandInPaymentIntent,
  type StandInSetupSession,
  startStripeStandIn,
  type StripeStandIn,
} from '../../../../test/support/stripe-stand-in.ts';
import { addDays } from '../../../core/index.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const PAGE = '/portal/demo/payment-methods';

describe('autopay with Stripe (the SDK against a stand-in in Stripe wire format)', function () {
  this.timeout(90_000);
  let stripe: StripeStandIn;
  let h: PortalHarness;
  let client: Agent;
  let scope: { workspaceId: string; clientId: string };
  const today = new Date().toISOString().slice(0, 10);

  const newInvoice = (cents: number) => openInvoiceFor(h, scope, cents);
  const find = async (id: string) => (await h.crm.adapter.invoices!.find(scope.workspaceId, scope.clientId, id))!;
  const hostPayments = (id: string) => h.crm.db('payments').where({ workspace_id: scope.workspaceId, invoice_id: Number(id) });

  function deliver(payload: object) {
    const text = JSON.stringify(payload);
    return postStripeEvent(h.agent(), text, stripe.sign(text)).expect(200);
  }

  /** Saves a way to pay in a setup session, as Stripe's page and its webhook do. */
  async function saveMethod(choice: Parameters<StripeStandIn['completeSetup']>[1]): Promise<StandInSetupSession> {
    const page = await client.get(PAGE).expect(200);
    const started = await client
      .post(`${PAGE}/add`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const id = /\/(cs_test_[\w-]+)$/.exec(String(started.headers.location))?.[1];
    expect(id, String(started.headers.location)).to.be.a('string');
    const session = stripe.completeSetup(id!, choice);
    await deliver(stripe.event('checkout.session.completed', session));
    return session;
  }

  const intentFor = (invoiceId: string): StandInPaymentIntent => {
    const found = [...stripe.paymentIntents.values()].filter((intent) =>
      intent.description?.endsWith(invoiceNumbers.get(invoiceId) ?? '?'),
    );
    expect(found, `payment intents of invoice ${invoiceId}`).to.have.length.at.least(1);
    return found.at(-1)!;
  };
  const invoiceNumbers = new Map<string, string>();
  async function issue(cents: number) {
    const id = await newInvoice(cents);
    invoiceNumbers.set(id, (await find(id)).number);
    return id;
  }

  before(async function () {
    stripe = await startStripeStandIn();
    h = await startPortalHarness({
      boot: { stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, apiBase: stripe.url } },
    });
    const demo = await chooseStripeOnDemo(h);
    client = demo.client;
    scope = { workspaceId: demo.invoice.workspaceId, clientId: demo.invoice.clientId };
    const payments = '/settings/client-portal/payments';
    await postFormFrom(
      demo.staff,
      payments,
      payments,
      { bankTransferInstructions: '', onlineProvider: 'stripe', autopayAllowed: 'on', autopayRetryDays: '2, 5', sepaNoticeDays: '3' },
      303,
    );
  });

  after(async function () {
    await h?.close();
    await stripe?.close();
  });

  it('charges a saved card off-session once, and a webhook replayed twice records nothing more', async function () {
    await saveMethod({ kind: 'card' });
    const [method] = await h.crm.db('client_payment_methods').where({ workspace_id: scope.workspaceId, client_id: scope.clientId });
    expect(method).to.include({ provider: 'stripe', kind: 'card', is_default: true });
    expect(method.customer_id).to.match(/^cus_/);
    expect(method.provider_method_id).to.match(/^pm_/);
    const page = await client.get(PAGE).expect(200);
    await client
      .post(`${PAGE}/autopay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'on', chargeOn: 'due', consent: 'on' })
      .expect(303);

    const invoiceId = await issue(25_000);
    expect(await h.crm.portal.autopay!.run()).to.equal(1);
    const charge = stripe.requests.find((r) => r.method === 'POST' && r.path === '/v1/payment_intents')!;
    expect(charge.form).to.deep.include({
      amount: '25000',
      currency: 'eur',
      off_session: 'true',
      confirm: 'true',
      customer: method.customer_id,
    });
    expect(charge.idempotencyKey).to.match(/^portal-autopay-[0-9a-f-]{36}$/);
    expect((await find(invoiceId)).status).to.equal('paid');
    const intent = intentFor(invoiceId);
    expect((await hostPayments(invoiceId)).map((row) => row.reference)).to.deep.equal([intent.id]);

    // Stripe's own event for the same charge, twice: answered, nothing recorded again.
    const event = stripe.paymentIntentEvent('payment_intent.succeeded', intent);
    await deliver(event);
    await deliver(event);
    expect(await hostPayments(invoiceId)).to.have.length(1);
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
  });

  it('a declined charge tells the client, and after the fix the retry pays once', async function () {
    const [method] = await h.crm
      .db('client_payment_methods')
      .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, kind: 'card' });
    stripe.failNextCharges(method.provider_method_id, 'insufficient_funds');
    const invoiceId = await issue(18_000);
    expect(await h.crm.portal.autopay!.run()).to.equal(1);
    expect((await find(invoiceId)).status).to.equal('open');
    const [failed] = await h.crm.db('client_autopay_charges').where({ workspace_id: scope.workspaceId, invoice_id: invoiceId });
    expect(failed).to.include({ status: 'failed', failure_code: 'insufficient_funds' });
    expect(Math.round((new Date(failed.next_attempt_at).getTime() - new Date(failed.attempted_at).getTime()) / 86_400_000)).to.equal(2);
    await h.crm.portal.drainOutbox();
    await h.smtp.waitForMessage((message) => message.subject.includes(invoiceNumbers.get(invoiceId)!));
    // Stripe's payment_intent.payment_failed for the declined intent: the checkout is already closed.
    await deliver(stripe.paymentIntentEvent('payment_intent.payment_failed', intentFor(invoiceId)));

    // The fix: the card works again (the client topped up the account); the retry day comes.
    stripe.failNextCharges(method.provider_method_id, null);
    await h.crm
      .db('client_autopay_charges')
      .where({ workspace_id: scope.workspaceId, id: failed.id })
      .update({ next_attempt_at: new Date(Date.now() - 1000) });
    expect(await h.crm.portal.autopay!.run()).to.equal(1);
    expect((await find(invoiceId)).status).to.equal('paid');
    expect(await hostPayments(invoiceId)).to.have.length(1);
    const attempts = await h.crm
      .db('client_autopay_charges')
      .where({ workspace_id: scope.workspaceId, invoice_id: invoiceId })
      .orderBy('attempt');
    expect(attempts.map((row) => [row.attempt, row.status])).to.deep.equal([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
  });

  it('a SEPA mandate: the notice first, the debit from its day, recorded once on Stripe’s event', async function () {
    await saveMethod({ kind: 'sepa_debit' });
    const sepa = await h.crm
      .db('client_payment_methods')
      .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, kind: 'sepa_debit' })
      .first();
    expect(sepa.mandate_reference).to.be.a('string').and.not.equal('');
    expect(sepa.mandate_accepted_at).to.be.an.instanceOf(Date);
    const page = await client.get(PAGE).expect(200);
    await client
      .post(`${PAGE}/${sepa.id}/default`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);

    const invoiceId = await issue(31_000);
    // The notice, not the debit: its day is three days on (the agency's notice days).
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
    const [notice] = await h.crm.db('client_autopay_notices').where({ workspace_id: scope.workspaceId, invoice_id: invoiceId });
    expect(notice).to.not.equal(undefined);
    await h.crm.portal.drainOutbox();
    const email = await h.smtp.waitForMessage(
      (message) => message.subject.startsWith('Direct debit') && message.subject.includes(invoiceNumbers.get(invoiceId)!),
    );
    expect(email.text).to.include(sepa.mandate_reference).and.include('€310.00');
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
    expect(await h.crm.db('client_autopay_notices').where({ workspace_id: scope.workspaceId, invoice_id: invoiceId })).to.have.length(1);
    const [{ day }] = await h.crm
      .db('client_autopay_notices')
      .where({ workspace_id: scope.workspaceId, invoice_id: invoiceId })
      .select(h.crm.db.raw("to_char(debit_on, 'YYYY-MM-DD') as day"));
    expect(day).to.equal(addDays(today, 3));

    // The notice's day comes: debited, processing until Stripe's event.
    await h.crm.db('client_autopay_notices').where({ workspace_id: scope.workspaceId, invoice_id: invoiceId }).update({ debit_on: today });
    expect(await h.crm.portal.autopay!.run()).to.equal(1);
    expect((await find(invoiceId)).status).to.equal('open');
    const intent = intentFor(invoiceId);
    expect(intent.status).to.equal('processing');
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
    const settled = stripe.settle(intent.id, 'succeeded');
    const event = stripe.paymentIntentEvent('payment_intent.succeeded', settled);
    await deliver(event);
    await deliver(event);
    expect((await find(invoiceId)).status).to.equal('paid');
    expect(await hostPayments(invoiceId)).to.have.length(1);
  });

  it('a SEPA debit the bank refuses days later is a failure: the client told, the retry after the agency’s days', async function () {
    const invoiceId = await issue(12_500);
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
    await h.crm.db('client_autopay_notices').where({ workspace_id: scope.workspaceId, invoice_id: invoiceId }).update({ debit_on: today });
    expect(await h.crm.portal.autopay!.run()).to.equal(1);
    const intent = intentFor(invoiceId);
    await deliver(stripe.paymentIntentEvent('payment_intent.payment_failed', stripe.settle(intent.id, 'failed')));
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
    const [charge] = await h.crm.db('client_autopay_charges').where({ workspace_id: scope.workspaceId, invoice_id: invoiceId });
    expect(charge).to.include({ status: 'failed', failure_code: 'debit_refused', attempt: 1 });
    expect(Math.round((new Date(charge.next_attempt_at).getTime() - Date.now()) / 86_400_000)).to.equal(2);
    await h.crm.portal.drainOutbox();
    await h.smtp.waitForMessage(
      (message) => message.subject.startsWith('Automatic payment') && message.subject.includes(invoiceNumbers.get(invoiceId)!),
    );
    // Not charged again before the retry day, and the invoice is still the client's to pay.
    expect(await h.crm.portal.autopay!.run()).to.equal(0);
    expect((await find(invoiceId)).status).to.equal('open');
  });
});
