// Accepting and declining proposals and quotations; all behind requireClient (see the workspace
// router). Each decision has a page of its own (works without JavaScript) and a POST that
// redirects back to the offer.
import { Router } from 'express';
import { validateBody } from '../web/validate.ts';
import { AcceptProposalCommand, AcceptQuotationCommand, DeclineProposalCommand, DeclineQuotationCommand } from './commands.ts';
import type { DecisionHandlers } from './handlers.ts';

export function decisionRoutes(h: DecisionHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/proposals/:id/accept', h.show('proposal', 'accept'));
  router.post('/proposals/:id/accept', validateBody(AcceptProposalCommand, h.invalid('proposal', 'accept')), h.decide('proposal', 'accept'));
  router.get('/proposals/:id/decline', h.show('proposal', 'decline'));
  router.post('/proposals/:id/decline', validateBody(DeclineProposalCommand, h.invalid('proposal', 'decline')), h.decide('proposal', 'decline'));
  router.get('/quotations/:id/accept', h.show('quotation', 'accept'));
  router.post('/quotations/:id/accept', validateBody(AcceptQuotationCommand, h.invalid('quotation', 'accept')), h.decide('quotation', 'accept'));
  router.get('/quotations/:id/decline', h.show('quotation', 'decline'));
  router.post('/quotations/:id/decline', validateBody(DeclineQuotationCommand, h.invalid('quotation', 'decline')), h.decide('quotation', 'decline'));
  router.get('/proposals/:id/signed.pdf', h.signedPdf('proposal'));
  router.get('/quotations/:id/signed.pdf', h.signedPdf('quotation'));
  return router;
}
