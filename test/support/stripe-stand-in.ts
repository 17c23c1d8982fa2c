// A stand-in for the part of Stripe's API the portal uses, answering the official SDK (pointed here
// with STRIPE_API_BASE) in Stripe's wire format: form-encoded requests with bracketed keys
// (line_items[0][price_data][currency]=eur), bearer-key authentication, Idempotency-Key replays,
// JSON objects with their ids and `object` fields, and Stripe's error shape. Endpoints:
//   POST /v1/checkout/sessions      creates a Checkout Session (https://docs.stripe.com/api/checkout/sessions/create)
//   GET  /v1/checkout/sessions/:id  retrieves one
//   POST /v1/checkout/sessions/:id/expire  expires an open one (https://docs.stripe.com/api/checkout/sessions/expire)
//   POST /v1/refunds                refunds a PaymentIntent in full (https://docs.stripe.com/api/refunds/create)
//   GET  /v1/balance                the account's balance (https://docs.stripe.com/api/balance/balance_retrieve)
//   GET  /v1/webhook_endpoints      the account's webhook endpoints, those the test set in `webhookEndpoints`
//                                   (https://docs.stripe.com/api/webhook_endpoints/list)
// and a hosted "checkout page" at the session's url, whose Pay button does what Stripe does when a
// card goes through: completes the session, POSTs the signed `checkout.session.completed` event to
// the webhook endpoint, and sends the browser to success_url. Events are signed as Stripe signs
// them (Stripe-Signature: t=<unix>,v1=<HMAC-SHA256(secret, "<t>.<payload>")>).
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
  data: { object: StandInSession };
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
  /** The refunds made, in order. */
  refunds: StandInRefund[];
  /** Where the hosted checkout page delivers its events (the portal's callback URL). */
  webhookUrl: string | null;
  /** The account's webhook endpoints as the test set them up in "Stripe": what GET /v1/webhook_endpoints lists. */
  webhookEndpoints: Array<{ url: string; enabled_events: string[]; status?: 'enabled' | 'disabled' }>;
  /** Completes a session as Stripe does when the client pays: 'paid' for a card, 'unpaid' for a delayed method (SEPA debit). */
  complete(sessionId: string, paymentStatus?: 'paid' | 'unpaid'): StandInSession;
  /** An event about a session, as Stripe sends it. */
  event(type: string, session: StandInSession): StandInEvent;
  /** The Stripe-Signature header for a payload, signed with `secret` (the webhook secret by default). */
  sign(payload: string, options?: { secret?: string; timestamp?: number }): string;
  close(): Promise<void>;
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
  const requests: StripeStandIn['requests'] = [];
  let base = '';

  const sign: StripeStandIn['sign'] = (payload, signOptions = {}) => {
    const timestamp = signOptions.timestamp ?? now();
    const signature = createHmac('sha256', signOptions.secret ?? webhookSecret)
      .update(`${timestamp}.${payload}`)
      .digest('hex');
    return `t=${timestamp},v1=${signature}`;
  };
  const event: StripeStandIn['event'] = (type, session) => ({
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

  const stripeError = (res: http.ServerResponse, status: number, type: string, message: string, param?: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': id('req') });
    res.end(JSON.stringify({ error: { type, message, ...(param ? { param } : {}) } }));
  };
  const json = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Request-Id': id('req') });
    res.end(JSON.stringify(body));
  };

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

  async function deliver(session: StandInSession): Promise<void> {
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
          const created = createSession(form);
          if (typeof created === 'string') return stripeError(res, 400, 'invalid_request_error', `Invalid ${created}`, created);
          sessions.set(created.id, created);
          if (replayKey) replays.set(replayKey, created.id);
          return json(res, created);
        }
        const expire = /^\/v1\/checkout\/sessions\/([\w-]+)\/expire$/.exec(url.pathname);
        if (req.method === 'POST' && expire) {
          const session = sessions.get(expire[1]!);
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
          const session = sessions.get(retrieve[1]!);
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
    refunds,
    webhookUrl: null,
    webhookEndpoints: [],
    complete,
    event,
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
