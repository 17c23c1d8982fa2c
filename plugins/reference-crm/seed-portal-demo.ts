// Demo client logins for the portal: the contacts the CRM seed proposes as client logins get a
// client user with a known password, so the demo can be tried with a password as well as with an
// emailed code. Idempotent: an existing client user is left as it is.
import type { Knex } from 'knex';
import { hashPassword } from '../../src/auth/secrets.ts';
import { findClientUserByContact, insertClientUser } from '../../src/client-users/queries.ts';
import type { DemoClientLogin } from './seed.ts';

export const DEMO_CLIENT_PASSWORD = 'portal-demo-2026';

export interface PortalDemoLogin {
  workspaceSlug: string;
  email: string;
  password: string;
  name: string;
}

export async function seedPortalDemo(db: Knex, contacts: DemoClientLogin[]): Promise<PortalDemoLogin[]> {
  // Hashed only when a login is missing, so a restart with the data kept does no argon2 work.
  let passwordHash: string | undefined;
  const logins: PortalDemoLogin[] = [];
  for (const contact of contacts) {
    const existing = await findClientUserByContact(db, contact.workspaceId, contact.contactId);
    if (!existing) {
      passwordHash ??= await hashPassword(DEMO_CLIENT_PASSWORD);
      await insertClientUser(db, {
        workspaceId: contact.workspaceId,
        clientId: contact.clientId,
        contactId: contact.contactId,
        email: contact.email,
        status: 'active',
        passwordHash,
      });
    }
    logins.push({ workspaceSlug: contact.workspaceSlug, email: contact.email.toLowerCase(), password: DEMO_CLIENT_PASSWORD, name: contact.name });
  }
  return logins;
}

/**
 * The demo workspace as `npm start` first shows it: online payments on (through the demo provider),
 * so a newcomer can pay an invoice as a client without changing a setting first. Only when the
 * workspace has no portal settings yet, so an admin's later choice stays; tests start from the
 * defaults (payments off) and do not call this.
 */
export async function openDemoPayments(db: Knex, workspaceId: string): Promise<boolean> {
  const inserted = await db('workspace_client_portal_settings').insert({ workspace_id: workspaceId, allow_online_payments: true }).onConflict('workspace_id').ignore().returning('workspace_id');
  return inserted.length > 0;
}
