// The demo provider: a stand-in for a real card provider, for the demo and the tests. Its
// "hosted checkout" is a page the portal itself serves (clearly labelled as a demo, no card data);
// confirming there produces the same HMAC-signed callback a real provider would POST to
// /portal/:slug/payments/callback/demo, and that callback records the payment.
//
// Saving a method works the same way: its "provider page" is the portal's own demo page, where
// the person picks one of three demo methods (a card, a card that declines, a SEPA account); the
// signed `setup.succeeded` event saves it. Charging a saved method answers at once: the declining
// card is refused as a real card would be, the others succeed with no money moved.
//
// Signature: header `Demo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
// keyed per workspace from the portal's secret, accepted within five minutes (Stripe's scheme).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { CallbackInput, PaymentProvider, SetupCallback, VerifiedCallback } from '../../../core/index.ts';

export const DEMO_SIGNATURE_HEADER = 'Demo-Signature';
const TOLERANCE_SECONDS = 300;

const PaymentEvent = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(['payment.succeeded', 'payment.failed']),
  payment: z.object({
    id: z.uuid(),
    amount_cents: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    currency: z.string().regex(/^[A-Z]{3}$/),
    paid_at: z.iso.datetime(),
  }),
});

/** The demo methods a person may save, by the id the demo page sends. */
export const DEMO_METHODS = {
  card: { kind: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, mandateReference: null },
  declining_card: { kind: 'card', brand: 'mastercard', last4: '0002', expMonth: 12, expYear: 2030, mandateReference: null },
  sepa_debit: { kind: 'sepa_debit', brand: 'DE', last4: '3000', expMonth: null, expYear: null, mandateReference: 'DEMO-MANDATE' },
} as const;
export type DemoMethodChoice = keyof typeof DEMO_METHODS;

const SetupEvent = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(['setup.succeeded', 'setup.cancelled']),
  setup: z.object({
    id: z.uuid(),
    customer: z.string().min(1).max(100),
    method: z.enum(Object.keys(DEMO_METHODS) as [DemoMethodChoice, ...DemoMethodChoice[]]).nullable(),
    accepted_at: z.iso.datetime(),
  }),
});

const CallbackBody = z.union([PaymentEvent, SetupEvent]);

type DemoCallbackBody = z.infer<typeof CallbackBody>;
export type DemoPaymentEvent = z.infer<typeof PaymentEvent>;

export interface DemoProvider extends PaymentProvider {
  /** The signed callback for a confirmed checkout: what the demo "provider" sends. */
  signedCallback(workspaceId: string, body: DemoCallbackBody, now: Date): { rawBody: Buffer; signature: string };
  /** verifyCallback's check, answered at once (nothing to look up: the key derives from the portal's secret). */
  verifySigned(input: CallbackInput): VerifiedCallback | SetupCallback | null;
}

export function createDemoProvider(options: { secret: string }): DemoProvider {
  const keyFor = (workspaceId: string) => createHmac('sha256', options.secret).update(`demo-payments:${workspaceId}`).digest();
  const sign = (workspaceId: string, timestamp: string, rawBody: Buffer) =>
    createHmac('sha256', keyFor(workspaceId)).update(`${timestamp}.`).update(rawBody).digest('hex');

  return {
    id: 'demo',
    method: 'card',
    allowsPartial: true,

    async createCheckout(request) {
      return { redirectUrl: `${request.portalBase}/payments/demo/${request.paymentId}` };
    },

    async createSetup(request) {
      return {
        redirectUrl: `${request.portalBase}/payment-methods/demo/${request.setupId}`,
        // One demo customer per setup's first company: the id only has to be stable once saved.
        customerId:
          request.customerId ?? `demo_cus_${createHmac('sha256', options.secret).update(request.setupId).digest('hex').slice(0, 16)}`,
      };
    },

    async chargeSaved(request) {
      if (request.providerMethodId.endsWith(':declining_card'))
        return { outcome: 'failed', reason: 'Your card was declined.', code: 'card_declined' };
      return { outcome: 'succeeded', reference: `demo:${request.idempotencyKey}`, paidAt: new Date() };
    },

    // Nothing is kept at the demo "provider": removing is done once the portal forgets it.
    async removeMethod() {},

    // No money moved, so none goes back: the refund is named after the request, the same each time.
    async refund({ idempotencyKey }) {
      return { refundId: `demo_refund_${idempotencyKey.replace(/^portal-refund-/, '')}` };
    },

    signedCallback(workspaceId, body, now) {
      const rawBody = Buffer.from(JSON.stringify(body));
      const timestamp = String(Math.floor(now.getTime() / 1000));
      return { rawBody, signature: `t=${timestamp},v1=${sign(workspaceId, timestamp, rawBody)}` };
    },

    verifyCallback: async (input) => verifySigned(input),
    verifySigned,
  };

  function verifySigned(input: CallbackInput): VerifiedCallback | SetupCallback | null {
    const header = input.header(DEMO_SIGNATURE_HEADER) ?? '';
    const parts = Object.fromEntries(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
    const timestamp = parts.t ?? '';
    const given = parts.v1 ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(given)) return null;
    if (Math.abs(input.now.getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return null;
    const expected = Buffer.from(sign(input.workspaceId, timestamp, input.rawBody), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.rawBody.toString('utf8'));
    } catch {
      return null;
    }
    const body = CallbackBody.safeParse(parsed);
    if (!body.success) return null;
    if ('setup' in body.data) {
      const { setup } = body.data;
      const chosen = setup.method ? DEMO_METHODS[setup.method] : null;
      const ended: SetupCallback = {
        idempotencyKey: body.data.id,
        setupId: setup.id,
        outcome: body.data.type === 'setup.succeeded' && chosen ? 'saved' : 'cancelled',
        customerId: setup.customer,
        method:
          chosen && setup.method
            ? {
                // The choice travels in the id, so a charge knows the declining card from the others.
                providerMethodId: `demo_pm_${setup.id}:${setup.method}`,
                kind: chosen.kind,
                brand: chosen.brand,
                last4: chosen.last4,
                expMonth: chosen.expMonth,
                expYear: chosen.expYear,
                mandateReference: chosen.mandateReference ? `${chosen.mandateReference}-${setup.id.slice(0, 8).toUpperCase()}` : null,
                mandateAcceptedAt: chosen.kind === 'sepa_debit' ? new Date(setup.accepted_at) : null,
              }
            : null,
      };
      return ended;
    }
    return {
      idempotencyKey: body.data.id,
      paymentId: body.data.payment.id,
      outcome: body.data.type === 'payment.succeeded' ? 'succeeded' : 'failed',
      amountCents: body.data.payment.amount_cents,
      currency: body.data.payment.currency,
      reference: `demo:${body.data.id}`,
      paidAt: new Date(body.data.payment.paid_at),
    };
  }
}
