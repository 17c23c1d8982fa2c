// A company's saved payment methods and autopay, behind requireClient: the person needs the payments
// permission (the client admin and the Billing role), and each handler answers 404 where the
// workspace saves no methods (autopay not allowed, or a provider that saves none).
import { Router } from 'express';
import { allow, validateBody } from '../../../core/index.ts';
import { AutopayCommand, DemoSetupCommand } from './commands.ts';
import type { PaymentMethodHandlers } from './handlers.ts';

export function paymentMethodRoutes(h: PaymentMethodHandlers): Router {
  const router = Router({ mergeParams: true });
  const payer = allow.company('payments');
  router.get('/payment-methods', allow.payment, h.page);
  router.post('/payment-methods/add', payer, h.add);
  router.post('/payment-methods/autopay', payer, validateBody(AutopayCommand, h.invalidAutopay), h.autopay);
  router.post('/payment-methods/:id/default', payer, h.makeDefault);
  router.post('/payment-methods/:id/remove', payer, h.remove);
  // The demo provider's page for saving a method, only where the demo provider is registered.
  if (h.demoRegistered) {
    router.get('/payment-methods/demo/:setupId', allow.payment, h.demoSetup);
    router.post('/payment-methods/demo/:setupId', payer, validateBody(DemoSetupCommand), h.demoSetupConfirm);
  }
  return router;
}
