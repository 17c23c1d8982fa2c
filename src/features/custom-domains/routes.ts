// The custom domains page, under the admin router (workspace admins only, as every settings page).
import { Router } from 'express';
import { validateBody, validateQuery } from '../../core/index.ts';
import { AddDomainCommand, DomainActionCommand, DomainsQuery } from './commands.ts';
import type { CustomDomainHandlers } from './handlers.ts';

export function customDomainAdminRoutes(h: CustomDomainHandlers): Router {
  const router = Router();
  router.get('/custom-domains', validateQuery(DomainsQuery), h.show);
  router.post('/custom-domains', validateBody(AddDomainCommand, h.invalid), h.add);
  router.post('/custom-domains/:hostname/check', validateBody(DomainActionCommand), h.check);
  router.post('/custom-domains/:hostname/remove', validateBody(DomainActionCommand), h.remove);
  return router;
}
