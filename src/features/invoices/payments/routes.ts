// Paying invoices, behind requireClient (see the workspace router); each route's first step checks
// that invoices and online payments are switched on (404 otherwise). The providers' callbacks are in
// callbackRoutes, mounted before the session: a provider has no session and no CSRF token.
import { Router } from 'express';
import { allow } from '../../../core/policies/route-steps.ts';
import { validateBody } from '../../../core/web/validate.ts';
import { DemoCheckoutCommand, PayCommand, ReportTransferCommand } from './commands.ts';
import type { PaymentHandlers } from './handlers.ts';

export function paymentRoutes(h: PaymentHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/invoices/:id/pay', allow.payment, h.payPage);
  router.post('/invoices/:id/pay', allow.company('payments'), validateBody(PayCommand, h.invalidPay), h.startPayment);
  router.post(
    '/invoices/:id/pay/transfer',
    allow.company('payments'),
    validateBody(ReportTransferCommand, h.invalidTransfer),
    h.reportTransfer,
  );
  // The demo provider's checkout exists only where the demo provider is registered (never in
  // production unless the operator asks for it): elsewhere these paths are 404 like any other.
  if (h.demoRegistered) {
    router.get('/payments/demo/:paymentId', allow.payment, h.demoCheckout);
    router.post('/payments/demo/:paymentId', allow.company('payments'), validateBody(DemoCheckoutCommand), h.demoConfirm);
  }
  return router;
}

export function paymentCallbackRoutes(h: PaymentHandlers): Router {
  const router = Router({ mergeParams: true });
  router.post('/payments/callback/:provider', h.callbackBody, h.callback);
  return router;
}
