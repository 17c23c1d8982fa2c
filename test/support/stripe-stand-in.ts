// A stand-in for the part of Stripe's API the portal uses, answering the official SDK (pointed here
// with STRIPE_API_BASE) in Stripe's wire format: form-encoded requests with bracketed keys
// (line_items[0][price_data][currency]=eur), bearer-key authentication, Idempotency-Key replays,
// JSON objects with their ids and `object` fields, and Stripe's error shape. Endpoints:
//   POST /v1/checkout/sessions      creates a Checkout Session (https://docs.stripe.com/api/checkout/sessions/create),
//                                   in payment mode (line_items) or setup mode (a customer, no line_items;
//                                   https://docs.stripe.com/payments/checkout/save-and-reuse)
//   GET  /v1/checkout/sessions/:id  retrieves one
//   POST /v1/checkout/sessions/:id/expire  expires an open one (https://docs.stripe.com/api/checkout/sessions/expire)
//   POST /v1/refunds                refunds a PaymentIntent in full (https://docs.stripe.com/api/refunds/create)
//   GET  /v1/balance                the account's balance (https://docs.stripe.com/api/balance/balance_retrieve)
//   GET  /v1/webhook_endpoints      the account's webhook endpoints, those the test set in `webhookEndpoints`
//                                   (https://docs.stripe.com/api/webhook_endpoints/list)
//   POST /v1/customers              creates a Customer (https://docs.stripe.com/api/customers/create)
//   GET  /v1/setup_intents/:id      a setup session's SetupIntent, expand[]=payment_method and mandate
//                                   (https://docs.stripe.com/api/setup_intents/retrieve)
//   GET  /v1/mandates/:id           a SEPA mandate (https://docs.stripe.com/api/mandates/retrieve)
//   GET  /v1/payment_methods/:id    a saved method (https://docs.stripe.com/api/payment_methods/retrieve)
//   POST /v1/payment_methods/:id/detach  detaches it from its customer (https://docs.stripe.com/api/payment_methods/detach)
//   POST /v1/payment_intents        an off-session charge of a saved method, confirmed at once
//                                   (https://docs.stripe.com/api/payment_intents/create): a card succeeds
//                                   unless the test made it fail (failNextCharges: a 402 card_error with
//                                   the intent and its last_payment_error, as https://docs.stripe.com/error-handling
//                                   shows), a SEPA debit is processing; an Idempotency-Key replays the
//                                   first answer, and refuses other parameters (https://docs.stripe.com/api/idempotent_requests)
// and a hosted "checkout page" at the session's url, whose Pay button does what Stripe does when a
// card goes through: completes the session, POSTs the signed `checkout.session.completed` event to
// the webhook endpoint, and sends the browser to success_url. A setup session's page saves a card
// or accepts a SEPA mandate instead (completeSetup), with the same event. Events are signed as
// Stripe signs them (Stripe-Signature: t=<unix>,v1=<HMAC-SHA256(secret, "<t>.<payload>")>).
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type request from 'supertest';

type FormValue = string | FormValue[] | { [key: string]: FormValue };

/** Stripe's form encoding back into objects: a[b][0][c]=x → { a: { b: [ { c: 'x' } ] } }. */
function parseStripeForm(body: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const pair of body.split('&').filter(Boolean)) {
    const [rawKey, rawValue = ''] = pair.split('=', 2) as [string, string?];
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    const path = [key.replace(/\[.*$/, ''), ...[...key.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '')];
    let node: Record<string, FormValue> | FormValue[] = root;
    path.forEach((part, index) => {
      const last = index === path.length - 1;
      const container = node as Record<string, FormValue>;
      if (last) {
        container[part] = value;
        return;
      }
      container[part] ??= /^\d+$/.test(path[index + 1] ?? '') ? [] : {};
      node = container[part] as Record<string, FormValue>;
    });
  }
  return root;
}

export interface StandInSession {
  id: string;
  object: 'checkout.session';
  amount_subtotal: number;
  amount_total: number;
  cancel_url: string | null;
  client_reference_id: string | null;
  created: number;
  currency: string;
  customer_email: string | null;
  expires_at: number;
  livemode: false;
  locale: string | null;
  metadata: Record<string, string>;
  mode: 'payment';
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  status: 'open' | 'complete' | 'expired';
  success_url: string;
  url: string | null;
}

/** A Checkout Session in setup mode: no amount, a customer, and a SetupIntent once completed. */
export interface StandInSetupSession {
  id: string;
  object: 'checkout.session';
  allowed_payment_method_types: string[];
  amount_subtotal: null;
  amount_total: null;
  cancel_url: string | null;
  client_reference_id: string | null;
  created: number;
  currency: string | null;
  customer: string;
  customer_email: null;
  expires_at: number;
  livemode: false;
  locale: string | null;
  metadata: Record<string, string>;
  mode: 'setup';
  payment_intent: null;
  payment_method_types: string[];
  payment_status: 'no_payment_required';
  setup_intent: string | null;
  status: 'open' | 'complete' | 'expired';
  success_url: string;
  url: string | null;
}

interface StandInCustomer {
  id: string;
  object: 'customer';
  created: number;
  email: string | null;
  livemode: false;
  metadata: Record<string, string>;
  name: string | null;
}

interface StandInPaymentMethod {
  id: string;
  object: 'payment_method';
  allow_redisplay: 'unspecified';
  billing_details: { email: string | null; name: string | null };
  card?: { brand: string; country: string; exp_month: number; exp_year: number; fingerprint: string; funding: 'credit'; last4: string };
  created: number;
  customer: string | null;
  livemode: false;
  metadata: Record<string, string>;
  sepa_debit?: {
    bank_code: string;
    branch_code: string;
    country: string;
    fingerprint: string;
    generated_from: { charge: null; setup_attempt: null };
    last4: string;
  };
  type: 'card' | 'sepa_debit';
}

interface StandInMandate {
  id: string;
  object: 'mandate';
  customer_acceptance: { accepted_at: number; online: { ip_address: string; user_agent: string }; type: 'online' };
  livemode: false;
  multi_use: Record<string, never>;
  payment_method: string;
  payment_method_details: { sepa_debit: { reference: string; url: string }; type: 'sepa_debit' };
  status: 'active';
  type: 'multi_use';
}

interface StandInSetupIntent {
  id: string;
  object: 'setup_intent';
  created: number;
  customer: string;
  livemode: false;
  mandate: string | null;
  metadata: Record<string, string>;
  payment_method: string;
  payment_method_types: string[];
  status: 'succeeded';
  usage: 'off_session';
}

interface StandInPaymentError {
  type: 'card_error';
  code: string;
  decline_code?: string;
  doc_url: string;
  message: string;
  payment_method: StandInPaymentMethod;
}

export interface StandInPaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  capture_method: 'automatic_async';
  confirmation_method: 'automatic';
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  last_payment_error: StandInPaymentError | null;
  latest_charge: string | null;
  livemode: false;
  metadata: Record<string, string>;
  payment_method: string | null;
  payment_method_types: string[];
  status: 'succeeded' | 'processing' | 'requires_payment_method';
}

/** What a saved method's page saves: a card (Visa 4242 by default) or a SEPA account (a German IBAN …3000 by default). */
type StandInMethodChoice =
  | { kind: 'card'; brand?: string; last4?: string; expMonth?: number; expYear?: number }
  | { kind: 'sepa_debit'; bankCode?: string; country?: string; last4?: string };

interface StandInRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  status: 'succeeded';
  created: number;
}

interface StandInEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: StandInSession | StandInSetupSession | StandInPaymentIntent };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface StripeStandIn {
  /** STRIPE_API_BASE for the SDK. */
  url: string;
  secretKey: string;
  webhookSecret: string;
  /** The requests the SDK made, form bodies parsed. */
  requests: Array<{ method: string; path: string; form: Record<string, FormValue>; idempotencyKey: string | undefined }>;
  sessions: Map<string, StandInSession>;
  /** Checkout Sessions in setup mode. */
  setupSessions: Map<string, StandInSetupSession>;
  customers: Map<string, StandInCustomer>;
  paymentMethods: Map<string, StandInPaymentMethod>;
  /** The off-session PaymentIntents created, by id. */
  paymentIntents: Map<string, StandInPaymentIntent>;
  /** The refunds made, in order. */
  refunds: StandInRefund[];
  /** Where the hosted checkout page delivers its events (the portal's callback URL). */
  webhookUrl: string | null;
  /** The account's webhook endpoints as the test set them up in "Stripe": what GET /v1/webhook_endpoints lists. */
  webhookEndpoints: Array<{ url: string; enabled_events: string[]; status?: 'enabled' | 'disabled' }>;
  /** Completes a session as Stripe does when the client pays: 'paid' for a card, 'unpaid' for a delayed method (SEPA debit). */
  complete(sessionId: string, paymentStatus?: 'paid' | 'unpaid'): StandInSession;
  /** An event about a session, as Stripe sends it. */
  event(type: string, session: StandInSession | StandInSetupSession): StandInEvent;
  /**
   * Completes a setup session as Stripe does when the client saves a way to pay: a PaymentMethod
   * attached to the session's customer, a succeeded SetupIntent and, for SEPA, an accepted mandate.
   */
  completeSetup(sessionId: string, method: StandInMethodChoice): StandInSetupSession;
  /**
   * Makes every later off-session charge of a card fail with this code (Stripe's test cards' codes:
   * a decline code such as insufficient_funds, or expired_card, authentication_required; api_error
   * for a 500 from Stripe itself); null ends it.
   */
  failNextCharges(methodId: string, code: string | null): void;
  /** Settles a processing PaymentIntent (a SEPA debit, days later). */
  settle(paymentIntentId: string, status: 'succeeded' | 'failed'): StandInPaymentIntent;
  /** A payment_intent.* event, as Stripe sends it. */
  paymentIntentEvent(type: string, intent: StandInPaymentIntent): StandInEvent;
  /** The Stripe-Signature header for a payload, signed with `secret` (the webhook secret by default). */
  sign(payload: string, options?: { secret?: string; timestamp?: number }): string;
  close(): Promise<void>;
}

/** Stripe's answers to its test cards' failures: https://docs.stripe.com/testing#declined-payments */
const DECLINES: Record<string, { code: string; decline_code?: string; message: string }> = {
  generic_decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  insufficient_funds: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  lost_card: { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' },
  stolen_card: { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' },
  expired_card: { code: 'expired_card', message: 'Your card has expired.' },
  incorrect_cvc: { code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  processing_error: { code: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' },
  authentication_required: {
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
};

function declineOf(failure: string, method: StandInPaymentMethod): StandInPaymentError {
  const decline = DECLINES[failure === 'card_declined' ? 'generic_decline' : failure] ?? {
    code: 'card_declined',
    decline_code: failure,
    message: 'Your card was declined.',
  };
  return {
    type: 'card_error',
    ...decline,
    doc_url: `https://docs.stripe.com/error-codes/${decline.code.replace(/_/g, '-')}`,
    payment_method: method,
  };
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('base64url')}`;
const now = () => Math.floor(Date.now() / 1000);
const text = (value: FormValue | undefined): string | null => (typeof value === 'string' ? value : null);

export async function startStripeStandIn(
  options: { secretKey?: string; webhookSecret?: string; balance?: Array<{ amount: number; currency: string }> } = {},
): Promise<StripeStandIn> {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(16).toString('hex')}`;
  const sessions = new Map<string, StandInSession>();
  const refunds: StandInRefund[] = [];
  const replays = new Map<string, string>();
  const refundReplays = new Map<string, StandInRefund>();
  const setupSessions = new Map<string, StandInSetupSession>();
  const customers = new Map<string, StandInCustomer>();
  const customerReplays = new Map<string, StandInCustomer>();
  const paymentMethods = new Map<string, StandInPaymentMethod>();
  const setupIntents = new Map<string, StandInSetupIntent>();
  const mandates = new Map<string, StandInMandate>();
  const paymentIntents = new Map<string, StandInPaymentIntent>();
  /** Idempotency-Key → the first answer (status and body) and the parameters it was sent with. */
  const intentReplays = new Map<string, { status: number; body: unknown; params: string }>();
  const failing = new Map<string, string>();
  const requests: StripeStandIn['requests'] = [];
  let base = '';

  const sign: StripeStandIn['sign'] = (payload, signOptions = {}) => {
    const timestamp = signOptions.timestamp ?? now();
    const signature = createHmac('sha256', signOptions.secret ?? webhookSecret)
      .update(`${timestamp}.${payload}`)
      .digest('hex');
    return `t=${timestamp},v1=${signature}`;
  };
  const event = (type: string, session: StandInSession | StandInSetupSession | StandInPaymentIntent): StandInEvent => ({
    id: id('evt'),
    object: 'event',
    api_version: '2026-10-28.endive',
    created: now(),
    data: { object: { ...session } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
  const complete: StripeStandIn['complete'] = (sessionId, paymentStatus = 'paid') => {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    Object.assign(session, {
      status: 'complete',
      payment_status: paymentStatus,
      payment_intent: session.payment_intent ?? id('pi'),
      url: null,
    });
    return session;
  };

  const completeSetup: StripeStandIn['completeSetup'] = (sessionId, choice) => {
    const session = setupSessions.get(sessionId);
    if (!session) throw new Error(`no setup session ${sessionId}`);
    if (session.status !== 'open') throw new Error(`setup session ${sessionId} is ${session.status}`);
    const customer = customers.get(session.customer);
    const method: StandInPaymentMethod = {
      id: id('pm'),
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: { email: customer?.email ?? null, name: customer?.name ?? null },
      created: now(),
      customer: session.customer,
      livemode: false,
      metadata: {},
      type: choice.kind,
    };
    if (choice.kind === 'card')
      method.card = {
        brand: choice.brand ?? 'visa',
        country: 'US',
        exp_month: choice.expMonth ?? 12,
        exp_year: choice.expYear ?? new Date().getUTCFullYear() + 3,
        fingerprint: randomBytes(8).toString('hex'),
        funding: 'credit',
        last4: choice.last4 ?? '4242',
      };
    else
      method.sepa_debit = {
        bank_code: choice.bankCode ?? '37040044',
        branch_code: '',
        country: choice.country ?? 'DE',
        fingerprint: randomBytes(8).toString('hex'),
        generated_from: { charge: null, setup_attempt: null },
        last4: choice.last4 ?? '3000',
      };
    paymentMethods.set(method.id, method);
    let mandate: StandInMandate | null = null;
    if (choice.kind === 'sepa_debit') {
      mandate = {
        id: id('mandate'),
        object: 'mandate',
        customer_acceptance: { accepted_at: now(), online: { ip_address: '127.0.0.1', user_agent: 'stand-in' }, type: 'online' },
        livemode: false,
        multi_use: {},
        payment_method: method.id,
        payment_method_details: {
          sepa_debit: { reference: randomBytes(8).toString('hex').toUpperCase(), url: `${base}/mandates/${method.id}` },
          type: 'sepa_debit',
        },
        status: 'active',
        type: 'multi_use',
      };
      mandates.set(mandate.id, mandate);
    }
    const intent: StandInSetupIntent = {
      id: id('seti'),
      object: 'setup_intent',
      created: now(),
      customer: session.customer,
      livemode: false,
      mandate: mandate?.id ?? null,
      metadata: { ...session.metadata },
      payment_method: method.id,
      payment_method_types: [choice.kind],
      status: 'succeeded',
      usage: 'off_session',
    };
    setupIntents.set(intent.id, intent);
    Object.assign(session, { status: 'complete', setup_intent: intent.id, url: null });
    return session;
  };
  const settle: StripeStandIn['settle'] = (paymentIntentId, status) => {
    const intent = paymentIntents.get(paymentIntentId);
    if (!intent) throw new Error(`no payment intent ${paymentIntentId}`);
    if (intent.status !== 'processing') throw new Error(`payment intent ${paymentIntentId} is ${intent.status}`);
    if (status === 'succeeded') Object.assign(intent, { status: 'succeeded', amount_received: intent.amount });
    else
      Object.assign(intent, {
        status: 'requires_payment_method',
        last_payment_error: {
          type: 'card_error', // Stripe reports a failed debit in the same shape
          code: 'payment_method_provider_decline',
          doc_url: 'https://docs.stripe.com/error-codes/payment-method-provider-decline',
          message: 'The customer’s bank account has insufficient funds.',
          payment_method: paymentMethods.get(intent.payment_method ?? '')!,
        },
      });
    return intent;
  };

  const stripeError = (res: http.ServerResponse, status: number, type: string, message: string, param?: string, code?: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': id('req') });
    res.end(JSON.stringify({ error: { type, message, ...(param ? { param } : {}), ...(code ? { code } : {}) } }));
  };
  const missing = (res: http.ServerResponse, object: string, objectId: string, param: string) =>
    stripeError(res, 404, 'invalid_request_error', `No such ${object}: '${objectId}'`, param, 'resource_missing');
  const json = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Request-Id': id('req') });
    res.end(JSON.stringify(body));
  };

  function createSetupSession(form: Record<string, FormValue>): StandInSetupSession | string {
    if (form.line_items !== undefined) return 'line_items';
    const customer = text(form.customer);
    if (!customer || !customers.has(customer)) return 'customer';
    const kinds = Array.isArray(form.allowed_payment_method_types) ? form.allowed_payment_method_types.map((kind) => text(kind) ?? '') : [];
    if (kinds.length === 0 || kinds.some((kind) => kind !== 'card' && kind !== 'sepa_debit')) return 'allowed_payment_method_types';
    const currency = text(form.currency);
    // Setup mode needs the currency of the payments to come; SEPA mandates are in euros.
    if (!currency || !/^[a-z]{3}$/.test(currency) || (kinds.includes('sepa_debit') && currency !== 'eur')) return 'currency';
    if (!text(form.success_url)) return 'success_url';
    const sessionId = id('cs');
    return {
      id: sessionId,
      object: 'checkout.session',
      allowed_payment_method_types: kinds,
      amount_subtotal: null,
      amount_total: null,
      cancel_url: text(form.cancel_url),
      client_reference_id: text(form.client_reference_id),
      created: now(),
      currency,
      customer,
      customer_email: null,
      expires_at: now() + 24 * 3600,
      livemode: false,
      locale: text(form.locale),
      metadata: (form.metadata as Record<string, string> | undefined) ?? {},
      mode: 'setup',
      payment_intent: null,
      payment_method_types: kinds,
      payment_status: 'no_payment_required',
      setup_intent: null,
      status: 'open',
      success_url: text(form.success_url)!,
      url: `${base}/c/pay/${sessionId}`,
    };
  }

  /** An off-session charge, confirmed at once: the answer's status and body, as Stripe gives them. */
  function chargeIntent(form: Record<string, FormValue>): { status: number; body: unknown } {
    const invalid = (param: string, message = `Invalid ${param}`) => ({
      status: 400,
      body: { error: { type: 'invalid_request_error', message, param } },
    });
    const amount = Number(text(form.amount));
    const currency = text(form.currency) ?? '';
    if (!Number.isInteger(amount) || amount <= 0) return invalid('amount');
    if (!/^[a-z]{3}$/.test(currency)) return invalid('currency');
    if (text(form.confirm) !== 'true' || text(form.off_session) !== 'true')
      return invalid('confirm', 'The stand-in only creates PaymentIntents confirmed off-session (confirm=true, off_session=true).');
    const methodId = text(form.payment_method) ?? '';
    const method = paymentMethods.get(methodId);
    if (!method)
      return {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            message: `No such PaymentMethod: '${methodId}'`,
            param: 'payment_method',
          },
        },
      };
    const customer = text(form.customer);
    if (!customer || method.customer !== customer)
      return invalid('payment_method', `The provided PaymentMethod ${methodId} is not attached to customer ${customer}.`);
    const allowed = Array.isArray(form.allowed_payment_method_types)
      ? form.allowed_payment_method_types.map((kind) => text(kind))
      : [method.type];
    if (!allowed.includes(method.type))
      return {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'payment_intent_incompatible_payment_method',
            message: `The PaymentMethod provided (${method.type}) is not allowed for this PaymentIntent.`,
            param: 'payment_method',
          },
        },
      };
    if (method.type === 'sepa_debit' && currency !== 'eur') return invalid('currency', 'SEPA Direct Debit payments must be in eur.');
    // Stripe's own trouble (a 500): no intent, and, as Stripe keeps the answer under its key, the same again on a replay.
    if (failing.get(method.id) === 'api_error')
      return { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred', code: 'unknown_error' } } };
    const intent: StandInPaymentIntent = {
      id: id('pi'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      capture_method: 'automatic_async',
      confirmation_method: 'automatic',
      created: now(),
      currency,
      customer,
      description: text(form.description),
      last_payment_error: null,
      latest_charge: id('py'),
      livemode: false,
      metadata: (form.metadata as Record<string, string> | undefined) ?? {},
      payment_method: method.id,
      payment_method_types: [method.type],
      status: method.type === 'sepa_debit' ? 'processing' : 'succeeded',
    };
    paymentIntents.set(intent.id, intent);
    const failure = method.type === 'card' ? failing.get(method.id) : undefined;
    if (!failure) {
      if (intent.status === 'succeeded') intent.amount_received = amount;
      return { status: 200, body: intent };
    }
    const error = declineOf(failure, method);
    Object.assign(intent, { status: 'requires_payment_method', last_payment_error: error });
    return { status: 402, body: { error: { ...error, charge: intent.latest_charge, payment_intent: intent } } };
  }

  function createSession(form: Record<string, FormValue>): StandInSession | string {
    const items = form.line_items;
    if (form.mode !== 'payment') return 'mode';
    if (!Array.isArray(items) || items.length === 0) return 'line_items';
    let total = 0;
    let currency = '';
    for (const item of items as Array<Record<string, FormValue>>) {
      const price = item.price_data as Record<string, FormValue> | undefined;
      const amount = Number(text(price?.unit_amount));
      const quantity = Number(text(item.quantity) ?? '1');
      if (!price || !Number.isInteger(amount) || amount < 0 || !/^[a-z]{3}$/.test(text(price.currency) ?? ''))
        return 'line_items[0][price_data]';
      total += amount * quantity;
      currency = text(price.currency)!;
    }
    if (!text(form.success_url)) return 'success_url';
    const sessionId = id('cs');
    return {
      id: sessionId,
      object: 'checkout.session',
      amount_subtotal: total,
      amount_total: total,
      cancel_url: text(form.cancel_url),
      client_reference_id: text(form.client_reference_id),
      created: now(),
      currency,
      customer_email: text(form.customer_email),
      expires_at: now() + 24 * 3600,
      livemode: false,
      locale: text(form.locale),
      metadata: (form.metadata as Record<string, string> | undefined) ?? {},
      mode: 'payment',
      payment_intent: null,
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      status: 'open',
      success_url: text(form.success_url)!,
      url: `${base}/c/pay/${sessionId}`,
    };
  }

  async function deliver(session: StandInSession | StandInSetupSession): Promise<void> {
    if (!stand.webhookUrl) return;
    const payload = JSON.stringify(event('checkout.session.completed', session), null, 2);
    await fetch(stand.webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': sign(payload) },
      body: payload,
    });
  }

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', base);
        // The hosted checkout page: what the client's browser sees instead of Stripe's.
        const page = /^\/c\/pay\/(cs_test_[\w-]+)$/.exec(url.pathname);
        const setupSession = page ? setupSessions.get(page[1]!) : undefined;
        if (setupSession) {
          if (req.method === 'POST') {
            const action = new URLSearchParams(body).get('action');
            const saving = action === 'card' || action === 'sepa_debit';
            if (saving && setupSession.status === 'open') {
              completeSetup(setupSession.id, { kind: action });
              await deliver(setupSession);
            }
            res.writeHead(303, { Location: saving ? setupSession.success_url : (setupSession.cancel_url ?? setupSession.success_url) });
            return res.end();
          }
          const buttons = setupSession.allowed_payment_method_types
            .map((kind) =>
              kind === 'card'
                ? '<button name="action" value="card">Save card Visa •••• 4242</button>'
                : '<button name="action" value="sepa_debit">Accept the SEPA mandate for DE89 •••• 3000</button>',
            )
            .join(' ');
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          return res.end(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Save a way to pay (stand-in)</title></head><body><main><h1>Save a way to pay</h1>` +
              `<form method="post">${buttons} <button name="action" value="cancel">Back</button></form></main></body></html>`,
          );
        }
        if (page) {
          const session = sessions.get(page[1]!);
          if (!session) return stripeError(res, 404, 'invalid_request_error', 'No such checkout page');
          if (req.method === 'POST') {
            const action = new URLSearchParams(body).get('action');
            if (action === 'pay' && session.status === 'open') {
              complete(session.id);
              await deliver(session);
            }
            res.writeHead(303, { Location: action === 'pay' ? session.success_url : (session.cancel_url ?? session.success_url) });
            return res.end();
          }
          const amount = (session.amount_total / 100).toFixed(2);
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          return res.end(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Checkout (stand-in)</title></head><body><main><h1>Pay ${amount} ${session.currency.toUpperCase()}</h1>` +
              `<form method="post"><button name="action" value="pay">Pay</button> <button name="action" value="cancel">Back</button></form></main></body></html>`,
          );
        }
        const auth = req.headers.authorization ?? '';
        if (auth !== `Bearer ${stand.secretKey}`)
          return stripeError(res, 401, 'invalid_request_error', `Invalid API Key provided: ${auth.replace(/^Bearer /, '').slice(0, 8)}***`);
        const form = parseStripeForm(req.method === 'GET' ? url.search.slice(1) : body);
        const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
        requests.push({ method: req.method ?? '', path: url.pathname, form, idempotencyKey });
        if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
          const replayKey = idempotencyKey ? `${idempotencyKey}` : null;
          const replayed = replayKey ? replays.get(replayKey) : undefined;
          if (replayed) return json(res, sessions.get(replayed));
          const setupReplayed = replayKey ? setupSessions.get(replays.get(`setup:${replayKey}`) ?? '') : undefined;
          if (setupReplayed) return json(res, setupReplayed);
          if (form.mode === 'setup') {
            const setup = createSetupSession(form);
            if (typeof setup === 'string') return stripeError(res, 400, 'invalid_request_error', `Invalid ${setup}`, setup);
            setupSessions.set(setup.id, setup);
            if (replayKey) replays.set(`setup:${replayKey}`, setup.id);
            return json(res, setup);
          }
          const created = createSession(form);
          if (typeof created === 'string') return stripeError(res, 400, 'invalid_request_error', `Invalid ${created}`, created);
          sessions.set(created.id, created);
          if (replayKey) replays.set(replayKey, created.id);
          return json(res, created);
        }
        if (req.method === 'POST' && url.pathname === '/v1/customers') {
          const replayed = idempotencyKey ? customerReplays.get(idempotencyKey) : undefined;
          if (replayed) return json(res, replayed);
          const customer: StandInCustomer = {
            id: id('cus'),
            object: 'customer',
            created: now(),
            email: text(form.email),
            livemode: false,
            metadata: (form.metadata as Record<string, string> | undefined) ?? {},
            name: text(form.name),
          };
          customers.set(customer.id, customer);
          if (idempotencyKey) customerReplays.set(idempotencyKey, customer);
          return json(res, customer);
        }
        const setupIntent = /^\/v1\/setup_intents\/([\w-]+)$/.exec(url.pathname);
        if (req.method === 'GET' && setupIntent) {
          const intent = setupIntents.get(setupIntent[1]!);
          if (!intent) return missing(res, 'setup_intent', setupIntent[1]!, 'intent');
          const expand = Array.isArray(form.expand) ? form.expand : [];
          return json(res, {
            ...intent,
            ...(expand.includes('payment_method') ? { payment_method: paymentMethods.get(intent.payment_method) } : {}),
            ...(expand.includes('mandate') && intent.mandate ? { mandate: mandates.get(intent.mandate) } : {}),
          });
        }
        const mandate = /^\/v1\/mandates\/([\w-]+)$/.exec(url.pathname);
        if (req.method === 'GET' && mandate) {
          const found = mandates.get(mandate[1]!);
          return found ? json(res, found) : missing(res, 'mandate', mandate[1]!, 'mandate');
        }
        const paymentMethod = /^\/v1\/payment_methods\/([\w-]+)(\/detach)?$/.exec(url.pathname);
        if (paymentMethod && (req.method === 'GET' || (req.method === 'POST' && paymentMethod[2]))) {
          const method = paymentMethods.get(paymentMethod[1]!);
          if (!method) return missing(res, 'PaymentMethod', paymentMethod[1]!, 'payment_method');
          if (req.method === 'GET') return json(res, method);
          if (!method.customer)
            return stripeError(
              res,
              400,
              'invalid_request_error',
              'The payment method you provided is not attached to a customer so detachment is impossible.',
            );
          method.customer = null;
          return json(res, method);
        }
        if (req.method === 'POST' && url.pathname === '/v1/payment_intents') {
          const replayed = idempotencyKey ? intentReplays.get(idempotencyKey) : undefined;
          if (replayed && replayed.params !== body)
            return stripeError(
              res,
              400,
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            );
          const answer = replayed ?? chargeIntent(form);
          if (idempotencyKey && !replayed) intentReplays.set(idempotencyKey, { ...answer, params: body });
          res.writeHead(answer.status, {
            'Content-Type': 'application/json',
            'Request-Id': id('req'),
            ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
          });
          return res.end(JSON.stringify(answer.body));
        }
        const expire = /^\/v1\/checkout\/sessions\/([\w-]+)\/expire$/.exec(url.pathname);
        if (req.method === 'POST' && expire) {
          const session = sessions.get(expire[1]!) ?? setupSessions.get(expire[1]!);
          if (!session) return stripeError(res, 404, 'invalid_request_error', `No such checkout.session: '${expire[1]}'`, 'session');
          if (session.status !== 'open')
            return stripeError(res, 400, 'invalid_request_error', 'Only Checkout Sessions with a status of open can be expired.');
          Object.assign(session, { status: 'expired', url: null });
          return json(res, session);
        }
        if (req.method === 'POST' && url.pathname === '/v1/refunds') {
          const replayed = idempotencyKey ? refundReplays.get(idempotencyKey) : undefined;
          if (replayed) return json(res, replayed);
          const intent = text(form.payment_intent);
          const paid = [...sessions.values()].find((session) => session.payment_intent === intent && session.payment_status === 'paid');
          if (!intent || !paid)
            return stripeError(res, 404, 'invalid_request_error', `No such payment_intent: '${intent}'`, 'payment_intent');
          if (refunds.some((refund) => refund.payment_intent === intent))
            return stripeError(res, 400, 'invalid_request_error', `Charge for ${intent} has already been refunded.`);
          const refund: StandInRefund = {
            id: id('re'),
            object: 'refund',
            amount: paid.amount_total,
            currency: paid.currency,
            payment_intent: intent,
            status: 'succeeded',
            created: now(),
          };
          refunds.push(refund);
          if (idempotencyKey) refundReplays.set(idempotencyKey, refund);
          return json(res, refund);
        }
        const retrieve = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(url.pathname);
        if (req.method === 'GET' && retrieve) {
          const session = sessions.get(retrieve[1]!) ?? setupSessions.get(retrieve[1]!);
          return session
            ? json(res, session)
            : stripeError(res, 404, 'invalid_request_error', `No such checkout.session: '${retrieve[1]}'`, 'session');
        }
        if (req.method === 'GET' && url.pathname === '/v1/balance') {
          const available = options.balance ?? [{ amount: 0, currency: 'eur' }];
          return json(res, {
            object: 'balance',
            available: available.map((entry) => ({ ...entry, source_types: { card: entry.amount } })),
            livemode: false,
            pending: available.map((entry) => ({ amount: 0, currency: entry.currency, source_types: { card: 0 } })),
          });
        }
        if (req.method === 'GET' && url.pathname === '/v1/webhook_endpoints') {
          const data = stand.webhookEndpoints.map((endpoint, index) => ({
            id: `we_test_${index + 1}`,
            object: 'webhook_endpoint',
            api_version: null,
            application: null,
            created: now(),
            description: null,
            livemode: false,
            metadata: {},
            status: 'enabled',
            ...endpoint,
          }));
          return json(res, { object: 'list', url: '/v1/webhook_endpoints', has_more: false, data });
        }
        return stripeError(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
      })().catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stand: StripeStandIn = {
    url: base,
    secretKey,
    webhookSecret,
    requests,
    sessions,
    setupSessions,
    customers,
    paymentMethods,
    paymentIntents,
    refunds,
    webhookUrl: null,
    webhookEndpoints: [],
    complete,
    event,
    completeSetup,
    failNextCharges: (methodId, code) => {
      if (code === null) failing.delete(methodId);
      else failing.set(methodId, code);
    },
    settle,
    paymentIntentEvent: (type, intent) => event(type, intent),
    sign,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stand;
}

/**
 * POSTs an event's body to the demo workspace's Stripe webhook as Stripe does (JSON, with the given
 * Stripe-Signature header; none when `signature` is null).
 */
export function postStripeEvent(agent: ReturnType<typeof request.agent>, payload: string, signature: string | null): request.Test {
  const post = agent.post('/portal/demo/payments/callback/stripe').set('Content-Type', 'application/json');
  return (signature === null ? post : post.set('Stripe-Signature', signature)).send(payload);
}
