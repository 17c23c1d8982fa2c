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

/** Each kind's path, the section its pages belong to, and the command each decision's form must meet. */
const DECISION_ROUTES = {
  proposal: { path: 'proposals', section: 'proposals', commands: { accept: AcceptProposalCommand, decline: DeclineProposalCommand } },
  quotation: { path: 'quotations', section: 'quotations', commands: { accept: AcceptQuotationCommand, decline: DeclineQuotationCommand } },
} as const;

/** Each decision with the outcome the host must record for it to have a route; accept first. */
const DECISIONS = [
  ['accept', 'accepted'],
  ['decline', 'declined'],
] as const;

export function decisionRoutes(
  h: DecisionHandlers,
  kinds: readonly OfferKind[] = ['proposal', 'quotation'],
  offers?: Pick<OffersPort, 'outcomes'>,
): Router {
  const router = Router({ mergeParams: true });
  // A decision the host does not record (OffersPort.outcomes) has no route: 404.
  const offered = (kind: OfferKind, outcome: 'accepted' | 'declined') => offersOutcome(offers, kind, outcome);
  // Only the kinds the host keeps (OffersPort.kinds) get routes; the others answer 404.
  for (const kind of kinds) {
    const { path, section, commands } = DECISION_ROUTES[kind];
    for (const [decision, outcome] of DECISIONS) {
      if (!offered(kind, outcome)) continue;
      router.get(`/${path}/:id/${decision}`, allow.section(section), h.show(kind, decision));
      router.post(
        `/${path}/:id/${decision}`,
        allow.company('proposals'),
        validateBody(commands[decision], h.invalid(kind, decision)),
        h.decide(kind, decision),
      );
    }
    router.get(`/${path}/:id/signed.pdf`, allow.section(section), h.signedPdf(kind));
  }
  return router;
}
