// The files a client sent with a host request, for the host's own staff page of that request: the
// host has found the request in the staff member's workspace and names its client, so the portal
// reads its rows by workspace, client and request, as the client's page does (queries.ts), and
// opens the bytes from its storage. An id of another request's file, or one that is not an id at
// all, is simply not found.
import type { Knex } from 'knex';
import type { FileStorage } from '../../core/index.ts';
import type { TicketFileContent } from '../tickets/index.ts';
import { AttachmentId, HostRequestId } from './commands.ts';
import { findRequestAttachment, listRequestAttachments } from './queries.ts';

/** One file the portal keeps for a request, as the host's staff page lists it. */
export interface StaffRequestFile {
  id: string;
  name: string;
  sizeBytes: number;
  /** The form field it answers (the field's key). */
  field: string;
  at: Date;
}

/** The request as the host found it in the staff member's workspace. */
export interface StaffRequestRef {
  workspaceId: string;
  clientId: string;
  requestId: string;
}

export function parsedRef(ref: StaffRequestRef): StaffRequestRef | null {
  const ok = [ref.workspaceId, ref.clientId, ref.requestId].every((id) => HostRequestId.safeParse(id).success);
  return ok ? ref : null;
}

export function staffRequestFiles(deps: { db: Knex; storage: FileStorage }) {
  const { db, storage } = deps;
  return {
    async list(request: StaffRequestRef): Promise<StaffRequestFile[]> {
      const ref = parsedRef(request);
      if (!ref) return [];
      const rows = await listRequestAttachments(db, ref);
      return rows.map((row) => ({
        id: row.id,
        name: row.filename,
        sizeBytes: Number(row.size_bytes),
        field: row.field_key,
        at: row.created_at,
      }));
    },

    async open(request: StaffRequestRef, fileId: string): Promise<TicketFileContent | null> {
      const ref = parsedRef(request);
      const attachmentId = AttachmentId.safeParse(fileId);
      if (!ref || !attachmentId.success) return null;
      const row = await findRequestAttachment(db, { ...ref, attachmentId: attachmentId.data });
      const file = row ? await storage.open(ref.workspaceId, row.file_id) : null;
      if (!row || !file) return null;
      return { name: row.filename, contentType: row.content_type, sizeBytes: file.sizeBytes, content: file.content };
    },
  };
}

export type StaffRequestFiles = ReturnType<typeof staffRequestFiles>;
