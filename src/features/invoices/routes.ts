// Invoices, behind requireClient (see the workspace router) and the `showInvoices` switch; the
// comment form with `allowComments` too.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { authorizeCommenting, authorizeSection } from '../../core/policies/portal-policy.ts';
import { portalContext } from '../../core/web/portal-context.ts';
import { validateBody, validateQuery } from '../../core/web/validate.ts';
import { AddCommentCommand } from '../messages/index.ts';
import { InvoiceListQuery } from './commands.ts';
import type { InvoiceHandlers } from './handlers.ts';

const invoicesShown = (_req: Request, res: Response, next: NextFunction) => {
  authorizeSection(portalContext(res).settings, 'invoices');
  next();
};

const commenting = (_req: Request, res: Response, next: NextFunction) => {
  authorizeCommenting(portalContext(res).settings);
  next();
};

export function invoiceRoutes(h: InvoiceHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/invoices', invoicesShown, validateQuery(InvoiceListQuery), h.list);
  // Before /invoices/:id.pdf, which would otherwise take "statement" for an invoice id.
  router.get('/invoices/statement.pdf', invoicesShown, h.statement);
  router.get('/invoices/:id.pdf', invoicesShown, h.pdf);
  router.get('/invoices/:id/receipts/:paymentId.pdf', invoicesShown, h.receipt);
  router.get('/invoices/:id/preview', invoicesShown, h.preview);
  router.get('/invoices/:id', invoicesShown, h.show);
  router.post('/invoices/:id/comments', invoicesShown, commenting, validateBody(AddCommentCommand, h.invalidComment), h.addComment);
  return router;
}
