// Demo client logins for the portal: the contacts the CRM seed proposes as client logins get a
// client user with a known password and the role the seed gives them (a client admin, a Billing
// colleague), so the demo can be tried with a password as well as with an emailed code, and as
// each kind of person. Idempotent: an existing client user is left as it is.
import type { Knex } from 'knex';
import { ensureDemoClientLogins } from '../../src/index.ts';
import type { DemoClientLogin } from './seed.ts';

export const DEMO_CLIENT_PASSWORD = 'portal-demo-2026';

export interface PortalDemoLogin {
  workspaceSlug: string;
  email: string;
  password: string;
  name: string;
  clientName: string;
  /** The portal role the demo gave them; null: Full access. */
  role: 'admin' | 'billing' | null;
}

export async function seedPortalDemo(db: Knex, contacts: DemoClientLogin[]): Promise<PortalDemoLogin[]> {
  await ensureDemoClientLogins(db, contacts, DEMO_CLIENT_PASSWORD);
  return contacts.map((contact) => ({
    workspaceSlug: contact.workspaceSlug,
    email: contact.email.toLowerCase(),
    password: DEMO_CLIENT_PASSWORD,
    name: contact.name,
    clientName: contact.clientName,
    role: contact.role,
  }));
}

/**
 * The demo workspace as `npm start` first shows it: online payments on (through the demo provider),
 * so a newcomer can pay an invoice as a client without changing a setting first, and the support
 * tickets the demo seeds shown (the section is off until an agency switches it on). Only when the
 * workspace has no portal settings yet, so an admin's later choice stays; tests start from the
 * defaults (payments off) and do not call this.
 */
export async function openDemoPayments(db: Knex, workspaceId: string): Promise<boolean> {
  const inserted = await db('workspace_client_portal_settings')
    .insert({ workspace_id: workspaceId, allow_online_payments: true, show_tickets: true, show_approvals: true })
    .onConflict('workspace_id')
    .ignore()
    .returning('workspace_id');
  return inserted.length > 0;
}
