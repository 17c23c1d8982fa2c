// The signed-in client's home page.
import { Router, type Request, type Response } from 'express';
import type { HostAdapter } from '../ports/host.ts';
import { visibleSections } from '../policies/portal-policy.ts';
import { portalContext, renderPortalPage, signedInClient } from '../web/portal-context.ts';
import { greeting, presentCards } from './presenters.ts';

export function dashboardRoutes(deps: { adapter: HostAdapter; now: () => Date }): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req: Request, res: Response) => {
    const { workspace, settings, branding } = portalContext(res);
    const { user, contact } = signedInClient(res);
    const summary = await deps.adapter.summaries.forClient(workspace.id, user.client_id, user.contact_id);
    renderPortalPage(req, res, 'dashboard/index', 'Dashboard', {
      greeting: greeting(contact.name, deps.now().getUTCHours()),
      company: contact.clientName,
      workspaceName: branding.workspaceName,
      cards: presentCards(summary, visibleSections(settings)),
    });
  });

  return router;
}
