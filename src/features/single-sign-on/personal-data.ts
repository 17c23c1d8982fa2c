// Single sign-on’s part of a person’s data: the provider accounts (their `sub`) remembered as them.
// An erasure forgets them, so a later sign-in through the provider matches no one. A SAML sign-in
// handed on to the portal page (portal_sso_saml_assertions) names its person for the few minutes
// its assertion lasts; an erasure drops it too, and the export has nothing lasting to show of it.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { countPersonIdentities, deletePersonIdentities, personIdentities } from './queries.ts';
import { deletePersonHandoffs } from './saml-queries.ts';

export function singleSignOnPersonalData(deps: { db: Knex }): PersonalDataHook {
  const { db } = deps;
  return {
    tables: ['portal_sso_identities', 'portal_sso_saml_assertions'],

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
      await deletePersonHandoffs(trx, person.workspaceId, person.id);
      return { counts: { singleSignOnIdentities: await deletePersonIdentities(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({ singleSignOnIdentities: countPersonIdentities(db, person.workspaceId, person.id) }),
  };
}
