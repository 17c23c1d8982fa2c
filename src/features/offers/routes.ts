// Proposals and quotations, behind requireClient (see the workspace router). Both sections stand
// or fall with the `showProposals` switch; the comment form with `allowComments` too.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { authorizeCommenting, authorizeSection } from '../../core/policies/portal-policy.ts';
import { portalContext } from '../../core/web/portal-context.ts';
import { validateBody, validateQuery } from '../../core/web/validate.ts';
import { AddCommentCommand } from '../messages/index.ts';
import { OfferListQuery } from './commands.ts';
import type { OfferHandlers } from './handlers.ts';
import { SECTION_KIND, type OfferSection } from './presenters.ts';
import type { OfferKind } from '../../core/ports/host.ts';

const section = (name: OfferSection) => (_req: Request, res: Response, next: NextFunction) => {
  authorizeSection(portalContext(res).settings, name);
  next();
};

const commenting = (_req: Request, res: Response, next: NextFunction) => {
  authorizeCommenting(portalContext(res).settings);
  next();
};

export function offerRoutes(h: OfferHandlers, kinds: readonly OfferKind[] = ['proposal', 'quotation']): Router {
  const router = Router({ mergeParams: true });
  // Only the kinds the host keeps get routes (and with them a place in the navigation).
  for (const name of (['proposals', 'quotations'] as const).filter((section) => kinds.includes(SECTION_KIND[section]))) {
    router.get(`/${name}`, section(name), validateQuery(OfferListQuery), h.list(name));
    router.get(`/${name}/:id.pdf`, section(name), h.pdf(name));
    router.get(`/${name}/:id/preview`, section(name), h.preview(name));
    router.get(`/${name}/:id`, section(name), h.show(name));
    router.post(`/${name}/:id/comments`, section(name), commenting, validateBody(AddCommentCommand, h.invalidComment(name)), h.addComment(name));
  }
  return router;
}
