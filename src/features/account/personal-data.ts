// The account's part of a person's data: their two-factor set-up (its date goes into their
// profile) and their sign-in secrets (codes, link tokens, recovery codes), all removed on erasure.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { deletePersonCodesAndTokens } from './sign-in/token-queries.ts';
import { deletePersonTwoFactor, twoFactorEnabledAt } from './two-factor/queries.ts';

export function accountPersonalData(db: Knex): PersonalDataHook {
  return {
    tables: ['client_login_codes', 'client_user_tokens', 'client_confirmation_codes', 'client_recovery_codes', 'client_two_factor'],
    async export({ workspaceId, user }) {
      return { profile: { twoFactorEnabledAt: iso(await twoFactorEnabledAt(db, workspaceId, user.id)) } };
    },
    async erase(trx, person) {
      const sign_in_secrets =
        (await deletePersonCodesAndTokens(trx, person.workspaceId, person.id)) +
        (await deletePersonTwoFactor(trx, person.workspaceId, person.id));
      return { counts: { sign_in_secrets } };
    },
  };
}
