// The files a client attached to a host ticket, for the host's own staff page of that ticket: the
// host has found the ticket in the staff member's workspace and names its client, so the portal
// reads its rows by workspace, client and ticket, as the client's page does (queries.ts), and
// opens the bytes from its storage. An id of another ticket's file, or one that is not an id at
// all, is simply not found.
import type { Knex } from 'knex';
import type { FileStorage } from '../../core/index.ts';
import type { TicketFileContent } from './port.ts';
import { AttachmentId, HostTicketId } from './commands.ts';
import { findTicketAttachment, listTicketAttachments } from './queries.ts';

/** One file the portal keeps for a ticket, as the host's staff page lists it. */
export interface StaffTicketFile {
  id: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  side: 'client' | 'agency';
  /** Who attached it: their name as it was then ("Former contact" once the person was erased). */
  by: string;
  at: Date;
}

/** The ticket as the host found it in the staff member's workspace. */
export interface StaffTicketRef {
  workspaceId: string;
  clientId: string;
  ticketId: string;
}

/** The three host ids, when each is one the portal could have stored. */
function parsedRef(ref: StaffTicketRef): StaffTicketRef | null {
  const ok = [ref.workspaceId, ref.clientId, ref.ticketId].every((id) => HostTicketId.safeParse(id).success);
  return ok ? ref : null;
}

export function staffTicketFiles(deps: { db: Knex; storage: FileStorage }) {
  const { db, storage } = deps;
  return {
    async list(ticket: StaffTicketRef): Promise<StaffTicketFile[]> {
      const ref = parsedRef(ticket);
      if (!ref) return [];
      const rows = await listTicketAttachments(db, ref);
      return rows.map((row) => ({
        id: row.id,
        name: row.filename,
        contentType: row.content_type,
        sizeBytes: Number(row.size_bytes),
        side: row.side,
        by: row.author_name,
        at: row.created_at,
      }));
    },

    async open(ticket: StaffTicketRef, fileId: string): Promise<TicketFileContent | null> {
      const ref = parsedRef(ticket);
      const attachmentId = AttachmentId.safeParse(fileId);
      if (!ref || !attachmentId.success) return null;
      const row = await findTicketAttachment(db, { ...ref, attachmentId: attachmentId.data });
      const file = row ? await storage.open(ref.workspaceId, row.file_id) : null;
      if (!row || !file) return null;
      return { name: row.filename, contentType: row.content_type, sizeBytes: file.sizeBytes, content: file.content };
    },
  };
}

export type StaffTicketFiles = ReturnType<typeof staffTicketFiles>;
