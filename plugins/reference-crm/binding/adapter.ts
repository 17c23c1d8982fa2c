// The reference CRM's binding of the portal's host ports (src/core/ports/host.ts and the features'
// src/features/*/port.ts). It reads the CRM's tables through the CRM's query modules, turns integer
// ids into strings, and answers "nothing" (null or []) for an id that is malformed or belongs to
// another workspace.
import type { Request } from 'express';
import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import {
  type ClientSummary,
  type ClientTask,
  type DashboardAsk,
  type DashboardData,
  type HostAdapter,
  type HostClient,
  type HostContact,
  type HostRecordRef,
  type HostStaffUser,
  type HostWorkspace,
  type ProjectState,
  type ProjectSummary,
  type ProjectTask,
  type SharedDocument,
  clampLimit,
  containsPattern,
  overdueFrom,
  SUMMARY_COUNT_LIMIT,
} from '../../../src/index.ts';
import { REFERENCE_CRM_CLAIMS } from './claims.ts';
import { dateKeyOf, decodeCursor, encodeCursor, pageLimit } from './cursor.ts';
import { referenceKnowledgeBase } from './portal-knowledge.ts';
import { referenceOrders } from './portal-orders.ts';
import { referenceDevices } from './portal-devices.ts';
import {
  findClientTask,
  listDoneTasks,
  listOpenTasks,
  openTasksQuery,
  setClientTaskStatus,
  type ClientTaskRow,
} from '../queries/client-tasks.ts';
import {
  findSharedDocumentHead,
  listSharedDocuments,
  readSharedDocumentChunk,
  sharedDocumentsQuery,
  type SharedDocumentRow,
} from '../queries/shared-documents.ts';
import {
  activeProjectsCountQuery,
  countActiveClientProjects,
  findClientProject,
  listClientProjects,
  listProjectPhases,
  listProjectTasks,
  projectRank,
  type ClientProjectRow,
  type ProjectStatus,
  type ProjectTaskRow,
} from '../queries/client-projects.ts';
import { parseId, toHostId } from '../ids.ts';
import { findClient, findClientsByIds, listClientNames, type ClientRow } from '../queries/clients.ts';
import { insertDocument } from '../queries/documents.ts';
import { MAX_UPLOAD_BYTES } from '../web/routes/documents.ts';
import { clientSummary, clientSummaryQuery, summaryFromRow, type ClientSummaryRow, type SummaryRow } from '../queries/client-summary.ts';
import { clientInvoicesQuery, type PortalInvoiceRow } from './queries/portal-invoices.ts';
import { clientOffersQuery, OFFER_TABLES, type PortalOfferRow } from './queries/portal-offers.ts';
import { findClientParties } from './queries/parties.ts';
import { togetherTemplate, type TogetherRead } from '../queries/read-together.ts';
import type { Db } from '../queries/db.ts';
import {
  findContact,
  insertContact,
  findContactsByEmail,
  listContacts,
  updateContactProfile,
  updateContactEmail,
  type ContactRow,
} from '../queries/contacts.ts';
import { findStaffWithWorkspace, listStaff, type StaffUserRow } from '../queries/staff-users.ts';
import { findSignedInStaff } from '../queries/staff-sessions.ts';
import { findWorkspaceById, findWorkspaceBySlug, type WorkspaceRow } from '../queries/workspaces.ts';
import { crmSession, readStaffUser } from '../web/session.ts';
import { currentStaff } from '../web/auth.ts';
import { renderPluginPage } from '../web/render.ts';
import { listAdminsPort, recordPaymentPort } from './adapter-payments.ts';
import {
  CRM_INVOICE_STATUSES,
  CRM_OFFER_STATUSES,
  invoiceReads,
  offerReads,
  presentInvoice,
  presentOffer,
  presentParties,
} from './portal-commercial.ts';
import { referenceOfferDecisions } from './portal-decisions.ts';
import { referenceTickets } from './portal-tickets.ts';
import { referenceRequests } from './portal-requests.ts';
import { presentAppointment, referenceAppointments } from './portal-appointments.ts';
import { referenceApprovals } from './portal-approvals.ts';
import { referenceCompanyDetails } from './portal-company-details.ts';
import { referenceContracts } from './portal-contracts.ts';
import { type AppointmentRow, comingAppointmentsQuery } from '../queries/appointments.ts';
import { clientTicketCountsQuery } from '../queries/tickets.ts';

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

function presentRecord(row: {
  record_type: HostRecordRef['type'] | null;
  record_id: number | null;
  record_label: string | null;
}): HostRecordRef | null {
  if (!row.record_type || row.record_id === null || !row.record_label) return null;
  return { type: row.record_type, id: toHostId(row.record_id), label: row.record_label };
}

function presentDocument(row: SharedDocumentRow): SharedDocument {
  return {
    id: toHostId(row.id),
    name: row.filename,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sharedAt: row.created_at,
    sharedBy: row.shared_by_name,
    record: presentRecord(row),
  };
}

function presentTask(row: ClientTaskRow, contactId: number): ClientTask {
  return {
    id: toHostId(row.id),
    title: row.title,
    description: row.description,
    dueDate: row.due_date,
    status: row.status === 'done' ? 'done' : 'open',
    completedAt: row.completed_at,
    record: presentRecord(row),
    assignedToContact: row.assigned_contact_id === contactId,
  };
}

const PROJECT_STATE: Record<ProjectStatus, ProjectState> = { active: 'active', on_hold: 'onHold', completed: 'completed' };
const PROJECT_STATUS: Record<ProjectState, ProjectStatus> = { active: 'active', onHold: 'on_hold', completed: 'completed' };

/** Done tasks over all tasks, as a whole percentage; null for a project or phase without tasks. */
function progress(done: number, total: number): number | null {
  return total > 0 ? Math.round((done * 100) / total) : null;
}

function presentProject(row: ClientProjectRow): ProjectSummary {
  return {
    id: toHostId(row.id),
    ref: row.ref,
    title: row.title,
    state: PROJECT_STATE[row.status],
    statusLabel: null,
    progressPercent: progress(row.tasks_done, row.tasks_total),
    startDate: row.start_date,
    endDate: row.end_date,
  };
}

function presentProjectTask(row: ProjectTaskRow): ProjectTask {
  return {
    id: toHostId(row.id),
    title: row.title,
    done: row.status === 'done',
    progressPercent: null,
    dueDate: row.due_date,
  };
}

/**
 * The dashboard's reads in one statement, built once per shape (readTogether): the same queries
 * the list ports run, so the same rows in the same order. As the ports, the summary and the tasks
 * are the contact's (nothing for a malformed contact id), the lists the client's.
 */
const dashboardReads = togetherTemplate(
  ({ ask, withContact }: { ask: DashboardAsk; withContact: boolean }) =>
    JSON.stringify([
      ask.proposals,
      ask.quotations,
      ask.invoices,
      ask.documents,
      ask.tasks,
      ask.projects,
      ask.tickets,
      ask.appointments ?? false,
      ask.rows,
      withContact,
    ]),
  (
    db: Db,
    { ask, withContact },
    args: { workspaceId: number; clientId: number; contactId: number; today: string; now: string },
  ): TogetherRead[] => {
    const scope = { workspaceId: args.workspaceId, clientId: args.clientId };
    const counted = { ...scope, countLimit: SUMMARY_COUNT_LIMIT + 1 };
    const offers = (kind: 'proposal' | 'quotation'): TogetherRead => ({
      name: `${kind}s`,
      shape: 'rows',
      timestamps: ['sent_at', 'decided_at'],
      query: clientOffersQuery(db, OFFER_TABLES[kind], { ...scope, statuses: CRM_OFFER_STATUSES.open, limit: clampLimit(ask.rows) }),
    });
    return [
      ...(withContact
        ? [
            {
              name: 'summary',
              shape: 'row',
              query: clientSummaryQuery(db, {
                ...scope,
                contactId: args.contactId,
                today: args.today,
                countLimit: SUMMARY_COUNT_LIMIT + 1,
              }),
            } as const,
          ]
        : []),
      ...(ask.proposals ? [offers('proposal')] : []),
      ...(ask.quotations ? [offers('quotation')] : []),
      ...(ask.invoices
        ? [
            {
              name: 'invoices',
              shape: 'rows',
              query: clientInvoicesQuery(db, { ...scope, statuses: CRM_INVOICE_STATUSES.open, limit: clampLimit(ask.rows) }),
            } as const,
          ]
        : []),
      ...(ask.documents
        ? [
            {
              name: 'documents',
              shape: 'rows',
              timestamps: ['created_at'],
              query: sharedDocumentsQuery(db, { ...scope, limit: pageLimit(ask.rows) }),
            } as const,
          ]
        : []),
      ...(ask.tasks && withContact
        ? [
            {
              name: 'tasks',
              shape: 'rows',
              timestamps: ['completed_at'],
              query: openTasksQuery(db, { ...scope, contactId: args.contactId, limit: pageLimit(ask.rows) }),
            } as const,
          ]
        : []),
      // As the ports count them: the projects only for a contact of the client, the tickets for the client.
      ...(ask.projects && withContact ? [{ name: 'projects', shape: 'row', query: activeProjectsCountQuery(db, counted) } as const] : []),
      ...(ask.tickets ? [{ name: 'tickets', shape: 'row', query: clientTicketCountsQuery(db, counted) } as const] : []),
      ...(ask.appointments
        ? [
            {
              name: 'appointments',
              shape: 'rows',
              timestamps: ['starts_at', 'ends_at', 'requested_at'],
              query: comingAppointmentsQuery(db, { ...scope, now: args.now, limit: pageLimit(ask.rows) }),
            } as const,
          ]
        : []),
    ];
  },
);

const EMPTY_SUMMARY: ClientSummary = {
  proposals: { open: 0, total: 0 },
  quotations: { open: 0, total: 0 },
  invoices: { unpaid: 0, overdue: 0, outstanding: [] },
  tasks: { open: 0 },
  documents: { shared: 0 },
};

function presentSummary(row: ClientSummaryRow): ClientSummary {
  return {
    proposals: { open: row.proposalsOpen, total: row.proposalsTotal },
    quotations: { open: row.quotationsOpen, total: row.quotationsTotal },
    invoices: { unpaid: row.invoicesUnpaid, overdue: row.invoicesOverdue, outstanding: row.outstanding },
    tasks: { open: row.tasksOpen },
    documents: { shared: row.documentsShared, attached: row.documentsAttached },
  };
}

/** How much of a document one query reads: big enough to keep round trips few, small enough to stay off the heap. */
const DOCUMENT_CHUNK_BYTES = 128 * 1024;

function presentStaff(row: StaffUserRow): HostStaffUser {
  return { id: toHostId(row.id), workspaceId: toHostId(row.workspace_id), name: row.name, email: row.email, role: row.role };
}

export function createReferenceCrmAdapter(db: Knex): HostAdapter {
  return {
    name: 'reference-crm',
    claims: REFERENCE_CRM_CLAIMS,

    // The portal's admin pages sit in the CRM's Settings, inside its header and main navigation.
    layout: {
      staffPage: (req, res, page) => renderPluginPage(req, res, page),
    },

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
        return (await listClientNames(db, { workspaceId: ws })).map(presentClient);
      },
      async findByIds(workspaceId, clientIds) {
        const ws = parseId(workspaceId);
        const ids = clientIds.map(parseId).filter((id): id is number => id !== null);
        if (ws === null || ids.length === 0) return [];
        return (await findClientsByIds(db, { workspaceId: ws, clientIds: ids })).map(presentClient);
      },
      async findById(workspaceId, clientId) {
        const ws = parseId(workspaceId);
        const id = parseId(clientId);
        if (ws === null || id === null) return null;
        const row = await findClient(db, { workspaceId: ws, clientId: id });
        return row ? presentClient(row) : null;
      },
      async letterhead(workspaceId, clientId) {
        const ws = parseId(workspaceId);
        const id = parseId(clientId);
        if (ws === null || id === null) return null;
        const row = await findClientParties(db, { workspaceId: ws, clientId: id });
        return row ? presentParties(row) : null;
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
      async updateEmail(workspaceId, contactId, email, write) {
        const ws = parseId(workspaceId);
        const id = parseId(contactId);
        const trimmed = typeof email === 'string' ? email.trim() : '';
        if (ws === null || id === null || trimmed === '' || trimmed.length > 320) return null;
        const run = write?.trx ?? db;
        if (!(await updateContactEmail(run, { workspaceId: ws, contactId: id, email: trimmed }))) return null;
        const row = await findContact(run, { workspaceId: ws, contactId: id });
        return row ? presentContact(row) : null;
      },
      async create(workspaceId, clientId, contact, write) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const name = typeof contact.name === 'string' ? contact.name.trim() : '';
        const email = typeof contact.email === 'string' ? contact.email.trim() : '';
        if (ws === null || client === null || !name || !email || email.length > 320) return null;
        const run = write?.trx ?? db;
        if (!(await findClient(run, { workspaceId: ws, clientId: client }))) return null;
        const id = await insertContact(run, { workspaceId: ws, clientId: client, name, email, phone: null });
        const row = await findContact(run, { workspaceId: ws, contactId: id });
        return row ? presentContact(row) : null;
      },
    },

    staff: {
      // The CRM's own session may be absent (a route mounted before it) or belong to nobody.
      async current(req: Request) {
        const signedIn = readStaffUser(req);
        if (signedIn === null) return null;
        // The CRM's session id is replaced at sign-in (regenerateSession): the portal's staff CSRF
        // token rotates with it.
        const sessionId = crmSession(req)?.id;
        const sessionKey = typeof sessionId === 'string' && sessionId !== '' ? { sessionKey: sessionId } : {};
        // The CRM's loadStaff already read this staff user for the request: no second query.
        const loaded = req.res ? currentStaff(req.res) : null;
        if (loaded && loaded.id === signedIn.id && loaded.workspaceId === signedIn.workspaceId) {
          return {
            id: toHostId(loaded.id),
            workspaceId: toHostId(loaded.workspaceId),
            name: loaded.name,
            email: loaded.email,
            role: loaded.role,
            ...sessionKey,
          };
        }
        const row = await findStaffWithWorkspace(db, signedIn);
        return row ? { ...presentStaff(row), ...sessionKey } : null;
      },
      // The session current() read (its id is the sessionKey) still names this staff user, and the
      // CRM still has them: a sign-out deletes the row, a removed staff user has none. One query
      // for every staff stream the instance has open.
      async stillSignedIn(staff) {
        const asked = staff.map((person) => ({
          sid: person.sessionKey,
          workspaceId: parseId(person.workspaceId),
          staffUserId: parseId(person.id),
        }));
        const sessions = asked.filter(
          (a): a is { sid: string; workspaceId: number; staffUserId: number } =>
            !!a.sid && a.workspaceId !== null && a.staffUserId !== null,
        );
        const signedIn = new Set(
          (await findSignedInStaff(db, { sessions, now: new Date() })).map((row) => `${row.sid} ${row.workspace_id} ${row.id}`),
        );
        return asked.map((a) => signedIn.has(`${a.sid} ${a.workspaceId} ${a.staffUserId}`));
      },
      async list(workspaceId) {
        const ws = parseId(workspaceId);
        if (ws === null) return [];
        return (await listStaff(db, { workspaceId: ws })).map(presentStaff);
      },
      listAdmins: listAdminsPort(db),
    },

    documents: {
      async list(workspaceId, clientId, filter, page) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const none = { items: [], next: null };
        if (ws === null || client === null) return none;
        let record: { type: string; id: number } | undefined;
        if (filter.record) {
          const id = parseId(filter.record.id);
          if (id === null || !['proposal', 'quotation', 'invoice', 'project'].includes(filter.record.type)) return none;
          record = { type: filter.record.type, id };
        }
        const key = dateKeyOf(page.after);
        if (key === 'invalid') return none;
        const after = key && { createdAt: key.date, id: key.id };
        const limit = pageLimit(page.limit);
        const rows = await listSharedDocuments(db, {
          workspaceId: ws,
          clientId: client,
          ...(record ? { record } : {}),
          ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
          ...(after ? { after } : {}),
          limit: limit + 1,
        });
        const items = rows.slice(0, limit);
        const last = items[items.length - 1];
        return {
          items: items.map(presentDocument),
          next: rows.length > limit && last ? encodeCursor([last.created_key, last.id]) : null,
        };
      },
      async open(workspaceId, clientId, documentId) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const id = parseId(documentId);
        if (ws === null || client === null || id === null) return null;
        const head = await findSharedDocumentHead(db, { workspaceId: ws, clientId: client, documentId: id });
        if (!head) return null;
        const size = Number(head.size_bytes);
        let offset = 1;
        // Each read is its own short query: nothing holds a transaction (or the embedded
        // database's one session) open while a slow client downloads.
        const content = new Readable({
          highWaterMark: DOCUMENT_CHUNK_BYTES,
          read() {
            if (offset > size) return void this.push(null);
            readSharedDocumentChunk(db, { workspaceId: ws, clientId: client, documentId: id, offset, length: DOCUMENT_CHUNK_BYTES }).then(
              (chunk) => {
                if (chunk === null) return this.destroy(new Error('the document stopped being shared during the download'));
                offset += DOCUMENT_CHUNK_BYTES;
                this.push(chunk.length > 0 ? chunk : null);
              },
              (err: Error) => this.destroy(err),
            );
          },
        });
        const record = head.record_type && head.record_id !== null ? { type: head.record_type, id: toHostId(head.record_id) } : null;
        return { name: head.filename, contentType: head.content_type, sizeBytes: size, content, record };
      },
      async accept(workspaceId, clientId, file) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        // The CRM keeps a document as one bytea, so it takes what its own upload form takes.
        if (
          ws === null ||
          client === null ||
          file.sizeBytes > MAX_UPLOAD_BYTES ||
          !(await findClient(db, { workspaceId: ws, clientId: client }))
        ) {
          file.content.destroy();
          return null;
        }
        const parts: Buffer[] = [];
        let size = 0;
        for await (const part of file.content) {
          size += (part as Buffer).length;
          if (size > MAX_UPLOAD_BYTES) {
            file.content.destroy();
            return null;
          }
          parts.push(part as Buffer);
        }
        const id = await insertDocument(db, {
          workspaceId: ws,
          clientId: client,
          filename: file.name,
          contentType: file.contentType,
          content: Buffer.concat(parts, size),
          sharedWithClient: false,
        });
        return { id: toHostId(id) };
      },
    },

    projects: {
      async list(workspaceId, clientId, contactId, filter, page) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const none = { items: [], next: null };
        if (ws === null || client === null || parseId(contactId) === null) return none;
        // The cursor carries the status rank plus one, as a cursor's numbers are positive.
        const key = page.after ? decodeCursor(page.after, ['number', 'date', 'number']) : null;
        if (page.after && !key) return none;
        const limit = pageLimit(page.limit);
        const rows = await listClientProjects(db, {
          workspaceId: ws,
          clientId: client,
          status: filter.state === 'all' ? null : PROJECT_STATUS[filter.state],
          ...(filter.search ? { search: filter.search } : {}),
          ...(key ? { after: { rank: (key[0] as number) - 1, start: key[1] as string, id: key[2] as number } } : {}),
          limit: limit + 1,
        });
        const items = rows.slice(0, limit);
        const last = items[items.length - 1];
        return {
          items: items.map(presentProject),
          next: rows.length > limit && last ? encodeCursor([projectRank(last.status) + 1, last.start_date ?? '0001-01-01', last.id]) : null,
        };
      },
      async find(workspaceId, clientId, contactId, projectId) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const contact = parseId(contactId);
        const id = parseId(projectId);
        if (ws === null || client === null || contact === null || id === null) return null;
        const row = await findClientProject(db, { workspaceId: ws, clientId: client, projectId: id });
        if (!row) return null;
        const [phases, tasks] = await Promise.all([
          listProjectPhases(db, { workspaceId: ws, projectId: id }),
          listProjectTasks(db, { workspaceId: ws, clientId: client, contactId: contact, projectId: id }),
        ]);
        return {
          ...presentProject(row),
          description: row.description,
          phases: phases.map((phase) => ({
            id: toHostId(phase.id),
            name: phase.name,
            progressPercent: progress(phase.tasks_done, phase.tasks_total),
            startDate: phase.start_date,
            endDate: phase.end_date,
            tasks: tasks.filter((task) => task.phase_id === phase.id).map(presentProjectTask),
          })),
          tasks: tasks.filter((task) => task.phase_id === null).map(presentProjectTask),
        };
      },
      async countActive(workspaceId, clientId, contactId) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        if (ws === null || client === null || parseId(contactId) === null) return 0;
        return countActiveClientProjects(db, { workspaceId: ws, clientId: client, countLimit: SUMMARY_COUNT_LIMIT + 1 });
      },
    },

    tasks: {
      async list(workspaceId, clientId, contactId, filter, page) {
        const scope = { workspaceId: parseId(workspaceId), clientId: parseId(clientId), contactId: parseId(contactId) };
        const none = { items: [], next: null };
        if (scope.workspaceId === null || scope.clientId === null || scope.contactId === null) return none;
        const base = {
          workspaceId: scope.workspaceId,
          clientId: scope.clientId,
          contactId: scope.contactId,
          ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
        };
        const limit = pageLimit(page.limit);
        let rows: ClientTaskRow[];
        if (filter.status === 'open') {
          const key = dateKeyOf(page.after);
          if (key === 'invalid') return none;
          rows = await listOpenTasks(db, {
            ...base,
            ...(key ? { after: { due: key.date, id: key.id } } : {}),
            limit: limit + 1,
          });
        } else {
          const key = dateKeyOf(page.after);
          if (key === 'invalid') return none;
          rows = await listDoneTasks(db, {
            ...base,
            ...(key ? { after: { completedAt: key.date, id: key.id } } : {}),
            limit: limit + 1,
          });
        }
        const items = rows.slice(0, limit);
        const last = items[items.length - 1];
        let next: string | null = null;
        if (rows.length > limit && last) {
          next =
            filter.status === 'open'
              ? encodeCursor([last.due_date ?? '9999-12-31', last.id])
              : encodeCursor([last.completed_key ?? new Date(0).toISOString(), last.id]);
        }
        return { items: items.map((row) => presentTask(row, base.contactId)), next };
      },
      async find(workspaceId, clientId, contactId, taskId) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const contact = parseId(contactId);
        const id = parseId(taskId);
        if (ws === null || client === null || contact === null || id === null) return null;
        const row = await findClientTask(db, { workspaceId: ws, clientId: client, contactId: contact, taskId: id });
        return row ? presentTask(row, contact) : null;
      },
      async setStatus(workspaceId, clientId, contactId, taskId, status) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const contact = parseId(contactId);
        const id = parseId(taskId);
        if (ws === null || client === null || contact === null || id === null) return null;
        const scope = { workspaceId: ws, clientId: client, contactId: contact, taskId: id };
        if (!(await setClientTaskStatus(db, { ...scope, done: status === 'done' }))) return null;
        const row = await findClientTask(db, scope);
        return row ? presentTask(row, contact) : null;
      },
    },

    summaries: {
      async forClient(workspaceId, clientId, contactId) {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const contact = parseId(contactId);
        if (ws === null || client === null || contact === null) return EMPTY_SUMMARY;
        return presentSummary(
          await clientSummary(db, {
            workspaceId: ws,
            clientId: client,
            contactId: contact,
            today: overdueFrom(),
            countLimit: SUMMARY_COUNT_LIMIT + 1,
          }),
        );
      },

      // The summary and the first rows of each list asked for, in one statement (dashboardReads).
      async forDashboard(workspaceId, clientId, contactId, ask: DashboardAsk): Promise<DashboardData> {
        const ws = parseId(workspaceId);
        const client = parseId(clientId);
        const contact = parseId(contactId);
        const asked = <T>(wanted: boolean, items: T[]) => (wanted ? items : null);
        if (ws === null || client === null) {
          return {
            summary: EMPTY_SUMMARY,
            proposals: asked(ask.proposals, []),
            quotations: asked(ask.quotations, []),
            invoices: asked(ask.invoices, []),
            documents: asked(ask.documents, []),
            tasks: asked(ask.tasks, []),
            activeProjects: ask.projects ? 0 : null,
            tickets: ask.tickets ? { open: 0, waiting: 0 } : null,
            appointments: ask.appointments ? [] : null,
          };
        }
        const read = await dashboardReads(
          db,
          { ask, withContact: contact !== null },
          { workspaceId: ws, clientId: client, contactId: contact ?? 0, today: overdueFrom(), now: new Date().toISOString() },
        );
        const rows = <T>(name: string) => (read[name] as T[] | undefined) ?? null;
        return {
          summary: read.summary ? presentSummary(summaryFromRow(read.summary as SummaryRow)) : EMPTY_SUMMARY,
          proposals: rows<PortalOfferRow>('proposals')?.map((row) => presentOffer('proposal', row)) ?? null,
          quotations: rows<PortalOfferRow>('quotations')?.map((row) => presentOffer('quotation', row)) ?? null,
          invoices: rows<PortalInvoiceRow>('invoices')?.map(presentInvoice) ?? null,
          documents: rows<SharedDocumentRow>('documents')?.map(presentDocument) ?? null,
          tasks: asked(ask.tasks, rows<ClientTaskRow>('tasks')?.map((row) => presentTask(row, contact!)) ?? []),
          activeProjects: ask.projects ? ((read.projects as { n: number } | undefined)?.n ?? 0) : null,
          tickets: ask.tickets ? ((read.tickets as { open: number; waiting: number } | undefined) ?? { open: 0, waiting: 0 }) : null,
          appointments: ask.appointments ? (rows<AppointmentRow>('appointments')?.map((row) => presentAppointment(row)) ?? []) : null,
        };
      },
    },

    // Reads live in portal-commercial.ts, a client's decision in portal-decisions.ts; a payment is
    // not bound in this CRM yet and refuses loudly rather than pretend to have written.
    offers: {
      ...offerReads(db),
      ...referenceOfferDecisions(db),
    },
    tickets: referenceTickets(db),
    knowledgeBase: referenceKnowledgeBase(db),
    orders: referenceOrders(db),
    requests: referenceRequests(db),
    appointments: referenceAppointments(db),
    approvals: referenceApprovals(db),
    companyDetails: referenceCompanyDetails(db),
    devices: referenceDevices(db),
    contracts: referenceContracts(db),
    invoices: {
      ...invoiceReads(db),
      // A payment from the portal (adapter-payments.ts), in the caller's transaction.
      recordPayment: recordPaymentPort(db),
    },
  };
}
