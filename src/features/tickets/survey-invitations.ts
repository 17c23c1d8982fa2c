// Satisfaction survey invitations: when the host tells the portal a ticket changed (its own
// hostRecordChanged, or the news a host that cannot call the portal reports), the portal asks the
// host whether the agency has resolved it (TicketsPort.resolution). A resolution invites the
// contact who opened the ticket, as a `survey_invited` client notification (in the portal and, as
// they chose, by email), linking to the survey page. Told once per person and resolution (its
// occurrence), so a change read twice or a resolved ticket closed later invites no one again; a
// ticket reopened and resolved anew is a new resolution, and a new invitation.
import type { TicketResolution, TicketsPort } from './port.ts';
import type { ClientEvent } from '../client-notifications/index.ts';

export interface SurveyInvitationsDeps {
  tickets: TicketsPort | undefined;
  notify(event: ClientEvent): Promise<number>;
}

export function surveyInvitations(deps: SurveyInvitationsDeps) {
  return {
    /** After a change of the ticket in the host; resolves with how many people were invited. */
    async ticketChanged(workspaceId: string, clientId: string, ticketId: string): Promise<number> {
      const resolution: TicketResolution | null = deps.tickets?.resolution
        ? await deps.tickets.resolution(workspaceId, clientId, ticketId)
        : null;
      // A ticket staff opened for the company has no one who asked: no one is invited.
      if (!resolution?.contactId) return 0;
      return deps.notify({
        workspaceId,
        clientId,
        kind: 'survey_invited',
        subjectType: 'survey',
        subjectId: ticketId,
        occurrence: resolution.occurrence,
        title: resolution.subject,
        number: resolution.ref,
        contactId: resolution.contactId,
      });
    },
  };
}

export type SurveyInvitations = ReturnType<typeof surveyInvitations>;
