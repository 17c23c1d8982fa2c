// Proposals and quotations, behind requireClient (see the workspace router). Both sections stand
// or fall with the `showProposals` switch; the comment form with `allowComments` too.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { authorizeCommenting, authorizeSection } from '../policies/portal-policy.ts';
import { portalContext } from '../web/portal-context.ts';
import { validateBody, validateQuery } from '../web/validate.ts';
import { AddCommentCommand } from '../comments/commands.ts';
import { OfferListQuery } from './commands.ts';
import type { OfferHandlers } from './handlers.ts';
import type { OfferSection } from './presenters.ts';

const section = (name: OfferSection) => (_req: Request, res: Response, next: NextFunction) => {
  authorizeSection(portalContext(res).settings, name);
  next();
};

const commenting = (_req: Request, res: Response, next: NextFunction) => {
  authorizeCommenting(portalContext(res).settings);
  next();
};

export function offerRoutes(h: OfferHandlers): Router {
  const router = Router({ mergeParams: true });
  for (const name of ['proposals', 'quotations'] as const) {
    router.get(`/${name}`, section(name), validateQuery(OfferListQuery), h.list(name));
    router.get(`/${name}/:id.pdf`, section(name), h.pdf(name));
    router.get(`/${name}/:id`, section(name), h.show(name));
    router.post(`/${name}/:id/comments`, section(name), commenting, validateBody(AddCommentCommand, h.invalidComment(name)), h.addComment(name));
  }
  return router;
}
