// Stripe built in, over HTTP against the reference CRM, with the official SDK talking to a stand-in
// that answers in Stripe's wire format (test/support/stripe-stand-in.ts) through STRIPE_API_BASE.
// With STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and the workspace's provider 'stripe': Pay answers
// 303 to the Checkout Session's url for the exact balance (in the invoice's currency and the
// client's language); the signed checkout.session.completed records one payment with the
// PaymentIntent id and the invoice turns paid; the same event again, and a concurrent copy, add
// nothing; a wrong signature, or one signed more than five minutes behind or ahead, answers 400; money
// taken that cannot be applied (an amount that differs from the checkout, an invoice paid meanwhile)
// is kept as unapplied, staff are told and may refund it through Stripe; two Pay clicks leave one
// open Checkout Session; events for a started checkout are heard with payments or the flag off; a delayed method stays pending until async_payment_succeeded (or _failed); an
// expired session is closed. A failed or expired checkout is in the agency's activity log. The
// client comes back to a page that says how it went, in en and de.
import { expect } from 'chai';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';
import { fromStripeAmount, toStripeAmount } from '../payments/stripe-provider.ts';
import { captureLogger } from '../../../../test/support/capture-logger.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';
import { csrfFrom, postFormFrom, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { chooseStripeOnDemo } from '../../../../test/support/stripe-portal.ts';
import { SECTION_SWITCHES } from '../../../core/settings/portal-settings.ts';
import { postStripeEvent, startStripeStandIn, type StandInSession, type StripeStandIn } from '../../../../test/support/stripe-stand-in.ts';

type Agent = ReturnType<PortalHarness['agent']>;
/**
 * A recorded event: the workspace's own keys (for the webhook secret), then in one transaction the
 * claim, the checkout locked, the host's payment (its savepoint, invoice lock, balance, insert,
 * status), the checkout and the claim marked, the activity log. A replay: the keys and the claim.
 */
const CALLBACK_RECORDED = 14;
const CALLBACK_REPLAYED = 4;

describe('paying invoices with Stripe (the SDK against a stand-in in Stripe wire format)', function () {
  this.timeout(90_000);
  let stripe: StripeStandIn;
  let h: PortalHarness;
  let client: Agent;
  let staff: Agent;
  let invoice: { id: string; workspaceId: string; clientId: string };
  const logs = captureLogger();

  const detail = async () => (await h.crm.adapter.invoices!.find(invoice.workspaceId, invoice.clientId, invoice.id))!;
  const payments = () => h.crm.db('payments').where({ workspace_id: invoice.workspaceId, invoice_id: invoice.id }).orderBy('id');
  const checkoutRow = (id: string) => h.crm.db('client_payments').where({ workspace_id: invoice.workspaceId, id }).first();

  async function newOpenInvoice(cents = 50_000, currency = 'EUR') {
    const created = await createInvoice(h.crm.db, {
      workspaceId: Number(invoice.workspaceId),
      clientId: Number(invoice.clientId),
      status: 'sent',
      currency,
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: [{ description: 'Design work', quantity: 1, unitPriceCents: cents }],
    });
    invoice = { ...invoice, id: String(created.id) };
  }

  /** Pay from the pay page: the 303 goes to the session's url; answers the session the stand-in made. */
  async function pay(form: Record<string, string> = { choice: 'full' }, agent = client): Promise<StandInSession> {
    const path = `/portal/demo/invoices/${invoice.id}/pay`;
    const res = await postFormFrom(agent, path, path, form, 303);
    const match = /^http:\/\/127\.0\.0\.1:\d+\/c\/pay\/(cs_test_[\w-]+)$/.exec(res.headers.location ?? '');
    expect(match, res.headers.location).to.not.equal(null);
    return stripe.sessions.get(match![1]!)!;
  }

  function deliver(type: string, session: StandInSession, options: { secret?: string; tamper?: (json: string) => string } = {}) {
    const event = stripe.event(type, session);
    const payload = options.tamper ? options.tamper(JSON.stringify(event)) : JSON.stringify(event);
    return postStripeEvent(h.agent(), payload, stripe.sign(payload, { secret: options.secret ?? stripe.webhookSecret }));
  }

  before(async function () {
    stripe = await startStripeStandIn();
    h = await startPortalHarness({
      boot: {
        stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, apiBase: stripe.url },
        logger: logs.logger,
      },
    });
    ({ client, staff, invoice } = await chooseStripeOnDemo(h));
  });

  after(async function () {
    await h?.close();
    await stripe?.close();
  });

  it('sends Pay (303) to the Checkout Session for the exact balance, in the invoice currency and the client language', async function () {
    await newOpenInvoice(123_456);
    // The pay form's answer leads to Stripe's checkout: the page's CSP lets a form go there, and nowhere else.
    const page = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    expect(page.headers['content-security-policy']).to.include(`form-action 'self' ${stripe.url};`);
    expect(page.text).to.match(/<form method="post" action="[^"]+\/pay" class="form" novalidate hx-boost="false">/);
    const session = await pay();
    const request = stripe.requests.at(-1)!;
    expect(request).to.deep.include({ method: 'POST', path: '/v1/checkout/sessions' });
    expect(request.idempotencyKey).to.match(/^portal-checkout-[0-9a-f-]{36}$/);
    expect(request.form).to.deep.include({ mode: 'payment', locale: 'en', customer_email: 'maria@northwind.test' });
    expect(request.form.line_items).to.deep.equal([
      {
        quantity: '1',
        price_data: { currency: 'eur', unit_amount: '123456', product_data: { name: `Invoice ${(await detail()).number}` } },
      },
    ]);
    const row = await checkoutRow(session.client_reference_id!);
    expect(row).to.include({ provider: 'stripe', status: 'pending', invoice_id: invoice.id, currency: 'EUR' });
    expect(Number(row.amount_cents)).to.equal(123_456);
    expect(session.metadata).to.deep.include({ portal_payment_id: row.id, portal_workspace_id: invoice.workspaceId });
    expect(session.success_url).to.match(new RegExp(`/portal/demo/invoices/${invoice.id}/pay\\?payment=${row.id}$`));
    expect(session.cancel_url).to.equal(`${session.success_url}&cancelled=1`);
  });

  it('at the workspace’s own domain, Checkout sends the client back to that domain', async function () {
    const hostname = 'portal.pay.test';
    const db = h.crm.db;
    await db('portal_custom_domain_hosts').insert({ hostname, workspace_id: invoice.workspaceId, verified: true });
    await db('portal_custom_domains').insert({ workspace_id: invoice.workspaceId, hostname, token: 'd'.repeat(32), status: 'verified' });
    try {
      await newOpenInvoice(10_000);
      const maria = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
      const agent = h.agent();
      const signIn = await agent.get('/sign-in').set('Host', hostname).expect(200);
      await agent
        .post('/sign-in/password')
        .set('Host', hostname)
        .type('form')
        .send({ _csrf: csrfFrom(signIn.text), email: maria.email, password: maria.password })
        .expect(303);
      const path = `/invoices/${invoice.id}/pay`;
      const page = await agent.get(path).set('Host', hostname).expect(200);
      const res = await agent
        .post(path)
        .set('Host', hostname)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), choice: 'full' })
        .expect(303);
      const session = stripe.sessions.get(/\/c\/pay\/(cs_test_[\w-]+)$/.exec(res.headers.location ?? '')![1]!)!;
      expect(session.success_url).to.match(new RegExp(`^http://${hostname}/invoices/${invoice.id}/pay\\?payment=`));
    } finally {
      await db('portal_custom_domains').where({ workspace_id: invoice.workspaceId, hostname }).delete();
      await db('portal_custom_domain_hosts').where({ hostname }).delete();
    }
  });

  it('asks Stripe in the client’s language: a German reader gets locale de and a German line item', async function () {
    await newOpenInvoice(10_000);
    const path = `/portal/demo/invoices/${invoice.id}/pay`;
    const page = await client.get(path).set('Accept-Language', 'de').expect(200);
    await client
      .post(path)
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), choice: 'full' })
      .expect(303);
    const form = stripe.requests.at(-1)!.form;
    expect(form.locale).to.equal('de');
    expect(JSON.stringify(form.line_items)).to.include('Rechnung ');
  });

  it('records checkout.session.completed once: the invoice turns paid with the PaymentIntent id; a replay adds nothing', async function () {
    await newOpenInvoice(50_000);
    const session = await pay();
    const back = await client.get(new URL(session.success_url).pathname + new URL(session.success_url).search).expect(200);
    expect(back.text).to.include('data-outcome="pending"').and.include('is being processed');

    const completed = stripe.complete(session.id);
    const event = stripe.event('checkout.session.completed', completed);
    const payload = JSON.stringify(event);
    const send = () => postStripeEvent(h.agent(), payload, stripe.sign(payload));
    expect((await send().expect(200)).body).to.deep.equal({ status: 'recorded' });
    expect((await send().expect(200)).body).to.deep.equal({ status: 'duplicate' });
    const recorded = await payments();
    expect(recorded).to.have.length(1);
    expect(recorded[0]).to.include({ reference: completed.payment_intent, method: 'card' });
    expect(completed.payment_intent).to.match(/^pi_test_/);
    expect(await detail()).to.include({ status: 'paid', balanceCents: 0 });
    const after = await client.get(new URL(session.success_url).pathname + new URL(session.success_url).search).expect(200);
    expect(after.text).to.include('data-outcome="paid"').and.include('has been received');
    const german = await client
      .get(new URL(session.success_url).pathname + new URL(session.success_url).search)
      .set('Accept-Language', 'de');
    expect(german.text).to.include('ist eingegangen');
  });

  it('records one payment for concurrent copies of the same event', async function () {
    await newOpenInvoice(20_000);
    const session = stripe.complete((await pay()).id);
    const payload = JSON.stringify(stripe.event('checkout.session.completed', session));
    const signature = stripe.sign(payload);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postStripeEvent(h.agent(), payload, signature)));
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.status === 'recorded')).to.have.length(1);
    expect(await payments()).to.have.length(1);
  });

  it('answers 400 to a wrong signature, another secret or a changed body, and records nothing', async function () {
    await newOpenInvoice(30_000);
    const session = stripe.complete((await pay()).id);
    await deliver('checkout.session.completed', session, { secret: 'whsec_not_the_endpoints' }).expect(400);
    const event = JSON.stringify(stripe.event('checkout.session.completed', session));
    await postStripeEvent(h.agent(), event.replace('"amount_total":30000', '"amount_total":30001'), stripe.sign(event)).expect(400);
    await postStripeEvent(h.agent(), event, null).expect(400);
    const stale = stripe.sign(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    await postStripeEvent(h.agent(), event, stale).expect(400);
    // Stripe's SDK checks only how old a signature is: one made ten minutes ahead is refused too.
    const ahead = stripe.sign(event, { timestamp: Math.floor(Date.now() / 1000) + 600 });
    await postStripeEvent(h.agent(), event, ahead).expect(400);
    expect(await payments()).to.have.length(0);
    expect(await checkoutRow(session.client_reference_id!)).to.include({ status: 'pending' });
  });

  it('records nothing on the invoice, and keeps the money as unapplied, when the paid amount or currency differs from the checkout', async function () {
    await newOpenInvoice(40_000);
    const session = stripe.complete((await pay()).id);
    const cheaper = await deliver('checkout.session.completed', { ...session, amount_total: 100 }).expect(200);
    expect(cheaper.body).to.deep.equal({ status: 'unapplied' });
    expect(await payments()).to.have.length(0);
    expect(await checkoutRow(session.client_reference_id!)).to.include({ status: 'unapplied' });
    expect(logs.output()).to.include(`payment ${session.client_reference_id}: stripe took 100 EUR`).and.include('(amount_differs)');

    const other = stripe.complete((await pay()).id);
    expect((await deliver('checkout.session.completed', { ...other, currency: 'usd' }).expect(200)).body).to.deep.equal({
      status: 'unapplied',
    });
    expect(await payments()).to.have.length(0);
    expect(await detail()).to.include({ status: 'open', balanceCents: 40_000 });
  });

  it('keeps a delayed method (SEPA debit) pending until async_payment_succeeded, then records it once', async function () {
    await newOpenInvoice(25_000);
    const session = stripe.complete((await pay()).id, 'unpaid');
    expect((await deliver('checkout.session.completed', session).expect(200)).body).to.deep.equal({ status: 'pending' });
    expect(await payments()).to.have.length(0);
    expect(await checkoutRow(session.client_reference_id!)).to.include({ status: 'pending' });
    const back = await client.get(`/portal/demo/invoices/${invoice.id}/pay?payment=${session.client_reference_id}`).expect(200);
    expect(back.text).to.include('data-outcome="pending"').and.include('a bank debit can take a few days');
    const succeeded = { ...session, payment_status: 'paid' as const };
    expect((await deliver('checkout.session.async_payment_succeeded', succeeded).expect(200)).body).to.deep.equal({ status: 'recorded' });
    expect((await deliver('checkout.session.async_payment_succeeded', succeeded).expect(200)).body).to.deep.include({ status: 'refused' });
    expect(await payments()).to.have.length(1);
    expect((await payments())[0]).to.include({ reference: session.payment_intent });
    expect(await detail()).to.include({ status: 'paid' });
  });

  it('tells a client who pays the same amount again while a bank debit is on its way that a payment is under way, not Stripe’s finished page', async function () {
    await newOpenInvoice(26_000);
    const session = stripe.complete((await pay()).id, 'unpaid');
    expect((await deliver('checkout.session.completed', session).expect(200)).body).to.deep.equal({ status: 'pending' });
    const path = `/portal/demo/invoices/${invoice.id}/pay`;
    const sessionsBefore = stripe.sessions.size;
    const again = await postFormFrom(client, path, path, { choice: 'full' }, 409);
    expect(again.headers.location).to.equal(undefined);
    expect(again.text).to.include('A payment for this invoice is already under way').and.not.include(session.id);
    expect(stripe.sessions.size).to.equal(sessionsBefore);
    const rows = await h.crm.db('client_payments').where({ workspace_id: invoice.workspaceId, invoice_id: invoice.id });
    expect(rows.map((r) => [r.id, r.status])).to.deep.equal([[session.client_reference_id, 'pending']]);
    // The debit arrives: recorded once on the invoice, as ever.
    const succeeded = { ...session, payment_status: 'paid' as const };
    expect((await deliver('checkout.session.async_payment_succeeded', succeeded).expect(200)).body).to.deep.equal({ status: 'recorded' });
    expect(await detail()).to.include({ status: 'paid' });
  });

  it('closes a checkout whose delayed payment failed, and one that expired, recording nothing', async function () {
    await newOpenInvoice(15_000);
    const failed = stripe.complete((await pay()).id, 'unpaid');
    await deliver('checkout.session.completed', failed).expect(200);
    expect((await deliver('checkout.session.async_payment_failed', failed).expect(200)).body).to.deep.equal({ status: 'refused' });
    expect(await checkoutRow(failed.client_reference_id!)).to.include({ status: 'refused' });
    const refused = await client.get(`/portal/demo/invoices/${invoice.id}/pay?payment=${failed.client_reference_id}`).expect(200);
    expect(refused.text).to.include('data-outcome="refused"');

    const abandoned = await pay();
    const gaveUp = await client.get(new URL(abandoned.cancel_url!).pathname + new URL(abandoned.cancel_url!).search).expect(200);
    expect(gaveUp.text).to.include('data-outcome="cancelled"').and.include('nothing was charged');
    const expired = { ...abandoned, status: 'expired' as const, url: null };
    expect((await deliver('checkout.session.expired', expired).expect(200)).body).to.deep.equal({ status: 'cancelled' });
    expect(await checkoutRow(abandoned.client_reference_id!)).to.include({ status: 'cancelled' });
    // A completion arriving after the expiry (out of order) records nothing on the invoice: the
    // money is kept as unapplied for staff to refund.
    expect((await deliver('checkout.session.completed', stripe.complete(abandoned.id)).expect(200)).body).to.deep.include({
      status: 'unapplied',
    });
    expect(await payments()).to.have.length(0);
    expect(await detail()).to.include({ status: 'open', balanceCents: 15_000 });
  });

  it('notifies the agency of a delayed payment that failed, linking to the invoice; an abandoned checkout only goes to the log', async function () {
    await newOpenInvoice(17_000);
    const failed = stripe.complete((await pay()).id, 'unpaid');
    await deliver('checkout.session.completed', failed).expect(200);
    await deliver('checkout.session.async_payment_failed', failed).expect(200);
    const expired = { ...(await pay()), status: 'expired' as const, url: null };
    await deliver('checkout.session.expired', expired).expect(200);
    const list = (await staff.get('/client-portal/notifications').expect(200)).text;
    expect(list).to.include('Online payment failed; nothing was paid');
    expect(list).to.include(`href="/settings/client-portal/records/invoice/${invoice.clientId}/${invoice.id}"`);
    expect(list).to.not.include('Online payment not completed');
  });

  it('tells the agency in its activity log, in English and German, of a checkout that failed and of one that expired', async function () {
    await newOpenInvoice(16_000);
    const failed = stripe.complete((await pay()).id, 'unpaid');
    await deliver('checkout.session.completed', failed).expect(200);
    await deliver('checkout.session.async_payment_failed', failed).expect(200);
    const expired = { ...(await pay()), status: 'expired' as const, url: null };
    await deliver('checkout.session.expired', expired).expect(200);
    // A replay of either is a duplicate: still one entry each.
    await deliver('checkout.session.async_payment_failed', failed).expect(200);
    await deliver('checkout.session.expired', expired).expect(200);

    const entries = async (event: string) =>
      (await h.crm.db('client_activity_logs').where({ workspace_id: invoice.workspaceId, event }).orderBy('id')).filter(
        (row) => row.details.invoiceId === invoice.id,
      );
    const [failure, ...moreFailures] = await entries('invoice.payment_failed');
    const [expiry, ...moreExpiries] = await entries('invoice.payment_cancelled');
    expect(moreFailures).to.deep.equal([]);
    expect(moreExpiries).to.deep.equal([]);
    const { number } = await detail();
    const maria = await h.crm.db('client_users').where({ workspace_id: invoice.workspaceId, email: 'maria@northwind.test' }).first('id');
    expect(failure).to.deep.include({ client_id: invoice.clientId, client_user_id: maria.id });
    expect(failure!.details).to.deep.equal({
      invoiceId: invoice.id,
      invoiceNumber: number,
      amountCents: 16_000,
      currency: 'EUR',
      provider: 'stripe',
      paymentId: failed.client_reference_id,
    });
    expect(expiry!.details).to.include({
      invoiceNumber: number,
      amountCents: 16_000,
      provider: 'stripe',
      paymentId: expired.client_reference_id,
    });

    const log = async (event: string, language: string) =>
      (await staff.get(`/settings/client-portal/activity?event=${event}`).set('Accept-Language', language).expect(200)).text;
    expect(await log('invoice.payment_failed', 'en')).to.include('Online payment failed; nothing was paid');
    expect(await log('invoice.payment_cancelled', 'en')).to.include('Online payment not completed: the checkout expired or was abandoned');
    expect(await log('invoice.payment_failed', 'de')).to.include('Online-Zahlung fehlgeschlagen; es wurde nichts bezahlt');
    expect(await log('invoice.payment_cancelled', 'de')).to.include(
      'Online-Zahlung nicht abgeschlossen: der Bezahlvorgang ist abgelaufen oder wurde abgebrochen',
    );
  });

  it('records the events of a checkout already started with online payments switched off, and with the portal flag off', async function () {
    const saveOnlinePayments = async (on: boolean) => {
      const page = await staff.get('/settings/client-portal').expect(200);
      const form: Record<string, string> = { _csrf: csrfFrom(page.text), loginWithCode: 'on', loginWithPassword: 'on' };
      for (const s of SECTION_SWITCHES) if (on || s.key !== 'allowOnlinePayments') form[s.key] = 'on';
      await staff.post('/settings/client-portal').type('form').send(form).expect(303);
    };
    await newOpenInvoice(11_000);
    const first = stripe.complete((await pay()).id);
    await saveOnlinePayments(false);
    try {
      const path = `/portal/demo/invoices/${invoice.id}/pay`;
      await postFormFrom(client, path, path, { choice: 'full' }, 404);
      expect((await deliver('checkout.session.completed', first).expect(200)).body).to.deep.equal({ status: 'recorded' });
    } finally {
      await saveOnlinePayments(true);
    }
    expect(await detail()).to.include({ status: 'paid' });

    // Another instance on the same database, where the flag is off for the workspace: the portal is
    // 404 there, but the money a checkout took is recorded; an unknown workspace stays 404.
    await newOpenInvoice(12_000);
    const second = stripe.complete((await pay()).id);
    const flagOff = await startPortalHarness({
      database: h.database,
      enabledFor: ['another-workspace'],
      boot: { stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, apiBase: stripe.url } },
    });
    try {
      await flagOff.agent().get('/portal/demo/sign-in').expect(404);
      const payload = JSON.stringify(stripe.event('checkout.session.completed', second));
      const answer = await postStripeEvent(flagOff.agent(), payload, stripe.sign(payload)).expect(200);
      expect(answer.body).to.deep.equal({ status: 'recorded' });
      await flagOff
        .agent()
        .post('/portal/no-such-workspace/payments/callback/stripe')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', stripe.sign(payload))
        .send(payload)
        .expect(404);
    } finally {
      await flagOff.close();
    }
    expect(await detail()).to.include({ status: 'paid' });
    expect(await payments()).to.have.length(1);
  });

  it('leaves one open Checkout Session per invoice: Pay again reuses it, two at once open one, another amount expires it first', async function () {
    const path = () => `/portal/demo/invoices/${invoice.id}/pay`;
    const openFor = (invoiceNumber: string) =>
      [...stripe.sessions.values()].filter((s) => s.metadata.invoice_number === invoiceNumber && s.status === 'open');
    await newOpenInvoice(21_000);
    const first = await pay();
    const again = await pay();
    expect(again.id).to.equal(first.id);
    expect(openFor((await detail()).number)).to.have.length(1);

    // Two tabs, or a double click: both answers lead to the one session.
    await newOpenInvoice(22_000);
    const page = await client.get(path()).expect(200);
    const click = () =>
      client
        .post(path())
        .type('form')
        .send({ _csrf: csrfFrom(page.text), choice: 'full' });
    const answers = await Promise.all([click(), click()]);
    expect(answers.map((a) => a.status)).to.deep.equal([303, 303]);
    expect(answers[0]!.headers.location).to.equal(answers[1]!.headers.location);
    const { number } = await detail();
    expect(openFor(number)).to.have.length(1);
    const rows = await h.crm.db('client_payments').where({ workspace_id: invoice.workspaceId, invoice_id: invoice.id });
    expect(rows.map((r) => r.status)).to.deep.equal(['pending']);

    // Another amount: the open session is expired at Stripe before the new one opens.
    const before = openFor(number)[0]!;
    const part = await pay({ choice: 'partial', amount: '100.00' });
    expect(part.id).to.not.equal(before.id);
    expect(stripe.sessions.get(before.id)!.status).to.equal('expired');
    expect(openFor(number).map((s) => s.id)).to.deep.equal([part.id]);
    expect(await checkoutRow(before.client_reference_id!)).to.include({ status: 'cancelled' });
    expect(stripe.requests.some((r) => r.method === 'POST' && r.path === `/v1/checkout/sessions/${before.id}/expire`)).to.equal(true);
  });

  it('keeps money it cannot apply as received and unapplied: staff told and emailed, the client told, a refund through Stripe on the record', async function () {
    await newOpenInvoice(23_000);
    const session = await pay();
    // The invoice is paid another way while the client is on Stripe's page; then Stripe takes the money too.
    await h.crm.adapter.invoices!.recordPayment!(invoice.workspaceId, invoice.clientId, invoice.id, {
      amountCents: 23_000,
      method: 'bank_transfer',
      reference: 'TRF-23',
      paidAt: new Date(),
      provider: null,
    });
    const sentBefore = h.smtp.messages.length;
    const completed = stripe.complete(session.id);
    expect((await deliver('checkout.session.completed', completed).expect(200)).body).to.deep.equal({ status: 'unapplied' });
    expect(await payments()).to.have.length(1);
    expect(await checkoutRow(session.client_reference_id!)).to.include({ status: 'unapplied' });
    const [kept, ...more] = await h.crm
      .db('client_unapplied_payments')
      .where({ workspace_id: invoice.workspaceId, invoice_id: invoice.id });
    expect(more).to.deep.equal([]);
    expect(kept).to.include({
      payment_id: session.client_reference_id,
      reference: completed.payment_intent,
      reason: 'not_applicable',
      refund_id: null,
    });
    expect(Number(kept.amount_cents)).to.equal(23_000);
    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: invoice.workspaceId, event: 'invoice.payment_unapplied' });
    expect(logged.filter((row) => row.details.unappliedId === kept.id)).to.have.length(1);
    expect(logs.output()).to.include(`kept as unapplied ${kept.id}`);

    // The client reads the truth, in en and de.
    const back = `/portal/demo/invoices/${invoice.id}/pay?payment=${session.client_reference_id}`;
    const page = await client.get(back).expect(200);
    expect(page.text).to.include('data-outcome="unapplied"').and.include('has been received, but it could not be applied');
    expect((await client.get(back).set('Accept-Language', 'de').expect(200)).text).to.include(
      'ist eingegangen, konnte dieser Rechnung aber nicht',
    );

    // Staff: a notification linking to the list, an email at once with the same link.
    const list = (await staff.get('/client-portal/notifications').expect(200)).text;
    expect(list)
      .to.include('Paid online, but the money could not be applied')
      .and.include('href="/settings/client-portal/payments/unapplied"');
    await new Promise((resolve) => setTimeout(resolve, 2300));
    await h.crm.portal.notifications.runOnce();
    await h.crm.portal.drainOutbox();
    const emails = h.smtp.messages.slice(sentBefore).filter((m) => m.subject.includes('could not be applied'));
    expect(emails.length).to.be.greaterThan(0);
    expect(emails[0]!.text.replace(/\s+/g, '')).to.include('/settings/client-portal/payments/unapplied');

    // One action refunds it through Stripe and keeps the refund on the record; a second click refunds nothing more.
    const unapplied = await staff.get('/settings/client-portal/payments/unapplied').expect(200);
    expect(unapplied.text).to.include(`data-unapplied="${kept.id}"`).and.include('€230.00');
    const action = `/settings/client-portal/payments/unapplied/${kept.id}/refund`;
    await staff.post(action).type('form').send({ _csrf: 'wrong' }).expect(403);
    expect(stripe.refunds).to.have.length(0);
    await staff
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(unapplied.text) })
      .expect(303)
      .expect('Location', '/settings/client-portal/payments/unapplied?refund=refunded');
    await staff
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(unapplied.text) })
      .expect(303)
      .expect('Location', '/settings/client-portal/payments/unapplied?refund=already_refunded');
    expect(stripe.refunds.map((r) => r.payment_intent)).to.deep.equal([completed.payment_intent]);
    const refunded = await h.crm.db('client_unapplied_payments').where({ workspace_id: invoice.workspaceId, id: kept.id }).first();
    expect(refunded.refund_id).to.equal(stripe.refunds[0]!.id);
    expect(refunded.refunded_by_staff_id).to.be.a('string').and.not.equal('');
    expect(refunded.refunded_at).to.be.an.instanceOf(Date);
    const refundLog = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: invoice.workspaceId, event: 'invoice.payment_refunded' });
    expect(refundLog.filter((row) => row.details.unappliedId === kept.id).map((row) => row.details.refundId)).to.deep.equal([
      refunded.refund_id,
    ]);
    expect((await staff.get('/settings/client-portal/payments/unapplied?refund=refunded').expect(200)).text).to.include(refunded.refund_id);
    expect((await client.get(back).expect(200)).text).to.include('data-outcome="refunded"');
  });

  it('ignores (200, nothing recorded) other event types and sessions another workspace started', async function () {
    await newOpenInvoice(12_000);
    const session = stripe.complete((await pay()).id);
    expect((await deliver('payment_intent.succeeded', session).expect(200)).body).to.deep.equal({ status: 'ignored' });
    const foreign = { ...session, metadata: { ...session.metadata, portal_workspace_id: '999999' } };
    expect((await deliver('checkout.session.completed', foreign).expect(200)).body).to.deep.equal({ status: 'ignored' });
    expect(await payments()).to.have.length(0);
  });

  it('keeps to its query budgets: Pay, the page the client comes back to, a recorded event, a replayed one, the unapplied list', async function () {
    await newOpenInvoice(7_000);
    const counter = countQueries();
    try {
      const measure = async (what: string, budget: number, action: () => Promise<unknown>) => {
        await h.crm.portal.notifications.idle();
        await h.crm.portal.drainOutbox();
        const counted = await counter.measure(action);
        expect(counted.count, describeQueries(what, counted)).to.equal(budget);
        expectEachNamesItsWorkspace(counted.sql, what);
      };
      const path = `/portal/demo/invoices/${invoice.id}/pay`;
      const page = await client.get(path).expect(200);
      let location = '';
      // The demo checkout's 11 (with the lock per invoice, its pending checkouts, and the session's
      // id and page kept), and the workspace's own Stripe keys read twice (none here: the
      // installation's apply): once to know the provider can take the payment, once to open the session.
      await measure('POST /invoices/:id/pay (Stripe)', 13, async () => {
        location = (
          await client
            .post(path)
            .type('form')
            .send({ _csrf: csrfFrom(page.text), choice: 'full' })
            .expect(303)
        ).headers.location!;
      });
      const session = stripe.sessions.get(/\/c\/pay\/(cs_test_[\w-]+)$/.exec(location)![1]!)!;
      const back = new URL(session.success_url);
      // The pay page's 4, the workspace's own Stripe keys (whether they open: the page says so when
      // they do not), and the client's own checkout it came back from.
      await measure('GET /invoices/:id/pay?payment=…', 6, () => client.get(back.pathname + back.search).expect(200));
      const payload = JSON.stringify(stripe.event('checkout.session.completed', stripe.complete(session.id)));
      const send = () => postStripeEvent(h.agent(), payload, stripe.sign(payload));
      await measure('POST /payments/callback/stripe (recorded)', CALLBACK_RECORDED, () => send().expect(200));
      await measure('POST /payments/callback/stripe (replayed)', CALLBACK_REPLAYED, () => send().expect(200));
      // The staff list of money not applied: the staff page's own 4 (session, staff user, the two
      // unread counts in the header), and one for the list however long it is.
      await measure('GET /settings/client-portal/payments/unapplied', 5, () =>
        staff.get('/settings/client-portal/payments/unapplied').expect(200),
      );
    } finally {
      counter.stop();
    }
  });

  it('says plainly, with 503, when Stripe refuses the key, and closes that checkout', async function () {
    await newOpenInvoice(9_000);
    const original = stripe.secretKey;
    (stripe as { secretKey: string }).secretKey = 'sk_test_rotated_elsewhere';
    try {
      const path = `/portal/demo/invoices/${invoice.id}/pay`;
      const page = await client.get(path).expect(200);
      const res = await client
        .post(path)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), choice: 'full' })
        .expect(503);
      expect(res.text).to.include('The payment page could not be opened just now');
    } finally {
      (stripe as { secretKey: string }).secretKey = original;
    }
    const rows = await h.crm.db('client_payments').where({ workspace_id: invoice.workspaceId, invoice_id: invoice.id });
    expect(rows.map((r) => r.status)).to.deep.equal(['cancelled']);
  });
});

describe('Stripe amounts', function () {
  it('sends hundredths as they are, and whole units for currencies Stripe counts without cents (JPY)', function () {
    expect(toStripeAmount(123_456, 'EUR')).to.equal(123_456);
    expect(toStripeAmount(500_000, 'JPY')).to.equal(5_000);
    expect(toStripeAmount(500_050, 'jpy')).to.equal(null);
    expect(fromStripeAmount(5_000, 'JPY')).to.equal(500_000);
    expect(fromStripeAmount(123_456, 'eur')).to.equal(123_456);
  });
});
