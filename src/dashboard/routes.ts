// The signed-in client's home page.
import { Router, type Request, type Response } from 'express';
import type { HostAdapter } from '../ports/host.ts';
import { visibleSections } from '../policies/portal-policy.ts';
import { portalContext, portalI18n, renderPortalPage, signedInClient } from '../web/portal-context.ts';
import { greeting, presentCards } from './presenters.ts';

export function dashboardRoutes(deps: { adapter: HostAdapter; now: () => Date }): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req: Request, res: Response) => {
    const { workspace, settings, branding } = portalContext(res);
    const { user, contact } = signedInClient(res);
    const i18n = portalI18n(res);
    const summary = await deps.adapter.summaries.forClient(workspace.id, user.client_id, user.contact_id);
    renderPortalPage(req, res, 'dashboard/index', i18n.t('dashboard:title'), {
      greeting: greeting(i18n, contact.name, deps.now()),
      company: contact.clientName,
      workspaceName: branding.workspaceName,
      cards: presentCards(i18n, summary, visibleSections(settings)),
    });
  });

  return router;
}
