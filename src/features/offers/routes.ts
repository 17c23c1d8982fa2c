// Proposals and quotations, behind requireClient (see the workspace router). Both sections stand
// or fall with the `showProposals` switch; the comment form with `allowComments` too.
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import type { OfferKind } from './port.ts';
import { AddCommentCommand } from '../messages/index.ts';
import { OfferListQuery } from './commands.ts';
import type { OfferHandlers } from './handlers.ts';
import { SECTION_KIND } from './presenters.ts';

export function offerRoutes(h: OfferHandlers, kinds: readonly OfferKind[] = ['proposal', 'quotation']): Router {
  const router = Router({ mergeParams: true });
  // Only the kinds the host keeps get routes (and with them a place in the navigation).
  for (const name of (['proposals', 'quotations'] as const).filter((section) => kinds.includes(SECTION_KIND[section]))) {
    router.get(`/${name}`, allow.section(name), validateQuery(OfferListQuery), h.list(name));
    router.get(`/${name}/:id.pdf`, allow.section(name), h.pdf(name));
    router.get(`/${name}/:id/preview`, allow.section(name), h.preview(name));
    router.get(`/${name}/:id`, allow.section(name), h.show(name));
    router.post(
      `/${name}/:id/comments`,
      allow.section(name),
      allow.company('comments'),
      h.limitComments,
      validateBody(AddCommentCommand, h.invalidComment(name)),
      h.addComment(name),
    );
  }
  return router;
}
