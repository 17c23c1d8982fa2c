// The demo provider's "payment succeeded" event for a checkout, signed as the provider signs it and
// sent over HTTP to the workspace's callback route, as a provider would send it.
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';
import type { DemoProvider } from '../payments/demo-provider.ts';

export function sendDemoCallback(
  h: PortalHarness,
  demo: DemoProvider,
  event: { workspaceId: string; checkoutId: string; amountCents: number; currency: string; eventId?: string },
) {
  const signed = demo.signedCallback(
    event.workspaceId,
    {
      id: event.eventId ?? `evt_${event.checkoutId}`,
      type: 'payment.succeeded',
      payment: { id: event.checkoutId, amount_cents: event.amountCents, currency: event.currency, paid_at: new Date().toISOString() },
    },
    new Date(),
  );
  return h
    .agent()
    .post('/portal/demo/payments/callback/demo')
    .set('Demo-Signature', signed.signature)
    .set('Content-Type', 'application/json')
    .send(signed.rawBody.toString());
}
