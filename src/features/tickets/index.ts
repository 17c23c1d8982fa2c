// Tickets: the client's support requests to the agency, kept by the host, followed in the portal.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createTicketsHandlers } from './handlers.ts';
import { ticketsManifest } from './manifest.ts';
import { ticketsPersonalData } from './personal-data.ts';
import { TICKETS_MULTIPART_PATHS, ticketsRoutes } from './routes.ts';
import { type StaffTicketFiles, staffTicketFiles } from './staff-files.ts';
import { type SurveyInvitations, surveyInvitations } from './survey-invitations.ts';
import { type StaffTicketSurveys, staffTicketSurveys } from './staff-surveys.ts';
import type { ClientEvent } from '../client-notifications/index.ts';

// This feature's host port, for the features that build on it.
export type { TicketFileContent, TicketRefusal, TicketUpload, TicketsPort } from './port.ts';

export type { StaffTicketFile } from './staff-files.ts';
export type { StaffCompanySurveys, StaffTicketSurvey } from './staff-surveys.ts';
export { workspaceTicketRatings } from './queries.ts';
// A ticket as a list shows it, for the tickets about a device (the devices section).
export { presentSummary as presentTicketSummary } from './presenters.ts';

export function ticketsFeature(
  core: CoreServices,
  shared: { notify(event: ClientEvent): Promise<number> },
): Feature & { staffFiles: StaffTicketFiles; staffSurveys: StaffTicketSurveys; surveys: SurveyInvitations } {
  const { db, adapter, events, storage, virusScanner, config, logger, limiter } = core;
  const { tickets } = adapter;
  return {
    name: ticketsManifest.name,
    needs: { ports: ['tickets'] },
    personalData: ticketsPersonalData({ db, storage }),
    clientRoutes: tickets
      ? [
          ticketsRoutes(
            createTicketsHandlers({
              db,
              adapter: { ...adapter, tickets },
              storage,
              bus: events,
              limiter,
              virusScanner,
              storageQuotaBytes: config.workspaceStorageQuotaBytes,
              onError: (message, err) => logger.error(message, err),
            }),
          ),
        ]
      : [],
    // A new ticket or a reply with files carries its CSRF token in its body, checked as it is read.
    multipartPaths: TICKETS_MULTIPART_PATHS,
    // The client's files for the host's own staff page of the ticket (CustomerPortal.ticketFiles).
    staffFiles: staffTicketFiles({ db, storage }),
    // The answers the portal keeps, for the host's own staff pages of a ticket and of a company.
    staffSurveys: staffTicketSurveys({ db }),
    // The satisfaction survey a resolution of the agency's invites to (survey-invitations.ts).
    surveys: surveyInvitations({ tickets, notify: shared.notify }),
  };
}
