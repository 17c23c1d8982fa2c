// Company details routes, behind requireClient. Reading asks only a signed-in person of the company
// (and, where the host keeps client roles, their leave to read the client: the handler asks the
// policy); changing asks the companyDetails permission (a client admin's, with the workspace's
// switch on; 404 without it, as a form that does not exist). The form posts, then redirects (PRG).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { CompanyDetailsCommand, CompanyDetailsQuery } from './commands.ts';
import type { CompanyDetailsHandlers } from './handlers.ts';

export function companyDetailsRoutes(h: CompanyDetailsHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/account/company', allow.signedIn, validateQuery(CompanyDetailsQuery), h.show);
  router.post('/account/company', allow.company('companyDetails'), validateBody(CompanyDetailsCommand, h.invalid), h.update);
  return router;
}
