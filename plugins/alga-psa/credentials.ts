// ClientCredentialsPort on Alga PSA's users: a client login is a users row with user_type 'client'
// linked to its contact (contact_id), not is_inactive, its password Alga's PBKDF2 "salt:hash"
// with the deployment's NEXTAUTH_SECRET (passwords.ts). The portal checks and sets that password,
// so the client signs in to the portal and to Alga's own client portal with the same one. A login
// with Alga's two-factor on is not the portal's to sign in: the portal's password, code and link
// sign-ins each give one factor, Alga asks two, so such a client signs in with Alga's own portal.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { ClientCredentialsPort, HostContact } from '../../src/index.ts';
import { lookupEmail, parseUuid } from './ids.ts';
import { decoyVerify, hashAlgaPassword, verifyAlgaPassword } from './passwords.ts';
import { asksSecondFactor } from './second-factor.ts';
import { findContact, type ContactRow } from './queries/contacts.ts';
import {
  createClientLogin,
  findClientLoginOfContact,
  findClientLoginsByEmail,
  updateClientPassword,
  usernameTaken,
} from './queries/users.ts';

type TenantOf = (workspaceId: string) => string | null;

/** What the portal may store as a password: a non-empty string of sane length (the portal's own policy decides the rest). */
const NEW_PASSWORD = z.string().min(1).max(1024);

/** Alga splits a contact's full name at the first space into first_name / last_name. */
function splitFullName(fullName: string | null): { firstName: string | null; lastName: string | null } {
  const parts = (fullName ?? '').trim().split(/\s+/).filter(Boolean);
  return { firstName: parts[0] ?? null, lastName: parts.length > 1 ? parts.slice(1).join(' ') : null };
}

export function algaCredentials(
  db: Knex,
  tenantOf: TenantOf,
  secret: string,
  presentContact: (tenant: string) => (row: ContactRow) => HostContact,
): ClientCredentialsPort {
  /** The one enabled login with this email, and its contact; none when unknown or ambiguous. */
  const loginOf = async (workspaceId: string, email: string) => {
    const tenant = tenantOf(workspaceId);
    const wanted = lookupEmail(email);
    if (tenant === null || wanted === null) return null;
    const logins = await findClientLoginsByEmail(db, tenant, wanted);
    if (logins.length !== 1) return null;
    const contact = await findContact(db, tenant, logins[0]!.contact_id);
    return contact ? { login: logins[0]!, contact: presentContact(tenant)(contact) } : null;
  };

  return {
    async findLogin(workspaceId, email) {
      const found = await loginOf(workspaceId, email);
      return found && !asksSecondFactor(found.login) ? found.contact : null;
    },
    async verifyPassword(workspaceId, email, password) {
      const found = await loginOf(workspaceId, email).catch(() => null);
      if (!found) return decoyVerify(String(password ?? ''), secret).then(() => null);
      if (!(await verifyAlgaPassword(String(password ?? ''), found.login.hashed_password, secret))) return null;
      return asksSecondFactor(found.login) ? 'host-sign-in-only' : found.contact;
    },
    async setPassword(workspaceId, contactId, password) {
      const tenant = tenantOf(workspaceId);
      const id = parseUuid(contactId);
      const parsed = NEW_PASSWORD.safeParse(password);
      if (tenant === null || id === null || !parsed.success) throw new Error('alga-psa: no such contact, or an unusable password');
      await db.transaction(async (trx) => {
        const contact = await findContact(trx, tenant, id);
        if (!contact) throw new Error('alga-psa: no such contact in this tenant');
        const hash = await hashAlgaPassword(parsed.data, secret);
        const login = await findClientLoginOfContact(trx, tenant, id);
        if (login) {
          // A login staff switched off in Alga stays off: the portal does not switch it back on.
          if (login.is_inactive) throw new Error("alga-psa: the contact's client login is disabled in Alga");
          await updateClientPassword(trx, { tenant, userId: login.user_id, hash });
          return;
        }
        const email = contact.email.trim();
        if (await usernameTaken(trx, tenant, email)) throw new Error('alga-psa: another Alga user already has this email as username');
        await createClientLogin(trx, {
          tenant,
          contactId: id,
          email,
          ...splitFullName(contact.full_name),
          hash,
          clientAdmin: contact.is_client_admin,
        });
      });
    },
    async hasPassword(workspaceId, contactId) {
      const tenant = tenantOf(workspaceId);
      const id = parseUuid(contactId);
      if (tenant === null || id === null) return false;
      const login = await findClientLoginOfContact(db, tenant, id);
      return Boolean(login && !login.is_inactive && !asksSecondFactor(login) && login.hashed_password?.includes(':'));
    },
  };
}
