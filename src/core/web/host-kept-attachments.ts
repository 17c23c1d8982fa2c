// A form's received files for a host that keeps the client's files itself (a port's
// keepsClientFiles: Alga's attachments, Dolibarr's documents), rather than the portal. Whether it
// keeps this person's, and the files as the host takes them, read from storage when it asks.
// One reading for every such form (a new ticket, a reply, a request), so they cannot drift apart.
import type { Readable } from 'node:stream';
import type { Response } from 'express';
import type { FileStorage } from '../ports/services.ts';
import { removeReceivedOnFailure, type StoredAttachment } from './attachments-form.ts';
import { portalContext, signedInClient } from './portal-context.ts';

/** What a port says of the client's files: that the host keeps them, and optionally whose. */
interface KeepsClientFiles {
  keepsClientFiles?: boolean;
  keepsClientFilesOf?(workspaceId: string, clientId: string, contactId: string): Promise<boolean>;
}

/** A received file as the host takes it. */
interface HostKeptUpload {
  name: string;
  sentName: string;
  contentType: string;
  sizeBytes: number;
  open(): Promise<Readable>;
}

/**
 * Whether the host keeps this person's files (keepsClientFiles, and keepsClientFilesOf where it
 * asks who); none received is false. When the host cannot say, the received files are removed
 * before the error goes on, as nothing will record them.
 */
export async function hostKeepsClientFiles(
  host: KeepsClientFiles,
  storage: FileStorage,
  res: Response,
  stored: StoredAttachment[],
): Promise<boolean> {
  if (!host.keepsClientFiles || stored.length === 0) return false;
  if (!host.keepsClientFilesOf) return true;
  const { workspace } = portalContext(res);
  const { user } = signedInClient(res);
  return host
    .keepsClientFilesOf(workspace.id, user.client_id, user.contact_id)
    .catch(removeReceivedOnFailure(storage, workspace.id, stored));
}

/**
 * The received files as the host takes them. The host reads them inside the act's transaction,
 * from storage on connections of its own: a host that keeps files runs on a real PostgreSQL (the
 * embedded one would wait on the open transaction).
 */
export function hostKeptUploads(storage: FileStorage, workspaceId: string, stored: StoredAttachment[]): HostKeptUpload[] {
  return stored.map((file) => ({
    name: file.filename,
    sentName: file.sentName,
    contentType: file.contentType,
    sizeBytes: file.sizeBytes,
    async open() {
      const opened = await storage.open(workspaceId, file.id);
      if (!opened) throw new Error(`a received file is gone from storage: ${file.id}`);
      return opened.content;
    },
  }));
}
