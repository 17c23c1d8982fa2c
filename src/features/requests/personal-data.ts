// The requests' part of a person's data: the files they sent with requests. The requests
// themselves are the host's (the CRM's record of what the client asked for). An erasure keeps the
// files with the request, no longer naming who sent them, and ends the files waiting on a refused form.
import type { Knex } from 'knex';
import { type ArchiveEntry, archiveSentFile, type FileStorage, iso, type PersonalDataHook } from '../../core/index.ts';
import {
  anonymisePersonRequestFiles,
  countPersonRequestFiles,
  expirePersonPendingFiles,
  personPendingFiles,
  personRequestAttachments,
} from './queries.ts';

export function requestsPersonalData(deps: { db: Knex; storage: FileStorage; now?: () => Date }): PersonalDataHook {
  const { db, storage } = deps;
  return {
    tables: ['portal_request_attachments', 'portal_request_pending_files'],

    async export({ workspaceId, user }) {
      const entries: ArchiveEntry[] = [];
      const files = [];
      for (const row of await personRequestAttachments(db, workspaceId, user.id)) {
        files.push({
          requestId: row.request_id,
          field: row.field_key,
          ...(await archiveSentFile(storage, workspaceId, entries, 'request-files', row)),
        });
      }
      // Files chosen on a refused form, waiting (an hour at most) to be sent with it again: named, not copied.
      const pendingFiles = (await personPendingFiles(db, workspaceId, user.id)).map((row) => ({
        filename: row.filename,
        contentType: row.content_type,
        sizeBytes: Number(row.size_bytes),
        at: iso(row.created_at),
      }));
      entries.push({ path: 'requests.json', json: { files, pendingFiles } });
      return { entries };
    },

    async erase(trx, person) {
      // Waiting files end now: the sweep removes them with their stored files.
      await expirePersonPendingFiles(trx, person.workspaceId, person.id, deps.now?.() ?? new Date());
      return { counts: { requestFiles: await anonymisePersonRequestFiles(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({
      requestFiles: countPersonRequestFiles(db, person.workspaceId, person.id),
    }),
  };
}
