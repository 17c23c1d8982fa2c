// The PaymentProvider port: how the portal hands an invoice balance to a card (or other online)
// payment provider and learns, from the provider's signed callback, that the money arrived.
// A provider never writes anything itself: the payment service records the payment through the
// host adapter, in the same transaction as the callback's idempotency key (see service.ts).
interface CheckoutRequest {
  /** The portal's id for this attempt (client_payments.id); the provider echoes it back. */
  paymentId: string;
  workspaceId: string;
  invoiceNumber: string;
  /** What the provider's page and receipt call the payment, in the client's language. */
  description: string;
  amountCents: number;
  currency: string;
  /** Where the provider sends the client back to once they are done (or gave up). */
  returnUrl: string;
  /** This workspace's portal, e.g. /portal/demo, for a provider whose checkout the portal serves. */
  portalBase: string;
  /** The portal's public address (config.appUrl): a hosted checkout needs absolute return URLs. */
  appUrl: string;
  /** The client's language ('en', 'de'), for the provider's page. */
  locale: string;
  /** The paying person's email, to prefill the provider's page and its receipt. */
  customerEmail: string;
}

interface Checkout {
  /** Where to send the client's browser now (303). */
  redirectUrl: string;
  /** The provider's id for the checkout (Stripe: the Checkout Session), to close it later. */
  checkoutId?: string;
}

/** What a callback says, once its signature held. */
export interface VerifiedCallback {
  /** Unique per provider event: the same event delivered twice carries the same key. */
  idempotencyKey: string;
  paymentId: string;
  /**
   * succeeded: the money arrived (record it). pending: the client finished the checkout but the
   * method confirms later (SEPA debit); nothing to record yet. failed / cancelled: it never will
   * (a failed debit, an expired checkout): the checkout is closed and nothing is recorded.
   */
  outcome: 'succeeded' | 'pending' | 'failed' | 'cancelled';
  amountCents: number;
  currency: string;
  /** The provider's reference, kept on the host's payment record. */
  reference: string;
  paidAt: Date;
}

/** A way to pay saved at the provider for later charges: a card, or a SEPA Direct Debit mandate. */
export interface SavedPaymentMethod {
  /** The provider's id for it (Stripe: the PaymentMethod), what later charges name. */
  providerMethodId: string;
  kind: 'card' | 'sepa_debit';
  /** The card's brand ('visa') or the bank's name, for the client to recognise it. */
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  /** A SEPA mandate's reference and when the client accepted it, as the provider keeps them. */
  mandateReference: string | null;
  mandateAcceptedAt: Date | null;
}

/** A signed event saying a setup (saving a method) ended: saved with its method, or given up. */
export interface SetupCallback {
  idempotencyKey: string;
  /** The portal's id for the setup (client_payment_setups.id); the provider echoes it back. */
  setupId: string;
  outcome: 'saved' | 'cancelled';
  /** The provider's customer the method is attached to. */
  customerId: string;
  method: SavedPaymentMethod | null;
}

export interface SetupRequest {
  setupId: string;
  workspaceId: string;
  /** The provider's customer for this client company from an earlier setup, else null (one is created). */
  customerId: string | null;
  /** The client company's name and the person's email, for the provider's customer record. */
  customerName: string;
  customerEmail: string;
  /** Which kinds the client may save: those the workspace and the provider allow. */
  kinds: Array<SavedPaymentMethod['kind']>;
  /** The currency the method will pay in (a SEPA mandate is in euros). */
  currency: string;
  returnUrl: string;
  portalBase: string;
  appUrl: string;
  locale: string;
}

export interface Setup {
  redirectUrl: string;
  /** The provider's customer the saved method will belong to (created now when none was given). */
  customerId: string;
  /** The provider's id for the setup page (Stripe: the Checkout Session in setup mode). */
  providerSetupId?: string;
}

/** A charge of a saved method without the client present (autopay). */
export interface ChargeRequest {
  /** The checkout the charge pays (client_payments.checkout_id): its callbacks name it, as a checkout's do. */
  paymentId: string;
  workspaceId: string;
  customerId: string;
  providerMethodId: string;
  amountCents: number;
  currency: string;
  description: string;
  /** One per invoice and attempt: the same attempt sent twice charges once. */
  idempotencyKey: string;
}

export type ChargeAnswer =
  /** The money is taken now (a card). */
  | { outcome: 'succeeded'; reference: string; paidAt: Date }
  /** Accepted; the money is confirmed by a later callback (a SEPA debit, days later). */
  | { outcome: 'processing'; reference: string }
  /** Refused (declined, expired, authentication needed): `reason` is the provider's, for the agency; `code` its code. */
  | { outcome: 'failed'; reason: string; code: string | null };

/** A correctly signed event that does not concern a checkout (another event type): answered 200, nothing done. */
export interface IgnoredCallback {
  ignored: string;
}

/**
 * The provider cannot check this workspace's events now (its keys cannot be read): answered 503,
 * so the provider sends the event again later, when they may be back.
 */
export interface UnavailableCallback {
  unavailable: string;
}

export interface CallbackInput {
  workspaceId: string;
  rawBody: Buffer;
  header(name: string): string | undefined;
  now: Date;
}

export interface PaymentProvider {
  /** Stable id, in URLs and the callback table: 'demo', 'stripe'. */
  id: string;
  /** The payment method the host records ('card'). */
  method: string;
  /** True when the client may pay less than the balance (an instalment). */
  allowsPartial: boolean;
  /** Origins of the provider's hosted checkout the pay form redirects to (its page's CSP form-action); none for a checkout the portal serves. */
  checkoutOrigins?: readonly string[];
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  /** The callback's facts when its signature is valid and fresh; null otherwise (answered 400). */
  verifyCallback(input: CallbackInput): Promise<VerifiedCallback | SetupCallback | IgnoredCallback | UnavailableCallback | null>;
  /**
   * Closes a checkout the provider opened, before another for the same invoice: true when it is
   * closed (or was already), false when it cannot be (the client finished it: money may be on its
   * way). Absent where the checkout lives only in the portal.
   */
  closeCheckout?(input: { workspaceId: string; checkoutId: string }): Promise<boolean>;
  /**
   * Gives money back (`reference` as the callback reported it): the amount kept, all the callback
   * reported or one invoice's share of a checkout of several; answers the provider's id for the refund.
   */
  refund?(input: { workspaceId: string; reference: string; amountCents: number; currency: string; idempotencyKey: string }): Promise<{
    refundId: string;
  }>;
  /**
   * Saving a method for later (autopay): the provider's page where the client enters a card or
   * accepts a SEPA mandate. Its end arrives as a SetupCallback. Absent: the provider saves nothing.
   */
  createSetup?(request: SetupRequest): Promise<Setup>;
  /** Charges a saved method off-session (autopay). Throws only when the provider cannot be reached. */
  chargeSaved?(request: ChargeRequest): Promise<ChargeAnswer>;
  /** Removes a saved method at the provider (the client removed it, or was erased): it can never be charged again. */
  removeMethod?(input: { workspaceId: string; customerId: string; providerMethodId: string }): Promise<void>;
  /**
   * Why the provider cannot take this workspace's payments now although the workspace chose it
   * (its own keys cannot be read), else null: the pay page says so and opens no checkout.
   */
  unavailable?(workspaceId: string): Promise<string | null>;
}

/**
 * The staff page (under config.adminPath) listing money a provider took that could not be applied
 * to its invoice, with a refund for each: notifications and emails link to it.
 */
export const UNAPPLIED_PAYMENTS_PATH = '/payments/unapplied';
