// Directory provisioning's part of a person's data: what their company's directory said of them
// (its external id, their name) and the directory groups they are in. An erasure forgets both.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { countPersonMemberships, deletePersonMemberships, personGroups } from './group-queries.ts';
import { countPersonRecord, deletePersonRecord, personRecord } from './queries.ts';

export function directoryProvisioningPersonalData(deps: { db: Knex }): PersonalDataHook {
  const { db } = deps;
  return {
    tables: ['portal_scim_people', 'portal_scim_group_members'],

    async export({ workspaceId, user }) {
      const [row, groups] = await Promise.all([personRecord(db, workspaceId, user.id), personGroups(db, workspaceId, user.id)]);
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
      return { entries: [{ path: 'directory-provisioning.json', json: { directory, groups } }] };
    },

    async erase(trx, person) {
      return {
        counts: {
          directoryRecords: await deletePersonRecord(trx, person.workspaceId, person.id),
          directoryGroupMemberships: await deletePersonMemberships(trx, person.workspaceId, person.id),
        },
      };
    },

    counts: (db, person) => ({
      directoryRecords: countPersonRecord(db, person.workspaceId, person.id),
      directoryGroupMemberships: countPersonMemberships(db, person.workspaceId, person.id),
    }),
  };
}
