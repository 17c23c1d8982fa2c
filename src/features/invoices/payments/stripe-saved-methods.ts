// Saved payment methods and autopay with Stripe (the Stripe side of the port's createSetup,
// chargeSaved, removeMethod, and of the events they lead to). stripe-provider.ts hands each call
// the workspace's Stripe client; nothing here reads keys or writes anything of the portal's.
//
//   setup:   a Customer for the client company when it has none yet
//            (https://docs.stripe.com/api/customers/create), then a Checkout Session in setup mode
//            (https://docs.stripe.com/payments/checkout/save-and-reuse) for that customer, with
//            client_reference_id = the portal's setup id and metadata naming the workspace.
//   events:  checkout.session.completed in setup mode → the session's SetupIntent, retrieved with
//            its payment_method and mandate expanded (https://docs.stripe.com/api/setup_intents/retrieve),
//            gives the saved method; checkout.session.expired in setup mode → cancelled.
//            payment_intent.succeeded / .processing / .payment_failed of a charge made here
//            (metadata portal_charge = saved_method) → the charge's outcome. A Checkout payment's
//            PaymentIntent carries portal_payment_id too (payment_intent_data.metadata), so only
//            the marker tells an off-session charge apart: without it, a checkout paid by card would
//            be recorded twice, once by its session's event and once by its intent's.
//   charge:  a PaymentIntent confirmed off-session (https://docs.stripe.com/payments/save-and-reuse,
//            "Charge the saved payment method later"); a decline answers a card_error (402) that
//            carries the intent with its last_payment_error.
//   remove:  the PaymentMethod detached from its customer (https://docs.stripe.com/api/payment_methods/detach).
import type Stripe from 'stripe';
import { z } from 'zod';
import type {
  ChargeAnswer,
  ChargeRequest,
  IgnoredCallback,
  SavedPaymentMethod,
  Setup,
  SetupCallback,
  SetupRequest,
  UnavailableCallback,
  VerifiedCallback,
} from '../../../core/index.ts';

/** The metadata mark of a PaymentIntent the portal created off-session: its events are the charge's. */
const CHARGE_MARK = { portal_charge: 'saved_method' } as const;

/** The events of off-session charges: the webhook endpoint needs them once autopay is offered. */
export const STRIPE_CHARGE_EVENTS = ['payment_intent.succeeded', 'payment_intent.processing', 'payment_intent.payment_failed'] as const;

interface Amounts {
  toStripeAmount(amountCents: number, currency: string): number | null;
  fromStripeAmount(amount: number, currency: string): number;
}

export async function createStripeSetup(
  stripe: Stripe,
  request: SetupRequest,
  locale: Stripe.Checkout.SessionCreateParams.Locale,
): Promise<Setup> {
  const metadata = { portal_workspace_id: request.workspaceId, portal_setup_id: request.setupId };
  let customerId = request.customerId;
  if (!customerId) {
    // Keyed by the setup: a retried request (or the same setup started twice) makes one customer.
    const customer = await stripe.customers.create(
      { name: request.customerName, email: request.customerEmail, metadata: { portal_workspace_id: request.workspaceId } },
      { idempotencyKey: `portal-customer-${request.setupId}` },
    );
    customerId = customer.id;
  }
  const back = `${request.appUrl}${request.returnUrl}`;
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'setup',
      customer: customerId,
      // Since API version 2026-10-28 (the SDK's), the kinds a session offers are
      // allowed_payment_method_types: payment_method_types is no longer accepted on create.
      allowed_payment_method_types: request.kinds,
      // Setup mode needs the currency the method will pay in (a SEPA mandate is for euros).
      currency: request.currency.toLowerCase(),
      client_reference_id: request.setupId,
      metadata,
      setup_intent_data: { metadata },
      locale,
      success_url: back,
      cancel_url: back,
    },
    { idempotencyKey: `portal-setup-${request.setupId}` },
  );
  if (!session.url) throw new Error(`Stripe answered setup session ${session.id} without a url`);
  return { redirectUrl: session.url, customerId, providerSetupId: session.id };
}

const SetupSession = z.object({
  id: z.string().min(1).max(255),
  object: z.literal('checkout.session'),
  mode: z.literal('setup'),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  customer: z
    .union([z.string(), z.object({ id: z.string() })])
    .nullable()
    .optional(),
  setup_intent: z
    .union([z.string(), z.object({ id: z.string() })])
    .nullable()
    .optional(),
});

/** Whether an event is about a setup-mode session (its own reading, below), not a payment's. */
export function isSetupSessionEvent(event: Stripe.Event): boolean {
  const object = event.data.object as { object?: unknown; mode?: unknown };
  return object.object === 'checkout.session' && object.mode === 'setup';
}

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : (value?.id ?? null));

/** checkout.session.completed / .expired of a setup-mode session: the method saved, or the setup given up. */
export async function readSetupEvent(
  stripe: Stripe,
  event: Stripe.Event,
  workspaceId: string,
): Promise<SetupCallback | IgnoredCallback | UnavailableCallback | null> {
  const parsed = SetupSession.safeParse(event.data.object);
  if (!parsed.success) return null;
  const session = parsed.data;
  const setupId = session.client_reference_id ?? session.metadata?.portal_setup_id ?? '';
  if (session.metadata?.portal_workspace_id !== workspaceId || !z.uuid().safeParse(setupId).success)
    return { ignored: 'a setup this workspace did not start' };
  const customerId = idOf(session.customer) ?? '';
  const base = { idempotencyKey: event.id, setupId, customerId };
  if (event.type === 'checkout.session.expired') return { ...base, outcome: 'cancelled', method: null };
  if (event.type !== 'checkout.session.completed') return { ignored: `event type ${event.type} for a setup` };
  const setupIntentId = idOf(session.setup_intent);
  if (!setupIntentId) return { ignored: `setup session ${session.id} without a SetupIntent` };
  let intent: Stripe.SetupIntent;
  try {
    intent = await stripe.setupIntents.retrieve(setupIntentId, { expand: ['payment_method', 'mandate'] });
  } catch (err) {
    // Answered 503: Stripe sends the event again, when the SetupIntent can be read.
    return { unavailable: `the SetupIntent ${setupIntentId} of setup ${setupId} could not be read: ${messageOf(err)}` };
  }
  if (intent.status !== 'succeeded') return { ignored: `SetupIntent ${intent.id} is ${intent.status}` };
  const method = savedMethod(intent);
  if (!method) return { ignored: `SetupIntent ${intent.id} saved no card or SEPA account` };
  return { ...base, customerId: customerId || (idOf(intent.customer) ?? ''), outcome: 'saved', method };
}

function savedMethod(intent: Stripe.SetupIntent): SavedPaymentMethod | null {
  const method = intent.payment_method;
  if (!method || typeof method === 'string') return null;
  const mandate = intent.mandate && typeof intent.mandate !== 'string' ? intent.mandate : null;
  const acceptedAt = mandate?.customer_acceptance.accepted_at;
  const mandateFields = {
    mandateReference: mandate?.payment_method_details.sepa_debit?.reference ?? null,
    mandateAcceptedAt: acceptedAt ? new Date(acceptedAt * 1000) : null,
  };
  if (method.type === 'card' && method.card)
    return {
      providerMethodId: method.id,
      kind: 'card',
      brand: method.card.brand,
      last4: method.card.last4,
      expMonth: method.card.exp_month,
      expYear: method.card.exp_year,
      ...mandateFields,
    };
  if (method.type === 'sepa_debit' && method.sepa_debit) {
    // Stripe names no bank: its country and bank code (a German BLZ, a French code banque) are
    // what a client can tell their accounts apart by, beside the last four digits.
    const bank = [method.sepa_debit.country, method.sepa_debit.bank_code].filter(Boolean).join(' ');
    return {
      providerMethodId: method.id,
      kind: 'sepa_debit',
      brand: bank || null,
      last4: method.sepa_debit.last4,
      expMonth: null,
      expYear: null,
      ...mandateFields,
    };
  }
  return null;
}

export async function chargeStripeSaved(stripe: Stripe, request: ChargeRequest, amounts: Amounts): Promise<ChargeAnswer> {
  const amount = amounts.toStripeAmount(request.amountCents, request.currency);
  if (amount === null)
    return { outcome: 'failed', reason: `${request.currency} has no cents in Stripe: the amount must be whole`, code: null };
  // The method's type is the one type the intent allows (the request does not say it), and its
  // customer is checked: a method is only ever charged for the client company it was saved for.
  let method: Stripe.PaymentMethod;
  try {
    method = await stripe.paymentMethods.retrieve(request.providerMethodId);
  } catch (err) {
    return refusal(err);
  }
  if (method.type !== 'card' && method.type !== 'sepa_debit')
    return { outcome: 'failed', reason: `a ${method.type} payment method cannot be charged here`, code: null };
  if (idOf(method.customer) !== request.customerId)
    return {
      outcome: 'failed',
      reason: `the payment method is not attached to customer ${request.customerId}`,
      code: 'payment_method_not_attached',
    };
  let intent: Stripe.PaymentIntent;
  try {
    intent = await stripe.paymentIntents.create(
      {
        amount,
        currency: request.currency.toLowerCase(),
        customer: request.customerId,
        payment_method: request.providerMethodId,
        allowed_payment_method_types: [method.type],
        // Neither a card nor a SEPA debit redirects: no return_url, and nothing that would need one.
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        off_session: true,
        confirm: true,
        description: request.description,
        metadata: { portal_workspace_id: request.workspaceId, portal_payment_id: request.paymentId, ...CHARGE_MARK },
      },
      { idempotencyKey: request.idempotencyKey },
    );
  } catch (err) {
    return refusal(err);
  }
  switch (intent.status) {
    case 'succeeded':
      return { outcome: 'succeeded', reference: intent.id, paidAt: new Date(intent.created * 1000) };
    case 'processing':
      return { outcome: 'processing', reference: intent.id };
    default: {
      // requires_action (3-D Secure asked although off-session), requires_payment_method, canceled.
      const last = intent.last_payment_error;
      return {
        outcome: 'failed',
        reason: last?.message ?? `the payment is ${intent.status}`,
        code: last?.decline_code ?? last?.code ?? (intent.status === 'requires_action' ? 'authentication_required' : intent.status),
      };
    }
  }
}

/**
 * A refusal Stripe answered (a decline, a method that no longer exists) is the charge's failure;
 * anything else (no answer, a 5xx, a rejected key, a rate limit) is thrown for a later retry with
 * the same idempotency key.
 */
function refusal(err: unknown): ChargeAnswer {
  const stripeError = err as Partial<Stripe.errors.StripeError>;
  if (stripeError.type === 'StripeCardError' || stripeError.type === 'StripeInvalidRequestError') {
    const last = stripeError.payment_intent?.last_payment_error;
    return {
      outcome: 'failed',
      reason: stripeError.message ?? last?.message ?? 'refused by Stripe',
      // The SDK sets decline_code to '' on a card error without one (an expired card).
      code: stripeError.decline_code || stripeError.code || last?.decline_code || last?.code || null,
    };
  }
  throw err;
}

const ChargeIntent = z.object({
  id: z.string().min(1).max(255),
  object: z.literal('payment_intent'),
  amount: z.number().int().nonnegative(),
  amount_received: z.number().int().nonnegative().optional(),
  currency: z.string().regex(/^[a-z]{3}$/i),
  created: z.number().int(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});

/** A payment_intent.* event of a charge made by chargeStripeSaved for this workspace; ignored otherwise. */
export function readChargeEvent(event: Stripe.Event, workspaceId: string, amounts: Amounts): VerifiedCallback | IgnoredCallback | null {
  if ((event.data.object as { object?: unknown }).object !== 'payment_intent') return { ignored: `${event.type} about no PaymentIntent` };
  const parsed = ChargeIntent.safeParse(event.data.object);
  if (!parsed.success) return null;
  const intent = parsed.data;
  const metadata = intent.metadata ?? {};
  // A Checkout payment's intent (its session's events record it) has no mark.
  if (metadata.portal_charge !== CHARGE_MARK.portal_charge) return { ignored: 'a PaymentIntent the portal did not charge off-session' };
  const paymentId = metadata.portal_payment_id ?? '';
  if (metadata.portal_workspace_id !== workspaceId || !z.uuid().safeParse(paymentId).success)
    return { ignored: 'a charge this workspace did not make' };
  const outcome =
    event.type === 'payment_intent.succeeded' ? 'succeeded' : event.type === 'payment_intent.processing' ? 'pending' : 'failed';
  const currency = intent.currency.toUpperCase();
  const amount = event.type === 'payment_intent.succeeded' && intent.amount_received ? intent.amount_received : intent.amount;
  return {
    idempotencyKey: event.id,
    paymentId,
    outcome,
    amountCents: amounts.fromStripeAmount(amount, currency),
    currency,
    reference: intent.id,
    paidAt: new Date(event.created * 1000),
  };
}

/**
 * Detaches a saved method: one already detached (or gone) is done. One attached to another customer
 * is left alone (it is not this client company's to remove, and chargeStripeSaved never charges it
 * for this one).
 */
export async function removeStripeMethod(stripe: Stripe, input: { customerId: string; providerMethodId: string }): Promise<void> {
  let method: Stripe.PaymentMethod;
  try {
    method = await stripe.paymentMethods.retrieve(input.providerMethodId);
  } catch (err) {
    if ((err as Partial<Stripe.errors.StripeError>).code === 'resource_missing') return;
    throw err;
  }
  if (idOf(method.customer) !== input.customerId) return;
  await stripe.paymentMethods.detach(method.id);
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
