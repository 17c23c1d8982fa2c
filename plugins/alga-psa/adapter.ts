// The portal's host ports (src/core/ports/host.ts, src/features/*/port.ts) on a real Alga PSA
// database (its own tables, as its migrations create them; see CONTEXT.md for what maps to what and
// what Alga cannot serve):
//   workspace = tenants (every table carries `tenant`; every query here is scoped by it)
//   client    = clients, not inactive
//   contact   = contacts of such a client, not inactive, with an email
//   staff     = users with user_type 'internal', not inactive; admins hold the MSP role 'Admin'
//   offers    = quotes + quote_items (quotations only: Alga has no separate proposals)
//   invoices  = invoices + invoice_charges, payments invoice_payments (+ transactions); what comes next
//               from recurring_service_periods of the client's contracts (a day, never an amount)
//   tasks     = project_tasks of the client's projects that show tasks in the client portal
//   projects  = projects of the client, their phases and tasks as each project's client_portal_config shows them
//   documents = client-visible documents associated with the client (files under a local storage root)
//   approvalFiles = the portal's approvals' files as documents of the client, each decision an interaction (storage root only)
//   tickets   = tickets of the client, their client-visible comments, statuses, priorities, boards, categories
//   contracts = client_contracts, contract_lines and their buckets (contract_line_buckets), bucket_usage, time_entries
//   knowledgeBase = kb_articles published for clients (audience client or public), titled by their document, bodies in document_block_content
//   devices   = assets of the client (as client-assets.ts lists them); a ticket about one in asset_associations (entity_type 'ticket')
//   credentials = users with user_type 'client' (Alga's PBKDF2 + NEXTAUTH_SECRET)
//   news      = invoices finalized, quotes sent, tickets answered since the portal last read (clients' notifications)
//   clientPermissions = what the contact's client login's client roles grant (roles, role_permissions, permissions)
// Ids are Alga's uuids; a malformed id, or one of another tenant, is "not found".
import { algaServiceRequests } from './service-requests.ts';
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  overdueFrom,
  SUMMARY_COUNT_LIMIT,
  type HostAdapter,
  type HostClient,
  type HostContact,
  type HostStaffUser,
} from '../../src/index.ts';
import { emptySummary } from '../shared/summaries.ts';
import { ALGA_PSA_APPROVAL_CLAIMS, ALGA_PSA_CLAIMS, ALGA_PSA_DOCUMENT_CLAIMS } from './claims.ts';
import { algaApprovalFiles } from './approval-files.ts';
import { algaInvoices, algaOffers } from './commercial.ts';
import { algaCredentials } from './credentials.ts';
import { lookupEmail, parseUuid, parseUuids } from './ids.ts';
import { cents, currencyOrDefault } from './money.ts';
import { algaNews } from './news.ts';
import { algaKnowledgeBase } from './knowledge-base.ts';
import { algaDevices } from './devices.ts';
import { algaProjects } from './projects.ts';
import { findClient, findClients, listClients, type ClientRow } from './queries/clients.ts';
import { presentLetterhead } from './letterhead.ts';
import { findLetterhead } from './queries/letterhead.ts';
import {
  findContact,
  findContactsByEmail,
  listContacts,
  updateContactEmail,
  updateContactProfile,
  type ContactRow,
} from './queries/contacts.ts';
import { sharedDocumentCount } from './queries/documents.ts';
import { invoiceCounts } from './queries/invoices.ts';
import { quoteCounts } from './queries/quotes.ts';
import { openTaskCount } from './queries/tasks.ts';
import { contactPermissions } from './queries/permissions.ts';
import { listStaff, type StaffRow } from './queries/users.ts';
import { algaDocuments, algaTasks } from './shared-files.ts';
import { documentPreviews } from './document-previews.ts';
import { algaTickets } from './tickets.ts';
import { algaAppointments } from './appointments.ts';
import { algaCompanyDetails } from './company-details.ts';
import { algaContracts } from './contracts.ts';
import { algaWorkspaces, SLUG } from './workspaces.ts';

const OptionsSchema = z.object({
  /**
   * The Alga deployment's NEXTAUTH_SECRET: Alga mixes it into every password hash. Without it the
   * credentials port is left out and the portal keeps its own client passwords.
   */
  nextAuthSecret: z.string().min(1).optional(),
  /** tenant uuid → the portal URL's name for it; without it slugs are derived (workspaces.ts). */
  workspaceSlugs: z.record(z.string().regex(/^[0-9a-f-]{36}$/i), z.string().regex(SLUG)).optional(),
  /**
   * Alga's local storage root (its STORAGE_LOCAL_BASE_PATH), readable by the portal. Without it
   * the documents port is left out and only the client's own uploads are listed.
   */
  storageRoot: z.string().min(1).optional(),
  /** Alga's own address (ALGA_BASE_URL), where staff links to its pages point; absent, there are none. */
  crmUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type AlgaPsaAdapterOptions = z.input<typeof OptionsSchema>;

const PHONE = z.string().trim().max(50);
const FULL_NAME = z.string().trim().min(1).max(255);

/** The binding, with what waits for the work it does out of the requests. */
export interface AlgaPsaAdapter extends HostAdapter {
  /** Resolves once the thumbnails and previews of the client files written so far are made or given up. */
  previewsIdle(): Promise<void>;
}

export function createAlgaPsaAdapter(db: Knex, rawOptions: AlgaPsaAdapterOptions = {}): AlgaPsaAdapter {
  const options = OptionsSchema.parse(rawOptions);
  const previews =
    options.storageRoot === undefined
      ? undefined
      : documentPreviews(db, { storageRoot: options.storageRoot, onError: (message, err) => console.error(`alga-psa: ${message}`, err) });
  const configured =
    options.workspaceSlugs &&
    Object.fromEntries(Object.entries(options.workspaceSlugs).map(([tenant, slug]) => [tenant.toLowerCase(), slug]));
  if (configured && new Set(Object.values(configured)).size !== Object.keys(configured).length)
    throw new Error('alga-psa: two tenants share one workspace slug');
  // Every port asks with the workspace id (the tenant uuid); with configured slugs only those tenants answer.
  const tenantOf = (id: string): string | null => {
    const tenant = parseUuid(id);
    return tenant && (!configured || tenant in configured) ? tenant : null;
  };
  const workspaces = algaWorkspaces(db, configured);

  const presentClient =
    (tenant: string) =>
    (row: ClientRow): HostClient => ({ id: row.client_id, workspaceId: tenant, name: row.client_name?.trim() || row.client_id });
  const presentContact =
    (tenant: string) =>
    (row: ContactRow): HostContact => {
      const email = row.email.trim();
      return {
        id: row.contact_name_id,
        workspaceId: tenant,
        clientId: row.client_id,
        clientName: row.client_name,
        name: row.full_name?.trim() || email,
        email,
        phone: row.phone?.trim() || null,
      };
    };
  const presentStaff =
    (tenant: string) =>
    (row: StaffRow): HostStaffUser => ({
      id: row.user_id,
      workspaceId: tenant,
      name: [row.first_name, row.last_name].filter((part) => part?.trim()).join(' ') || row.username,
      email: row.email.trim(),
      role: row.is_admin ? 'admin' : 'member',
    });

  return {
    name: 'alga-psa',
    previewsIdle: async () => previews?.idle(),
    claims: options.storageRoot ? [...ALGA_PSA_CLAIMS, ...ALGA_PSA_DOCUMENT_CLAIMS, ...ALGA_PSA_APPROVAL_CLAIMS] : ALGA_PSA_CLAIMS,

    workspaces: { findBySlug: workspaces.findBySlug, findById: async (id) => (tenantOf(id) === null ? null : workspaces.findById(id)) },

    clients: {
      async list(id) {
        const tenant = tenantOf(id);
        return tenant === null ? [] : (await listClients(db, tenant)).map(presentClient(tenant));
      },
      async findByIds(id, clientIds) {
        const tenant = tenantOf(id);
        const ids = parseUuids(clientIds);
        if (tenant === null || ids.length === 0) return [];
        return (await findClients(db, tenant, ids)).map(presentClient(tenant));
      },
      async findById(id, clientId) {
        const tenant = tenantOf(id);
        const client = parseUuid(clientId);
        if (tenant === null || client === null) return null;
        const row = await findClient(db, tenant, client);
        return row ? presentClient(tenant)(row) : null;
      },
      async letterhead(id, clientId) {
        const tenant = tenantOf(id);
        const client = parseUuid(clientId);
        if (tenant === null || client === null) return null;
        const row = await findLetterhead(db, { tenant, clientId: client });
        return row ? presentLetterhead(row) : null;
      },
    },

    contacts: {
      async findById(id, contactId) {
        const tenant = tenantOf(id);
        const contact = parseUuid(contactId);
        if (tenant === null || contact === null) return null;
        const row = await findContact(db, tenant, contact);
        return row ? presentContact(tenant)(row) : null;
      },
      async findByEmail(id, email) {
        const tenant = tenantOf(id);
        const wanted = lookupEmail(email);
        if (tenant === null || wanted === null) return [];
        return (await findContactsByEmail(db, tenant, wanted)).map(presentContact(tenant));
      },
      async list(id, filter) {
        const tenant = tenantOf(id);
        if (tenant === null) return [];
        if (filter?.clientId === undefined) return (await listContacts(db, tenant)).map(presentContact(tenant));
        const client = parseUuid(filter.clientId);
        return client === null ? [] : (await listContacts(db, tenant, client)).map(presentContact(tenant));
      },
      async updateProfile(id, contactId, profile) {
        const tenant = tenantOf(id);
        const contact = parseUuid(contactId);
        const fullName = FULL_NAME.safeParse(profile?.name);
        const phone = profile?.phone === null ? null : PHONE.safeParse(profile?.phone);
        if (tenant === null || contact === null || !fullName.success || (phone !== null && !phone.success)) return null;
        const changed = await db.transaction((trx) =>
          updateContactProfile(trx, {
            tenant,
            contactId: contact,
            fullName: fullName.data,
            phone: phone === null || phone.data === '' ? null : phone.data,
          }),
        );
        if (!changed) return null;
        const row = await findContact(db, tenant, contact);
        return row ? presentContact(tenant)(row) : null;
      },
      async updateEmail(id, contactId, email, write) {
        const tenant = tenantOf(id);
        const contact = parseUuid(contactId);
        const wanted = lookupEmail(email);
        if (tenant === null || contact === null || wanted === null) return null;
        const work = (trx: Knex.Transaction) => updateContactEmail(trx, { tenant, contactId: contact, email: wanted });
        if (!(write?.trx ? await work(write.trx) : await db.transaction(work))) return null;
        const row = await findContact(write?.trx ?? db, tenant, contact);
        return row ? presentContact(tenant)(row) : null;
      },
    },

    staff: {
      // Alga's staff session is NextAuth's, in another process; this process cannot read it, so no
      // request is a signed-in staff user here (the standalone server brings its own session).
      async current() {
        return null;
      },
      async list(id) {
        const tenant = tenantOf(id);
        return tenant === null ? [] : (await listStaff(db, { tenant })).map(presentStaff(tenant));
      },
      async listAdmins(id) {
        const tenant = tenantOf(id);
        return tenant === null ? [] : (await listStaff(db, { tenant, adminsOnly: true })).map(presentStaff(tenant));
      },
    },

    summaries: {
      async forClient(id, clientId, contactId) {
        const tenant = tenantOf(id);
        const client = parseUuid(clientId);
        const contact = parseUuid(contactId);
        if (tenant === null || client === null || contact === null) return emptySummary();
        if (!(await findClient(db, tenant, client))) return emptySummary();
        const today = overdueFrom();
        const scope = { tenant, clientId: client };
        const [quotations, invoices, shared, openTasks] = await Promise.all([
          quoteCounts(db, { ...scope, countLimit: SUMMARY_COUNT_LIMIT + 1 }),
          invoiceCounts(db, { ...scope, today, countLimit: SUMMARY_COUNT_LIMIT + 1 }),
          options.storageRoot ? sharedDocumentCount(db, scope) : Promise.resolve(0),
          openTaskCount(db, { ...scope, contactId: contact, countLimit: SUMMARY_COUNT_LIMIT + 1 }),
        ]);
        return {
          proposals: { open: 0, total: 0 },
          quotations,
          invoices: {
            unpaid: Math.min(
              invoices.reduce((sum, row) => sum + row.unpaid, 0),
              SUMMARY_COUNT_LIMIT + 1,
            ),
            overdue: invoices.reduce((sum, row) => sum + row.overdue, 0),
            outstanding: invoices
              .map((row) => ({ currency: currencyOrDefault(row.currency_code), cents: cents(row.outstanding) }))
              .filter((total) => total.cents > 0),
          },
          tasks: { open: openTasks },
          documents: { shared },
        };
      },
    },

    ...(options.nextAuthSecret ? { credentials: algaCredentials(db, tenantOf, options.nextAuthSecret, presentContact) } : {}),
    offers: algaOffers(db, tenantOf),
    invoices: algaInvoices(db, tenantOf),
    ...(options.storageRoot ? { documents: algaDocuments(db, tenantOf, options.storageRoot) } : {}),
    ...(options.storageRoot ? { approvalFiles: algaApprovalFiles(db, tenantOf, { storageRoot: options.storageRoot }) } : {}),
    tasks: algaTasks(db, tenantOf),
    projects: algaProjects(db, tenantOf),
    knowledgeBase: algaKnowledgeBase(db, tenantOf),
    tickets: algaTickets(db, tenantOf, {
      ...(options.storageRoot ? { storageRoot: options.storageRoot } : {}),
      ...(options.crmUrl ? { crmUrl: options.crmUrl } : {}),
      ...(previews ? { previews } : {}),
    }),
    appointments: algaAppointments(db, tenantOf),
    companyDetails: algaCompanyDetails(db, tenantOf),
    devices: algaDevices(db, tenantOf),
    contracts: algaContracts(db, tenantOf),
    news: algaNews(db, tenantOf),
    requests: algaServiceRequests(db, tenantOf, options.storageRoot ? { storageRoot: options.storageRoot } : {}),
    clientPermissions: {
      async of(id, contactIds) {
        const tenant = tenantOf(id);
        const ids = parseUuids(contactIds);
        const held = new Map<string, Set<string>>();
        if (tenant === null || ids.length === 0) return held;
        for (const row of await contactPermissions(db, tenant, ids)) {
          const grants = held.get(row.contact_id) ?? new Set<string>();
          grants.add(`${row.resource}:${row.action}`);
          held.set(row.contact_id, grants);
        }
        return held;
      },
    },
  };
}
