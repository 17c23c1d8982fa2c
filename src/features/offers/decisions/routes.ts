// Accepting and declining proposals and quotations; all behind requireClient (see the workspace
// router). Each decision has a page of its own (works without JavaScript) and a POST that
// redirects back to the offer.
import { Router } from 'express';
import { allow, validateBody } from '../../../core/index.ts';
import type { OfferKind, OffersPort } from '../port.ts';
import { offersOutcome } from './service.ts';
import { AcceptProposalCommand, AcceptQuotationCommand, DeclineProposalCommand, DeclineQuotationCommand } from './commands.ts';
import type { DecisionHandlers } from './handlers.ts';
import { MAX_STROKES_FIELD_LENGTH } from './signature-strokes.ts';

/**
 * The accept forms carry a drawn signature as strokes, up to MAX_STROKES_FIELD_LENGTH characters
 * (~75 KB), which URL-encoding roughly doubles (every comma becomes %2C). Their cap fits the
 * longest strokes the schema allows plus the other fields, so an oversized signature meets the
 * schema's message on the form, with what was typed kept, instead of a bare 413 page. A long
 * signature drawn at any pixel density measures a few KB (src/features/offers/test/signature-devices.browser.test.ts).
 */
export const SIGNED_FORMS = {
  paths: ['/proposals/:id/accept', '/quotations/:id/accept', '/p/:token/accept'],
  limit: `${Math.ceil((MAX_STROKES_FIELD_LENGTH * 2 + 64 * 1024) / 1024)}kb`,
  /** Where a form past even that cap is sent back to: its page, which then says why (`refused=too_large`). */
  refusedUrl: (path: string) => `${path.replace(/^(\/p\/[^/]+)\/accept$/, '$1')}?refused=too_large`,
};

export function decisionRoutes(
  h: DecisionHandlers,
  kinds: readonly OfferKind[] = ['proposal', 'quotation'],
  offers?: Pick<OffersPort, 'outcomes'>,
): Router {
  const router = Router({ mergeParams: true });
  // A decision the host does not record (OffersPort.outcomes) has no route: 404.
  const offered = (kind: OfferKind, outcome: 'accepted' | 'declined') => offersOutcome(offers, kind, outcome);
  // Only the kinds the host keeps (OffersPort.kinds) get routes; the others answer 404.
  if (kinds.includes('proposal')) {
    if (offered('proposal', 'accepted')) {
      router.get('/proposals/:id/accept', allow.section('proposals'), h.show('proposal', 'accept'));
      router.post(
        '/proposals/:id/accept',
        allow.company('proposals'),
        validateBody(AcceptProposalCommand, h.invalid('proposal', 'accept')),
        h.decide('proposal', 'accept'),
      );
    }
    if (offered('proposal', 'declined')) {
      router.get('/proposals/:id/decline', allow.section('proposals'), h.show('proposal', 'decline'));
      router.post(
        '/proposals/:id/decline',
        allow.company('proposals'),
        validateBody(DeclineProposalCommand, h.invalid('proposal', 'decline')),
        h.decide('proposal', 'decline'),
      );
    }
    router.get('/proposals/:id/signed.pdf', allow.section('proposals'), h.signedPdf('proposal'));
  }
  if (kinds.includes('quotation')) {
    if (offered('quotation', 'accepted')) {
      router.get('/quotations/:id/accept', allow.section('quotations'), h.show('quotation', 'accept'));
      router.post(
        '/quotations/:id/accept',
        allow.company('proposals'),
        validateBody(AcceptQuotationCommand, h.invalid('quotation', 'accept')),
        h.decide('quotation', 'accept'),
      );
    }
    if (offered('quotation', 'declined')) {
      router.get('/quotations/:id/decline', allow.section('quotations'), h.show('quotation', 'decline'));
      router.post(
        '/quotations/:id/decline',
        allow.company('proposals'),
        validateBody(DeclineQuotationCommand, h.invalid('quotation', 'decline')),
        h.decide('quotation', 'decline'),
      );
    }
    router.get('/quotations/:id/signed.pdf', allow.section('quotations'), h.signedPdf('quotation'));
  }
  return router;
}
