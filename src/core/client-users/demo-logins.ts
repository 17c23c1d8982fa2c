// Client logins with a known password, for a host's demo data (the reference CRM's `npm start`):
// a contact without a client user gets an active one, with the role the demo gives it. Idempotent:
// an existing client user, with whatever password, status and role it has now, is left as it is.
import type { Knex } from 'knex';
import type { BuiltInRole } from '../policies/client-access.ts';
import { hashPassword } from '../crypto/secrets.ts';
import { findClientUserByContact, insertClientUser } from './queries.ts';

export interface DemoClientLoginInput {
  workspaceId: string;
  clientId: string;
  contactId: string;
  email: string;
  /** The person's role; without it, client_users.role's default (Full access). */
  role?: BuiltInRole | null;
}

export async function ensureDemoClientLogins(db: Knex, logins: readonly DemoClientLoginInput[], password: string): Promise<void> {
  // Hashed only when a login is missing, so a restart with the data kept does no argon2 work.
  let passwordHash: string | undefined;
  for (const login of logins) {
    if (await findClientUserByContact(db, login.workspaceId, login.contactId)) continue;
    passwordHash ??= await hashPassword(password);
    const { role, ...person } = login;
    await insertClientUser(db, { ...person, status: 'active', passwordHash, ...(role ? { role } : {}) });
  }
}
