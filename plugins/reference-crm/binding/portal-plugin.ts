// How the reference CRM mounts the customer portal: the client side before its own session (the
// portal brings its own cookie), the admin side behind its staff sign-in, and a Settings link
// for admins of workspaces where the portal is switched on, the staff's unread client
// notifications in the CRM's header, the files clients attached to a ticket on its staff page,
// the clients' survey answers on the ticket's and the company's staff pages, the clients' asks
// for more hours on the contract's staff page, answered there, and a request's thread with the
// client on the request's staff page.
import type { CustomerPortal, HostAdapter, PortalConfig } from '../../../src/index.ts';
import type { CrmPlugin } from '../crm-plugin.ts';

/** Where a TLS proxy asks whether a custom domain may have a certificate (docs/custom-domains.md). */
const TLS_ALLOWED_PATH = '/client-portal/tls-allowed';

export function customerPortalPlugin(
  portal: CustomerPortal,
  adapter: HostAdapter,
  config: Pick<PortalConfig, 'portalPath' | 'adminPath' | 'notificationsPath' | 'messagesPath'>,
): CrmPlugin {
  return {
    mountPublic(app) {
      // A workspace's own domain becomes its portal before any route of the CRM is met.
      app.use(portal.hostRouting);
      app.get(TLS_ALLOWED_PATH, portal.tlsAllowed);
      app.use(config.portalPath, portal.clientRouter);
    },
    mountStaff(app, { requireStaff }) {
      app.use(config.adminPath, requireStaff, portal.adminRouter);
      app.use(config.notificationsPath, requireStaff, portal.notificationsRouter);
      app.use(config.messagesPath, requireStaff, portal.staffRouter);
    },
    // Staff shared a document or changed a task in the CRM: the client's open portal pages refresh.
    recordChanged: (change) => portal.hostRecordChanged(change),
    // A staff member's open portal pages stop streaming once they sign out of the CRM.
    staffSignedOut: (staff) => portal.staffSignedOut(staff),
    // The unread client notifications and messages, in the CRM's header on every staff page.
    headerItems: (staff) => portal.headerItems(staff),
    // The files the client attached to the ticket in the portal, listed and served on its staff page.
    ticketFiles: (staff, ticket) => portal.ticketFiles.list(staff, ticket),
    ticketFileContent: (staff, ticket, fileId) => portal.ticketFiles.open(staff, ticket, fileId),
    // The client's answers to the satisfaction surveys: on the ticket's and the company's staff pages.
    ticketSurvey: (staff, ticket) => portal.ticketSurveys.ofTicket(staff, ticket),
    companySurveys: (staff, client) => portal.ticketSurveys.ofCompany(staff, client),
    // The files the client sent with a request in the portal, on the request's staff page.
    requestFiles: (staff, request) => portal.requestFiles.list(staff, request),
    requestFileContent: (staff, request, fileId) => portal.requestFiles.open(staff, request, fileId),
    // The client's asks for more hours on a contract, listed and answered on its staff page.
    contractHourRequests: (staff, contract) => portal.contractHours.list(staff, contract),
    answerContractHourRequest: (staff, contract, requestId, answer) => portal.contractHours.answer(staff, contract, requestId, answer),
    // The request's thread with the client, and the staff's replies in it, on the request's staff page.
    requestThread: (staff, request) => portal.requestThread.list(staff, request),
    requestReply: (staff, request, body) => portal.requestThread.reply(staff, request, body),
    async settingsPages(staff) {
      if (staff.role !== 'admin') return [];
      const workspace = await adapter.workspaces.findById(staff.workspaceId);
      if (!workspace || !portal.isEnabledFor(workspace)) return [];
      return [{ label: (await portal.staffLinkWords(staff)).settings, href: config.adminPath }];
    },
    // The portal's record page (evidence, public links, client activity, view as client): only
    // for admins, as the portal's admin pages are, and only where the portal is on.
    async recordLinks(staff, record) {
      if (staff.role !== 'admin') return [];
      const workspace = await adapter.workspaces.findById(staff.workspaceId);
      if (!workspace || !portal.isEnabledFor(workspace)) return [];
      const href = `${config.adminPath}/records/${record.kind}/${encodeURIComponent(record.clientId)}/${encodeURIComponent(record.id)}`;
      return [{ label: (await portal.staffLinkWords(staff)).recordLink, href }];
    },
  };
}
