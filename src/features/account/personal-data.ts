// The account's part of a person's data: their two-factor set-up (its date goes into their
// profile), their passkeys (names and dates; the keys are public and stay out of the export) and
// their sign-in secrets (codes, link tokens, recovery codes), all removed on erasure.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { deletePersonPasskeys, listPasskeys } from './passkeys/queries.ts';
import { deletePersonCodesAndTokens } from './sign-in/token-queries.ts';
import { deletePersonTwoFactor, twoFactorEnabledAt } from './two-factor/queries.ts';

export function accountPersonalData(db: Knex): PersonalDataHook {
  return {
    tables: [
      'client_login_codes',
      'client_user_tokens',
      'client_confirmation_codes',
      'client_recovery_codes',
      'client_two_factor',
      'client_passkeys',
    ],
    async export({ workspaceId, user }) {
      const [enabledAt, passkeys] = await Promise.all([
        twoFactorEnabledAt(db, workspaceId, user.id),
        listPasskeys(db, workspaceId, user.id),
      ]);
      return {
        profile: {
          twoFactorEnabledAt: iso(enabledAt),
          passkeys: passkeys.map((row) => ({ name: row.name, addedAt: iso(row.created_at), lastUsedAt: iso(row.last_used_at) })),
        },
      };
    },
    async erase(trx, person) {
      const sign_in_secrets =
        (await deletePersonCodesAndTokens(trx, person.workspaceId, person.id)) +
        (await deletePersonTwoFactor(trx, person.workspaceId, person.id)) +
        (await deletePersonPasskeys(trx, person.workspaceId, person.id));
      return { counts: { sign_in_secrets } };
    },
  };
}
