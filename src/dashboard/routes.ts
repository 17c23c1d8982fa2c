// The signed-in client's home page.
import { Router, type Request, type Response } from 'express';
import type { HostAdapter } from '../ports/host.ts';
import { canSeeSection, visibleSections } from '../policies/portal-policy.ts';
import { presentOfferRow } from '../offers/presenters.ts';
import { presentInvoiceRow } from '../invoices/presenters.ts';
import { portalContext, portalI18n, renderPortalPage, signedInClient } from '../web/portal-context.ts';
import { greeting, presentCards } from './presenters.ts';
import { loadWidgets, presentWidgets } from './widgets.ts';

const WIDGET_ROWS = 5;

export function dashboardRoutes(deps: {
  adapter: HostAdapter;
  now: () => Date;
  /** Unread messages from the agency for one client user (one count query). */
  unreadMessages?: (workspaceId: string, clientId: string, clientUserId: string) => Promise<number>;
}): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req: Request, res: Response) => {
    const { workspace, settings, branding, sectionPages } = portalContext(res);
    const { user, contact } = signedInClient(res);
    const i18n = portalI18n(res);
    const { offers, invoices } = deps.adapter;
    const showOffers = Boolean(offers) && canSeeSection(settings, 'proposals');
    const showInvoices = Boolean(invoices) && canSeeSection(settings, 'invoices');
    // The widgets are the first page (a few rows) of each list port: one query per list, in parallel.
    const [summary, proposals, quotations, unpaid, shared] = await Promise.all([
      deps.adapter.summaries.forClient(workspace.id, user.client_id, user.contact_id),
      showOffers ? offers!.list(workspace.id, user.client_id, 'proposal', { status: ['open'] }, { limit: WIDGET_ROWS }) : null,
      // A host that keeps no quotations has no quotation pages: an empty list, not a query.
      showOffers && sectionPages.has('quotations') ? offers!.list(workspace.id, user.client_id, 'quotation', { status: ['open'] }, { limit: WIDGET_ROWS }) : showOffers ? { items: [] } : null,
      showInvoices ? invoices!.list(workspace.id, user.client_id, { status: ['open'] }, { limit: WIDGET_ROWS }) : null,
      loadWidgets(deps.adapter, { workspaceId: workspace.id, clientId: user.client_id, contactId: user.contact_id, sections: visibleSections(settings) },
        deps.unreadMessages ? () => deps.unreadMessages!(workspace.id, user.client_id, user.id) : undefined),
    ]);
    const { base } = portalContext(res);
    const today = i18n.fmt.isoDay(deps.now());
    const widgets = {
      awaiting: proposals && quotations
        ? [
            ...proposals.items.map((offer) => presentOfferRow(i18n, offer, `${base}/proposals/${encodeURIComponent(offer.id)}`, today)),
            ...quotations.items.map((offer) => presentOfferRow(i18n, offer, `${base}/quotations/${encodeURIComponent(offer.id)}`, today)),
          ]
        : null,
      unpaid: unpaid ? unpaid.items.map((invoice) => presentInvoiceRow(i18n, invoice, `${base}/invoices/${encodeURIComponent(invoice.id)}`, today)) : null,
      // Latest shared documents and open tasks by due date (widgets.ts).
      ...presentWidgets(i18n, base, shared, today),
    };
    renderPortalPage(req, res, 'dashboard/index', i18n.t('dashboard:title'), {
      greeting: greeting(i18n, contact.name, deps.now()),
      company: contact.clientName,
      workspaceName: branding.workspaceName,
      // Cards for the sections with pages here (a host may keep no quotations, say).
      cards: presentCards(i18n, summary, visibleSections(settings).filter((section) => sectionPages.has(section))),
      widgets,
    });
  });

  return router;
}
