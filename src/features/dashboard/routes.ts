// The signed-in client's home page.
import { Router, type Request, type Response } from 'express';
import {
  allow,
  canSeeSection,
  countOpenToPerson,
  type HostAdapter,
  mayOpenTickets,
  permits,
  portalContext,
  portalI18n,
  renderPortalPage,
  signedInClient,
  SUMMARY_COUNT_LIMIT,
  visibleSections,
} from '../../core/index.ts';
import type { DashboardAsk } from './port.ts';
import { presentAppointment } from '../appointments/index.ts';
import { presentAllowances } from '../contracts/index.ts';
import { presentOfferRow } from '../offers/index.ts';
import { presentInvoiceRow } from '../invoices/index.ts';
import { greeting, presentCards } from './presenters.ts';
import type { KeptDashboards } from './kept-dashboard.ts';
import { presentWidgets, WIDGET_ROWS } from './widgets.ts';

export function dashboardRoutes(deps: {
  adapter: HostAdapter;
  /** The dashboard's reads of the host, kept between views while nothing they sum up changes. */
  dashboards: KeptDashboards;
  now: () => Date;
  /** Unread messages from the agency for one client user (one count query). */
  unreadMessages?: (workspaceId: string, clientId: string, clientUserId: string) => Promise<number>;
}): Router {
  const router = Router({ mergeParams: true });

  router.get('/', allow.signedIn, async (req: Request, res: Response) => {
    const { workspace, settings, branding, sectionPages } = portalContext(res);
    const { user, contact } = signedInClient(res);
    const i18n = portalI18n(res);
    const { adapter } = deps;
    const sections = visibleSections(settings);
    const showOffers = Boolean(adapter.offers) && canSeeSection(settings, 'proposals');
    const showInvoices = Boolean(adapter.invoices) && canSeeSection(settings, 'invoices');
    const showTickets = Boolean(adapter.tickets) && sectionPages.has('tickets') && sections.includes('tickets');
    const showAppointments = Boolean(adapter.appointments) && sectionPages.has('appointments') && sections.includes('appointments');
    const showContracts = Boolean(adapter.contracts) && sectionPages.has('contracts') && sections.includes('contracts');
    const ask: DashboardAsk = {
      proposals: showOffers,
      // A host that keeps no quotations has no quotation pages: nothing to read.
      quotations: showOffers && sectionPages.has('quotations'),
      invoices: showInvoices,
      documents: Boolean(adapter.documents) && sections.includes('documents'),
      tasks: Boolean(adapter.tasks) && sections.includes('tasks'),
      projects: Boolean(adapter.projects) && sections.includes('projects') && sectionPages.has('projects'),
      tickets: showTickets,
      appointments: showAppointments,
      rows: WIDGET_ROWS,
    };
    const today = i18n.fmt.isoDay(deps.now());
    const [{ dashboard: data, contracts }, unreadMessages] = await Promise.all([
      // Hours left of each running allowance, read only where the section is the person's.
      deps.dashboards.load(
        { workspaceId: workspace.id, clientId: user.client_id, contactId: user.contact_id },
        ask,
        showContracts ? today : null,
      ),
      deps.unreadMessages && sections.includes('messages') ? deps.unreadMessages(workspace.id, user.client_id, user.id) : null,
    ]);
    const { base } = portalContext(res);
    const widgets = {
      awaiting: showOffers
        ? [
            ...(data.proposals ?? []).map((offer) =>
              presentOfferRow(i18n, offer, `${base}/proposals/${encodeURIComponent(offer.id)}`, today),
            ),
            ...(data.quotations ?? []).map((offer) =>
              presentOfferRow(i18n, offer, `${base}/quotations/${encodeURIComponent(offer.id)}`, today),
            ),
          ]
        : null,
      unpaid: data.invoices
        ? data.invoices.map((invoice) => presentInvoiceRow(i18n, invoice, `${base}/invoices/${encodeURIComponent(invoice.id)}`, today))
        : null,
      // What is coming: the next appointments asked for, confirmed or moved, in the reader's zone.
      appointments: data.appointments
        ? { items: data.appointments.map((a) => presentAppointment(i18n, base, a)), href: `${base}/appointments` }
        : null,
      allowances: contracts ? { items: presentAllowances(i18n, base, contracts), href: `${base}/contracts` } : null,
      // Latest shared documents and open tasks by due date (widgets.ts).
      ...presentWidgets(i18n, base, settings, { documents: data.documents, tasks: data.tasks, unreadMessages }, today),
    };
    renderPortalPage(req, res, 'dashboard/index', i18n.t('dashboard:title'), {
      greeting: greeting(i18n, contact.name, deps.now()),
      company: contact.clientName,
      workspaceName: branding.workspaceName,
      // Cards for the sections with pages here (a host may keep no quotations, say).
      cards: presentCards(
        i18n,
        base,
        // The documents card counts only what the person may open (a proposal's files are the proposal's).
        {
          ...data.summary,
          documents: {
            shared: countOpenToPerson(settings, data.summary.documents.shared, data.summary.documents.attached, SUMMARY_COUNT_LIMIT),
          },
          projects: { active: data.activeProjects ?? 0 },
          tickets: data.tickets,
        },
        sections.filter((section) => sectionPages.has(section)),
      ),
      widgets,
      // The first things a client may want to do, before what waits for them.
      actions: [
        ...(showTickets && mayOpenTickets(signedInClient(res).access)
          ? [{ href: `${base}/tickets/new`, label: i18n.t('dashboard:actions.newTicket') }]
          : []),
        ...(showAppointments && permits(settings, 'appointments')
          ? [{ href: `${base}/appointments/new`, label: i18n.t('appointments:new.action') }]
          : []),
      ],
    });
  });

  return router;
}
