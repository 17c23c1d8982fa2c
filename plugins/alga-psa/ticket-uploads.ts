// The files a client attaches to a ticket in the portal, made Alga documents of the ticket, so
// Alga's staff and Alga's own client portal see them, and the portal lists them from Alga once.
// The bytes go where Alga's local storage provider puts an upload (alga-storage.ts), and their
// rows (queries/ticket-documents.ts) in the ticket's or the reply's transaction; the files are
// removed when that transaction does not commit (the caller's too: the transaction's
// executionPromise says how it ended). Once it commits, each image and PDF gets Alga's thumbnail
// and preview (document-previews.ts), out of the request.
import type { Knex } from 'knex';
import type { TicketUpload } from '../../src/index.ts';
import type { DocumentPreviews, DocumentToPreview } from './document-previews.ts';
import { insertTicketDocument } from './queries/ticket-documents.ts';
import type { ActingContact } from './queries/tickets.ts';
import { filesOfATransaction } from '../shared/files-of-a-transaction.ts';
import { storeClientFile } from './alga-storage.ts';

export interface ClientFilesWrite {
  storageRoot: string;
  tenant: string;
  clientId: string;
  ticketId: string;
  /** The contact acting: its Alga client login is the uploader Alga's upload records. */
  contact: ActingContact;
  files: TicketUpload[];
  /** Makes each document's thumbnail and preview once `trx` commits, as Alga's upload does. */
  previews?: DocumentPreviews;
}

/** Writes the files and their rows in `trx`. The files go if `trx` does not commit. */
export async function writeClientFiles(trx: Knex.Transaction, args: ClientFilesWrite): Promise<void> {
  if (args.files.length === 0) return;
  const userId = args.contact.userId;
  // keepsClientFilesOf says no for a contact without a login; a write without one is a caller's mistake.
  if (!userId) throw new Error('alga-psa: a client file needs the contact to have an Alga client login');
  const kept = filesOfATransaction(trx);
  const filed: DocumentToPreview[] = [];
  for (const file of args.files) {
    const storagePath = await storeClientFile(kept, { storageRoot: args.storageRoot, tenant: args.tenant, file });
    const mimeType = file.contentType || 'application/octet-stream';
    const document = await insertTicketDocument(trx, {
      tenant: args.tenant,
      clientId: args.clientId,
      ticketId: args.ticketId,
      userId,
      name: file.name,
      mimeType,
      sizeBytes: file.sizeBytes,
      storagePath,
    });
    if (!document) throw new Error("alga-psa: a client file's ticket is not the client's");
    filed.push({ tenant: args.tenant, ...document, createdBy: userId, mimeType, storagePath });
  }
  args.previews?.afterCommit(trx, filed);
}
