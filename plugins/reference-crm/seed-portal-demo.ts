// Demo client logins for the portal: the contacts the CRM seed proposes as client logins get a
// client user with a known password and the role the seed gives them (a client admin, a Billing
// colleague), so the demo can be tried with a password as well as with an emailed code, and as
// each kind of person. Idempotent: an existing client user is left as it is.
import type { Knex } from 'knex';
import { type CustomerPortal, ensureDemoClientLogins } from '../../src/index.ts';
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
 * The demo workspace as `npm start` first shows it: every section a client can have switched on,
 * each with what the demo seeds for it (the request catalogue, the appointment services and hours,
 * Northwind's orders, devices and contract, with the time entries behind its hours), and online
 * payments on (through the demo provider, autopay offered), so a newcomer's first look as a client is the whole
 * portal, not the product's defaults for a new workspace (those sections off until an agency
 * switches them on). Only when the workspace has no portal settings yet, so an admin's later
 * choice stays; only the demo workspace, so every other workspace keeps the defaults; tests start
 * from the defaults and do not call this.
 */
async function openDemoWorkspace(db: Knex, workspaceId: string): Promise<boolean> {
  const inserted = await db('workspace_client_portal_settings')
    .insert({
      workspace_id: workspaceId,
      allow_online_payments: true,
      show_tickets: true,
      show_approvals: true,
      show_requests: true,
      show_appointments: true,
      show_orders: true,
      show_devices: true,
      show_contracts: true,
      show_time_entries_to_clients: true,
    })
    .onConflict('workspace_id')
    .ignore()
    .returning('workspace_id');
  // Payments through the demo provider, with autopay offered: a client can save a demo card and see
  // an invoice paid with no step of theirs.
  await db('portal_payment_settings')
    .insert({ workspace_id: workspaceId, online_provider: 'demo', autopay_allowed: true })
    .onConflict('workspace_id')
    .ignore();
  return inserted.length > 0;
}

/**
 * What `npm start` does after the boot outside production: opens the demo workspace (above) and
 * tells the running portal, whose cached settings would otherwise still be the defaults.
 */
export async function openDemoOfStart(crm: {
  db: Knex;
  portal: Pick<CustomerPortal, 'workspaceChanged'>;
  staffLogins: { clients: ReadonlyArray<Pick<DemoClientLogin, 'workspaceSlug' | 'workspaceId'>> };
}): Promise<void> {
  const demo = crm.staffLogins.clients.find((login) => login.workspaceSlug === 'demo');
  if (demo && (await openDemoWorkspace(crm.db, demo.workspaceId))) await crm.portal.workspaceChanged(demo.workspaceId);
}
