// Files a client chose on a request form that came back refused: the files passed the upload
// checks, so rather than dropping them (the person would not know), they are kept as pending
// files of that form, in that session, for PENDING_FILE_TTL_MS. The form shown again lists them
// ("Attached: name (size)", each with Remove) and names them in one hidden field, so sending it
// again sends them; a request sent takes them over in its transaction. A sweep on every instance
// removes those past their expiry and those of sessions that ended (signed out, expired), with
// their stored files.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  type FileStorage,
  hashSessionId,
  portalContext,
  removeReceived,
  removeReceivedOnFailure,
  signedInClient,
  type StoredAttachment,
} from '../../core/index.ts';
import {
  deleteExpiredPendingFiles,
  deletePendingFiles,
  expirePendingFilesOfSessions,
  findPendingFiles,
  insertPendingFiles,
  livingSessionKeys,
  type PendingFileRow,
  type PendingScope,
  pendingSessionKeys,
} from './queries.ts';

/** How long a refused form's files wait to be sent again. */
export const PENDING_FILE_TTL_MS = 60 * 60_000;
/** How often each instance sweeps pending files that expired or whose session ended. */
export const PENDING_SWEEP_MS = 5 * 60_000;
const SWEEP_BATCH = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** At most as many as a form may carry files. */
const MAX_PENDING = 5;

/** The hidden field naming the pending files the form carries, comma-separated: one field, as the form reader counts fields. */
const PENDING_FIELD = 'pending';
/** The Remove button's field: the pending file to take off the form. */
export const REMOVE_PENDING_FIELD = 'removePending';

/** The ids the form named (unknown or malformed ones are dropped: only this scope's rows are ever read). */
export function pendingIdsOf(body: Record<string, unknown>): string[] {
  const value = typeof body[PENDING_FIELD] === 'string' ? (body[PENDING_FIELD] as string) : '';
  return [...new Set(value.split(',').map((id) => id.trim()))].filter((id) => UUID.test(id)).slice(0, MAX_PENDING);
}

/** A pending file as the request takes it, like one just received. */
export function pendingAsStored(row: PendingFileRow): StoredAttachment {
  return {
    id: row.file_id,
    filename: row.filename,
    sentName: row.filename,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
  };
}

export function createPendingFiles(deps: {
  db: Knex;
  storage: FileStorage;
  now: () => Date;
  onError: (message: string, err: unknown) => void;
}) {
  const { db, storage, now } = deps;
  return {
    /** This person, in this session, on this form. */
    scopeOf(req: Request, res: Response, definitionId: string): PendingScope {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      return {
        workspaceId: workspace.id,
        clientId: user.client_id,
        contactId: user.contact_id,
        clientUserId: user.id,
        sessionKey: hashSessionId(req.sessionID),
        definitionId,
      };
    },

    find: (scope: PendingScope, ids: readonly string[]) => findPendingFiles(db, scope, ids, now()),

    /** Keeps files just received on a refused form; on failure they are removed, as before. */
    async keep(scope: PendingScope, stored: readonly StoredAttachment[]): Promise<PendingFileRow[]> {
      const files = stored.map((file) => ({
        fileId: file.id,
        filename: file.filename,
        contentType: file.contentType,
        sizeBytes: file.sizeBytes,
      }));
      return insertPendingFiles(db, scope, files, new Date(now().getTime() + PENDING_FILE_TTL_MS)).catch(
        removeReceivedOnFailure(storage, scope.workspaceId, stored),
      );
    },

    /** The person took one off the form: its row and its stored file go. */
    async remove(scope: PendingScope, id: string): Promise<void> {
      const removed = await deletePendingFiles(db, scope, UUID.test(id) ? [id] : []);
      await removeReceived(storage, scope.workspaceId, removed.map(pendingAsStored));
    },

    /** Removes what expired, after ending now the files of sessions that no longer exist. */
    async sweep(): Promise<number> {
      const sessions = await pendingSessionKeys(db, SWEEP_BATCH);
      const living = await livingSessionKeys(
        db,
        sessions.map((row) => row.session_key),
      );
      const ended = new Map<string, string[]>();
      for (const row of sessions)
        if (!living.has(row.session_key)) ended.set(row.workspace_id, [...(ended.get(row.workspace_id) ?? []), row.session_key]);
      for (const [workspaceId, keys] of ended) await expirePendingFilesOfSessions(db, workspaceId, keys, now());
      const removed = await deleteExpiredPendingFiles(db, now(), SWEEP_BATCH);
      for (const row of removed)
        await storage
          .delete(row.workspace_id, row.file_id)
          .catch((err: unknown) => deps.onError('could not remove a pending request file', err));
      return removed.length;
    },
  };
}

export type PendingFiles = ReturnType<typeof createPendingFiles>;
