// Directory provisioning's part of a person's data: what their company's directory said of them
// (its external id, their name). An erasure forgets it with the person.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { countPersonRecord, deletePersonRecord, personRecord } from './queries.ts';

export function directoryProvisioningPersonalData(deps: { db: Knex }): PersonalDataHook {
  const { db } = deps;
  return {
    tables: ['portal_scim_people'],

    async export({ workspaceId, user }) {
      const row = await personRecord(db, workspaceId, user.id);
      const directory = row
        ? {
            externalId: row.external_id,
            givenName: row.given_name,
            familyName: row.family_name,
            displayName: row.display_name,
            deletedByDirectoryAt: row.deleted_at ? iso(row.deleted_at) : null,
            provisionedAt: iso(row.created_at),
            updatedAt: iso(row.updated_at),
          }
        : null;
      return { entries: [{ path: 'directory-provisioning.json', json: { directory } }] };
    },

    async erase(trx, person) {
      return { counts: { directoryRecords: await deletePersonRecord(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({ directoryRecords: countPersonRecord(db, person.workspaceId, person.id) }),
  };
}
