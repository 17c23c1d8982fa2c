// Satisfaction surveys on Alga PSA, in Alga's own tables (queries/surveys.ts says what Alga writes
// and where its code does it): the agency's closing of a ticket invites the ticket's contact as
// Alga's survey triggers decide (TicketsPort.resolution: the invitation Alga made at the closing,
// or the one the portal writes as Alga's subscriber would), and the survey page reads the
// contact's newest invitation with its template and answers it once, as Alga's public survey page
// does. Alga's own screens (its survey dashboard and the ticket's page) read the same rows.
import type { Knex } from 'knex';
import type { TicketResolution, TicketSurvey, TicketSurveysPort } from '../../src/index.ts';
import { parseUuid } from './ids.ts';
import {
  contactHasEmail,
  findClosedTicket,
  findSurvey,
  insertInvitation,
  insertResponse,
  latestInvitation,
  lockInvitation,
  markOpened,
  matchingTemplates,
  type SurveyRow,
} from './queries/surveys.ts';

type ScopeOf = (workspaceId: string, clientId: string) => { tenant: string; clientId: string } | null;

/** Alga's normaliseRatingLabels: a JSON object (or its text) of labels by rating; anything else none. */
function labelsOf(value: unknown): Record<string, string> {
  if (typeof value === 'string') {
    try {
      return labelsOf(JSON.parse(value));
    } catch {
      return {};
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, label]) => [key, typeof label === 'string' ? label : String(label ?? '')]));
}

function presentSurvey(row: SurveyRow, now: Date): TicketSurvey {
  return {
    template: {
      scale: row.rating_scale,
      labels: labelsOf(row.rating_labels),
      ratingType: row.rating_type,
      prompt: row.prompt_text,
      commentPrompt: row.comment_prompt,
      thankYou: row.thank_you_text,
    },
    answer: row.response_rating === null ? null : { rating: row.response_rating, comment: row.response_comment, at: row.submitted_at! },
    // Alga takes one answer per invitation, within the token's seven days.
    closed: row.responded ? 'answered' : new Date(row.token_expires_at).getTime() <= now.getTime() ? 'expired' : null,
  };
}

export function algaSurveys(db: Knex, scopeOf: ScopeOf) {
  const inTransaction = <T>(write: { trx?: Knex.Transaction } | undefined, work: (trx: Knex.Transaction) => Promise<T>) =>
    write?.trx ? work(write.trx) : db.transaction(work);
  const scoped = (workspaceId: string, clientId: string, ticketId: string, contactId?: string) => {
    const scope = scopeOf(workspaceId, clientId);
    const id = parseUuid(ticketId);
    const contact = contactId === undefined ? '' : parseUuid(contactId);
    return scope && id !== null && contact !== null ? { ...scope, ticketId: id, contactId: contact } : null;
  };

  const surveys: TicketSurveysPort = {
    async find(workspaceId, clientId, contactId, ticketId, opening) {
      const args = scoped(workspaceId, clientId, ticketId, contactId);
      if (!args) return null;
      const row = await findSurvey(db, args);
      if (!row) return null;
      if (opening && !row.opened_at) await markOpened(db, { tenant: args.tenant, invitationId: row.invitation_id });
      return presentSurvey(row, new Date());
    },

    async answer(workspaceId, clientId, contactId, ticketId, answer, write) {
      const args = scoped(workspaceId, clientId, ticketId, contactId);
      if (!args) return null;
      return inTransaction(write, async (trx) => {
        const survey = await findSurvey(trx, args);
        const invitation = survey ? await lockInvitation(trx, { tenant: args.tenant, invitationId: survey.invitation_id }) : null;
        if (!survey || !invitation) return null;
        if (invitation.responded) return 'answered';
        if (new Date(invitation.token_expires_at).getTime() <= Date.now()) return 'expired';
        if (answer.rating < 1 || answer.rating > survey.rating_scale) return 'outOfScale';
        await insertResponse(trx, { tenant: args.tenant, invitation, rating: answer.rating, comment: answer.comment });
        return 'saved';
      });
    },
  };

  /**
   * The agency's closing of the ticket and the contact's invitation to it: Alga's own, made when
   * it closed the ticket, or, where its subscriber made none (the closing came from elsewhere, or
   * Alga's event bus was down), the one it would have made, written now. A ticket a client login
   * closed owes no invitation here (the portal's person closed it, and says so themselves); one
   * without a contact, or whose contact has no email, none either, as Alga sends none.
   */
  async function resolution(workspaceId: string, clientId: string, ticketId: string): Promise<TicketResolution | null> {
    const args = scoped(workspaceId, clientId, ticketId);
    if (!args) return null;
    return db.transaction(async (trx) => {
      const ticket = await findClosedTicket(trx, args);
      const contactId = ticket?.contact_name_id ?? null;
      if (!ticket || ticket.closed_by_client || contactId === null) return null;
      let invitation = await latestInvitation(trx, { ...args, contactId, since: ticket.closed_at });
      if (!invitation && (await contactHasEmail(trx, args.tenant, contactId))) {
        for (const templateId of await matchingTemplates(trx, args.tenant, ticket))
          invitation = await insertInvitation(trx, { tenant: args.tenant, ticket, contactId, templateId });
      }
      if (!invitation) return null;
      return {
        occurrence: `survey:${invitation.invitation_id}`,
        resolvedAt: ticket.closed_at ?? invitation.created_at,
        contactId,
        ref: ticket.ticket_number,
        subject: ticket.title?.trim() || ticket.ticket_number,
      };
    });
  }

  return { surveys, resolution };
}
