// Single sign-on’s part of a person’s data: the provider accounts (their `sub`) remembered as them.
// An erasure forgets them, so a later sign-in through the provider matches no one.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { countPersonIdentities, deletePersonIdentities, personIdentities } from './queries.ts';

export function singleSignOnPersonalData(deps: { db: Knex }): PersonalDataHook {
  const { db } = deps;
  return {
    tables: ['portal_sso_identities'],

    async export({ workspaceId, user }) {
      const identities = (await personIdentities(db, workspaceId, user.id)).map((row) => ({
        providerId: row.provider_id,
        subject: row.subject,
        firstUsedAt: iso(row.created_at),
        lastUsedAt: iso(row.last_used_at),
      }));
      return { entries: [{ path: 'single-sign-on.json', json: { identities } }] };
    },

    async erase(trx, person) {
      return { counts: { singleSignOnIdentities: await deletePersonIdentities(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({ singleSignOnIdentities: countPersonIdentities(db, person.workspaceId, person.id) }),
  };
}
