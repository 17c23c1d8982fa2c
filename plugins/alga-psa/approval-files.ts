// HostApprovalFilesPort on Alga PSA: each version the agency shares for a client's approval is an
// Alga document of the client, as a staff member's upload on the client's Documents tab leaves it:
// the bytes where Alga's local storage provider puts an upload (alga-storage.ts storeClientFile:
// written whole, renamed into place, removed when the transaction does not commit) and its rows
// (queries/approval-files.ts). Each decision is an interaction on the client and the deciding
// contact, of Alga's 'Note' type, in the caller's transaction. Only with a local storage root.
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { ApprovalVersionUpload, HostApprovalFilesPort } from '../../src/index.ts';
import { approvalDecisionText, approvalNoteLanguage } from '../shared/approval-note.ts';
import { filesOfATransaction } from '../shared/files-of-a-transaction.ts';
import { parseUuid } from './ids.ts';
import {
  activeClient,
  contactOfClient,
  findClientDocument,
  insertClientDocument,
  insertDecisionInteraction,
  internalUser,
  tenantLanguage,
} from './queries/approval-files.ts';
import { fileUnder } from './shared-files.ts';
import { storeClientFile } from './alga-storage.ts';
import { fileStream } from '../shared/file-stream.ts';

/**
 * The document's name in Alga's lists: "<title> v<n> - <file name>", the file's own name last so
 * its extension stays (Alga names an uploaded document by its file's name).
 */
const approvalDocumentName = (upload: Pick<ApprovalVersionUpload, 'title' | 'version' | 'fileName'>): string =>
  `${upload.title.trim() || 'Approval'} v${upload.version} - ${upload.fileName.trim() || 'file'}`;

export function algaApprovalFiles(
  db: Knex,
  tenantOf: (workspaceId: string) => string | null,
  options: { storageRoot: string },
): HostApprovalFilesPort {
  /** The tenant and client when the client is one of the tenant's active clients; null otherwise. */
  async function clientOf(run: Knex | Knex.Transaction, workspaceId: string, clientId: string) {
    const tenant = tenantOf(workspaceId);
    const client = parseUuid(clientId);
    if (tenant === null || client === null) return null;
    return (await activeClient(run, { tenant, clientId: client })) ? { tenant, clientId: client } : null;
  }

  async function keep(trx: Knex.Transaction, workspaceId: string, clientId: string, upload: ApprovalVersionUpload) {
    const scope = await clientOf(trx, workspaceId, clientId);
    if (!scope) return null;
    const userId = parseUuid(upload.sharedBy);
    // Alga's upload names its uploader; the staff pages give the portal one of the tenant's users.
    if (userId === null || !(await internalUser(trx, { tenant: scope.tenant, userId })))
      throw new Error("alga-psa: an approval's file is shared by a staff member of the tenant (users, user_type 'internal')");
    const contentType = upload.contentType || 'application/octet-stream';
    const storagePath = await storeClientFile(filesOfATransaction(trx), {
      storageRoot: options.storageRoot,
      tenant: scope.tenant,
      file: {
        name: upload.fileName,
        contentType,
        sizeBytes: upload.content.length,
        open: async () => Readable.from([upload.content]),
      },
    });
    return insertClientDocument(trx, {
      ...scope,
      userId,
      documentName: approvalDocumentName(upload),
      originalName: upload.fileName,
      mimeType: contentType,
      sizeBytes: upload.content.length,
      storagePath,
    });
  }

  return {
    async keep(workspaceId, clientId, upload, write) {
      if (write?.trx) return keep(write.trx, workspaceId, clientId, upload);
      return db.transaction((trx) => keep(trx, workspaceId, clientId, upload));
    },

    async open(workspaceId, clientId, fileRef) {
      const scope = await clientOf(db, workspaceId, clientId);
      const documentId = parseUuid(fileRef);
      if (!scope || documentId === null) return null;
      const row = await findClientDocument(db, { ...scope, documentId });
      const file = row ? fileUnder(options.storageRoot, row.storage_path) : null;
      const info = file ? await stat(file).catch(() => null) : null;
      if (!row || !file || !info?.isFile()) return null;
      return {
        name: row.document_name,
        contentType: row.mime_type?.trim() || 'application/octet-stream',
        sizeBytes: info.size,
        content: fileStream(file),
      };
    },

    async recordDecision(workspaceId, clientId, decision, write) {
      const run = write?.trx ?? db;
      const scope = await clientOf(run, workspaceId, clientId);
      const userId = parseUuid(decision.sharedBy);
      // The interaction needs one of the tenant's users; without one (gone since) the portal's
      // evidence stands alone rather than the client's decision failing.
      if (!scope || userId === null || !(await internalUser(run, { tenant: scope.tenant, userId }))) return;
      const contactId = parseUuid(decision.contactId);
      const text = approvalDecisionText(approvalNoteLanguage(await tenantLanguage(run, scope.tenant)), decision);
      await insertDecisionInteraction(run, {
        ...scope,
        contactId: contactId === null ? null : await contactOfClient(run, { ...scope, contactId }),
        userId,
        title: text.title,
        notes: text.note,
        at: decision.decidedAt,
      });
    },
  };
}
