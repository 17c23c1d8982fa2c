// The signed-in client's home page.
import { Router, type Request, type Response } from 'express';
import type { HostAdapter } from '../ports/host.ts';
import { visibleSections } from '../policies/portal-policy.ts';
import { portalContext, portalI18n, renderPortalPage, signedInClient } from '../web/portal-context.ts';
import { greeting, presentCards } from './presenters.ts';
import { loadWidgets, presentWidgets } from './widgets.ts';

export function dashboardRoutes(deps: { adapter: HostAdapter; now: () => Date }): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req: Request, res: Response) => {
    const { workspace, settings, branding } = portalContext(res);
    const { user, contact } = signedInClient(res);
    const i18n = portalI18n(res);
    const sections = visibleSections(settings);
    // The widgets ask the host for a few rows each, alongside the summary: a fixed number of
    // round trips however much the client has.
    const [summary, widgets] = await Promise.all([
      deps.adapter.summaries.forClient(workspace.id, user.client_id, user.contact_id),
      loadWidgets(deps.adapter, { workspaceId: workspace.id, clientId: user.client_id, contactId: user.contact_id, sections }),
    ]);
    renderPortalPage(req, res, 'dashboard/index', i18n.t('dashboard:title'), {
      greeting: greeting(i18n, contact.name, deps.now()),
      company: contact.clientName,
      workspaceName: branding.workspaceName,
      cards: presentCards(i18n, summary, sections),
      widgets: presentWidgets(i18n, portalContext(res).base, widgets, i18n.fmt.isoDay(deps.now())),
    });
  });

  return router;
}
