// The privacy feature's own part of a person's data: their export requests (removed on erasure,
// their files deleted once it is committed) and their erasure requests (kept as the agency's
// record, without the reasons they gave).
import type { Knex } from 'knex';
import type { PersonalDataHook } from '../../core/index.ts';
import { clearErasureReasons, countPersonExports, deletePersonExports, personExportFiles } from './queries.ts';

export function privacyPersonalData(): PersonalDataHook {
  return {
    tables: ['portal_data_exports', 'portal_erasure_requests'],
    export: async () => ({}),
    async erase(trx: Knex.Transaction, person) {
      const storedFiles = await personExportFiles(trx, person.workspaceId, person.id);
      const exports = await deletePersonExports(trx, person.workspaceId, person.id);
      await clearErasureReasons(trx, person.workspaceId, person.id);
      return { counts: { exports }, storedFiles };
    },
    counts: (db, person) => ({ exports: countPersonExports(db, person.workspaceId, person.id) }),
  };
}
