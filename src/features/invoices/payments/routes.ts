// Paying invoices, behind requireClient (see the workspace router); each route's first step checks
// that invoices are shown, and paying online that online payments are on (404 otherwise). The
// providers' callbacks are in callbackRoutes, mounted before the session: a provider has no
// session and no CSRF token.
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../../core/index.ts';
import { ReportSeveralTransferCommand, SeveralTransferQuery } from '../commands.ts';
import { DemoCheckoutCommand, PayCommand, ReportTransferCommand } from './commands.ts';
import type { PaymentHandlers } from './handlers.ts';
import type { SeveralTransferHandlers } from './several-transfer-handlers.ts';

export function paymentRoutes(h: PaymentHandlers): Router {
  const router = Router({ mergeParams: true });
  // The pay page stands wherever invoices do: the page itself asks the policy which ways to pay
  // apply to this invoice (authorizePayPage), 404 with none. Paying online needs the payments
  // permission; reporting a transfer is about an invoice the person sees.
  router.get('/invoices/:id/pay', allow.section('invoices'), h.payPage);
  router.post('/invoices/:id/pay', allow.company('payments'), validateBody(PayCommand, h.invalidPay), h.startPayment);
  router.post(
    '/invoices/:id/pay/transfer',
    allow.company('invoices'),
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

/**
 * Several invoices paid by one bank transfer (chosen on the list, whose form posts to
 * /invoices/pay/transfer): the page, wherever invoices are shown, and the report, as for one.
 */
export function severalTransferRoutes(h: SeveralTransferHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/invoices/pay/transfer', allow.section('invoices'), validateQuery(SeveralTransferQuery), h.page);
  router.post(
    '/invoices/pay/transfer/report',
    allow.company('invoices'),
    validateBody(ReportSeveralTransferCommand, h.invalidReport),
    h.report,
  );
  return router;
}

export function paymentCallbackRoutes(h: PaymentHandlers): Router {
  const router = Router({ mergeParams: true });
  router.post('/payments/callback/:provider', h.callbackBody, h.callback);
  return router;
}
