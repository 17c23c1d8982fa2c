// The documents' part of a person's data: the files they uploaded. An erasure keeps the files
// (the agency's now) under a name that no longer names them.
import type { Knex } from 'knex';
import { type ArchiveEntry, archiveSentFile, type FileStorage, type PersonalDataHook } from '../../core/index.ts';
import { anonymisePersonUploads, countPersonUploads, personUploads } from './queries.ts';

export function documentsPersonalData(deps: { db: Knex; storage: FileStorage }): PersonalDataHook {
  const { db, storage } = deps;
  return {
    tables: ['client_uploads'],

    async export({ workspaceId, user }) {
      const entries: ArchiveEntry[] = [];
      const uploads = [];
      for (const upload of await personUploads(db, workspaceId, user.id)) {
        uploads.push(await archiveSentFile(storage, workspaceId, entries, 'uploads', upload));
      }
      entries.push({ path: 'uploads.json', json: uploads });
      return { entries };
    },

    async erase(trx, person) {
      return { counts: { uploads: await anonymisePersonUploads(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({ uploads: countPersonUploads(db, person.workspaceId, person.id) }),
  };
}
