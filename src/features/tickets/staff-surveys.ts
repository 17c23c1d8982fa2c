// The satisfaction surveys the portal keeps (portal_ticket_ratings), for the host's own staff
// pages: a ticket's answer on the ticket's page, and a company's average, count and newest answers
// on the company's page. The host has found the ticket or the company in the staff member's
// workspace and names it, so the portal reads its rows by workspace and client, as the client's
// pages do. A host that keeps surveys itself (Alga) shows them in its own screens.
import type { Knex } from 'knex';
import { HostTicketId } from './commands.ts';
import { companyTicketRatings, findTicketRating } from './queries.ts';

/** How many of a company's newest answers its page lists. */
const RECENT_ANSWERS = 10;

/** One answer to a ticket's survey, as staff read it: the rating of 5 and the comment. */
export interface StaffTicketSurvey {
  ticketId: string;
  rating: number;
  scale: number;
  comment: string | null;
  at: Date;
}

export interface StaffCompanySurveys {
  count: number;
  /** The average rating, or null before the first answer. */
  average: number | null;
  scale: number;
  /** The newest answers, newest first. */
  recent: StaffTicketSurvey[];
}

/** The portal's own question runs from 1 to 5. */
const SCALE = 5;

const valid = (id: string) => HostTicketId.safeParse(id).success;

export function staffTicketSurveys(deps: { db: Knex }) {
  const { db } = deps;
  const present = (row: { ticket_id: string; rating: number; comment: string | null; rated_at: Date }): StaffTicketSurvey => ({
    ticketId: row.ticket_id,
    rating: row.rating,
    scale: SCALE,
    comment: row.comment,
    at: row.rated_at,
  });
  return {
    async ofTicket(ref: { workspaceId: string; clientId: string; ticketId: string }): Promise<StaffTicketSurvey | null> {
      if (!valid(ref.clientId) || !valid(ref.ticketId)) return null;
      const row = await findTicketRating(db, ref);
      return row ? present(row) : null;
    },
    async ofCompany(ref: { workspaceId: string; clientId: string }): Promise<StaffCompanySurveys> {
      if (!valid(ref.clientId)) return { count: 0, average: null, scale: SCALE, recent: [] };
      const { count, average, recent } = await companyTicketRatings(db, { ...ref, limit: RECENT_ANSWERS });
      return { count, average, scale: SCALE, recent: recent.map(present) };
    },
  };
}

export type StaffTicketSurveys = ReturnType<typeof staffTicketSurveys>;
