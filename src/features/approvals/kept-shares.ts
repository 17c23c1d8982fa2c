// Sharing work for approval where the portal keeps the approvals: version 1 of a new piece of
// work, or the next version of one. Each share is one transaction: the host keeps the file among
// the client's documents (HostApprovalFilesPort.keep, in the same transaction), then the version's
// row is written; a failure of either leaves neither (the host's part rolls back with it). Once
// committed, the client's people are asked for their decision, once per version.
import type { Knex } from 'knex';
import type { PortalLogger } from '../../core/index.ts';
import type { ApprovalVersionUpload, HostApprovalFilesPort } from './port.ts';
import { findKeptApproval, insertKeptApproval, insertNextKeptVersion } from './kept-queries.ts';

/** One version as staff share it, its type already read from its bytes. */
export type VersionToShare = Pick<ApprovalVersionUpload, 'fileName' | 'sentFileName' | 'contentType' | 'content'> & { message: string };

/** A version the client is to be asked about (its notification: once per version). */
export interface ApprovalShared {
  workspaceId: string;
  clientId: string;
  approvalId: string;
  title: string;
  version: number;
}

export interface KeptSharesDeps {
  db: Knex;
  files: HostApprovalFilesPort;
  now: () => Date;
  logger: PortalLogger;
  /** Tells the client's people who may see approvals; a failure is logged, never undoes the share. */
  shared?: (version: ApprovalShared) => Promise<unknown>;
}

export function keptApprovalShares(deps: KeptSharesDeps) {
  const { db, files, now, logger } = deps;

  const tell = async (version: ApprovalShared) => {
    await deps.shared?.(version).catch((err: unknown) => logger.error('could not ask the client for a decision on a version shared', err));
  };

  /**
   * The version's file kept by the host (in the share's transaction), and its row as written
   * then; null when the host does not know the client in this workspace.
   */
  const keepFile = async (
    trx: Knex.Transaction,
    scope: { workspaceId: string; staffId: string },
    work: { clientId: string; title: string; number: number },
    version: VersionToShare,
    sharedAt: Date,
  ) => {
    const fileRef = await files.keep(
      scope.workspaceId,
      work.clientId,
      {
        title: work.title,
        version: work.number,
        fileName: version.fileName,
        ...(version.sentFileName ? { sentFileName: version.sentFileName } : {}),
        contentType: version.contentType,
        content: version.content,
        sharedBy: scope.staffId,
      },
      { trx },
    );
    if (fileRef === null) return null;
    return {
      fileRef,
      fileName: version.fileName,
      contentType: version.contentType,
      sizeBytes: version.content.length,
      message: version.message,
      sharedBy: scope.staffId,
      sharedAt,
    };
  };

  return {
    /** Version 1 of a new piece of work for the client; its id, or null when the host does not know the client in this workspace. */
    async share(scope: { workspaceId: string; staffId: string }, work: { clientId: string; title: string }, version: VersionToShare) {
      const sharedAt = now();
      const id = await db.transaction(async (trx) => {
        const kept = await keepFile(trx, scope, { ...work, number: 1 }, version, sharedAt);
        if (kept === null) return null;
        return insertKeptApproval(trx, {
          workspaceId: scope.workspaceId,
          clientId: work.clientId,
          title: work.title,
          createdBy: scope.staffId,
          version: kept,
        });
      });
      if (id !== null)
        await tell({ workspaceId: scope.workspaceId, clientId: work.clientId, approvalId: id, title: work.title, version: 1 });
      return id;
    },

    /**
     * The next version of a piece of work of the workspace; its number, or null when there is no
     * such work (or the host no longer knows its client). The approval is locked while the version
     * is written, so a client's decision on the previous latest waits and then sees this one.
     */
    async shareNext(scope: { workspaceId: string; staffId: string }, approvalId: string, version: VersionToShare) {
      const sharedAt = now();
      const done = await db.transaction(async (trx) => {
        const approval = await findKeptApproval(trx, { workspaceId: scope.workspaceId, id: approvalId, lock: true });
        if (!approval) return null;
        const number = approval.latest_version + 1;
        const kept = await keepFile(trx, scope, { clientId: approval.client_id, title: approval.title, number }, version, sharedAt);
        if (kept === null) return null;
        await insertNextKeptVersion(trx, { workspaceId: scope.workspaceId, approvalId: approval.id, number, version: kept });
        return { clientId: approval.client_id, title: approval.title, number };
      });
      if (!done) return null;
      await tell({ workspaceId: scope.workspaceId, clientId: done.clientId, approvalId, title: done.title, version: done.number });
      return done.number;
    },
  };
}

export type KeptApprovalShares = ReturnType<typeof keptApprovalShares>;
