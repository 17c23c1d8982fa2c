// Demo client logins for the portal: a few contacts of the seeded CRM get a client user with a
// known password, so the demo can be tried with a password as well as with an emailed code.
// Idempotent: an existing client user is left as it is.
import type { Knex } from 'knex';
import type { HostAdapter } from '../../src/ports/host.ts';
import { hashPassword } from '../../src/auth/secrets.ts';
import { findClientUserByContact, insertClientUser } from '../../src/client-users/queries.ts';

export const DEMO_CLIENT_PASSWORD = 'portal-demo-2026';

export interface PortalDemoLogin {
  workspaceSlug: string;
  email: string;
  password: string;
  name: string;
}

/** Which demo contacts get portal access: the first contact of each of the first clients. */
const CLIENTS_WITH_ACCESS = 3;

export async function seedPortalDemo(db: Knex, adapter: HostAdapter): Promise<PortalDemoLogin[]> {
  const logins: PortalDemoLogin[] = [];
  const passwordHash = await hashPassword(DEMO_CLIENT_PASSWORD);
  for (const slug of ['demo', 'acme']) {
    const workspace = await adapter.workspaces.findBySlug(slug);
    if (!workspace) continue;
    const clients = (await adapter.clients.list(workspace.id)).slice(0, CLIENTS_WITH_ACCESS);
    for (const client of clients) {
      const [contact] = await adapter.contacts.list(workspace.id, { clientId: client.id });
      if (!contact) continue;
      const existing = await findClientUserByContact(db, workspace.id, contact.id);
      if (!existing) {
        await insertClientUser(db, { workspaceId: workspace.id, clientId: client.id, contactId: contact.id, email: contact.email, status: 'active', passwordHash });
      }
      logins.push({ workspaceSlug: slug, email: contact.email.toLowerCase(), password: DEMO_CLIENT_PASSWORD, name: contact.name });
    }
  }
  return logins;
}
