// Invoices, behind requireClient (see the workspace router) and the `showInvoices` switch; the
// comment form with `allowComments` too.
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { AddCommentCommand } from '../messages/index.ts';
import { InvoiceListQuery, PaySeveralCommand } from './commands.ts';
import { StatementQuery } from './statement-period.ts';
import type { InvoiceHandlers } from './handlers.ts';

export function invoiceRoutes(h: InvoiceHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/invoices', allow.section('invoices'), validateQuery(InvoiceListQuery), h.list);
  // Several invoices chosen on the list, paid in one checkout: as paying one online, the payments permission.
  router.post('/invoices/pay', allow.company('payments'), validateBody(PaySeveralCommand, h.invalidPaySeveral), h.paySeveral);
  // The same choice paid by one bank transfer: on to its page, as reporting one transfer, for whoever sees invoices.
  router.post('/invoices/pay/transfer', allow.company('invoices'), validateBody(PaySeveralCommand, h.invalidPaySeveral), h.chooseTransfer);
  // Before /invoices/:id.pdf, which would otherwise take "statement" for an invoice id.
  router.get('/invoices/statement.pdf', allow.section('invoices'), validateQuery(StatementQuery), h.statement);
  router.get('/invoices/:id.pdf', allow.section('invoices'), h.pdf);
  router.get('/invoices/:id/receipts/:paymentId.pdf', allow.section('invoices'), h.receipt);
  router.get('/invoices/:id/preview', allow.section('invoices'), h.preview);
  router.get('/invoices/:id', allow.section('invoices'), h.show);
  router.post(
    '/invoices/:id/comments',
    allow.section('invoices'),
    allow.company('comments'),
    h.limitComments,
    validateBody(AddCommentCommand, h.invalidComment),
    h.addComment,
  );
  return router;
}
