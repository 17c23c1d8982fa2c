// The reference CRM's service and quote requests as the portal's ServiceRequestsPort sees them: the
// published definitions with their forms, a client's requests (the company's: the CRM shows a
// company's requests to each of its people), their history, the agency's answer and the quotation
// made in answer. Every call scoped by workspace and client.
import type { RequestDefinition, RequestDetail, RequestState, RequestSummary, ServiceRequestsPort } from '../../../src/index.ts';
import { parseId, toHostId } from '../ids.ts';
import { inLanguage } from '../in-language.ts';
import { parseFields } from '../request-fields.ts';
import { findClient } from '../queries/clients.ts';
import { findContact } from '../queries/contacts.ts';
import type { Db } from '../queries/db.ts';
import {
  findRequestDefinition,
  findRequestOfQuotation,
  findServiceRequest,
  insertServiceRequest,
  listRequestDefinitions,
  listRequestStatusChanges,
  listServiceRequests,
  type RequestDefinitionRow,
  type RequestStatus,
  type ServiceRequestRow,
} from '../queries/service-requests.ts';
import { dateKeyOf, encodeCursor, pageLimit } from './cursor.ts';

/** How each of the CRM's statuses reads in the portal's words. */
const REQUEST_STATE: Record<RequestStatus, RequestState> = {
  submitted: 'submitted',
  in_review: 'inReview',
  answered: 'answered',
  closed: 'closed',
};

/** A definition in the reader's `languages` where the agency wrote it in them: name, description, the form's labels. */
function presentDefinition(row: RequestDefinitionRow, languages: readonly string[]): RequestDefinition {
  return {
    id: toHostId(row.id),
    name: inLanguage(row.name, row.names, languages),
    description: inLanguage(row.description, row.descriptions, languages),
    category: row.category,
    icon: row.icon,
    kind: row.kind,
    fields: parseFields(row.fields, languages),
  };
}

function presentSummary(row: ServiceRequestRow): RequestSummary {
  return {
    id: toHostId(row.id),
    ref: row.ref,
    title: row.title,
    kind: row.kind,
    state: REQUEST_STATE[row.status],
    statusLabel: null,
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
  };
}

export function referenceRequests(db: Db): ServiceRequestsPort {
  const ids = (workspaceId: string, clientId: string) => {
    const ws = parseId(workspaceId);
    const client = parseId(clientId);
    return ws === null || client === null ? null : { ws, client };
  };

  return {
    // The CRM's own page of a request shows its thread and takes replies (the requestThread hooks).
    staffReadsThread: true,

    // The CRM's own page of it, on the origin that serves the portal's staff pages too.
    staffPageOf(id) {
      const rowid = parseId(id);
      return rowid === null ? null : `/requests/${rowid}`;
    },

    async definitions(workspaceId, _clientId, _contactId, languages = []) {
      const ws = parseId(workspaceId);
      if (ws === null) return [];
      return (await listRequestDefinitions(db, { workspaceId: ws, publishedOnly: true })).map((row) => presentDefinition(row, languages));
    },

    async definition(workspaceId, _clientId, _contactId, definitionId, languages = []) {
      const ws = parseId(workspaceId);
      const id = parseId(definitionId);
      if (ws === null || id === null) return null;
      const row = await findRequestDefinition(db, { workspaceId: ws, definitionId: id, publishedOnly: true });
      return row ? presentDefinition(row, languages) : null;
    },

    async submit(workspaceId, clientId, contactId, request, write) {
      const run = write?.trx ?? db;
      const scope = ids(workspaceId, clientId);
      const contact = parseId(contactId);
      const definitionId = parseId(request.definitionId);
      if (!scope || contact === null || definitionId === null) return null;
      // One after another: inside the caller's transaction the statements share one connection.
      const person = await findContact(run, { workspaceId: scope.ws, contactId: contact });
      const client = await findClient(run, { workspaceId: scope.ws, clientId: scope.client });
      const definition = await findRequestDefinition(run, { workspaceId: scope.ws, definitionId, publishedOnly: true });
      if (!person || person.client_id !== scope.client || !client || !definition) return null;
      const fields = parseFields(definition.fields);
      // Only the form's own keys are kept: the portal checked them against the same fields.
      const payload = Object.fromEntries(fields.filter((f) => f.key in request.answers).map((f) => [f.key, request.answers[f.key]]));
      const { id } = await insertServiceRequest(run, {
        workspaceId: scope.ws,
        definitionId,
        clientId: scope.client,
        contactId: contact,
        title: definition.name,
        kind: definition.kind,
        fields,
        payload,
      });
      const row = await findServiceRequest(run, { workspaceId: scope.ws, clientId: scope.client, requestId: id });
      return row ? presentSummary(row) : null;
    },

    async list(workspaceId, clientId, _contactId, filter, page) {
      const scope = ids(workspaceId, clientId);
      const none = { items: [], next: null };
      if (!scope) return none;
      const key = dateKeyOf(page.after);
      if (key === 'invalid') return none;
      const limit = pageLimit(page.limit);
      const search = filter.search?.trim();
      const rows = await listServiceRequests(db, {
        workspaceId: scope.ws,
        clientId: scope.client,
        ...(search ? { search } : {}),
        ...(key ? { after: { submittedAt: key.date, id: key.id } } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map(presentSummary),
        next: rows.length > limit && last ? encodeCursor([last.submitted_at.toISOString(), last.id]) : null,
      };
    },

    async find(workspaceId, clientId, _contactId, requestId): Promise<RequestDetail | null> {
      const scope = ids(workspaceId, clientId);
      const id = parseId(requestId);
      if (!scope || id === null) return null;
      const row = await findServiceRequest(db, { workspaceId: scope.ws, clientId: scope.client, requestId: id });
      if (!row) return null;
      const changes = await listRequestStatusChanges(db, { workspaceId: scope.ws, requestId: id });
      const payload = (row.payload && typeof row.payload === 'object' ? row.payload : {}) as RequestDetail['answers'];
      return {
        ...presentSummary(row),
        fields: parseFields(row.fields),
        answers: payload,
        answer: row.answer,
        answeredAt: row.answered_at,
        history: changes.map((change) => ({ at: change.changed_at, state: REQUEST_STATE[change.to_status], statusLabel: null })),
        // A draft is the agency's until it sends it: the client's page names it once it is theirs to read.
        offer:
          row.quotation_id !== null && row.quotation_number !== null && row.quotation_status !== 'draft'
            ? { kind: 'quotation', id: toHostId(row.quotation_id), number: row.quotation_number }
            : null,
      };
    },

    async answeredBy(workspaceId, clientId, offer) {
      const scope = ids(workspaceId, clientId);
      const id = parseId(offer.id);
      if (!scope || id === null || offer.kind !== 'quotation') return null;
      const row = await findRequestOfQuotation(db, { workspaceId: scope.ws, clientId: scope.client, quotationId: id });
      return row ? presentSummary(row) : null;
    },
  };
}
