// The reference CRM's binding of the portal's host ports (src/ports/host.ts). It reads the CRM's
// tables through the CRM's query modules, turns integer ids into strings, and answers "nothing"
// (null or []) for an id that is malformed or belongs to another workspace.
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { HostAdapter, HostClaim, HostClient, HostContact, HostStaffUser, HostWorkspace } from '../../src/ports/host.ts';
import { parseId, toHostId } from './ids.ts';
import { findClient, listClients, type ClientRow } from './queries/clients.ts';
import { clientSummary } from './queries/client-summary.ts';
import { findContact, findContactsByEmail, listContacts, updateContactProfile, type ContactRow } from './queries/contacts.ts';
import { findStaffWithWorkspace, type StaffUserRow } from './queries/staff-users.ts';
import { findWorkspaceById, findWorkspaceBySlug, type WorkspaceRow } from './queries/workspaces.ts';
import { readStaffUserId } from './web/session.ts';
import { listAdminsPort, recordPaymentPort } from './adapter-payments.ts';
import { invoiceReads, offerReads } from './portal-commercial.ts';
import { referenceOfferDecisions } from './portal-decisions.ts';

function presentWorkspace(row: WorkspaceRow): HostWorkspace {
  return { id: toHostId(row.id), slug: row.slug, name: row.name, logoUrl: row.logo_url, brandColor: row.brand_color };
}

function presentClient(row: ClientRow): HostClient {
  return { id: toHostId(row.id), workspaceId: toHostId(row.workspace_id), name: row.name };
}

function presentContact(row: ContactRow): HostContact {
  return {
    id: toHostId(row.id),
    workspaceId: toHostId(row.workspace_id),
    clientId: toHostId(row.client_id),
    clientName: row.client_name,
    name: row.name,
    email: row.email,
    phone: row.phone,
  };
}

function presentStaff(row: StaffUserRow): HostStaffUser {
  return { id: toHostId(row.id), workspaceId: toHostId(row.workspace_id), name: row.name, email: row.email, role: row.role };
}

/**
 * Where this CRM keeps what the adapter reads and writes. The portal checks these against the
 * schema before it starts; the audit compares them with what it finds. The CRM keeps no client
 * logins and no comments, so the portal provides those itself.
 */
export const REFERENCE_CRM_CLAIMS: HostClaim[] = [
  { concept: 'workspace', table: 'workspaces', columns: ['id', 'slug', 'name', 'logo_url', 'brand_color'] },
  { concept: 'company', table: 'clients', columns: ['id', 'workspace_id', 'name'] },
  { concept: 'contact', table: 'contacts', columns: ['id', 'workspace_id', 'client_id', 'name', 'email', 'phone'] },
  { concept: 'staffUser', table: 'staff_users', columns: ['id', 'workspace_id', 'name', 'email', 'role'] },
  { concept: 'proposal', table: 'proposals', columns: ['id', 'workspace_id', 'client_id', 'number', 'title', 'status', 'currency', 'valid_until', 'decided_at'] },
  { concept: 'quotation', table: 'quotations', columns: ['id', 'workspace_id', 'client_id', 'number', 'title', 'status', 'currency', 'valid_until', 'decided_at'] },
  { concept: 'invoice', table: 'invoices', columns: ['id', 'workspace_id', 'client_id', 'number', 'status', 'currency', 'due_date'] },
  { concept: 'payment', table: 'payments', columns: ['id', 'invoice_id', 'amount_cents', 'method', 'reference', 'paid_at'] },
  { concept: 'task', table: 'tasks', columns: ['id', 'workspace_id', 'client_id', 'assigned_contact_id', 'status'] },
  { concept: 'document', table: 'documents', columns: ['id', 'workspace_id', 'client_id', 'shared_with_client'] },
];

export function createReferenceCrmAdapter(db: Knex): HostAdapter {
  return {
    name: 'reference-crm',
    claims: REFERENCE_CRM_CLAIMS,

    workspaces: {
      async findBySlug(slug) {
        if (typeof slug !== 'string' || slug.length === 0 || slug.length > 60) return null;
        const row = await findWorkspaceBySlug(db, { slug });
        return row ? presentWorkspace(row) : null;
      },
      async findById(id) {
        const workspaceId = parseId(id);
        if (workspaceId === null) return null;
        const row = await findWorkspaceById(db, { workspaceId });
        return row ? presentWorkspace(row) : null;
      },
    },

    clients: {
      async list(workspaceId) {
        const ws = parseId(workspaceId);
        if (ws === null) return [];
        return (await listClients(db, { workspaceId: ws })).map(presentClient);
      },
      async findById(workspaceId, clientId) {
        const ws = parseId(workspaceId);
        const id = parseId(clientId);
        if (ws === null || id === null) return null;
        const row = await findClient(db, { workspaceId: ws, clientId: id });
        return row ? presentClient(row) : null;
      },
    },

    contacts: {
      async findById(workspaceId, contactId) {
        const ws = parseId(workspaceId);
        const id = parseId(contactId);
        if (ws === null || id === null) return null;
        const row = await findContact(db, { workspaceId: ws, contactId: id });
        return row ? presentContact(row) : null;
      },
      async findByEmail(workspaceId, email) {
        const ws = parseId(workspaceId);
        const trimmed = typeof email === 'string' ? email.trim() : '';
        if (ws === null || trimmed === '' || trimmed.length > 320) return [];
        return (await findContactsByEmail(db, { workspaceId: ws, email: trimmed })).map(presentContact);
      },
      async list(workspaceId, filter) {
        const ws = parseId(workspaceId);
        if (ws === null) return [];
        if (filter?.clientId !== undefined) {
          const clientId = parseId(filter.clientId);
          if (clientId === null) return [];
          return (await listContacts(db, { workspaceId: ws, clientId })).map(presentContact);
        }
        return (await listContacts(db, { workspaceId: ws })).map(presentContact);
      },
      async updateProfile(workspaceId, contactId, profile) {
        const ws = parseId(workspaceId);
        const id = parseId(contactId);
        if (ws === null || id === null) return null;
        const updated = await updateContactProfile(db, { workspaceId: ws, contactId: id, name: profile.name, phone: profile.phone });
        if (!updated) return null;
        const row = await findContact(db, { workspaceId: ws, contactId: id });
        return row ? presentContact(row) : null;
      },
    },

    staff: {
      // The CRM's own session may be absent (a route mounted before it) or belong to nobody.
      async current(req: Request) {
        const staffUserId = readStaffUserId(req);
        if (staffUserId === null) return null;
        const row = await findStaffWithWorkspace(db, { staffUserId });
        return row ? presentStaff(row) : null;
      },
      listAdmins: listAdminsPort(db),
    },

    summaries: {
      async forClient(workspaceId, clientId, contactId) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const contact = parseId(contactId);
        const empty = { proposals: { open: 0, total: 0 }, quotations: { open: 0, total: 0 }, invoices: { unpaid: 0, overdue: 0, outstanding: [] }, tasks: { open: 0 }, documents: { shared: 0 } };
        if (ws === null || client === null || contact === null) return empty;
        const row = await clientSummary(db, { workspaceId: ws, clientId: client, contactId: contact, today: new Date().toISOString().slice(0, 10) });
        return {
          proposals: { open: row.proposalsOpen, total: row.proposalsTotal },
          quotations: { open: row.quotationsOpen, total: row.quotationsTotal },
          invoices: { unpaid: row.invoicesUnpaid, overdue: row.invoicesOverdue, outstanding: row.outstanding },
          tasks: { open: row.tasksOpen },
          documents: { shared: row.documentsShared },
        };
      },
    },

    // Reads live in portal-commercial.ts, a client's decision in portal-decisions.ts; a payment is
    // not bound in this CRM yet and refuses loudly rather than pretend to have written.
    offers: {
      ...offerReads(db),
      ...referenceOfferDecisions(db),
    },
    invoices: {
      ...invoiceReads(db),
      // A payment from the portal (adapter-payments.ts), in the caller's transaction.
      recordPayment: recordPaymentPort(db),
    },
  };
}
