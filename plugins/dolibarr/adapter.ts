// The portal's host ports (src/core/ports/host.ts, src/features/*/port.ts) on a real Dolibarr
// database (llx_ tables as Dolibarr 23 creates them; see CONTEXT.md for what maps to what and what
// Dolibarr cannot serve):
//   workspace = the configured entity (default 1): without the multicompany module there is no
//               llx_entity table to list, so one workspace, its slug from configuration
//   client    = llx_societe, customer or prospect (client 1..3), in activity (status 1)
//   contact   = llx_socpeople of such a company, enabled (statut 1), with an email
//   staff     = llx_user of the entity (or superadmin, entity 0), internal, enabled
//   offers    = llx_propal + llx_propaldet (proposals only)
//   invoices  = llx_facture + llx_facturedet, payments llx_paiement + llx_paiement_facture
//   tasks     = llx_projet_task of the company's projects, assignees in llx_element_contact
//   projects  = llx_projet of the company, public or linked to the contact, with their tasks
//   documents = llx_ecm_files with a share hash, bytes under the Dolibarr data root
//   tickets   = llx_ticket of the company (Ticket module), messages llx_actioncomm TICKET_MSG
//   orders    = llx_commande of the company past draft, lines llx_commandedet, shipments llx_expedition
//   contracts = llx_contrat validated, lines llx_contratdet, hours used from llx_fichinter + llx_fichinterdet
//   knowledgeBase = llx_knowledgemanagement_knowledgerecord validated (KnowledgeManagement module), llx_categorie type 13
//   requests  = request types of the portal's settings, each request a draft llx_propal or an llx_ticket
//   devices   = serial numbered units (llx_product_lot, product tobatch 2) last shipped to the company
//               (llx_expedition + llx_expeditiondet_batch); a ticket about one in llx_element_element
//   appointments = BookCal calendars (llx_bookcal_calendar) with the portal's hours, bookings llx_actioncomm
//   approvalFiles = the portal's approvals' files as documents of the third party (llx_ecm_files, societe/<socid>),
//               each decision an agenda event (llx_actioncomm) on it, with a writable data root
//   news      = invoices and proposals validated, tickets answered since the portal last read (clients' notifications)
// Ids are rowids as strings; a malformed id, or one from another entity, is "not found".
import type { Knex } from 'knex';
import {
  overdueFrom,
  SUMMARY_COUNT_LIMIT,
  type HostAdapter,
  type HostClient,
  type HostContact,
  type HostStaffUser,
  type HostWorkspace,
} from '../../src/index.ts';
import { emptySummary } from '../shared/summaries.ts';
import {
  DOLIBARR_APPOINTMENT_CLAIMS,
  DOLIBARR_APPROVAL_CLAIMS,
  DOLIBARR_CLAIMS,
  DOLIBARR_DEVICE_CLAIMS,
  DOLIBARR_KNOWLEDGE_CLAIMS,
  DOLIBARR_REQUEST_CLAIMS,
  DOLIBARR_TICKET_CLAIMS,
} from './claims.ts';
import { dolibarrInvoices, dolibarrOffers } from './commercial.ts';
import { recordAgendaEvent } from './queries/agenda.ts';
import { stripeModuleSettings } from './queries/constants.ts';
import { parseId, toHostId } from './ids.ts';
import { currencyOrDefault, toCents } from './money.ts';
import { dolibarrFullName, fullName, newContactNames, phoneForColumn, splitName } from './names.ts';
import { dolibarrNews } from './news.ts';
import { findClientCompaniesByIds, findClientCompany, listClientCompanies, type CompanyRow } from './queries/companies.ts';
import { presentLetterhead } from './letterhead.ts';
import { findLetterhead } from './queries/letterhead.ts';
import { entityCompanyName, entityCurrency, newContactSettings } from './queries/constants.ts';
import {
  findCompanyForNewContact,
  findContact,
  findContactsByEmail,
  insertContact,
  insertContactExtraFields,
  listContacts,
  newContactExtraFields,
  updateContactEmail,
  updateContactProfile,
  type ContactRow,
} from './queries/contacts.ts';
import { listStaff, type StaffRow } from './queries/staff.ts';
import { presentStaffUser } from './staff.ts';
import { invoiceCounts, proposalCounts } from './queries/summary.ts';
import { openTaskCount } from './queries/tasks.ts';
import { dolibarrProjects } from './projects.ts';
import { dolibarrContracts } from './contracts.ts';
import { dolibarrDocuments, dolibarrTasks, sharedDocumentCount } from './shared-files.ts';
import { dolibarrTickets } from './tickets.ts';
import { dolibarrKnowledgeBase } from './knowledge-base.ts';
import { dolibarrRequests } from './requests.ts';
import { dolibarrAppointments } from './appointments.ts';
import { dolibarrCatalogue } from './catalogue.ts';
import { dolibarrCompanyDetails } from './company-details.ts';
import { dolibarrOrders } from './orders.ts';
import { dolibarrApprovalFiles } from './approval-files.ts';
import { dataRootWritable } from './ticket-uploads.ts';
import { dolibarrDevices } from './devices.ts';

export interface DolibarrAdapterOptions {
  /** The portal URL's name for the Dolibarr instance: lower-case letters, digits and '-'. */
  workspaceSlug: string;
  /** Dolibarr's own address (DOLIBARR_URL), where staff links to its cards point; absent, there are none. */
  crmUrl?: string;
  /** The Dolibarr entity served (llx_*.entity); 1 on an instance without the multicompany module. */
  entity?: number;
  /**
   * Dolibarr's data root (DOL_DATA_ROOT, e.g. /var/lib/dolibarr/documents), readable by the portal.
   * Without it the documents port is left out and only the client's own uploads are listed.
   */
  dataRoot?: string;
  /**
   * The llx_user rowid a payment from the portal is written as (llx_paiement.fk_user_creat,
   * llx_facture.fk_user_closing), like the user Dolibarr's own online pages act as. Null leaves
   * those columns empty.
   */
  actingUserId?: number | null;
  /**
   * $dolibarr_main_instance_unique_id from Dolibarr's conf.php: the key Dolibarr 17+ encrypts
   * sensitive settings with (the Stripe module's keys among them). Without it an encrypted key
   * reads as absent.
   */
  instanceUniqueId?: string | null;
  /**
   * Whether the Ticket module is on with its tables (dolibarrTicketModule tells): with it the
   * tickets port and its claims; without it the portal offers no tickets section.
   */
  tickets?: boolean;
  /**
   * Whether the KnowledgeManagement module is on with its tables (dolibarrKnowledgeModule tells):
   * with it the knowledge base port; without it the portal has no Help section.
   */
  knowledgeBase?: boolean;
  /**
   * Service requests of the request types the agency defines in the portal's settings, each a draft
   * proposal or (with `tickets`) a ticket in Dolibarr; without it the portal has no Requests section.
   */
  requests?: boolean;
  /**
   * Whether BookCal's tables are there and the module on (dolibarrBookcalModule tells): with it
   * the appointments port on its calendars; without it the portal has no Appointments section.
   */
  appointments?: boolean;
  /**
   * Whether the Lot/Serial module is on (dolibarrDevicesModule tells): with it the devices port
   * (the serial numbers shipped to the client) and tickets about a device; without it the portal
   * has no Devices section.
   */
  devices?: boolean;
  logoUrl?: string | null;
  brandColor?: string | null;
}

const MAX_EMAIL = 320;
/** llx_socpeople.email is a varchar(255): a longer email cannot be a new contact's. */
const CONTACT_EMAIL_COLUMN = 255;
const SLUG = /^[a-z0-9][a-z0-9-]{0,59}$/;

function lookupEmail(email: unknown): string | null {
  const trimmed = typeof email === 'string' ? email.trim() : '';
  return trimmed === '' || trimmed.length > MAX_EMAIL ? null : trimmed;
}

export function createDolibarrAdapter(db: Knex, options: DolibarrAdapterOptions): HostAdapter {
  const entity = options.entity ?? 1;
  if (!SLUG.test(options.workspaceSlug))
    throw new Error(`dolibarr: workspaceSlug must be lower-case letters, digits and '-' (got ${JSON.stringify(options.workspaceSlug)})`);
  if (!Number.isSafeInteger(entity) || entity < 1) throw new Error(`dolibarr: entity must be a positive integer (got ${entity})`);
  if (options.brandColor != null && !/^#[0-9a-f]{6}$/i.test(options.brandColor)) throw new Error('dolibarr: brandColor must be #rrggbb');
  const workspaceId = toHostId(entity);
  // Approvals' files go into the third parties' documents only where the portal may write there
  // (checked once, as for the tickets' files); elsewhere the port is left out.
  const approvalFilesRoot = dataRootWritable(options.dataRoot) ? options.dataRoot : null;
  // Every port asks with the workspace id; only the configured entity answers.
  const entityOf = (id: string): number | null => (parseId(id) === entity ? entity : null);

  const workspace = async (): Promise<HostWorkspace> => ({
    id: workspaceId,
    slug: options.workspaceSlug,
    name: (await entityCompanyName(db, { entity }))?.trim() || options.workspaceSlug,
    logoUrl: options.logoUrl ?? null,
    brandColor: options.brandColor ?? null,
  });
  const presentClient = (row: CompanyRow): HostClient => ({
    id: toHostId(row.rowid),
    workspaceId,
    name: row.nom?.trim() || `#${row.rowid}`,
  });
  const presentContact = (row: ContactRow): HostContact => {
    const email = row.email.trim();
    return {
      id: toHostId(row.rowid),
      workspaceId,
      clientId: toHostId(row.fk_soc),
      clientName: row.company_name?.trim() || `#${row.fk_soc}`,
      name: fullName(row.firstname, row.lastname) || email,
      email,
      phone: row.phone?.trim() || null,
    };
  };
  const actingUser = options.actingUserId ?? null;
  // CONTACT_MODIFY's event: on the contact's company and the contact, as the acting user.
  const recordContactModified = (trx: Knex.Transaction, entity: number, contact: ContactRow, ip: string | null) =>
    recordAgendaEvent(trx, {
      entity,
      trigger: 'CONTACT_MODIFY',
      elementId: contact.rowid,
      ref: '',
      contactId: contact.rowid,
      companyId: contact.fk_soc,
      projectId: null,
      userId: actingUser,
      at: null,
      ip,
    });
  const presentStaff = (row: StaffRow): HostStaffUser => presentStaffUser(row, workspaceId);

  return {
    name: 'dolibarr',
    claims: [
      ...DOLIBARR_CLAIMS,
      ...(options.tickets ? DOLIBARR_TICKET_CLAIMS : []),
      ...(options.requests ? DOLIBARR_REQUEST_CLAIMS : []),
      ...(options.knowledgeBase ? DOLIBARR_KNOWLEDGE_CLAIMS : []),
      ...(options.appointments ? DOLIBARR_APPOINTMENT_CLAIMS : []),
      ...(approvalFilesRoot ? DOLIBARR_APPROVAL_CLAIMS : []),
      ...(options.devices ? DOLIBARR_DEVICE_CLAIMS : []),
    ],

    workspaces: {
      async findBySlug(slug) {
        return slug === options.workspaceSlug ? workspace() : null;
      },
      async findById(id) {
        return entityOf(id) === null ? null : workspace();
      },
    },

    clients: {
      async list(id) {
        const e = entityOf(id);
        return e === null ? [] : (await listClientCompanies(db, { entity: e })).map(presentClient);
      },
      async findByIds(id, clientIds) {
        const e = entityOf(id);
        const companyIds = clientIds.map(parseId).filter((value): value is number => value !== null);
        if (e === null || companyIds.length === 0) return [];
        return (await findClientCompaniesByIds(db, { entity: e, companyIds })).map(presentClient);
      },
      async findById(id, clientId) {
        const e = entityOf(id);
        const companyId = parseId(clientId);
        if (e === null || companyId === null) return null;
        const row = await findClientCompany(db, { entity: e, companyId });
        return row ? presentClient(row) : null;
      },
      async letterhead(id, clientId) {
        const e = entityOf(id);
        const companyId = parseId(clientId);
        if (e === null || companyId === null) return null;
        const row = await findLetterhead(db, { entity: e, companyId });
        return row ? presentLetterhead(row) : null;
      },
    },

    contacts: {
      async findById(id, contactId) {
        const e = entityOf(id);
        const rowid = parseId(contactId);
        if (e === null || rowid === null) return null;
        const row = await findContact(db, { entity: e, contactId: rowid });
        return row ? presentContact(row) : null;
      },
      async findByEmail(id, email) {
        const e = entityOf(id);
        const wanted = lookupEmail(email);
        if (e === null || wanted === null) return [];
        return (await findContactsByEmail(db, { entity: e, email: wanted })).map(presentContact);
      },
      async list(id, filter) {
        const e = entityOf(id);
        if (e === null) return [];
        if (filter?.clientId === undefined) return (await listContacts(db, { entity: e })).map(presentContact);
        const companyId = parseId(filter.clientId);
        return companyId === null ? [] : (await listContacts(db, { entity: e, companyId })).map(presentContact);
      },
      // Each change of the contact's own details leaves the trace Contact::update leaves: the
      // CONTACT_MODIFY agenda event on the contact, in the same transaction.
      async updateProfile(id, contactId, profile) {
        const e = entityOf(id);
        const rowid = parseId(contactId);
        if (e === null || rowid === null) return null;
        return db.transaction(async (trx) => {
          const current = await findContact(trx, { entity: e, contactId: rowid });
          if (!current) return null;
          const { firstname, lastname } = splitName(profile.name, current.lastname);
          const phone = phoneForColumn(profile.phone);
          if (!(await updateContactProfile(trx, { entity: e, contactId: rowid, firstname, lastname, phone, userId: actingUser })))
            return null;
          await recordContactModified(trx, e, current, null);
          const row = await findContact(trx, { entity: e, contactId: rowid });
          return row ? presentContact(row) : null;
        });
      },
      async updateEmail(id, contactId, email, write) {
        const e = entityOf(id);
        const rowid = parseId(contactId);
        const wanted = lookupEmail(email);
        if (e === null || rowid === null || wanted === null) return null;
        const work = async (trx: Knex.Transaction) => {
          const current = await findContact(trx, { entity: e, contactId: rowid });
          if (!current) return null;
          if (!(await updateContactEmail(trx, { entity: e, contactId: rowid, email: wanted, userId: actingUser }))) return null;
          await recordContactModified(trx, e, current, write?.ip ?? null);
          const row = await findContact(trx, { entity: e, contactId: rowid });
          return row ? presentContact(row) : null;
        };
        return write?.trx ? work(write.trx) : db.transaction(work);
      },
      // As the third party's "New contact" card adds one with the name and email typed in
      // (queries/contacts.ts insertContact), with the CONTACT_CREATE agenda event Contact::create's
      // trigger leaves, and the extra fields row where the agency defined contact extra fields.
      // Null, writing nothing, where Dolibarr's card would refuse the form: a required extra field
      // with no default, or an email longer than its column.
      async create(id, clientId, contact, write) {
        const e = entityOf(id);
        const companyId = parseId(clientId);
        const email = lookupEmail(contact.email);
        const name = typeof contact.name === 'string' ? contact.name.trim() : '';
        if (e === null || companyId === null || email === null || email.length > CONTACT_EMAIL_COLUMN || !name) return null;
        const work = async (trx: Knex.Transaction) => {
          const company = await findCompanyForNewContact(trx, { entity: e, companyId });
          if (!company) return null;
          const extraFields = await newContactExtraFields(trx, { entity: e });
          if (extraFields.required.length > 0) return null;
          const settings = await newContactSettings(trx, { entity: e });
          const { firstname, lastname } = newContactNames(name, settings.names);
          const rowid = await insertContact(trx, {
            entity: e,
            companyId,
            firstname,
            lastname,
            email,
            countryId: company.fk_pays ?? settings.agencyCountryId,
            userId: actingUser,
          });
          if (extraFields.row) await insertContactExtraFields(trx, { contactId: rowid });
          await recordAgendaEvent(trx, {
            entity: e,
            trigger: 'CONTACT_CREATE',
            elementId: rowid,
            ref: dolibarrFullName(firstname, lastname, settings.names),
            contactId: rowid,
            companyId,
            projectId: null,
            userId: actingUser,
            at: null,
            ip: write?.ip ?? null,
          });
          const row = await findContact(trx, { entity: e, contactId: rowid });
          return row ? presentContact(row) : null;
        };
        return write?.trx ? work(write.trx) : db.transaction(work);
      },
    },

    staff: {
      // Dolibarr's staff session lives in PHP (its own session cookie and storage), which this
      // process cannot read, so no request is a signed-in staff user here and the admin pages
      // stay closed until a bridge vouches for the Dolibarr session (see CONTEXT.md).
      async current() {
        return null;
      },
      async list(id) {
        const e = entityOf(id);
        return e === null ? [] : (await listStaff(db, { entity: e })).map(presentStaff);
      },
      async listAdmins(id) {
        const e = entityOf(id);
        return e === null ? [] : (await listStaff(db, { entity: e, adminsOnly: true })).map(presentStaff);
      },
    },

    summaries: {
      async forClient(id, clientId, contactId) {
        const e = entityOf(id);
        const companyId = parseId(clientId);
        const contact = parseId(contactId);
        if (e === null || companyId === null || contact === null) return emptySummary();
        if (!(await findClientCompany(db, { entity: e, companyId }))) return emptySummary();
        const today = overdueFrom();
        const [proposals, invoices, currency, documents, openTasks] = await Promise.all([
          proposalCounts(db, { entity: e, companyId, countLimit: SUMMARY_COUNT_LIMIT + 1 }),
          invoiceCounts(db, { entity: e, companyId, today, countLimit: SUMMARY_COUNT_LIMIT + 1 }),
          entityCurrency(db, { entity: e }),
          options.dataRoot ? sharedDocumentCount(db, options.dataRoot, { entity: e, companyId }) : Promise.resolve({ shared: 0 }),
          openTaskCount(db, { entity: e, companyId, contactId: contact, countLimit: SUMMARY_COUNT_LIMIT + 1 }),
        ]);
        const outstanding = toCents(invoices.outstanding);
        return {
          proposals,
          quotations: { open: 0, total: 0 },
          invoices: {
            unpaid: invoices.unpaid,
            overdue: invoices.overdue,
            outstanding: outstanding > 0 ? [{ currency: currencyOrDefault(currency), cents: outstanding }] : [],
          },
          tasks: { open: openTasks },
          documents,
        };
      },
    },

    offers: dolibarrOffers(db, entityOf),
    invoices: dolibarrInvoices(db, entityOf, {
      userId: options.actingUserId ?? null,
      note: 'Paid from the client portal',
      decryptKey: options.instanceUniqueId ?? null,
    }),

    // The Stripe module's secret key of the mode in force, where the module is on and has one. Not
    // its webhook key: that is the signing secret of Dolibarr's own endpoint (public/stripe/ipn.php),
    // and the portal's endpoint has another (STRIPE_WEBHOOK_SECRET).
    stripeKeys: {
      async stripeKeys(id) {
        const e = entityOf(id);
        if (e === null) return null;
        const stripe = await stripeModuleSettings(db, { entity: e, decryptKey: options.instanceUniqueId ?? null });
        return stripe.enabled && stripe.secretKey ? { secretKey: stripe.secretKey } : null;
      },
    },
    ...(options.dataRoot ? { documents: dolibarrDocuments(db, entityOf, options.dataRoot) } : {}),
    tasks: dolibarrTasks(db, entityOf),
    ...(options.tickets
      ? {
          tickets: dolibarrTickets(db, entityOf, {
            userId: options.actingUserId ?? null,
            ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
            ...(options.crmUrl ? { crmUrl: options.crmUrl } : {}),
            devices: options.devices ?? false,
          }),
        }
      : {}),
    projects: dolibarrProjects(db, entityOf),
    companyDetails: dolibarrCompanyDetails(db, entityOf, { actingUserId: options.actingUserId ?? null }),
    orders: dolibarrOrders(db, entityOf, {
      userId: options.actingUserId ?? null,
      ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
      ...(options.crmUrl ? { crmUrl: options.crmUrl } : {}),
    }),
    contracts: dolibarrContracts(db, entityOf),
    ...(options.devices ? { devices: dolibarrDevices(db, entityOf) } : {}),
    ...(options.knowledgeBase ? { knowledgeBase: dolibarrKnowledgeBase(db, entityOf) } : {}),
    ...(options.requests
      ? {
          requests: dolibarrRequests(db, entityOf, {
            tickets: options.tickets ?? false,
            userId: options.actingUserId ?? null,
            ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
          }),
        }
      : {}),
    ...(options.appointments ? { appointments: dolibarrAppointments(db, entityOf, options.crmUrl ? { crmUrl: options.crmUrl } : {}) } : {}),
    ...(approvalFilesRoot ? { approvalFiles: dolibarrApprovalFiles(db, entityOf, { dataRoot: approvalFilesRoot }) } : {}),
    ...(options.requests || options.appointments
      ? {
          portalCatalogue: dolibarrCatalogue(db, entityOf, {
            tickets: Boolean(options.requests && options.tickets),
            appointments: options.appointments ?? false,
          }),
        }
      : {}),
    news: dolibarrNews(db, entityOf, { tickets: options.tickets ?? false, appointments: options.appointments ?? false }),
  };
}
