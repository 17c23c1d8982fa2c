// Stripe, built in: a Checkout Session in payment mode per checkout the client starts, and Stripe's
// signed webhook events at /portal/<slug>/payments/callback/stripe.
//
//   checkout: one line item for the amount the client chose, in the invoice's currency, with
//             client_reference_id = the portal's payment id and metadata naming the workspace; the
//             client comes back to the pay page (?payment=<id>), which says how it went.
//   events:   verified by the SDK on the raw body (Stripe-Signature, five minutes' tolerance behind;
//             the SDK accepts any timestamp ahead, so one more than five minutes ahead is refused
//             here: a signature made for later would otherwise replay until then), with
//             the webhook secret of the workspace's keys (stripe-keys.ts). Read as:
//               checkout.session.completed, payment_status 'paid'    → succeeded (recorded)
//               checkout.session.completed, payment_status 'unpaid'  → pending (a delayed method)
//               checkout.session.async_payment_succeeded             → succeeded
//               checkout.session.async_payment_failed                → failed
//               checkout.session.expired                             → cancelled
//             anything else, or a session another workspace (or another application on the same
//             Stripe account) started, is ignored.
//   saved methods and autopay (stripe-saved-methods.ts): a Checkout Session in setup mode per
//             setup, whose completed (or expired) event says which method was saved; off-session
//             PaymentIntents for autopay, whose payment_intent.* events confirm a SEPA debit later.
//   unreadable keys: a workspace whose own keys cannot be opened takes no payment at all (no
//             checkout, events answered 503 for Stripe to send again once the secret is back).
// The payment's reference on the host is the PaymentIntent id (pi_…): what staff search for in
// Stripe's dashboard.
import type Stripe from 'stripe';
import { z } from 'zod';
import type {
  CallbackInput,
  IgnoredCallback,
  PaymentProvider,
  SetupCallback,
  UnavailableCallback,
  VerifiedCallback,
} from '../../../core/index.ts';
import { isUnreadable, type StripeKeyResolver, type StripeKeys } from './stripe-keys.ts';
import {
  chargeStripeSaved,
  createStripeSetup,
  isSetupSessionEvent,
  readChargeEvent,
  readSetupEvent,
  removeStripeMethod,
  STRIPE_CHARGE_EVENTS,
} from './stripe-saved-methods.ts';

const STRIPE_SIGNATURE_HEADER = 'Stripe-Signature';
const UNREADABLE =
  "the workspace's own Stripe keys cannot be opened with PAYMENT_KEYS_SECRET or SESSION_SECRET (or their _PREVIOUS): set the secret they were saved under, or save them again";
const TOLERANCE_SECONDS = 300;

/** Currencies Stripe counts in whole units (no cents): https://docs.stripe.com/currencies#zero-decimal */
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);

/** The portal's amount (hundredths) in Stripe's smallest unit, or null when Stripe cannot charge it. */
export function toStripeAmount(amountCents: number, currency: string): number | null {
  if (!ZERO_DECIMAL.has(currency.toUpperCase())) return amountCents;
  return amountCents % 100 === 0 ? amountCents / 100 : null;
}

export function fromStripeAmount(amount: number, currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? amount * 100 : amount;
}

/** Checkout's page languages (Session `locale`); anything else lets Stripe pick from the browser. */
const CHECKOUT_LOCALES = new Set<string>([
  'bg',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'en-GB',
  'es',
  'es-419',
  'et',
  'fi',
  'fil',
  'fr',
  'fr-CA',
  'hr',
  'hu',
  'id',
  'it',
  'ja',
  'ko',
  'lt',
  'lv',
  'ms',
  'mt',
  'nb',
  'nl',
  'pl',
  'pt',
  'pt-BR',
  'ro',
  'ru',
  'sk',
  'sl',
  'sv',
  'th',
  'tr',
  'vi',
  'zh',
  'zh-HK',
  'zh-TW',
]);
const checkoutLocale = (locale: string) => (CHECKOUT_LOCALES.has(locale) ? locale : 'auto') as Stripe.Checkout.SessionCreateParams.Locale;

/** The part of a Checkout Session an event carries that the portal reads. */
const SessionObject = z.object({
  id: z.string().min(1).max(255),
  object: z.literal('checkout.session'),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  amount_total: z.number().int().nonnegative().nullable(),
  currency: z
    .string()
    .regex(/^[a-z]{3}$/i)
    .nullable(),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  payment_intent: z
    .union([z.string(), z.object({ id: z.string() })])
    .nullable()
    .optional(),
});

/** The events the portal reads: what its webhook endpoint in Stripe must be subscribed to. */
export const STRIPE_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
] as const;
const HANDLED = new Set<string>(STRIPE_EVENTS);
const CHARGE_EVENTS = new Set<string>(STRIPE_CHARGE_EVENTS);
const amounts = { toStripeAmount, fromStripeAmount };

export interface StripeConnection {
  ok: boolean;
  /** 'test' or 'live' when Stripe answered. */
  mode?: 'test' | 'live';
  /** The available balance per currency, formatted by the caller. */
  available?: Array<{ amountCents: number; currency: string }>;
  /** Stripe's message when it refused (a wrong key) or could not be reached. */
  error?: string;
  /**
   * The portal's webhook endpoint as Stripe has it: not found (no enabled endpoint sends to the
   * portal's URL), or found with the events it lacks; absent when Stripe would not list them.
   */
  webhook?: { found: boolean; missing: string[] };
}

export interface StripeProvider extends PaymentProvider {
  /**
   * Asks Stripe for the account's balance with these keys, and whether a webhook endpoint sends the
   * events the portal reads to `webhookUrl`: what the admin's "Test the connection" shows.
   */
  /** `events`: those the endpoint must send (STRIPE_EVENTS, and STRIPE_CHARGE_EVENTS where autopay is allowed). */
  testConnection(secretKey: string, webhookUrl: string, events?: readonly string[]): Promise<StripeConnection>;
}

/** STRIPE_API_BASE (e.g. http://127.0.0.1:12111 for stripe-mock) as the SDK's host, port and protocol. */
function apiAddress(apiBase: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

/**
 * Stripe's SDK, loaded at the first call that needs it: four hundred modules, a second of a
 * process's start, that a portal whose workspaces take no card payments never uses.
 */
let stripeModule: Promise<typeof Stripe> | undefined;
function loadStripe(): Promise<typeof Stripe> {
  stripeModule ??= import('stripe').then((loaded) => loaded.default);
  return stripeModule;
}

export function createStripeProvider(options: { keys: StripeKeyResolver; apiBase?: string | undefined }): StripeProvider {
  const address = apiAddress(options.apiBase);
  // One client per secret key: a workspace with its own keys gets its own, the rest share one.
  const clients = new Map<string, Stripe>();
  const newClient = async (secretKey: string) =>
    new (await loadStripe())(secretKey, { ...address, maxNetworkRetries: 1, timeout: 20_000, appInfo: { name: 'customer-portal' } });
  const clientFor = async (secretKey: string): Promise<Stripe> => {
    let client = clients.get(secretKey);
    if (!client) {
      client = await newClient(secretKey);
      clients.set(secretKey, client);
    }
    return client;
  };
  const keysOrThrow = async (workspaceId: string): Promise<StripeKeys> => {
    const keys = await options.keys(workspaceId);
    if (isUnreadable(keys)) throw new Error(UNREADABLE);
    if (!keys) throw new Error('no Stripe secret key for this workspace (its payment settings, the host or STRIPE_SECRET_KEY)');
    return keys;
  };

  return {
    id: 'stripe',
    method: 'card',
    allowsPartial: true,
    // Stripe's hosted Checkout; with STRIPE_API_BASE, the stand-in or stripe-mock serving its pages.
    checkoutOrigins: [options.apiBase ? new URL(options.apiBase).origin : 'https://checkout.stripe.com'],

    async createCheckout(request) {
      const keys = await keysOrThrow(request.workspaceId);
      const unitAmount = toStripeAmount(request.amountCents, request.currency);
      if (unitAmount === null) throw new Error(`${request.currency} has no cents in Stripe: the amount must be whole`);
      const back = `${request.appUrl}${request.returnUrl}`;
      const metadata = {
        portal_payment_id: request.paymentId,
        portal_workspace_id: request.workspaceId,
        invoice_number: request.invoiceNumber,
      };
      const session = await (await clientFor(keys.secretKey)).checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: unitAmount,
                product_data: { name: request.description },
              },
            },
          ],
          client_reference_id: request.paymentId,
          metadata,
          payment_intent_data: { description: request.description, metadata },
          customer_email: request.customerEmail,
          locale: checkoutLocale(request.locale),
          success_url: back,
          cancel_url: `${back}&cancelled=1`,
        },
        // A retried request (the SDK retries once on a network error) opens no second session.
        { idempotencyKey: `portal-checkout-${request.paymentId}` },
      );
      if (!session.url) throw new Error(`Stripe answered session ${session.id} without a url`);
      return { redirectUrl: session.url, checkoutId: session.id };
    },

    // Before another checkout for the same invoice: an open session is expired (it can no longer
    // be paid), an expired one is closed already, a completed one (a debit on its way) cannot be.
    async closeCheckout({ workspaceId, checkoutId }) {
      const stripe = await clientFor((await keysOrThrow(workspaceId)).secretKey);
      const session = await stripe.checkout.sessions.retrieve(checkoutId);
      if (session.status === 'expired') return true;
      if (session.status !== 'open') return false;
      const expired = await stripe.checkout.sessions.expire(checkoutId);
      return expired.status === 'expired';
    },

    // Money kept as unapplied, given back: the PaymentIntent the event named, for the amount kept
    // (all of it, or one invoice's share of a payment of several).
    async refund({ workspaceId, reference, amountCents, currency, idempotencyKey }) {
      if (!reference.startsWith('pi_')) throw new Error(`${reference} is not a PaymentIntent: refund it in Stripe's dashboard`);
      const amount = toStripeAmount(amountCents, currency);
      if (amount === null)
        throw new Error(`${amountCents} ${currency} cannot be refunded in Stripe's smallest unit: refund it in Stripe's dashboard`);
      const stripe = await clientFor((await keysOrThrow(workspaceId)).secretKey);
      const refund = await stripe.refunds.create({ payment_intent: reference, amount }, { idempotencyKey });
      return { refundId: refund.id };
    },

    async createSetup(request) {
      const keys = await keysOrThrow(request.workspaceId);
      return createStripeSetup(await clientFor(keys.secretKey), request, checkoutLocale(request.locale));
    },

    async chargeSaved(request) {
      const keys = await keysOrThrow(request.workspaceId);
      return chargeStripeSaved(await clientFor(keys.secretKey), request, amounts);
    },

    async removeMethod({ workspaceId, customerId, providerMethodId }) {
      const keys = await keysOrThrow(workspaceId);
      await removeStripeMethod(await clientFor(keys.secretKey), { customerId, providerMethodId });
    },

    async unavailable(workspaceId) {
      return isUnreadable(await options.keys(workspaceId)) ? UNREADABLE : null;
    },

    async verifyCallback(input: CallbackInput): Promise<VerifiedCallback | SetupCallback | IgnoredCallback | UnavailableCallback | null> {
      const signature = input.header(STRIPE_SIGNATURE_HEADER);
      if (!signature || signedAhead(signature, input.now)) return null;
      const keys = await options.keys(input.workspaceId);
      if (isUnreadable(keys)) return { unavailable: UNREADABLE };
      if (!keys?.webhookSecret) return null;
      let event: Stripe.Event;
      try {
        event = await (await clientFor(keys.secretKey)).webhooks.constructEventAsync(
          input.rawBody,
          signature,
          keys.webhookSecret,
          TOLERANCE_SECONDS,
          undefined,
          // In milliseconds: the SDK divides by 1000 itself.
          input.now.getTime(),
        );
      } catch {
        return null; // a wrong or stale signature, or a body that is not an event
      }
      if (CHARGE_EVENTS.has(event.type)) return readChargeEvent(event, input.workspaceId, amounts);
      if (!HANDLED.has(event.type)) return { ignored: `event type ${event.type}` };
      if (isSetupSessionEvent(event)) return readSetupEvent(await clientFor(keys.secretKey), event, input.workspaceId);
      const parsed = SessionObject.safeParse(event.data.object);
      if (!parsed.success) return null;
      const session = parsed.data;
      const paymentId = session.client_reference_id ?? session.metadata?.portal_payment_id ?? '';
      // One Stripe account may serve several workspaces (and other applications): each endpoint
      // handles only the sessions its own workspace started.
      if (session.metadata?.portal_workspace_id !== input.workspaceId || !z.uuid().safeParse(paymentId).success)
        return { ignored: 'a checkout this workspace did not start' };
      const outcome = outcomeOf(event.type, session.payment_status);
      if (!outcome) return { ignored: `payment_status ${session.payment_status}` };
      const currency = (session.currency ?? '').toUpperCase();
      const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
      return {
        idempotencyKey: event.id,
        paymentId,
        outcome,
        amountCents: fromStripeAmount(session.amount_total ?? 0, currency),
        currency,
        reference: paymentIntent ?? session.id,
        paidAt: new Date(event.created * 1000),
      };
    },

    async testConnection(secretKey, webhookUrl, events = STRIPE_EVENTS) {
      try {
        // A key being tried is not kept: it may be wrong, and nothing uses it until it is saved.
        const client = await newClient(secretKey);
        const balance = await client.balance.retrieve();
        return {
          ok: true,
          mode: balance.livemode ? 'live' : 'test',
          available: balance.available.map((entry) => ({
            amountCents: fromStripeAmount(entry.amount, entry.currency),
            currency: entry.currency.toUpperCase(),
          })),
          ...(await webhookEndpointFor(client, webhookUrl, events)),
        };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

/** A Stripe-Signature whose timestamp is more than the tolerance ahead of now (or has none). */
function signedAhead(signature: string, now: Date): boolean {
  const timestamp = /(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(signature)?.[1];
  if (!timestamp) return true;
  return Number(timestamp) - now.getTime() / 1000 > TOLERANCE_SECONDS;
}

/**
 * Whether an enabled endpoint of the account sends the portal's events to its URL (a restricted key
 * without the webhook permission cannot list them: then nothing is said). Of several endpoints with
 * that URL, the one lacking the fewest events.
 */
async function webhookEndpointFor(client: Stripe, url: string, events: readonly string[]): Promise<Pick<StripeConnection, 'webhook'>> {
  try {
    const endpoints: Stripe.WebhookEndpoint[] = [];
    for await (const endpoint of client.webhookEndpoints.list({ limit: 100 })) {
      if (endpoint.url === url && endpoint.status === 'enabled') endpoints.push(endpoint);
      if (endpoints.length >= 100) break;
    }
    const lacking = endpoints.map((endpoint) =>
      endpoint.enabled_events.includes('*') ? [] : events.filter((event) => !endpoint.enabled_events.includes(event)),
    );
    if (lacking.length === 0) return { webhook: { found: false, missing: [...events] } };
    return { webhook: { found: true, missing: lacking.reduce((fewest, each) => (each.length < fewest.length ? each : fewest)) } };
  } catch {
    return {};
  }
}

function outcomeOf(type: string, paymentStatus: 'paid' | 'unpaid' | 'no_payment_required'): VerifiedCallback['outcome'] | null {
  switch (type) {
    case 'checkout.session.completed':
      return paymentStatus === 'paid' ? 'succeeded' : paymentStatus === 'unpaid' ? 'pending' : null;
    case 'checkout.session.async_payment_succeeded':
      return 'succeeded';
    case 'checkout.session.async_payment_failed':
      return 'failed';
    case 'checkout.session.expired':
      return 'cancelled';
    default:
      return null;
  }
}
