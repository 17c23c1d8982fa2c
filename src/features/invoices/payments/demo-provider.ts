// The demo provider: a stand-in for a real card provider, for the demo and the tests. Its
// "hosted checkout" is a page the portal itself serves (clearly labelled as a demo, no card data);
// confirming there produces the same HMAC-signed callback a real provider would POST to
// /portal/:slug/payments/callback/demo, and that callback records the payment.
//
// Signature: header `Demo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
// keyed per workspace from the portal's secret, accepted within five minutes (Stripe's scheme).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { CallbackInput, PaymentProvider, VerifiedCallback } from '../../../core/index.ts';

export const DEMO_SIGNATURE_HEADER = 'Demo-Signature';
const TOLERANCE_SECONDS = 300;

const CallbackBody = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(['payment.succeeded', 'payment.failed']),
  payment: z.object({
    id: z.uuid(),
    amount_cents: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    currency: z.string().regex(/^[A-Z]{3}$/),
    paid_at: z.iso.datetime(),
  }),
});

export type DemoCallbackBody = z.infer<typeof CallbackBody>;

export interface DemoProvider extends PaymentProvider {
  /** The signed callback for a confirmed checkout: what the demo "provider" sends. */
  signedCallback(workspaceId: string, body: DemoCallbackBody, now: Date): { rawBody: Buffer; signature: string };
  /** verifyCallback's check, answered at once (nothing to look up: the key derives from the portal's secret). */
  verifySigned(input: CallbackInput): VerifiedCallback | null;
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

  function verifySigned(input: CallbackInput): VerifiedCallback | null {
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
