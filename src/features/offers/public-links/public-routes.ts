// Public links, under /portal/:slug/p/:token: no sign-in, among the workspace's public routes (so
// the workspace, the flag, branding, language and CSRF apply as on the sign-in pages).
import { Router } from 'express';
import { PublicAcceptCommand, PublicDeclineCommand } from '../decisions/commands.ts';
import { validateBody } from '../../../core/index.ts';
import type { PublicLinkHandlers } from './public-handlers.ts';

export function publicLinkRoutes(h: PublicLinkHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/p/:token', h.show);
  router.get('/p/:token/document.pdf', h.pdf);
  router.post('/p/:token/accept', validateBody(PublicAcceptCommand, h.invalid('accept')), h.decide('accept'));
  router.post('/p/:token/decline', validateBody(PublicDeclineCommand, h.invalid('decline')), h.decide('decline'));
  return router;
}
