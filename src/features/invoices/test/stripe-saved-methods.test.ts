// Saving payment methods and autopay, Stripe's side: the provider's createSetup, chargeSaved,
// removeMethod and verifyCallback, through the official SDK against the stand-in in Stripe's wire
// format (test/support/stripe-stand-in.ts). A setup makes one Customer and a Checkout Session in setup
// mode; its completed event names the saved card (brand, last four, expiry) or SEPA account (with
// its mandate's reference and acceptance), its expired event a cancelled setup; an off-session
// charge succeeds (card), is processing (SEPA) until payment_intent.succeeded, or fails with the
// decline's code; the same idempotency key charges once; events of Checkout payments' intents,
// another workspace's, or with a bad signature are not taken; a detached method stays detached.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { ChargeRequest, SetupCallback, SetupRequest, VerifiedCallback } from '../../../core/index.ts';
import { createStripeProvider, type StripeProvider } from '../payments/stripe-provider.ts';
import {
  type StandInPaymentIntent,
  type StandInSetupSession,
  startStripeStandIn,
  type StripeStandIn,
} from '../../../../test/support/stripe-stand-in.ts';

const WORKSPACE = '41';

describe('saved payment methods and autopay with Stripe (the SDK against a stand-in in Stripe wire format)', function () {
  this.timeout(30_000);
  let stripe: StripeStandIn;
  let provider: StripeProvider;

  before(async function () {
    stripe = await startStripeStandIn();
    provider = createStripeProvider({
      keys: async () => ({ secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, source: 'environment' }),
      apiBase: stripe.url,
    });
  });

  after(async function () {
    await stripe?.close();
  });

  const setupRequest = (overrides: Partial<SetupRequest> = {}): SetupRequest => ({
    setupId: randomUUID(),
    workspaceId: WORKSPACE,
    customerId: null,
    customerName: 'Northwind Traders',
    customerEmail: 'maria@northwind.test',
    kinds: ['card', 'sepa_debit'],
    currency: 'EUR',
    returnUrl: '/portal/demo/payment-methods?setup=1',
    portalBase: '/portal/demo',
    appUrl: 'https://portal.example',
    locale: 'de',
    ...overrides,
  });

  /** A setup session the provider opened, with its customer. */
  async function openSetup(overrides: Partial<SetupRequest> = {}) {
    const request = setupRequest(overrides);
    const setup = await provider.createSetup!(request);
    return { request, setup, session: stripe.setupSessions.get(setup.providerSetupId!)! };
  }

  /** The provider's reading of an event, signed as Stripe signs it (or with another secret). */
  function verify(event: object, options: { secret?: string; workspaceId?: string } = {}) {
    const payload = JSON.stringify(event);
    const signature = stripe.sign(payload, { secret: options.secret ?? stripe.webhookSecret });
    return provider.verifyCallback({
      workspaceId: options.workspaceId ?? WORKSPACE,
      rawBody: Buffer.from(payload),
      header: (name) => (name.toLowerCase() === 'stripe-signature' ? signature : undefined),
      now: new Date(),
    });
  }

  /** A card or SEPA account saved through a setup: what a charge names. */
  async function savedMethod(kind: 'card' | 'sepa_debit') {
    const { setup, session } = await openSetup({ kinds: [kind] });
    stripe.completeSetup(session.id, { kind });
    const saved = (await verify(stripe.event('checkout.session.completed', session))) as SetupCallback;
    return { customerId: setup.customerId, providerMethodId: saved.method!.providerMethodId };
  }

  const chargeRequest = (
    method: { customerId: string; providerMethodId: string },
    overrides: Partial<ChargeRequest> = {},
  ): ChargeRequest => ({
    paymentId: randomUUID(),
    workspaceId: WORKSPACE,
    amountCents: 12_345,
    currency: 'EUR',
    description: 'Invoice INV-2026-0042',
    idempotencyKey: `portal-autopay-${randomUUID()}`,
    ...method,
    ...overrides,
  });

  it('creates the customer once per setup and a setup-mode Checkout Session for it, with the kinds, currency, return and language', async function () {
    const request = setupRequest();
    const customersBefore = stripe.customers.size;
    const setup = await provider.createSetup!(request);
    const again = await provider.createSetup!(request);
    expect(stripe.customers.size).to.equal(customersBefore + 1);
    expect(again).to.deep.equal(setup);
    const customerCalls = stripe.requests.filter(
      (r) => r.path === '/v1/customers' && r.idempotencyKey === `portal-customer-${request.setupId}`,
    );
    expect(customerCalls).to.have.length(2);
    expect(customerCalls[0]!.form).to.deep.equal({
      name: 'Northwind Traders',
      email: 'maria@northwind.test',
      metadata: { portal_workspace_id: WORKSPACE },
    });
    expect(setup.customerId).to.match(/^cus_/);
    const session = stripe.setupSessions.get(setup.providerSetupId!)!;
    expect(setup.redirectUrl).to.equal(`${stripe.url}/c/pay/${session.id}`);
    const created = stripe.requests.find((r) => r.path === '/v1/checkout/sessions' && r.form.client_reference_id === request.setupId)!;
    expect(created.form).to.deep.include({
      mode: 'setup',
      customer: setup.customerId,
      allowed_payment_method_types: ['card', 'sepa_debit'],
      currency: 'eur',
      client_reference_id: request.setupId,
      metadata: { portal_workspace_id: WORKSPACE, portal_setup_id: request.setupId },
      locale: 'de',
      success_url: 'https://portal.example/portal/demo/payment-methods?setup=1',
      cancel_url: 'https://portal.example/portal/demo/payment-methods?setup=1',
    });
    expect(created.form).to.not.have.property('line_items');
    expect(session).to.deep.include({ mode: 'setup', customer: setup.customerId, status: 'open', payment_status: 'no_payment_required' });

    // A client company with a customer from an earlier setup gets no second one.
    const requestsBefore = stripe.requests.length;
    const later = await provider.createSetup!(
      setupRequest({ customerId: setup.customerId, kinds: ['card'], currency: 'USD', locale: 'xx' }),
    );
    expect(later.customerId).to.equal(setup.customerId);
    const made = stripe.requests.slice(requestsBefore);
    expect(made.map((r) => r.path)).to.deep.equal(['/v1/checkout/sessions']);
    expect(made[0]!.form).to.deep.include({
      customer: setup.customerId,
      currency: 'usd',
      locale: 'auto',
      allowed_payment_method_types: ['card'],
    });
  });

  it('reads a completed setup as the saved card: brand, last four and expiry, from the SetupIntent with its method expanded', async function () {
    const { request, setup, session } = await openSetup();
    stripe.completeSetup(session.id, { kind: 'card', brand: 'mastercard', last4: '4444', expMonth: 8, expYear: 2031 });
    const event = stripe.event('checkout.session.completed', session);
    const answer = (await verify(event)) as SetupCallback;
    const method = [...stripe.paymentMethods.values()].at(-1)!;
    expect(answer).to.deep.equal({
      idempotencyKey: event.id,
      setupId: request.setupId,
      customerId: setup.customerId,
      outcome: 'saved',
      method: {
        providerMethodId: method.id,
        kind: 'card',
        brand: 'mastercard',
        last4: '4444',
        expMonth: 8,
        expYear: 2031,
        mandateReference: null,
        mandateAcceptedAt: null,
      },
    });
    const asked = stripe.requests.at(-1)!;
    expect(asked).to.deep.include({ method: 'GET', path: `/v1/setup_intents/${session.setup_intent}` });
    expect(asked.form.expand).to.deep.equal(['payment_method', 'mandate']);
  });

  it('reads a completed SEPA setup with the mandate’s reference and when the client accepted it', async function () {
    const { session } = await openSetup({ kinds: ['sepa_debit'] });
    stripe.completeSetup(session.id, { kind: 'sepa_debit', bankCode: '37040044', country: 'DE', last4: '3000' });
    const before = Math.floor(Date.now() / 1000);
    const answer = (await verify(stripe.event('checkout.session.completed', session))) as SetupCallback;
    expect(answer.outcome).to.equal('saved');
    const method = answer.method!;
    expect(method).to.deep.include({ kind: 'sepa_debit', brand: 'DE 37040044', last4: '3000', expMonth: null, expYear: null });
    // What Stripe keeps about the mandate, asked separately, is what the event gave.
    const intent = stripe.requests.at(-1)!.path.split('/').at(-1)!;
    const expanded = (await (
      await fetch(`${stripe.url}/v1/setup_intents/${intent}?expand[0]=mandate`, {
        headers: { Authorization: `Bearer ${stripe.secretKey}` },
      })
    ).json()) as { mandate: { id: string } };
    const mandate = (await (
      await fetch(`${stripe.url}/v1/mandates/${expanded.mandate.id}`, { headers: { Authorization: `Bearer ${stripe.secretKey}` } })
    ).json()) as { payment_method_details: { sepa_debit: { reference: string } }; customer_acceptance: { accepted_at: number } };
    expect(method.mandateReference)
      .to.equal(mandate.payment_method_details.sepa_debit.reference)
      .and.to.match(/^[0-9A-F]{16}$/);
    expect(method.mandateAcceptedAt!.getTime()).to.equal(mandate.customer_acceptance.accepted_at * 1000);
    expect(mandate.customer_acceptance.accepted_at).to.be.at.most(before + 1);
  });

  it('hears a setup saved on the hosted page: the page POSTs the signed event, the client goes back to the return URL', async function () {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    stripe.webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`;
    try {
      const { request, setup } = await openSetup();
      const page = await fetch(setup.redirectUrl);
      expect(await page.text()).to.include('value="sepa_debit"');
      const res = await fetch(setup.redirectUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'action=sepa_debit',
        redirect: 'manual',
      });
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal(`https://portal.example${request.returnUrl}`);
      expect(received).to.have.length(1);
      const answer = (await verify(JSON.parse(received[0]!))) as SetupCallback;
      expect(answer).to.deep.include({ setupId: request.setupId, outcome: 'saved', customerId: setup.customerId });
      expect(answer.method?.kind).to.equal('sepa_debit');
    } finally {
      stripe.webhookUrl = null;
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('reads an expired setup session as a cancelled setup, with no method', async function () {
    const { request, setup, session } = await openSetup();
    const expired: StandInSetupSession = { ...session, status: 'expired', url: null };
    const event = stripe.event('checkout.session.expired', expired);
    expect(await verify(event)).to.deep.equal({
      idempotencyKey: event.id,
      setupId: request.setupId,
      customerId: setup.customerId,
      outcome: 'cancelled',
      method: null,
    });
  });

  it('charges a saved card off-session: succeeded, with the PaymentIntent as reference', async function () {
    const method = await savedMethod('card');
    const request = chargeRequest(method);
    const answer = await provider.chargeSaved!(request);
    expect(answer.outcome).to.equal('succeeded');
    if (answer.outcome !== 'succeeded') return;
    expect(answer.reference).to.match(/^pi_/);
    expect(answer.paidAt).to.be.instanceOf(Date);
    const intent = stripe.paymentIntents.get(answer.reference)!;
    expect(intent).to.deep.include({
      status: 'succeeded',
      amount: 12_345,
      amount_received: 12_345,
      currency: 'eur',
      customer: method.customerId,
    });
    const sent = stripe.requests.find((r) => r.path === '/v1/payment_intents' && r.idempotencyKey === request.idempotencyKey)!;
    expect(sent.form).to.deep.include({
      amount: '12345',
      currency: 'eur',
      customer: method.customerId,
      payment_method: method.providerMethodId,
      off_session: 'true',
      confirm: 'true',
      description: 'Invoice INV-2026-0042',
      allowed_payment_method_types: ['card'],
      metadata: { portal_workspace_id: WORKSPACE, portal_payment_id: request.paymentId, portal_charge: 'saved_method' },
    });
  });

  it('charges once for the same idempotency key sent twice (Stripe replays the first answer)', async function () {
    const method = await savedMethod('card');
    const request = chargeRequest(method);
    const before = stripe.paymentIntents.size;
    const first = await provider.chargeSaved!(request);
    const second = await provider.chargeSaved!(request);
    expect(stripe.paymentIntents.size).to.equal(before + 1);
    expect(second).to.deep.equal(first);
  });

  it('answers failed with the decline’s code and Stripe’s message for a declined, expired or authentication-requiring card', async function () {
    const method = await savedMethod('card');
    const cases: Array<[string, string, string]> = [
      ['insufficient_funds', 'insufficient_funds', 'Your card has insufficient funds.'],
      ['expired_card', 'expired_card', 'Your card has expired.'],
      ['authentication_required', 'authentication_required', 'Your card was declined. This transaction requires authentication.'],
    ];
    for (const [failure, code, reason] of cases) {
      stripe.failNextCharges(method.providerMethodId, failure);
      const request = chargeRequest(method);
      expect(await provider.chargeSaved!(request), failure).to.deep.equal({ outcome: 'failed', reason, code });
      // Sent again (the caller retrying), the same key answers the same refusal: nothing new is tried.
      const intents = stripe.paymentIntents.size;
      expect(await provider.chargeSaved!(request)).to.deep.equal({ outcome: 'failed', reason, code });
      expect(stripe.paymentIntents.size).to.equal(intents);
    }
    stripe.failNextCharges(method.providerMethodId, null);
    expect((await provider.chargeSaved!(chargeRequest(method))).outcome).to.equal('succeeded');
  });

  it('answers processing for a SEPA debit; its payment_intent events later say pending, then succeeded (or failed) for the portal’s payment', async function () {
    const method = await savedMethod('sepa_debit');
    const request = chargeRequest(method, { amountCents: 50_000 });
    const answer = await provider.chargeSaved!(request);
    expect(answer.outcome).to.equal('processing');
    const reference = answer.outcome === 'processing' ? answer.reference : '';
    expect(stripe.requests.at(-1)!.form.allowed_payment_method_types).to.deep.equal(['sepa_debit']);
    const intent = stripe.paymentIntents.get(reference)!;

    const processing = stripe.paymentIntentEvent('payment_intent.processing', intent);
    expect(await verify(processing)).to.deep.include({ idempotencyKey: processing.id, paymentId: request.paymentId, outcome: 'pending' });

    const succeeded = stripe.paymentIntentEvent('payment_intent.succeeded', stripe.settle(reference, 'succeeded'));
    const verified: VerifiedCallback = {
      idempotencyKey: succeeded.id,
      paymentId: request.paymentId,
      outcome: 'succeeded',
      amountCents: 50_000,
      currency: 'EUR',
      reference,
      paidAt: new Date(succeeded.created * 1000),
    };
    expect(await verify(succeeded)).to.deep.equal(verified);

    const other = await provider.chargeSaved!(chargeRequest(method, { amountCents: 7_000 }));
    const failed = stripe.paymentIntentEvent(
      'payment_intent.payment_failed',
      stripe.settle(other.outcome === 'processing' ? other.reference : '', 'failed'),
    );
    expect(await verify(failed)).to.deep.include({ outcome: 'failed', amountCents: 7_000, currency: 'EUR' });
  });

  it('ignores the intent events of a Checkout payment (its session’s events record it) and of charges another workspace made', async function () {
    const checkoutPaymentId = randomUUID();
    const checkoutIntent: StandInPaymentIntent = {
      id: 'pi_test_fromCheckout',
      object: 'payment_intent',
      amount: 9_900,
      amount_received: 9_900,
      capture_method: 'automatic_async',
      confirmation_method: 'automatic',
      created: Math.floor(Date.now() / 1000),
      currency: 'eur',
      customer: null,
      description: 'Invoice INV-2026-0001',
      last_payment_error: null,
      latest_charge: 'py_test_1',
      livemode: false,
      // What createCheckout puts in payment_intent_data.metadata.
      metadata: { portal_payment_id: checkoutPaymentId, portal_workspace_id: WORKSPACE, invoice_number: 'INV-2026-0001' },
      payment_method: 'pm_test_1',
      payment_method_types: ['card'],
      status: 'succeeded',
    };
    expect(await verify(stripe.paymentIntentEvent('payment_intent.succeeded', checkoutIntent))).to.have.property('ignored');
    expect(await verify(stripe.paymentIntentEvent('payment_intent.succeeded', { ...checkoutIntent, metadata: {} }))).to.have.property(
      'ignored',
    );

    const method = await savedMethod('card');
    const charged = await provider.chargeSaved!(chargeRequest(method));
    const intent = stripe.paymentIntents.get(charged.outcome === 'succeeded' ? charged.reference : '')!;
    const event = stripe.paymentIntentEvent('payment_intent.succeeded', intent);
    expect(await verify(event, { workspaceId: '42' })).to.have.property('ignored');
    expect(await verify(event)).to.deep.include({ outcome: 'succeeded', amountCents: 12_345 });

    const { session } = await openSetup();
    stripe.completeSetup(session.id, { kind: 'card' });
    expect(await verify(stripe.event('checkout.session.completed', session), { workspaceId: '42' })).to.have.property('ignored');
  });

  it('takes no event signed with another secret, or changed after signing', async function () {
    const { session } = await openSetup();
    stripe.completeSetup(session.id, { kind: 'card' });
    const event = stripe.event('checkout.session.completed', session);
    expect(await verify(event, { secret: 'whsec_someoneElse' })).to.equal(null);
    const payload = JSON.stringify(event);
    const signature = stripe.sign(payload);
    const changed = payload.replace(WORKSPACE, '4');
    expect(
      await provider.verifyCallback({
        workspaceId: WORKSPACE,
        rawBody: Buffer.from(changed),
        header: () => signature,
        now: new Date(),
      }),
    ).to.equal(null);
  });

  it('detaches a removed method (a second removal is no error) and charges it no more', async function () {
    const method = await savedMethod('card');
    await provider.removeMethod!({ workspaceId: WORKSPACE, ...method });
    expect(stripe.paymentMethods.get(method.providerMethodId)!.customer).to.equal(null);
    expect(stripe.requests.at(-1)).to.deep.include({ method: 'POST', path: `/v1/payment_methods/${method.providerMethodId}/detach` });
    await provider.removeMethod!({ workspaceId: WORKSPACE, ...method });
    await provider.removeMethod!({ workspaceId: WORKSPACE, customerId: method.customerId, providerMethodId: 'pm_test_neverExisted' });
    const answer = await provider.chargeSaved!(chargeRequest(method));
    expect(answer).to.include({ outcome: 'failed', code: 'payment_method_not_attached' });
  });

  it('throws when the keys cannot be read, Stripe cannot be reached or answers 500, so the caller tries again later', async function () {
    const unreadable = createStripeProvider({ keys: async () => ({ source: 'workspace', unreadable: true }), apiBase: stripe.url });
    await expectRejection(unreadable.createSetup!(setupRequest()), /cannot be opened/);
    await expectRejection(unreadable.chargeSaved!(chargeRequest({ customerId: 'cus_x', providerMethodId: 'pm_x' })), /cannot be opened/);
    await expectRejection(
      unreadable.removeMethod!({ workspaceId: WORKSPACE, customerId: 'cus_x', providerMethodId: 'pm_x' }),
      /cannot be opened/,
    );
    const method = await savedMethod('card');
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadBase = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createStripeProvider({
      keys: async () => ({ secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, source: 'environment' }),
      apiBase: deadBase,
    });
    await expectRejection(unreachable.chargeSaved!(chargeRequest(method)), /connection to Stripe/i);
    stripe.failNextCharges(method.providerMethodId, 'api_error');
    const intents = stripe.paymentIntents.size;
    await expectRejection(provider.chargeSaved!(chargeRequest(method)), /An unknown error occurred/);
    expect(stripe.paymentIntents.size).to.equal(intents);
    stripe.failNextCharges(method.providerMethodId, null);
  });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp) {
  try {
    await promise;
  } catch (err) {
    expect((err as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected a rejection matching ${message}`);
}
