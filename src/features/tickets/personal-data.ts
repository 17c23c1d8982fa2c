// The tickets' part of a person's data: the files they attached to tickets and their ratings. The
// tickets and messages themselves are the host's (the CRM's records of what the client asked). An
// erasure keeps the files with the ticket under a name that no longer names the person, and a
// rating's score without its comment.
import type { Knex } from 'knex';
import { type ArchiveEntry, archiveSentFile, type FileStorage, iso, type PersonalDataHook } from '../../core/index.ts';
import {
  anonymisePersonTickets,
  countPersonTicketFiles,
  countPersonTicketRatings,
  personTicketAttachments,
  personTicketRatings,
} from './queries.ts';

export function ticketsPersonalData(deps: { db: Knex; storage: FileStorage }): PersonalDataHook {
  const { db, storage } = deps;
  return {
    tables: ['portal_ticket_attachments', 'portal_ticket_ratings'],

    async export({ workspaceId, user }) {
      const entries: ArchiveEntry[] = [];
      const files = [];
      for (const row of await personTicketAttachments(db, workspaceId, user.id)) {
        files.push({
          ticketId: row.ticket_id,
          ...(await archiveSentFile(storage, workspaceId, entries, 'ticket-files', row)),
        });
      }
      const ratings = (await personTicketRatings(db, workspaceId, user.id)).map((row) => ({
        ticketId: row.ticket_id,
        rating: row.rating,
        comment: row.comment,
        at: iso(row.rated_at),
      }));
      entries.push({ path: 'tickets.json', json: { files, ratings } });
      return { entries };
    },

    async erase(trx, person) {
      const changed = await anonymisePersonTickets(trx, person.workspaceId, person.id);
      return { counts: { ticketFiles: changed.attachments, ticketRatings: changed.ratings } };
    },

    counts: (db, person) => ({
      ticketFiles: countPersonTicketFiles(db, person.workspaceId, person.id),
      ticketRatings: countPersonTicketRatings(db, person.workspaceId, person.id),
    }),
  };
}
